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
  /**
   * The thread `holder` has ended: frees the lock if that thread held it. SQLite rolled back the transaction its
   * connection had open when the thread's environment closed it, so nothing of it remains to wait for. True if freed.
   */
  releaseAbandoned(holder: LockHolder): boolean;
}

/** Who holds the lock, as written in its shared memory: a thread that ended holding it can be told apart. */
export const MAIN_THREAD = 1;
export const PROCESSING_THREAD = 2;
export type LockHolder = typeof MAIN_THREAD | typeof PROCESSING_THREAD;

const FREE = 0;

/** Longer than any transaction we run; past it the holder is stuck, and waiting on would hang the thread. */
const MAX_WAIT_MS = 10_000;

/** The lock as `holder` takes it: the main thread's by default, on new shared memory. */
export function createWriteLock(buffer = new SharedArrayBuffer(4), holder: LockHolder = MAIN_THREAD): WriteLock {
  const state = new Int32Array(buffer);
  const free = () => {
    Atomics.store(state, 0, FREE);
    Atomics.notify(state, 0, 1);
  };
  return {
    buffer,
    acquire() {
      const deadline = Date.now() + MAX_WAIT_MS;
      for (;;) {
        const current = Atomics.compareExchange(state, 0, FREE, holder);
        if (current === FREE) return;
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`the database write lock was held for over ${MAX_WAIT_MS / 1000} s`);
        Atomics.wait(state, 0, current, left);
      }
    },
    release: free,
    releaseAbandoned(ended) {
      if (Atomics.compareExchange(state, 0, ended, FREE) !== ended) return false;
      Atomics.notify(state, 0, 1);
      return true;
    },
  };
}
