import { describe, expect, it } from 'vitest';
import { createRowWaits, systemTimers } from './row-waits.ts';

describe('the outbox waits, cut after a time', () => {
  it('end at once those that would end later, now and from now on, and leave the others', async () => {
    const waits = createRowWaits(systemTimers);
    const long = waits.pause('a', 60_000);
    const short = waits.pause('b', 50);
    waits.cutAfter(Date.now() + 1_000);
    expect(await long).toBe(true);
    expect(await waits.pause('c', 5_000)).toBe(true);
    expect(await short).toBe(false);
    expect(waits.size).toBe(0);
  });
});
