import { closeSync, fdatasyncSync, openSync } from 'node:fs';

/**
 * `fdatasync` of one file, on the calling thread. The webhook's group commit calls it once per batch, right after
 * the batch's commit, so every request of the batch is answered after one flush. On two busy cores the round trip
 * through libuv's thread pool (its thread waking, then the event loop running the callback) took longer at p99 than
 * the flush itself, which takes well under a millisecond; the requests that arrive while it runs wait in their
 * sockets and join the next batch.
 *
 * A failed flush fails every later one too. Linux reports a writeback error once, and may have dropped the pages it
 * could not write: a later flush that succeeds would not bring them back, so it cannot vouch for what was written
 * before it (PostgreSQL stops on a failed fsync for the same reason).
 */
export function createFileSync(path: string) {
  let fd: number | undefined;
  let failure: unknown;
  return {
    sync(): void {
      if (failure !== undefined) throw failure;
      // Opened on first use, read-only: Linux flushes a file through any descriptor of it.
      fd ??= openSync(path, 'r');
      try {
        fdatasyncSync(fd);
      } catch (error) {
        failure = error;
        throw error;
      }
    },
    close(): void {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}
