import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileSync } from './file-sync.ts';

describe('createFileSync', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'file-sync-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('flushes a file, and callers during a flush share the next one', async () => {
    const path = join(dir, 'wal');
    writeFileSync(path, 'a');
    const file = createFileSync(path);
    const first = file.sync();
    appendFileSync(path, 'b');
    const second = file.sync();
    const third = file.sync();
    expect(third).toBe(second);
    expect(second).not.toBe(first);
    await Promise.all([first, second, third]);
    // Once both have finished, a new call starts a new flush.
    const fourth = file.sync();
    expect(fourth).not.toBe(second);
    await fourth;
    await file.close();
  });

  it('rejects when the file cannot be opened, and recovers for the next caller', async () => {
    const path = join(dir, 'missing');
    const file = createFileSync(path);
    await expect(file.sync()).rejects.toThrow(/ENOENT/);
    writeFileSync(path, 'now it exists');
    await expect(file.sync()).resolves.toBeUndefined();
    await file.close();
  });
});
