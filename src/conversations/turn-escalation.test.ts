import { describe, expect, it } from 'vitest';
import { defaultPageSettings } from '../config/page-settings.ts';
import type { InboundEvent } from './inbound-event.ts';
import { readText } from './policy/escalation.ts';
import type { Conversation, Session } from './ports.ts';
import { escalationOf, textReadingOf, throttledEscalationOf } from './turn-escalation.ts';

const NOW = Date.UTC(2025, 5, 2, 12, 0);
const session = (state: Record<string, unknown>): Session => ({
  id: 's1',
  context: {},
  state,
  started_at: NOW - 600_000,
  last_activity_at: NOW - 60_000,
});
const say = (s: Session, text: string, at = NOW) => escalationOf({ kind: 'text', text }, s, defaultPageSettings, at);
/** A message event from person u1 to page p1, with `fields`. */
const message = (fields: Record<string, unknown>) =>
  ({
    kind: 'message',
    page_id: 'p1',
    user_id: 'u1',
    key: 'm1',
    mid: 'm1',
    timestamp: NOW,
    standby: false,
    attachments: [],
    ...fields,
  }) as InboundEvent;

describe('escalationOf', () => {
  it('remembers messages folded and escalates the third of the same message', () => {
    const s = session({});
    expect(say(s, 'Where is my ORDER?', NOW - 120_000)).toBeUndefined();
    expect(say(s, 'where is my order', NOW - 60_000)).toBeUndefined();
    expect(s.state.recent_inbound).toEqual([
      { folded: 'where is my order', at: NOW - 120_000 },
      { folded: 'where is my order', at: NOW - 60_000 },
    ]);
    expect(say(s, 'where is my order !')).toMatch(/^repeated_message/);
  });

  it('counts only what the person typed as a message repeated, not a button tapped again', () => {
    const s = session({});
    const tap = () =>
      escalationOf({ kind: 'choice', value: 'ORDER', text: 'Order status' }, s, defaultPageSettings, NOW);
    expect(tap()).toBeUndefined();
    expect(tap()).toBeUndefined();
    expect(say(s, 'order status')).toBeUndefined();
    expect(s.state.recent_inbound).toEqual([{ folded: 'order status', at: NOW }]);
  });

  it('goes by the text read ahead of the turn, and remembers it folded from that reading', () => {
    const s = session({});
    const reading = { ...readText('hello there'), asksForHuman: true, folded: 'read ahead' };
    const found = escalationOf({ kind: 'text', text: 'hello there' }, s, defaultPageSettings, NOW, reading);
    expect(found).toBe('asked_for_human: asked for a person: “hello there”');
    expect(s.state.recent_inbound).toEqual([{ folded: 'read ahead', at: NOW }]);
    // A reading of another text is left aside.
    expect(escalationOf({ kind: 'text', text: 'good morning' }, s, defaultPageSettings, NOW, reading)).toBeUndefined();
    expect((s.state.recent_inbound as unknown[]).at(-1)).toEqual({ folded: 'good morning', at: NOW });
  });

  it('reads the texts that sessions saved by earlier versions kept', () => {
    const s = session({
      recent_inbound: [
        { text: 'Où est ma commande ?', at: NOW - 120_000 },
        { text: 'ou est ma commande', at: NOW - 60_000 },
      ],
    });
    expect(say(s, 'Ou est ma commande')).toMatch(/^repeated_message/);
    expect((s.state.recent_inbound as unknown[]).at(-1)).toEqual({ folded: 'ou est ma commande', at: NOW });
  });
});

describe('throttledEscalationOf', () => {
  const conversation = (changes: Partial<Conversation> = {}): Conversation => ({
    id: 'c1',
    page_id: 'p1',
    contact_id: 'k1',
    routing: 'bot',
    paused_until: null,
    thread_elsewhere_since: null,
    flagged: false,
    flag_reason: null,
    last_inbound_at: NOW - 1000,
    ...changes,
  });
  const over = (event: InboundEvent, c = conversation()) => throttledEscalationOf(event, c, NOW);

  it('says a person asked for someone while over the rate limit', () => {
    expect(over(message({ text: '  I want to talk to a human ' }))).toBe(
      'asked_for_human: asked for a person while over the rate limit (not answered): “I want to talk to a human”',
    );
    expect(over(message({ text: 'agent please' }))).toMatch(/^asked_for_human: /);
  });

  it('looks for a typed request only: not shouting, a quick reply or a button tapped, a picture', () => {
    expect(over(message({ text: 'WHERE IS MY ORDER!!!' }))).toBeUndefined();
    expect(over(message({ text: 'talk to a human', quick_reply_payload: 'HUMAN' }))).toBeUndefined();
    expect(over(message({ attachments: [{ type: 'image', url: 'https://cdn.example/a.png' }] }))).toBeUndefined();
    const postback = { ...message({}), kind: 'postback', title: 'Talk to a human', payload: 'HUMAN' } as InboundEvent;
    expect(over(postback)).toBeUndefined();
  });

  it('goes by the text read ahead of the turn', () => {
    const reading = { ...readText('hello there'), asksForHuman: true };
    expect(throttledEscalationOf(message({ text: 'hello there' }), conversation(), NOW, reading)).toMatch(
      /^asked_for_human: /,
    );
    expect(throttledEscalationOf(message({ text: 'good morning' }), conversation(), NOW, reading)).toBeUndefined();
  });

  it('leaves a flag standing, and a conversation people have, as it is', () => {
    const asking = message({ text: 'talk to a human' });
    expect(over(asking, conversation({ flagged: true, flag_reason: 'shouting: wrote “!!!”' }))).toBeUndefined();
    expect(over(asking, conversation({ routing: 'human' }))).toBeUndefined();
    expect(over(asking, conversation({ routing: 'paused', paused_until: NOW + 60_000 }))).toBeUndefined();
    // A pause that has run out is the bot's again.
    expect(over(asking, conversation({ routing: 'paused', paused_until: NOW - 1 }))).toMatch(/^asked_for_human: /);
  });
});

describe('textReadingOf', () => {
  it('reads the text of a message the checks look at: typed, with or without an attachment', () => {
    expect(textReadingOf(message({ text: ' talk to a human ' }))).toEqual(readText('talk to a human'));
    const picture = { type: 'image', url: 'https://cdn.example/a.png' };
    expect(textReadingOf(message({ text: 'agent svp', attachments: [picture] }))?.asksForHuman).toBe(true);
  });

  it('reads nothing the checks leave alone: a quick reply, a postback, a message without text', () => {
    expect(textReadingOf(message({ text: 'talk to a human', quick_reply_payload: 'HUMAN' }))).toBeUndefined();
    expect(
      textReadingOf({ ...message({}), kind: 'postback', title: 'Talk to a human', payload: 'H' } as InboundEvent),
    ).toBeUndefined();
    expect(
      textReadingOf(message({ attachments: [{ type: 'image', url: 'https://cdn.example/a.png' }] })),
    ).toBeUndefined();
  });
});
