import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

  it('flushes a file through one descriptor, kept open between flushes', () => {
    const path = join(dir, 'wal');
    writeFileSync(path, 'a');
    const file = createFileSync(path);
    file.sync();
    // The descriptor stays open: the file can be removed and still be flushed through it.
    rmSync(path);
    expect(() => file.sync()).not.toThrow();
    file.close();
    file.close();
  });

  it('throws when the file cannot be opened, and opens it for the next caller', () => {
    const path = join(dir, 'missing');
    const file = createFileSync(path);
    expect(() => file.sync()).toThrow(/ENOENT/);
    writeFileSync(path, 'now it exists');
    expect(() => file.sync()).not.toThrow();
    file.close();
  });
});
