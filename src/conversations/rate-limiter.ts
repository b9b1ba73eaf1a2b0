/** Counts events per key in a sliding window; `allow` records the event and says whether it is within the limit. */
export interface RateLimiter {
  allow(key: string, limitPerMinute: number, now: number): boolean;
}

const WINDOW_MS = 60_000;

/**
 * In-process sliding window (one timestamp list per person). Right for one process on SQLite; several processes
 * on PostgreSQL would count per process (see docs/adr/0002-queue.md).
 */
export function createMemoryRateLimiter(): RateLimiter {
  const hits = new Map<string, number[]>();
  let lastSweep = 0;
  return {
    allow(key, limit, now) {
      if (now - lastSweep > WINDOW_MS) {
        for (const [k, list] of hits) if ((list.at(-1) ?? 0) <= now - WINDOW_MS) hits.delete(k);
        lastSweep = now;
      }
      let list = hits.get(key);
      if (!list) {
        list = [];
        hits.set(key, list);
      }
      // Oldest first: drop what left the window, in place (this runs for every message).
      let expired = 0;
      while (expired < list.length && (list[expired] as number) <= now - WINDOW_MS) expired++;
      list.push(now);
      // Whether the limit is passed needs the last limit + 1 events only.
      const drop = Math.max(expired, list.length - limit - 1);
      if (drop > 0) {
        list.copyWithin(0, drop);
        list.length -= drop;
      }
      return list.length <= limit;
    },
  };
}
