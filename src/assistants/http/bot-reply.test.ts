import { describe, expect, it } from 'vitest';
import { checkBotReply } from './bot-reply.ts';
import { TURN_LIMITS } from './turn-limits.ts';

describe("a bot's answer", () => {
  it('is cut to what one turn may send: 25 responses, 60 s of pauses; what is over is reported by its index', () => {
    const responses = [
      { type: 'pause', ms: 40_000 },
      { type: 'text' }, // invalid: no text
      { type: 'pause', ms: 30_000 }, // would pass 60 s
      ...Array.from({ length: 30 }, (_, i) => ({ type: 'text', text: `message ${i}` })),
    ];
    const checked = checkBotReply({ responses });
    if (!checked.ok) throw new Error(checked.reason);
    expect(checked.responses).toHaveLength(TURN_LIMITS.responses);
    expect(checked.responses.slice(0, 2)).toEqual([
      { type: 'pause', ms: 40_000, typing: true },
      { type: 'text', text: 'message 0' },
    ]);
    const reasons = checked.dropped.map((d) => `${d.index}: ${d.reason}`);
    expect(reasons[1]).toBe('2: pauses over 60 s in one turn');
    expect(reasons.slice(2)).toEqual(
      [27, 28, 29, 30, 31, 32].map((i) => `${i}: over the 25 responses a turn may send`),
    );
  });

  it('is cut between words at the text one turn may send, so that a huge text does not become hundreds of messages', () => {
    const sentence = 'Thank you for your order, it ships tomorrow. ';
    const long = sentence.repeat(1_000); // 45,000 characters
    const checked = checkBotReply({
      responses: [
        { type: 'text', text: long },
        { type: 'text', text: long },
        { type: 'text', text: 'after the limit' },
      ],
    });
    if (!checked.ok) throw new Error(checked.reason);
    const [first, second, ...rest] = checked.responses as { text: string }[];
    expect(first?.text).toBe(long);
    expect(second?.text.length).toBeLessThanOrEqual(TURN_LIMITS.textLength - long.length);
    expect(second?.text.length).toBeGreaterThan(TURN_LIMITS.textLength - long.length - 20);
    expect(long.startsWith(second?.text ?? '')).toBe(true);
    expect(second?.text).toMatch(/\w$/);
    expect(rest).toEqual([]);
    expect(checked.dropped.map((d) => `${d.index}: ${d.reason}`)).toEqual([
      '1: text over the 50000 characters a turn may send',
      '2: text over the 50000 characters a turn may send',
    ]);
  });

  it('fails when its context could not be stored: the fallback answers, instead of the turn failing after it', () => {
    let context: Record<string, unknown> = {};
    for (let i = 0; i < 20_000; i++) context = { c: context };
    expect(checkBotReply({ responses: [{ type: 'text', text: 'hi' }], context })).toEqual({
      ok: false,
      reason: 'invalid answer: "context" is nested too deeply to store',
    });
  });

  it('keeps a hand-over that comes after the responses one turn may send', () => {
    const responses = [
      ...Array.from({ length: 30 }, (_, i) => ({ type: 'text', text: `message ${i}` })),
      { type: 'connect_to_agent', reason: 'asked for a refund' },
    ];
    const checked = checkBotReply({ responses });
    if (!checked.ok) throw new Error(checked.reason);
    expect(checked.responses).toHaveLength(TURN_LIMITS.responses + 1);
    expect(checked.responses.at(-1)).toEqual({ type: 'connect_to_agent', reason: 'asked for a refund' });
    expect(checked.dropped.map((d) => d.index)).toEqual([25, 26, 27, 28, 29]);
  });

  it('reads the first 100 responses and a hand-over after them, not the rest of an answer full of junk', () => {
    const responses = [
      ...Array.from({ length: 5 }, (_, i) => ({ type: 'text', text: `message ${i}` })),
      ...Array.from({ length: 200_000 }, () => ({})),
      { type: 'connect_to_agent', reason: 42 }, // repaired: the reason must be text
    ];
    const checked = checkBotReply({ responses });
    if (!checked.ok) throw new Error(checked.reason);
    expect(checked.responses).toEqual([
      ...Array.from({ length: 5 }, (_, i) => ({ type: 'text', text: `message ${i}` })),
      { type: 'connect_to_agent' },
    ]);
    expect(checked.repaired.map((r) => r.index)).toEqual([200_005]);
    expect(checked.dropped).toHaveLength(96);
    expect(checked.droppedCount).toBe(200_000);
    expect(checked.dropped.slice(0, 95).map((d) => d.index)).toEqual([...Array(95).keys()].map((i) => i + 5));
    expect(checked.dropped.at(-1)).toEqual({
      index: 100,
      reason: 'one of 199905 responses past the first 100, not read',
    });
  });
});
