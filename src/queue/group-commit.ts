/**
 * Group commit: requests arriving while a write is in flight are written together in the next one,
 * so many concurrent webhooks cost one transaction (and one fsync) instead of one each. With `windowMs`, an idle
 * group commit also waits that long after the first request before writing, to gather the ones that follow.
 */
export function createGroupCommit<T, R>(write: (batch: T[]) => Promise<R[]>, maxBatch = 1000, windowMs = 0) {
  const pending: { items: T[]; resolve: (r: R[]) => void; reject: (e: unknown) => void }[] = [];
  let writing = false;
  let scheduled = false;

  async function drain(): Promise<void> {
    scheduled = false;
    writing = true;
    while (pending.length > 0) {
      const group: typeof pending = [];
      let size = 0;
      while (pending.length > 0 && (size === 0 || size + (pending[0]?.items.length ?? 0) <= maxBatch)) {
        const next = pending.shift() as (typeof pending)[number];
        group.push(next);
        size += next.items.length;
      }
      try {
        const results = await write(group.flatMap((g) => g.items));
        let offset = 0;
        for (const g of group) {
          g.resolve(results.slice(offset, offset + g.items.length));
          offset += g.items.length;
        }
      } catch (error) {
        for (const g of group) g.reject(error);
      }
    }
    writing = false;
  }

  return {
    /** Resolves with this caller's results once they are committed. */
    submit(items: T[]): Promise<R[]> {
      return new Promise<R[]>((resolve, reject) => {
        pending.push({ items, resolve, reject });
        if (!writing && !scheduled) {
          scheduled = true;
          if (windowMs > 0) setTimeout(() => void drain(), windowMs);
          else setImmediate(() => void drain());
        }
      });
    },
    /** Waits for every submitted write (used at shutdown). */
    async flush(): Promise<void> {
      while (writing || scheduled || pending.length > 0) await new Promise((r) => setImmediate(r));
    },
  };
}
