import { describe, expect, it } from 'vitest';
import { createRowWaits, type Timers } from './row-waits.ts';

/** A clock standing still: a wait ends only when it is ended. */
const stillTimers: Pick<Timers, 'sleep' | 'now'> = {
  now: () => 1_000,
  sleep: (_ms, signal) => new Promise((resolve) => signal?.addEventListener('abort', () => resolve())),
};

describe('the outbox waits, cut after a time', () => {
  it('end at once those that would end later, now and from now on, and leave the others', async () => {
    const waits = createRowWaits(stillTimers);
    let shortEnded = false;
    const long = waits.pause('a', 60_000);
    const short = waits.pause('b', 50).then((early) => {
      shortEnded = true;
      return early;
    });
    waits.cutAfter(1_000 + 1_000);
    expect(await long).toBe(true);
    expect(await waits.pause('c', 5_000)).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(shortEnded).toBe(false);
    expect(waits.size).toBe(1);
    waits.stop();
    expect(await short).toBe(true);
    expect(waits.size).toBe(0);
  });
});
