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

  it('runs one task at a time and skips runs while hidden', async () => {
    let hidden = false;
    let finish!: () => void;
    const task = vi.fn(() => new Promise<boolean>((resolve) => (finish = () => resolve(true))));
    const poller = createPoller({ task, intervalMs: 1_000, isHidden: () => hidden });
    void poller.now();
    void poller.now();
    expect(task).toHaveBeenCalledTimes(1);
    finish();
    await vi.advanceTimersByTimeAsync(0);
    hidden = true;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(task).toHaveBeenCalledTimes(1);
    poller.stop();
  });
});
