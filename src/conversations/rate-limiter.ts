/**
 * Counts the events allowed per key in a sliding window; `allow` says whether one more is within the limit, and
 * counts it when it is. Refused events are not counted: a person writing faster than the limit still gets `limit`
 * answers a minute, and only the surplus goes unanswered.
 * `event.at` is when the event came (a backlog handled late is counted as it came); `now` is the processing clock.
 * Events may be handled out of the order they came in (a dead event replayed, two processes on PostgreSQL): one that
 * came late is allowed only if no minute holding it would then hold more than the limit.
 * An event tried again (a retry after a failure, a replay of a dead event) gets the answer of its first try, and is
 * counted once.
 */
export interface RateLimiter {
  allow(key: string, limitPerMinute: number, event: { id: string; at: number }, now: number): boolean;
}

const WINDOW_MS = 60_000;
/** How far behind the newest time the allowed ones are kept: an event up to a window late is checked exactly. */
export const KEPT_MS = 2 * WINDOW_MS;
/**
 * How long, on the processing clock, a person not counted is remembered: longer than a turn may run (a model's call may
 * take 1.5 × its 120 s timeout), since the person's next events wait behind it, and must still be counted with theirs.
 */
const FORGET_MS = 5 * WINDOW_MS;

interface Hits {
  /** When the allowed events came, oldest first: those within KEPT_MS of the newest. */
  times: number[];
  /** A hash of their event ids (`idHash`), in the same order: numbers, so the times kept hold no id strings alive. */
  ids: number[];
  /** When processing last counted one, on its own clock. */
  touched: number;
  /** The last event counted, and the answer it got. */
  last?: { id: string; allowed: boolean };
}

/**
 * In-process sliding window (one list of times per person), in the one process that handles conversations (on
 * PostgreSQL, the one holding the lock: docs/adr/0002-queue.md). A processing that starts counts again what was handled
 * in the last KEPT_MS (conversation-service.ts `countAgain`), so a restart or a take-over starts nobody's limit afresh.
 */
export function createMemoryRateLimiter(): RateLimiter {
  const hits = new Map<string, Hits>();
  let lastSweep = 0;
  return {
    allow(key, limit, { id, at }, now) {
      // Forget people processing has not counted for FORGET_MS: a backlog's times may be far older than `now`.
      if (now - lastSweep > WINDOW_MS) {
        for (const [k, h] of hits) if (h.touched <= now - FORGET_MS) hits.delete(k);
        lastSweep = now;
      }
      let entry = hits.get(key);
      if (!entry) {
        entry = { times: [], ids: [], touched: now };
        hits.set(key, entry);
      }
      entry.touched = now;
      if (entry.last?.id === id) return entry.last.allowed;
      const { times, ids } = entry;
      const hash = idHash(id);
      if (countedAlready(entry, hash, at)) {
        entry.last = { id, allowed: true };
        return true;
      }
      // Oldest first: drop what is over two windows behind the newest, in place (this runs for every message).
      const newest = Math.max(at, times.at(-1) ?? at);
      const expired = countUpTo(times, newest - KEPT_MS);
      if (expired > 0) {
        times.copyWithin(0, expired);
        times.length -= expired;
        ids.copyWithin(0, expired);
        ids.length -= expired;
      }
      const allowed = fits(times, at, limit);
      if (allowed && at > newest - KEPT_MS) {
        const place = countUpTo(times, at);
        if (place === times.length) {
          times.push(at);
          ids.push(hash);
        } else {
          times.splice(place, 0, at);
          ids.splice(place, 0, hash);
        }
      }
      entry.last = { id, allowed };
      return allowed;
    },
  };
}

/**
 * Whether the event was allowed before (a dead event replayed): it is kept under its own time. Only events of the same
 * person and millisecond are compared, so two ids whose hashes collide there are as good as never.
 */
function countedAlready({ times, ids }: Hits, hash: number, at: number): boolean {
  for (let i = countUpTo(times, at) - 1; i >= 0 && times[i] === at; i--) if (ids[i] === hash) return true;
  return false;
}

/** FNV-1a of the id, in 30 bits: a small integer, which V8 stores in the array itself. */
function idHash(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return hash & 0x3fffffff;
}

/**
 * Whether one more event at `at` keeps every minute that holds it within `limit`: the minute up to it, and, for an
 * event that came late, the minute up to each one allowed less than a minute after it.
 */
function fits(times: number[], at: number, limit: number): boolean {
  const upTo = countUpTo(times, at);
  if (upTo - countUpTo(times, at - WINDOW_MS) >= limit) return false;
  for (let i = upTo; i < times.length && (times[i] as number) < at + WINDOW_MS; i++) {
    const end = times[i] as number;
    if (countUpTo(times, end) - countUpTo(times, end - WINDOW_MS) >= limit) return false;
  }
  return true;
}

/** How many of the sorted `times` are at or before `t`: the index of the first one after it. */
function countUpTo(times: number[], t: number): number {
  let low = 0;
  let high = times.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((times[mid] as number) <= t) low = mid + 1;
    else high = mid;
  }
  return low;
}
