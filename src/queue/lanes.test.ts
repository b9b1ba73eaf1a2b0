import { describe, expect, it } from 'vitest';
import { createLanes } from './lanes.ts';

const tick = (ms = 1) => new Promise((r) => setTimeout(r, ms));

describe('lanes', () => {
  it('runs one key in order, one at a time, and different keys in parallel', async () => {
    const log: string[] = [];
    let running = 0;
    let maxRunningPerKey = 0;
    const perKey = new Map<string, number>();
    const lanes = createLanes<{ key: string; n: number }>({
      concurrency: 10,
      run: async ({ key, n }) => {
        perKey.set(key, (perKey.get(key) ?? 0) + 1);
        maxRunningPerKey = Math.max(maxRunningPerKey, perKey.get(key) ?? 0);
        running++;
        await tick(Math.random() * 3);
        log.push(`${key}${n}`);
        running--;
        perKey.set(key, (perKey.get(key) ?? 0) - 1);
        return 'done';
      },
    });
    for (let n = 0; n < 5; n++) for (const key of ['a', 'b', 'c']) lanes.push(key, { key, n });
    await lanes.idle();
    for (const key of ['a', 'b', 'c']) {
      expect(log.filter((l) => l.startsWith(key))).toEqual([0, 1, 2, 3, 4].map((n) => `${key}${n}`));
    }
    expect(maxRunningPerKey).toBe(1);
    expect(running).toBe(0);
  });

  it('retries the head after the delay without letting later items of the key overtake it', async () => {
    const log: string[] = [];
    let failures = 2;
    const lanes = createLanes<string>({
      concurrency: 4,
      run: async (item) => {
        if (item === 'a1' && failures-- > 0) {
          log.push('a1 failed');
          return 5;
        }
        log.push(item);
        return 'done';
      },
    });
    lanes.push('a', 'a1');
    lanes.push('a', 'a2');
    lanes.push('b', 'b1');
    await lanes.idle();
    expect(log.filter((l) => l.startsWith('a'))).toEqual(['a1 failed', 'a1 failed', 'a1', 'a2']);
    expect(log).toContain('b1');
  });

  it('never runs more than the concurrency limit', async () => {
    let running = 0;
    let peak = 0;
    const lanes = createLanes<number>({
      concurrency: 3,
      run: async () => {
        peak = Math.max(peak, ++running);
        await tick(2);
        running--;
        return 'done';
      },
    });
    for (let i = 0; i < 20; i++) lanes.push(`k${i}`, i);
    await lanes.idle();
    expect(peak).toBe(3);
  });

  it('stops starting work but lets running items finish', async () => {
    const done: number[] = [];
    const lanes = createLanes<number>({
      concurrency: 1,
      run: async (n) => {
        await tick(5);
        done.push(n);
        return 'done';
      },
    });
    lanes.push('a', 1);
    lanes.push('b', 2);
    await tick(1);
    await lanes.stop();
    expect(done).toEqual([1]);
  });

  it('starts at most startsPerTick items per turn of the event loop, so I/O is served between slices', async () => {
    let turn = 0;
    let counting = true;
    const count = () => {
      turn++;
      if (counting) setImmediate(count);
    };
    setImmediate(count);
    const startedAt: number[] = [];
    const lanes = createLanes<number>({
      concurrency: 100,
      startsPerTick: 4,
      run: async () => {
        startedAt.push(turn);
        return 'done';
      },
    });
    for (let i = 0; i < 12; i++) lanes.push(`k${i}`, i);
    await lanes.idle();
    counting = false;
    const perTurn = new Map<number, number>();
    for (const t of startedAt) perTurn.set(t, (perTurn.get(t) ?? 0) + 1);
    expect(startedAt).toHaveLength(12);
    expect(Math.max(...perTurn.values())).toBe(4);
    expect(perTurn.size).toBe(3);
  });

  it('starts at least one item per turn whatever startsPerTick says', async () => {
    const done: number[] = [];
    const lanes = createLanes<number>({
      concurrency: 2,
      startsPerTick: 0,
      run: async (n) => {
        done.push(n);
        return 'done';
      },
    });
    for (let i = 0; i < 3; i++) lanes.push(`k${i}`, i);
    await lanes.idle();
    expect(done).toEqual([0, 1, 2]);
  });
});
