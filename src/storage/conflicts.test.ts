import { describe, expect, it } from 'vitest';
import { retryingConflicts } from './conflicts.ts';

const failing = (codes: string[]) => {
  let calls = 0;
  const run = async () => {
    const code = codes[calls++];
    if (code) throw Object.assign(new Error(code), { code });
    return 'done';
  };
  return { run, calls: () => calls };
};

describe('retryingConflicts', () => {
  it('runs a transaction again after a deadlock or a serialization failure', async () => {
    const t = failing(['40P01', '40001']);
    expect(await retryingConflicts(t.run)).toBe('done');
    expect(t.calls()).toBe(3);
  });

  it('gives up after the last attempt with the conflict', async () => {
    const t = failing(['40P01', '40P01', '40P01']);
    await expect(retryingConflicts(t.run)).rejects.toMatchObject({ code: '40P01' });
    expect(t.calls()).toBe(3);
  });

  it('never runs again after any other error', async () => {
    const t = failing(['23505']);
    await expect(retryingConflicts(t.run)).rejects.toMatchObject({ code: '23505' });
    expect(t.calls()).toBe(1);
  });
});
