import { describe, expect, it } from 'vitest';
import { createMemoryRateLimiter } from './rate-limiter.ts';

describe('memory rate limiter', () => {
  it('allows `limit` events per person in any minute, counting the refused ones too', () => {
    const limiter = createMemoryRateLimiter();
    const at = (seconds: number) => seconds * 1000;
    expect([0, 10, 20].map((s) => limiter.allow('a', 2, at(s)))).toEqual([true, true, false]);
    expect(limiter.allow('b', 2, at(20))).toBe(true); // Another person has a window of their own.
    // At 61 s the event of 0 s has left the window; those of 10 s (allowed) and 20 s (refused) have not.
    expect(limiter.allow('a', 2, at(61))).toBe(false);
    expect(limiter.allow('a', 2, at(80.5))).toBe(true); // Only 61 s is left: one more is allowed.
    expect(limiter.allow('a', 2, at(81))).toBe(false);
  });

  it('decides the same with a long history as with a short one', () => {
    const limiter = createMemoryRateLimiter();
    // 10 events per second for 3 minutes against a limit of 100 per minute: 10 s of each minute pass, then none.
    const allowed: number[] = [];
    for (let i = 0; i < 1800; i++) if (limiter.allow('a', 100, i * 100)) allowed.push(i);
    expect(allowed).toHaveLength(100);
    expect(allowed.at(-1)).toBe(99);
  });
});
