/**
 * Counts the events allowed per key in a sliding window; `allow` says whether one more is within the limit, and
 * counts it when it is. Refused events are not counted: a person writing faster than the limit still gets `limit`
 * answers a minute, and only the surplus goes unanswered.
 * `event.at` is when the event came (a backlog handled late is counted as it came); `now` is the processing clock.
 * An event tried again (a retry after a failure) gets the answer of its first try, and is counted once.
 */
export interface RateLimiter {
  allow(key: string, limitPerMinute: number, event: { id: string; at: number }, now: number): boolean;
}

const WINDOW_MS = 60_000;

interface Hits {
  /** When the allowed events came, oldest first: those within the window (as many as the highest limit used). */
  times: number[];
  /** When processing last counted one, on its own clock. */
  touched: number;
  /** The last event counted, and the answer it got. */
  last?: { id: string; allowed: boolean };
}

/**
 * In-process sliding window (one list of times per person). Right for one process on SQLite; several processes
 * on PostgreSQL would count per process (see docs/adr/0002-queue.md).
 */
export function createMemoryRateLimiter(): RateLimiter {
  const hits = new Map<string, Hits>();
  let lastSweep = 0;
  return {
    allow(key, limit, { id, at }, now) {
      // Forget people processing has not counted for a window: a backlog's times may be far older than `now`.
      if (now - lastSweep > WINDOW_MS) {
        for (const [k, h] of hits) if (h.touched <= now - WINDOW_MS) hits.delete(k);
        lastSweep = now;
      }
      let entry = hits.get(key);
      if (!entry) {
        entry = { times: [], touched: now };
        hits.set(key, entry);
      }
      entry.touched = now;
      if (entry.last?.id === id) return entry.last.allowed;
      const list = entry.times;
      // Oldest first: drop what left the window, in place (this runs for every message).
      let expired = 0;
      while (expired < list.length && (list[expired] as number) <= at - WINDOW_MS) expired++;
      if (expired > 0) {
        list.copyWithin(0, expired);
        list.length -= expired;
      }
      const allowed = list.length < limit;
      if (allowed) list.push(at);
      entry.last = { id, allowed };
      return allowed;
    },
  };
}
