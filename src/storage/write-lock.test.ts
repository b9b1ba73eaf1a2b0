import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { type DatabaseHandle, openDatabase } from './database.ts';
import { createWriteLock, MAIN_THREAD, PROCESSING_THREAD } from './write-lock.ts';

/**
 * Another thread of the process: takes the lock (as its own write would), tells us, waits for our go, then writes
 * a row with a connection of its own and lets the lock go. Plain JavaScript, so the worker needs no loader.
 */
const OTHER_THREAD = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.module);
const state = new Int32Array(workerData.lock);
while (Atomics.compareExchange(state, 0, 0, 1) !== 0) Atomics.wait(state, 0, 1);
parentPort.postMessage('held');
parentPort.once('message', () => {
  const db = new Database(workerData.path);
  db.prepare("insert into marks (name) values ('other thread')").run();
  db.close();
  Atomics.store(state, 0, 0);
  Atomics.notify(state, 0, 1);
  parentPort.postMessage('released');
});
`;

/** Another thread that takes the lock as `workerData.holder`, writes in a transaction it never commits, and ends. */
const DIES_IN_A_TRANSACTION = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.module);
const state = new Int32Array(workerData.lock);
while (Atomics.compareExchange(state, 0, 0, workerData.holder) !== 0) Atomics.wait(state, 0, workerData.holder);
const db = new Database(workerData.path);
db.exec('begin immediate');
db.prepare("insert into marks (name) values ('never committed')").run();
throw new Error('ended in a transaction');
`;

describe('the write lock between threads', () => {
  let dir: string | undefined;
  let handle: DatabaseHandle | undefined;
  afterEach(async () => {
    await handle?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function scene() {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-lock-'));
    const path = join(dir, 'lock.db');
    const lock = createWriteLock();
    handle = openDatabase(`sqlite:${path}`, { writeLock: lock });
    await sql`create table marks (id integer primary key, name text)`.execute(handle.db);
    const other = new Worker(OTHER_THREAD, {
      eval: true,
      workerData: { lock: lock.buffer, path, module: createRequire(import.meta.url).resolve('better-sqlite3') },
    });
    const next = () => new Promise<string>((resolve) => other.once('message', resolve));
    expect(await next()).toBe('held');
    return { other, next, lock };
  }

  const names = async () =>
    (await sql<{ name: string }>`select name from marks order by id`.execute(open().db)).rows.map((r) => r.name);
  const open = () => {
    if (!handle) throw new Error('no database');
    return handle;
  };

  it('makes a transaction wait until the other thread has written and let go', async () => {
    const { other, next } = await scene();
    const released = next();
    // The go travels while this thread blocks in the lock: the other thread writes first.
    other.postMessage('go');
    await open()
      .db.transaction()
      .execute((tx) => sql`insert into marks (name) values ('this thread')`.execute(tx));
    await released;
    expect(await names()).toEqual(['other thread', 'this thread']);
    await other.terminate();
  });

  it('makes a write outside a transaction wait too', async () => {
    const { other, next } = await scene();
    const released = next();
    other.postMessage('go');
    await sql`insert into marks (name) values ('this thread')`.execute(open().db);
    await released;
    expect(await names()).toEqual(['other thread', 'this thread']);
    await other.terminate();
  });

  it('is freed when the thread holding it ends, whose transaction SQLite rolled back', async () => {
    const { other, next, lock } = await scene();
    const released = next();
    other.postMessage('go');
    await released;
    await other.terminate();
    const dying = new Worker(DIES_IN_A_TRANSACTION, {
      eval: true,
      workerData: {
        lock: lock.buffer,
        path: join(dir as string, 'lock.db'),
        module: createRequire(import.meta.url).resolve('better-sqlite3'),
        holder: PROCESSING_THREAD,
      },
    });
    const failed = new Promise<Error>((resolve) => dying.once('error', resolve));
    await new Promise((resolve) => dying.once('exit', resolve));
    expect((await failed).message).toBe('ended in a transaction');
    // Only the lock of the thread that ended is freed.
    expect(lock.releaseAbandoned(MAIN_THREAD)).toBe(false);
    expect(lock.releaseAbandoned(PROCESSING_THREAD)).toBe(true);
    await sql`insert into marks (name) values ('this thread')`.execute(open().db);
    expect(await names()).toEqual(['other thread', 'this thread']);
  });

  it('lets reads through while the other thread holds it', async () => {
    const { other, next } = await scene();
    expect(await names()).toEqual([]);
    const released = next();
    other.postMessage('go');
    await released;
    await other.terminate();
  });
});
