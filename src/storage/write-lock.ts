/**
 * SQLite's write lock, taken by threads of one process before SQLite takes it. Two connections that write to one
 * database wait for each other inside SQLite, whose busy handler sleeps in steps of 1, 2, 5, 10… ms; this lock wakes
 * the waiting thread as soon as the other commits (`Atomics.notify`), which keeps the webhook's insert, and its 200,
 * from sleeping behind the processing thread's commits. Blocking on it is the point: a holder only runs statements.
 */
export interface WriteLock {
  /** Shared memory of the lock: hand it to the other thread, which opens the same lock on it. */
  readonly buffer: SharedArrayBuffer;
  acquire(): void;
  release(): void;
}

const FREE = 0;
const HELD = 1;

/** Longer than any transaction we run; past it the holder is stuck, and waiting on would hang the thread. */
const MAX_WAIT_MS = 10_000;

export function createWriteLock(buffer = new SharedArrayBuffer(4)): WriteLock {
  const state = new Int32Array(buffer);
  return {
    buffer,
    acquire() {
      const deadline = Date.now() + MAX_WAIT_MS;
      while (Atomics.compareExchange(state, 0, FREE, HELD) !== FREE) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`the database write lock was held for over ${MAX_WAIT_MS / 1000} s`);
        Atomics.wait(state, 0, HELD, left);
      }
    },
    release() {
      Atomics.store(state, 0, FREE);
      Atomics.notify(state, 0, 1);
    },
  };
}
