import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSendThrottle, type SendThrottleOptions, usageFactor } from './send-throttle.ts';

function setup(options: Partial<SendThrottleOptions> & { rate?: number } = {}) {
  const clock = { t: 1_000_000 };
  const rates = new Map<string, number>();
  const throttle = createSendThrottle({
    ratePerSecond: (pageId) => rates.get(pageId) ?? options.rate ?? 5,
    now: () => clock.t,
    ...options,
  });
  const delays = (pageId: string, n: number) => Array.from({ length: n }, () => throttle.delayFor(pageId));
  return { throttle, clock, rates, delays, advance: (ms: number) => (clock.t += ms) };
}

describe('token bucket', () => {
  it('lets a burst through, then spaces sends at the page rate', () => {
    const { delays } = setup({ rate: 5, burst: 3 });
    expect(delays('p1', 6)).toEqual([0, 0, 0, 200, 400, 600]);
  });

  it('answers with ever longer waits instead of refusing (back-pressure)', () => {
    const { delays } = setup({ rate: 10, burst: 1 });
    const waits = delays('p1', 100);
    expect(waits.at(-1)).toBe(9900);
    expect(waits.every((w, i) => i === 0 || w > (waits[i - 1] ?? 0))).toBe(true);
  });

  it('reserves each slot, so a caller that waited does not take the next one', () => {
    const { throttle, advance } = setup({ rate: 2, burst: 1 });
    expect(throttle.delayFor('p1')).toBe(0);
    expect(throttle.delayFor('p1')).toBe(500);
    advance(500);
    expect(throttle.delayFor('p1')).toBe(500);
  });

  it('refills after a quiet spell, up to the burst', () => {
    const { delays, advance } = setup({ rate: 5, burst: 3 });
    delays('p1', 6);
    advance(600 + 400); // the last slot, then two more slots' worth
    expect(delays('p1', 3)).toEqual([0, 0, 200]);
    advance(10_000);
    expect(delays('p1', 4)).toEqual([0, 0, 0, 200]);
  });

  it('paces pages independently', () => {
    const { delays } = setup({ rate: 1, burst: 1 });
    expect(delays('p1', 2)).toEqual([0, 1000]);
    expect(delays('p2', 2)).toEqual([0, 1000]);
  });

  it('defaults the burst to one second at the page rate', () => {
    const { delays } = setup({ rate: 50 });
    expect(delays('p1', 52).slice(48)).toEqual([0, 0, 20, 40]);
  });

  it('reads the page rate at every send', () => {
    const { delays, rates, advance, throttle } = setup({ burst: 1 });
    rates.set('p1', 1);
    expect(delays('p1', 2)).toEqual([0, 1000]);
    advance(2000);
    rates.set('p1', 4);
    expect(delays('p1', 3)).toEqual([0, 250, 500]);
    expect(throttle.state('p1')).toMatchObject({ baseRatePerSecond: 4, ratePerSecond: 4 });
  });
});

describe('usage scaling', () => {
  it.each([
    [0, 1],
    [75, 1],
    [80, 0.82],
    [87.5, 0.55],
    [95, 0.28],
    [100, 0.1],
    [140, 0.1],
  ])('scales the rate at %d %% usage by %d', (percent, factor) => {
    expect(usageFactor(percent)).toBeCloseTo(factor, 10);
  });

  it('slows a page by its highest usage figure', () => {
    const { throttle } = setup({ rate: 10 });
    throttle.onUsage('p1', { app: 20, page: 87.5, business: 50 });
    expect(throttle.state('p1')).toMatchObject({ usagePercent: 87.5, ratePerSecond: 5.5 });
    throttle.onUsage('p1', { business: 100 });
    expect(throttle.state('p1')).toMatchObject({ usagePercent: 100, ratePerSecond: 1 });
  });

  it('spaces sends at the scaled rate and shrinks the burst', () => {
    const { throttle, delays } = setup({ rate: 10, burst: 10 });
    throttle.onUsage('p1', { page: 100 });
    expect(delays('p1', 3)).toEqual([0, 1000, 2000]);
  });

  it('spaces audio and video sends at 10 a second, no burst, and holds up no other send of the page', () => {
    const { throttle } = setup({ rate: 50 });
    const media = Array.from({ length: 12 }, () => throttle.delayFor('p1', true));
    expect(media).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100]);
    // Text shares the page's bucket (50 a second, a burst of 50) but waits for no media slot.
    expect(throttle.delayFor('p1')).toBe(0);
    expect(throttle.delayFor('p2', true)).toBe(0);
  });

  it('slows audio and video with the rest at high usage', () => {
    const { throttle } = setup({ rate: 300 });
    throttle.onUsage('p1', { page: 100 });
    expect([throttle.delayFor('p1', true), throttle.delayFor('p1', true)]).toEqual([0, 1000]);
  });

  it('applies app usage to every page of the app, and to no page of another app', () => {
    const apps: Record<string, string> = { p1: 'a1', p2: 'a1', p3: 'a2' };
    const { throttle } = setup({ rate: 10, appOf: (pageId) => apps[pageId] });
    throttle.onUsage('p1', { app: 90 });
    expect(throttle.state('p2').ratePerSecond).toBeCloseTo(4.6, 10);
    expect(throttle.state('p3').ratePerSecond).toBe(10);
  });

  it('keeps page usage to its page', () => {
    const { throttle } = setup({ rate: 10 });
    throttle.onUsage('p1', { page: 100, business: 100 });
    expect(throttle.state('p2').ratePerSecond).toBe(10);
  });

  it('lets a lower figure replace a higher one, and forgets figures not reported for a minute', () => {
    const { throttle, advance } = setup({ rate: 10 });
    throttle.onUsage('p1', { page: 95, business: 90 });
    throttle.onUsage('p1', { page: 10 });
    expect(throttle.state('p1').usagePercent).toBe(90);
    advance(60_001);
    expect(throttle.state('p1')).toMatchObject({ usagePercent: 0, ratePerSecond: 10 });
  });

  it('pauses the page for the time Graph gives to regain access', () => {
    const { throttle } = setup({ rate: 10 });
    throttle.onUsage('p1', { business: 100, regain_access_ms: 7 * 60_000 });
    expect(throttle.delayFor('p1')).toBe(7 * 60_000);
  });
});

