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

  it('counts the text of titles and hand-over messages too, so that they cannot become hundreds of messages', () => {
    const long = 'Thank you for your order, it ships tomorrow. '.repeat(2_000); // 90,000 characters
    const checked = checkBotReply({
      responses: [
        { type: 'text', text: 'Your order:' },
        { type: 'option', title: long, options: [{ label: 'OK', value: 'ok' }] },
        { type: 'image', url: 'https://example.com/a.png', description: long },
        { type: 'carousel', cards: [{ title: 'Mug', subtitle: long }] },
        { type: 'connect_to_agent', message: long, reason: 'refund' },
      ],
    });
    if (!checked.ok) throw new Error(checked.reason);
    const [text, handOver, ...rest] = checked.responses;
    expect(text).toEqual({ type: 'text', text: 'Your order:' });
    expect(handOver).toMatchObject({ type: 'connect_to_agent', reason: 'refund' });
    const message = handOver?.type === 'connect_to_agent' ? (handOver.message ?? '') : '';
    expect(message.length).toBeLessThanOrEqual(TURN_LIMITS.textLength - 'Your order:'.length);
    expect(message.length).toBeGreaterThan(TURN_LIMITS.textLength - 100);
    expect(long.startsWith(message)).toBe(true);
    expect(rest).toEqual([]);
    expect(checked.dropped.map((d) => `${d.index}: ${d.reason}`)).toEqual(
      [1, 2, 3, 4].map((i) => `${i}: text over the 50000 characters a turn may send`),
    );
  });

  it('sends at most 100 choices, buttons and cards in a turn, so that a list of thousands is not hundreds of carousels', () => {
    const cards = (count: number) => Array.from({ length: count }, (_, i) => ({ title: `Card ${i}`, subtitle: 'x' }));
    const choices = (count: number) => Array.from({ length: count }, (_, i) => ({ label: `${i}`, value: `${i}` }));
    const checked = checkBotReply({
      responses: [
        { type: 'carousel', cards: cards(3_000) },
        { type: 'card', title: 'Mug', buttons: choices(3_000) },
        { type: 'carousel', cards: cards(10) },
        { type: 'option', title: 'Pick one', options: choices(1_000) },
        { type: 'option', title: 'Pick one', options: choices(90) },
      ],
    });
    if (!checked.ok) throw new Error(checked.reason);
    expect(checked.responses.map((r) => r.type)).toEqual(['carousel', 'option']);
    expect(checked.dropped.map((d) => `${d.index}: ${d.reason}`)).toEqual(
      [0, 1, 3].map((i) => `${i}: over the 100 choices, buttons and cards a turn may send`),
    );
  });

  it('fails when nothing of it is within what a turn may send: the person gets the fallback, and the team knows', () => {
    const options = Array.from({ length: 200 }, (_, i) => ({ label: `${i}`, value: `${i}` }));
    expect(checkBotReply({ responses: [{ type: 'option', title: 'Pick one', options }] })).toEqual({
      ok: false,
      reason: 'invalid answer: no valid response (first: over the 100 choices, buttons and cards a turn may send)',
    });
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
