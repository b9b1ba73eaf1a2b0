import { describe, expect, it } from 'vitest';
import { backoffDelay, parseRetryAfter } from './retry-delay.ts';

describe('backoffDelay', () => {
  it('doubles the delay for each retry, between half and all of it', () => {
    expect(backoffDelay(0, { baseMs: 100, random: () => 0 })).toBe(50);
    expect(backoffDelay(0, { baseMs: 100, random: () => 1 })).toBe(100);
    expect(backoffDelay(2, { baseMs: 100, random: () => 0 })).toBe(200);
    expect(backoffDelay(2, { baseMs: 100, random: () => 1 })).toBe(400);
  });

  it('never waits longer than the cap', () => {
    expect(backoffDelay(20, { baseMs: 100, maxMs: 1_000, random: () => 1 })).toBe(1_000);
  });

  it('uses 250 ms as the base by default', () => {
    expect(backoffDelay(0, { random: () => 1 })).toBe(250);
  });
});

describe('parseRetryAfter', () => {
  it('reads a number of seconds', () => {
    expect(parseRetryAfter('3')).toBe(3_000);
  });

  it('reads a fraction of a second as seconds, not as a date (Date.parse reads "1.5" as 5 January 2001)', () => {
    expect(parseRetryAfter('1.5')).toBe(1_500);
    expect(parseRetryAfter('120.0')).toBe(120_000);
  });

  it('reads an HTTP date relative to now', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:02 GMT', now)).toBe(2_000);
  });

  it('ignores a missing or unreadable value', () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
