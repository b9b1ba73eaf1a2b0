import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from './database.ts';
import { createWriteLock } from './write-lock.ts';

/**
 * Another thread that keeps writing, as the webhook's inserts do under load: each commit takes the lock, inserts
 * eight rows of 4 KB and lets go, a millisecond apart. Plain JavaScript, so the worker needs no loader.
 */
const WRITER = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.module);
const state = new Int32Array(workerData.lock);
const stop = new Int32Array(workerData.stop);
const progress = new Int32Array(workerData.progress);
const db = new Database(workerData.path);
// As every connection of ours opened with the lock: only the owner's checkpoint() moves the WAL's pages.
db.pragma('wal_autocheckpoint = 0');
const insert = db.prepare('insert into rows (body) values (?)');
const body = 'x'.repeat(4096);
const write = db.transaction(() => {
  for (let i = 0; i < 8; i++) insert.run(body);
});
parentPort.postMessage('writing');
let rows = 0;
while (Atomics.load(stop, 0) === 0) {
  while (Atomics.compareExchange(state, 0, 0, 1) !== 0) Atomics.wait(state, 0, 1);
  write();
  Atomics.store(state, 0, 0);
  Atomics.notify(state, 0, 1);
  rows += 8;
  Atomics.store(progress, 0, rows);
  Atomics.wait(stop, 0, 0, 1);
}
db.close();
parentPort.postMessage(rows);
`;

describe('WAL checkpoints beside another thread that keeps writing', () => {
  let dir: string | undefined;
  let handle: DatabaseHandle | undefined;
  afterEach(async () => {
    await handle?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /**
   * The WAL file's largest size while the other thread writes `bytes` and this one checkpoints every 50 ms. Throws if
   * the writer has not written them after `timeoutMs`.
   */
  async function largestWal(walRestartPages: number, bytes: number, timeoutMs = 20_000) {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-wal-'));
    const path = join(dir, 'wal.db');
    const lock = createWriteLock();
    handle = openDatabase(`sqlite:${path}`, { writeLock: lock, walRestartPages });
    await sql`create table rows (id integer primary key, body text)`.execute(handle.db);
    const stop = new Int32Array(new SharedArrayBuffer(4));
    const progress = new Int32Array(new SharedArrayBuffer(4));
    const writer = new Worker(WRITER, {
      eval: true,
      workerData: {
        lock: lock.buffer,
        stop: stop.buffer,
        progress: progress.buffer,
        path,
        module: createRequire(import.meta.url).resolve('better-sqlite3'),
      },
    });
    const next = () => new Promise<unknown>((resolve) => writer.once('message', resolve));
    expect(await next()).toBe('writing');
    const written = () => Atomics.load(progress, 0) * 4096;
    let largest = 0;
    for (const deadline = performance.now() + timeoutMs; written() < bytes; ) {
      if (performance.now() > deadline) {
        Atomics.store(stop, 0, 1);
        await writer.terminate();
        throw new Error(`the writer wrote ${written()} bytes of ${bytes} in ${timeoutMs} ms`);
      }
      handle.checkpoint();
      largest = Math.max(largest, statSync(`${path}-wal`).size);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const done = next();
    Atomics.store(stop, 0, 1);
    await done;
    await writer.terminate();
    largest = Math.max(largest, statSync(`${path}-wal`).size);
    return largest;
  }

  it('keeps the WAL bounded: past the restart size it finishes under the lock and the WAL starts over', async () => {
    // A WAL that never starts over holds all that was written (16 MB here), and more: its pages of the index.
    const largest = await largestWal(256, 16 * 2 ** 20);
    expect(largest).toBeLessThan(8 * 2 ** 20);
  });
});
