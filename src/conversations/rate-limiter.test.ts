import { describe, expect, it } from 'vitest';
import { createMemoryRateLimiter } from './rate-limiter.ts';

let seq = 0;
/** A new event, written at `at` (ms). */
const event = (at: number) => ({ id: `e${++seq}`, at });

describe('memory rate limiter', () => {
  it('allows `limit` events per person in any minute, not counting the refused ones', () => {
    const limiter = createMemoryRateLimiter();
    const at = (seconds: number) => seconds * 1000;
    const allow = (key: string, s: number) => limiter.allow(key, 2, event(at(s)), at(s));
    expect([0, 10, 20].map((s) => allow('a', s))).toEqual([true, true, false]);
    expect(allow('b', 20)).toBe(true); // Another person has a window of their own.
    // At 61 s the event of 0 s has left the window, and the one refused at 20 s was never counted.
    expect(allow('a', 61)).toBe(true);
    expect(allow('a', 65)).toBe(false); // 10 s and 61 s.
    expect(allow('a', 70.5)).toBe(true); // Only 61 s is left.
  });

  it('answers `limit` a minute to a person who keeps writing faster, with a long history as with a short one', () => {
    const limiter = createMemoryRateLimiter();
    // 10 events per second for 3 minutes against a limit of 100 per minute: the first 10 s of each minute pass.
    const allowed: number[] = [];
    for (let i = 0; i < 1800; i++) if (limiter.allow('a', 100, event(i * 100), i * 100)) allowed.push(i);
    expect(allowed).toHaveLength(300);
    expect([allowed[99], allowed[100], allowed[199], allowed[200]]).toEqual([99, 600, 699, 1200]);
  });

  it('applies a changed limit at once, to the events it allowed before', () => {
    const limiter = createMemoryRateLimiter();
    const allow = (limit: number, s: number) => limiter.allow('a', limit, event(s * 1000), s * 1000);
    expect([0, 1, 2, 3, 4].map((s) => allow(10, s))).toEqual([true, true, true, true, true]);
    expect(allow(3, 5)).toBe(false);
    expect(allow(5, 6)).toBe(false); // Five in the minute, lowered from 10 or not.
    expect(allow(6, 7)).toBe(true);
    expect(allow(3, 62.5)).toBe(false); // 3, 4 and 7 s.
    expect(allow(3, 63.5)).toBe(true); // 4 and 7 s.
  });

  it('counts a backlog by when the person wrote, however late it is handled', () => {
    const limiter = createMemoryRateLimiter();
    const wrote = (seconds: number) => event(seconds * 1000);
    const hourLater = 3600 * 1000;
    // Three messages in 20 s, handled an hour later (after an outage) between another person's new ones.
    expect(limiter.allow('a', 2, wrote(0), hourLater)).toBe(true);
    expect(limiter.allow('b', 2, wrote(3600), hourLater + 1)).toBe(true);
    expect(limiter.allow('a', 2, wrote(10), hourLater + 2)).toBe(true);
    expect(limiter.allow('a', 2, wrote(20), hourLater + 3)).toBe(false);
    // Handled within a millisecond, but written two minutes apart: both allowed.
    expect(limiter.allow('c', 1, wrote(0), hourLater)).toBe(true);
    expect(limiter.allow('c', 1, wrote(120), hourLater + 1)).toBe(true);
  });

  it('counts an event handled out of the order it was written in by when it was written', () => {
    const limiter = createMemoryRateLimiter();
    const allow = (limit: number, s: number, handledAt: number) =>
      limiter.allow('a', limit, event(s * 1000), handledAt);
    // Written at 30 s, then one written at 0 s handled after it (another process took it, a dead event replayed).
    expect(allow(2, 30, 0)).toBe(true);
    expect(allow(2, 0, 1)).toBe(true);
    // At 65 s the one of 0 s has left the window: only 30 s is left in it.
    expect(allow(2, 65, 2)).toBe(true);
    expect(allow(2, 70, 3)).toBe(false); // 30 and 65 s.
  });

  it('refuses an event that came late when a minute after it would then hold more than the limit', () => {
    const limiter = createMemoryRateLimiter();
    const allow = (s: number) => limiter.allow('a', 2, event(s * 1000), 0);
    expect([100, 140].map(allow)).toEqual([true, true]);
    expect(allow(95)).toBe(false); // 95, 100 and 140 s in the minute up to 140 s.
    expect(allow(35)).toBe(true); // 100 s is more than a minute after it: no minute holds both.
  });

  it('answers an event replayed after it went dead by the minute it was written in, not by the minute it is in now', () => {
    const limiter = createMemoryRateLimiter();
    const hour = 3600 * 1000;
    const lost = event(0);
    expect(limiter.allow('a', 1, lost, 0)).toBe(true); // Its turn then failed for good: a dead event.
    expect(limiter.allow('a', 1, event(1000), 1000)).toBe(false);
    // Replayed half a minute later: counted once, with the answer it had.
    expect(limiter.allow('a', 1, lost, 30_000)).toBe(true);
    expect(limiter.allow('a', 1, event(40_000), 40_000)).toBe(false);
    // An hour later the person writes again, then the dead event is replayed once more: its minute held nothing else.
    expect(limiter.allow('a', 1, event(hour), hour)).toBe(true);
    expect(limiter.allow('a', 1, lost, hour + 1)).toBe(true);
    expect(limiter.allow('a', 1, event(hour + 2), hour + 2)).toBe(false);
  });

  it('counts an event tried again once, with the answer of its first try', () => {
    const limiter = createMemoryRateLimiter();
    const first = event(0);
    expect(limiter.allow('a', 1, first, 0)).toBe(true);
    expect(limiter.allow('a', 1, first, 1000)).toBe(true); // Its retry after a failure.
    const second = event(1);
    expect(limiter.allow('a', 1, second, 1001)).toBe(false);
    expect(limiter.allow('a', 1, second, 2000)).toBe(false);
  });

  it('remembers a person through a turn as long as a model may take, and forgets them after five minutes', () => {
    const limiter = createMemoryRateLimiter();
    expect(limiter.allow('a', 1, event(0), 0)).toBe(true);
    // Written at 1 ms, handled three minutes later behind a model's slow turn: still in the minute of the first.
    expect(limiter.allow('b', 1, event(180_000), 180_000)).toBe(true);
    expect(limiter.allow('a', 1, event(1), 180_001)).toBe(false);
    // Another person's event five minutes later sweeps the list of the first; written at 2 ms, this one is then
    // counted alone (the sweep is for memory: a person idle that long on the processing clock has nothing left).
    expect(limiter.allow('b', 1, event(480_002), 480_002)).toBe(true);
    expect(limiter.allow('a', 1, event(2), 480_003)).toBe(true);
  });
});
