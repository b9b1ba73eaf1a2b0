import { describe, expect, it } from 'vitest';
import { describeSendKind, SEND_KINDS, tagOf } from './web/update-tags.js';

describe('what the reply box sends', () => {
  it('offers a reply first, then the three update tags the API takes', () => {
    expect(SEND_KINDS.map((kind) => [kind.tag, kind.label])).toEqual([
      ['', 'Reply'],
      ['ACCOUNT_UPDATE', 'Account update'],
      ['CONFIRMED_EVENT_UPDATE', 'Event update'],
      ['POST_PURCHASE_UPDATE', 'Purchase update'],
    ]);
  });

  it('sends a tag only for an update offered: a reply, HUMAN_AGENT or anything else carries none', () => {
    expect(tagOf('POST_PURCHASE_UPDATE')).toBe('POST_PURCHASE_UPDATE');
    for (const value of ['', 'HUMAN_AGENT', 'account_update', undefined, null]) expect(tagOf(value)).toBeUndefined();
  });

  it('says what an update is for and that it must not promote, and nothing for a reply', () => {
    expect(describeSendKind('CONFIRMED_EVENT_UPDATE', 'closed')).toBe(
      'For a reminder or a change about an event the person has registered for. Messenger forbids promotion in ' +
        'updates: no offers, discounts or ads.',
    );
    for (const kind of SEND_KINDS.slice(1)) expect(describeSendKind(kind.tag, 'agent')).toMatch(/^For .*promotion/);
    expect(describeSendKind(undefined, 'closed')).toBe('');
    expect(describeSendKind('HUMAN_AGENT', 'closed')).toBe('');
  });

  it('says that inside the 24-hour window an update goes without its tag, as the gateway sends it', () => {
    expect(describeSendKind('ACCOUNT_UPDATE', 'open')).toMatch(
      /While the 24-hour window is open it goes without the tag\.$/,
    );
    expect(describeSendKind('ACCOUNT_UPDATE', 'agent')).not.toContain('without the tag');
  });
});
