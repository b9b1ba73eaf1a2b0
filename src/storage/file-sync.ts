import { type FileHandle, open } from 'node:fs/promises';

/**
 * `fdatasync` of one file on libuv's thread pool, so the event loop keeps running while the disk flushes.
 * Callers that arrive while a flush is running share the next one: it starts after their call, so it covers
 * whatever they wrote before calling.
 */
export function createFileSync(path: string) {
  let handle: Promise<FileHandle> | undefined;
  let running: Promise<void> | undefined;
  let next: Promise<void> | undefined;

  const start = () => {
    running = (async () => {
      // Opened on first use, read-only: Linux flushes a file through any descriptor of it.
      handle ??= open(path, 'r');
      const file = await handle.catch((error) => {
        handle = undefined;
        throw error;
      });
      await file.datasync();
    })().finally(() => {
      running = undefined;
    });
    return running;
  };

  return {
    sync(): Promise<void> {
      if (!running) return start();
      next ??= running
        .catch(() => {})
        .then(() => {
          next = undefined;
          return start();
        });
      return next;
    },
    async close(): Promise<void> {
      await Promise.allSettled([running, next]);
      if (handle) await (await handle.catch(() => undefined))?.close();
      handle = undefined;
    },
  };
}
