import { describe, expect, it } from 'vitest';
import { checkBotReply, TURN_LIMITS } from './bot-reply.ts';

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
});
