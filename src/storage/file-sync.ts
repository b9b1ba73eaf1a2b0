import { closeSync, fdatasyncSync, openSync } from 'node:fs';

/**
 * `fdatasync` of one file, on the calling thread. The webhook's group commit calls it once per batch, right after
 * the batch's commit, so every request of the batch is answered after one flush. On two busy cores the round trip
 * through libuv's thread pool (its thread waking, then the event loop running the callback) took longer at p99 than
 * the flush itself, which takes well under a millisecond; the requests that arrive while it runs wait in their
 * sockets and join the next batch.
 */
export function createFileSync(path: string) {
  let fd: number | undefined;
  return {
    sync(): void {
      // Opened on first use, read-only: Linux flushes a file through any descriptor of it.
      fd ??= openSync(path, 'r');
      fdatasyncSync(fd);
    },
    close(): void {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}