describe('pauses after rate-limit errors', () => {
  it('waits the time Graph asked for', () => {
    const { throttle, clock } = setup({ rate: 10, burst: 5 });
    throttle.onRateLimited('p1', 30_000);
    expect(throttle.state('p1')).toMatchObject({ pausedUntil: clock.t + 30_000, tokens: 0, rateLimitStreak: 1 });
    expect(throttle.delayFor('p1')).toBe(30_000);
    expect(throttle.delayFor('p2')).toBe(0);
  });

  it('resumes at the paced rate rather than in a burst', () => {
    const { throttle, delays } = setup({ rate: 10, burst: 5 });
    throttle.onRateLimited('p1', 2000);
    expect(delays('p1', 3)).toEqual([2000, 2100, 2200]);
  });

  it('doubles the pause from 1 s on further errors, up to 5 minutes', () => {
    const { throttle, clock, advance } = setup({ rate: 10 });
    const pauses: number[] = [];
    for (let i = 0; i < 11; i++) {
      throttle.onRateLimited('p1');
      const until = throttle.state('p1').pausedUntil ?? 0;
      pauses.push(until - clock.t);
      advance(until - clock.t + 100); // the pause ends, the next send fails again soon after
    }
    expect(pauses).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300].map((s) => s * 1000));
  });

  it('pauses every page of the app on an app-wide limit, and no page of another app', () => {
    const apps: Record<string, string> = { p1: 'a1', p2: 'a1', p3: 'a2' };
    const { throttle } = setup({ rate: 5, burst: 1, appOf: (pageId) => apps[pageId] });
    for (const page of ['p1', 'p2', 'p3']) expect(throttle.delayFor(page)).toBe(0);
    throttle.onRateLimited('p1', 2000, true);
    expect(['p1', 'p2', 'p3'].map((page) => throttle.delayFor(page))).toEqual([2000, 2000, 200]);
    throttle.onRateLimited('p3', 3000);
    expect(throttle.delayFor('p2')).toBe(2200);
  });

  it('counts errors from sends already in flight during a pause once', () => {
    const { throttle, clock } = setup({ rate: 10 });
    throttle.onRateLimited('p1');
    throttle.onRateLimited('p1');
    throttle.onRateLimited('p1');
    expect(throttle.state('p1')).toMatchObject({ pausedUntil: clock.t + 1000, rateLimitStreak: 1 });
  });

  it('lengthens a running pause when a later error says to wait longer', () => {
    const { throttle, clock } = setup({ rate: 10 });
    throttle.onRateLimited('p1');
    throttle.onRateLimited('p1', 10_000);
    throttle.onRateLimited('p1', 500);
    expect(throttle.state('p1').pausedUntil).toBe(clock.t + 10_000);
  });

  it('starts over at 1 s after a minute without errors', () => {
    const { throttle, clock, advance } = setup({ rate: 10 });
    throttle.onRateLimited('p1');
    advance(1500);
    throttle.onRateLimited('p1');
    expect(throttle.state('p1')).toMatchObject({ pausedUntil: clock.t + 2000, rateLimitStreak: 2 });
    advance(2000 + 60_000);
    throttle.onRateLimited('p1');
    expect(throttle.state('p1')).toMatchObject({ pausedUntil: clock.t + 1000, rateLimitStreak: 1 });
  });

  it('reports no pause once it is over', () => {
    const { throttle, advance } = setup({ rate: 10, burst: 1 });
    throttle.onRateLimited('p1', 1000);
    advance(1000);
    expect(throttle.state('p1')).toMatchObject({ pausedUntil: null, tokens: 1 });
  });
});

describe('state', () => {
  it('reports the tokens left in the bucket', () => {
    const { throttle, advance } = setup({ rate: 5, burst: 3 });
    expect(throttle.state('p1').tokens).toBe(3);
    throttle.delayFor('p1');
    throttle.delayFor('p1');
    expect(throttle.state('p1').tokens).toBe(1);
    throttle.delayFor('p1');
    throttle.delayFor('p1');
    expect(throttle.state('p1').tokens).toBe(0);
    advance(300);
    expect(throttle.state('p1').tokens).toBeCloseTo(0.5, 10);
  });
});

describe('its clock', () => {
  afterEach(() => vi.restoreAllMocks());

  it('is monotonic by default: a wall clock set back an hour does not hold the page for that hour', () => {
    const wall = vi.spyOn(Date, 'now').mockReturnValue(Date.UTC(2026, 11, 7, 12));
    const throttle = createSendThrottle({ ratePerSecond: () => 1, burst: 1 });
    expect(throttle.delayFor('p1')).toBe(0);
    wall.mockReturnValue(Date.UTC(2026, 11, 7, 11));
    expect(throttle.delayFor('p1')).toBeLessThanOrEqual(1000);
  });
});
