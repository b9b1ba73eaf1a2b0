import { describe, expect, it } from 'vitest';
import { createGroupCommit } from './group-commit.ts';

describe('group commit', () => {
  it('writes concurrent submissions together and gives each caller its own results', async () => {
    const batches: number[][] = [];
    const commit = createGroupCommit(async (items: number[]) => {
      batches.push(items);
      return items.map((i) => i * 10);
    });
    const results = await Promise.all([commit.submit([1, 2]), commit.submit([3]), commit.submit([4, 5, 6])]);
    expect(results).toEqual([[10, 20], [30], [40, 50, 60]]);
    expect(batches).toEqual([[1, 2, 3, 4, 5, 6]]);
  });

  it('queues submissions made during a write for the next one', async () => {
    const batches: number[][] = [];
    let release: () => void = () => {};
    const commit = createGroupCommit(async (items: number[]) => {
      batches.push(items);
      if (batches.length === 1) await new Promise<void>((r) => (release = r));
      return items;
    });
    const first = commit.submit([1]);
    await new Promise((r) => setImmediate(r));
    const second = commit.submit([2]);
    const third = commit.submit([3]);
    release();
    expect(await Promise.all([first, second, third])).toEqual([[1], [2], [3]]);
    expect(batches).toEqual([[1], [2, 3]]);
  });

  it('rejects every caller of a failed write and keeps working', async () => {
    let fail = true;
    const commit = createGroupCommit(async (items: number[]) => {
      if (fail) throw new Error('disk full');
      return items;
    });
    await expect(Promise.all([commit.submit([1]), commit.submit([2])])).rejects.toThrow('disk full');
    fail = false;
    expect(await commit.submit([3])).toEqual([3]);
  });

  it('splits very large groups at the batch limit without splitting one caller', async () => {
    const batches: number[][] = [];
    const commit = createGroupCommit(async (items: number[]) => {
      batches.push(items);
      return items;
    }, 3);
    await Promise.all([commit.submit([1, 2]), commit.submit([3, 4]), commit.submit([5])]);
    expect(batches).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
  });

  it('with a window, gathers submissions made within it into one write', async () => {
    const batches: number[][] = [];
    const commit = createGroupCommit(
      async (items: number[]) => {
        batches.push(items);
        return items;
      },
      1000,
      20,
    );
    const first = commit.submit([1]);
    await new Promise((r) => setTimeout(r, 5));
    const second = commit.submit([2]);
    expect(await Promise.all([first, second])).toEqual([[1], [2]]);
    expect(batches).toEqual([[1, 2]]);
  });
});
