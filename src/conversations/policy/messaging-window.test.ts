import { describe, expect, it } from 'vitest';
import { decideSend, describeAge, type MessageTag, type SendAuthor } from './messaging-window.ts';

const NOW = Date.UTC(2025, 5, 10, 12, 0);
const MIN = 60_000;
const H = 60 * MIN;
const D = 24 * H;

const decide = (author: SendAuthor, ago: number | null, requestedTag?: MessageTag) =>
  decideSend({ author, lastInboundAt: ago === null ? null : NOW - ago, now: NOW, requestedTag });

describe('within 24 hours of the person’s last message', () => {
  it.each([
    ['bot', 0],
    ['bot', 23 * H + 59 * MIN],
    ['agent', 23 * H + 59 * MIN],
    ['bot', -2 * MIN],
  ] as const)('lets a %s answer %i ms later as an untagged RESPONSE', (author, ago) => {
    expect(decide(author, ago)).toEqual({ ok: true, messaging_type: 'RESPONSE' });
  });

  it('sends a business update as an untagged UPDATE: it answers nothing, and needs no tag inside the window', () => {
    expect(decide('system', 5 * MIN)).toEqual({ ok: true, messaging_type: 'UPDATE' });
    expect(decide('system', 2 * H, 'POST_PURCHASE_UPDATE')).toEqual({ ok: true, messaging_type: 'UPDATE' });
  });
});

describe('between 24 hours and 7 days', () => {
  it.each([24 * H, 24 * H + MIN, 3 * D, 6 * D + 23 * H, 7 * D - 1])(
    'lets an agent answer %i ms later with HUMAN_AGENT',
    (ago) => {
      expect(decide('agent', ago)).toEqual({ ok: true, messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    },
  );

  it('closes the standard window at exactly 24 hours', () => {
    expect(decide('bot', 24 * H - 1)).toEqual({ ok: true, messaging_type: 'RESPONSE' });
    expect(decide('bot', 24 * H).ok).toBe(false);
  });

  it('gives an agent HUMAN_AGENT whatever tag was asked for', () => {
    expect(decide('agent', 2 * D, 'ACCOUNT_UPDATE')).toMatchObject({ tag: 'HUMAN_AGENT' });
  });

  it.each([undefined, 'HUMAN_AGENT', 'ACCOUNT_UPDATE'] as const)('blocks the bot (requested tag: %s)', (tag) => {
    expect(decide('bot', 24 * H + MIN, tag)).toEqual({
      ok: false,
      reason:
        'outside the 24-hour window: the person last wrote 24 hours ago; automated replies cannot be sent until they write again',
    });
  });
});

describe('after 7 days', () => {
  it.each([7 * D, 7 * D + H, 30 * D])('blocks an agent %i ms later', (ago) => {
    const decision = decide('agent', ago);
    expect(decision.ok).toBe(false);
    expect(decision).toMatchObject({ reason: expect.stringMatching(/agents may answer for 7 days only$/) });
  });

  it('says how long ago the person wrote', () => {
    expect(decide('agent', 7 * D + H)).toEqual({
      ok: false,
      reason: 'outside the 24-hour window: the person last wrote 7 days ago, and agents may answer for 7 days only',
    });
  });
});

describe('system notices outside the window', () => {
  it.each(['ACCOUNT_UPDATE', 'CONFIRMED_EVENT_UPDATE', 'POST_PURCHASE_UPDATE'] as const)(
    'sends with the %s tag',
    (tag) => {
      expect(decide('system', 10 * D, tag)).toEqual({ ok: true, messaging_type: 'MESSAGE_TAG', tag });
      expect(decide('system', null, tag)).toEqual({ ok: true, messaging_type: 'MESSAGE_TAG', tag });
    },
  );

  it('blocks a notice without a tag', () => {
    expect(decide('system', 26 * H)).toEqual({
      ok: false,
      reason:
        'outside the 24-hour window: the person last wrote 26 hours ago; a notice needs a message tag (account, event or purchase update)',
    });
  });

  it('never lets automation use HUMAN_AGENT', () => {
    expect(decide('system', 26 * H, 'HUMAN_AGENT')).toEqual({
      ok: false,
      reason:
        'outside the 24-hour window: the person last wrote 26 hours ago; the HUMAN_AGENT tag is for replies written by a person',
    });
  });
});

describe('someone who never wrote', () => {
  it.each([
    [
      'bot',
      undefined,
      'the person has never written to the page, so automated replies cannot be sent until they write again',
    ],
    ['agent', undefined, 'the person has never written to the page, so nothing can be sent until they write again'],
    ['agent', 'HUMAN_AGENT', 'the person has never written to the page, so nothing can be sent until they write again'],
    [
      'system',
      undefined,
      'the person has never written to the page, so a notice needs a message tag (account, event or purchase update)',
    ],
    [
      'system',
      'HUMAN_AGENT',
      'the person has never written to the page, so the HUMAN_AGENT tag is for replies written by a person',
    ],
  ] as const)('blocks a %s message (tag %s)', (author, tag, reason) => {
    expect(decide(author, null, tag)).toEqual({ ok: false, reason });
  });
});

describe('describeAge', () => {
  it.each([
    [30 * 1000, '0 minutes'],
    [MIN, '1 minute'],
    [59 * MIN, '59 minutes'],
    [H, '1 hour'],
    [26 * H + 59 * MIN, '26 hours'],
    [71 * H, '71 hours'],
    [72 * H, '3 days'],
    [8 * D + 5 * H, '8 days'],
  ])('writes %i ms as “%s”', (ms, text) => {
    expect(describeAge(ms)).toBe(text);
  });
});
