import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPoller } from './web/poller.js';

describe('polling', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs every interval while the task succeeds', async () => {
    const task = vi.fn(async () => true);
    const poller = createPoller({ task, intervalMs: 1_000 });
    await vi.advanceTimersByTimeAsync(3_000);
    expect(task).toHaveBeenCalledTimes(3);
    poller.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(task).toHaveBeenCalledTimes(3);
  });

  it('backs off while the task fails, up to the maximum, and comes back after a success', async () => {
    let ok = false;
    const task = vi.fn(async () => ok);
    const poller = createPoller({ task, intervalMs: 1_000, maxMs: 4_000 });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(poller.delay()).toBe(2_000);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(poller.delay()).toBe(4_000);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(poller.delay()).toBe(4_000);
    expect(task).toHaveBeenCalledTimes(3);
    ok = true;
    await vi.advanceTimersByTimeAsync(4_000);
    expect(poller.delay()).toBe(1_000);
    poller.stop();
  });

  it('forgets the back-off when reset, and runs next an interval later', async () => {
    let ok = false;
    const task = vi.fn(async () => ok);
    const poller = createPoller({ task, intervalMs: 1_000, maxMs: 60_000 });
    await vi.advanceTimersByTimeAsync(1_000 + 2_000 + 4_000);
    expect(task).toHaveBeenCalledTimes(3);
    expect(poller.delay()).toBe(8_000);
    await vi.advanceTimersByTimeAsync(5_000);
    ok = true;
    poller.reset();
    expect(poller.delay()).toBe(1_000);
    await vi.advanceTimersByTimeAsync(999);
    expect(task).toHaveBeenCalledTimes(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(task).toHaveBeenCalledTimes(4);
    // The timer before the reset is gone: nothing runs twice.
    await vi.advanceTimersByTimeAsync(3_000);
    expect(task).toHaveBeenCalledTimes(7);
    poller.stop();
    poller.reset();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(task).toHaveBeenCalledTimes(7);
  });

  it('runs one task at a time, once more after a run when asked during it, and skips runs while hidden', async () => {
    let hidden = false;
    const finishes: (() => void)[] = [];
    const task = vi.fn(() => new Promise<boolean>((resolve) => finishes.push(() => resolve(true))));
    const poller = createPoller({ task, intervalMs: 1_000, isHidden: () => hidden });
    const first = poller.now();
    // Asked twice during the run: one more run, right after it.
    const second = poller.now();
    expect(poller.now()).toBe(second);
    expect(task).toHaveBeenCalledTimes(1);
    finishes[0]!();
    await first;
    await vi.advanceTimersByTimeAsync(0);
    expect(task).toHaveBeenCalledTimes(2);
    finishes[1]!();
    await second;
    await vi.advanceTimersByTimeAsync(999);
    expect(task).toHaveBeenCalledTimes(2);
    hidden = true;
    await vi.advanceTimersByTimeAsync(5_000);
    await poller.now();
    expect(task).toHaveBeenCalledTimes(2);
    poller.stop();
  });

  it('puts the next run an interval after a run asked for at once', async () => {
    const task = vi.fn(async () => true);
    const poller = createPoller({ task, intervalMs: 1_000 });
    await vi.advanceTimersByTimeAsync(600);
    await poller.now();
    await vi.advanceTimersByTimeAsync(999);
    expect(task).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(task).toHaveBeenCalledTimes(2);
    poller.stop();
  });

  it('changes its pace: the next run is the new interval from now, or the back-off when that is longer', async () => {
    let ok = true;
    const task = vi.fn(async () => ok);
    const poller = createPoller({ task, intervalMs: 1_000, maxMs: 60_000 });
    await vi.advanceTimersByTimeAsync(500);
    poller.setInterval(30_000);
    expect(poller.delay()).toBe(30_000);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(task).toHaveBeenCalledTimes(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(task).toHaveBeenCalledTimes(1);
    // Back to the quick pace, in the middle of a slow wait: the next run does not wait out the slow one.
    await vi.advanceTimersByTimeAsync(10_000);
    poller.setInterval(1_000);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(task).toHaveBeenCalledTimes(2);
    // While failing, a quicker pace does not cut the back-off short; a success brings the pace back.
    ok = false;
    await vi.advanceTimersByTimeAsync(1_000 + 2_000 + 4_000);
    expect(task).toHaveBeenCalledTimes(5);
    expect(poller.delay()).toBe(8_000);
    poller.setInterval(500);
    expect(poller.delay()).toBe(8_000);
    poller.setInterval(30_000);
    expect(poller.delay()).toBe(30_000);
    ok = true;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(task).toHaveBeenCalledTimes(6);
    expect(poller.delay()).toBe(30_000);
    poller.stop();
  });

  it('keeps one timer when reset or given a pace during a run, and a run from before a reset brings no back-off', async () => {
    let finish!: (ok: boolean) => void;
    const task = vi.fn(() => new Promise<boolean>((resolve) => (finish = resolve)));
    const poller = createPoller({ task, intervalMs: 1_000 });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(task).toHaveBeenCalledTimes(1);
    poller.reset();
    poller.setInterval(2_000);
    finish(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(poller.delay()).toBe(2_000);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(task).toHaveBeenCalledTimes(2);
    finish(true);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(task).toHaveBeenCalledTimes(3);
    finish(true);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(task).toHaveBeenCalledTimes(4);
    poller.stop();
    finish(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(task).toHaveBeenCalledTimes(4);
  });
});
