import type { Clock } from '../conversations/ports.ts';

export interface Timers extends Clock {
  /**
   * Resolves after `ms`, or at once (without an error) when `signal` aborts, its timer then cleared. An injected
   * sleep may ignore the signal: the waits below end without it too, and only the timer lives on.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

export const systemTimers: Timers = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      // On the monotonic clock: a wall clock set back (NTP, a VM moved) would make every wait that much longer.
      const until = performance.now() + ms;
      const end = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', end);
        resolve();
      };
      // A timer counts from the event loop's cached time, so it may fire a few ms early: a paced message would go
      // that much early. The rest is waited out, in steps a timer can hold (past 24.8 days it fires at once).
      const due = () => {
        const left = until - performance.now();
        if (left > 0) timer = setTimeout(due, Math.min(left, MAX_TIMER_MS));
        else end();
      };
      let timer = setTimeout(due, Math.min(ms, MAX_TIMER_MS));
      signal?.addEventListener('abort', end);
    }),
};

/**
 * The outbox's waits before a row is sent: its pacing, a retry's back-off, the grace of a row in doubt, the
 * throttle. A shutdown ends them all (the row stays queued for the next start); a change of the conversation's queue
 * (`interrupt`: the row may be cancelled) ends its wait unless the wait holds a slot the throttle booked, which a
 * wait begun anew would book again behind every send booked since. A wait takes itself out and clears its timer as
 * it ends, so nothing of it outlives it: racing every wait against one promise pending until shutdown kept a
 * reaction per wait, and the heap grew without bound.
 */
export function createRowWaits(timers: Pick<Timers, 'sleep' | 'now'>) {
  /** Each wait under way, with when it would end. */
  const all = new Map<AbortController, number>();
  const interruptible = new Map<string, AbortController>();
  let stopped = false;
  /** Waits that would end after this end at once (a stop that still sends what is due before it). */
  let cutoff = Number.POSITIVE_INFINITY;
  return {
    /** Waits `ms` for the conversation's row; true when the wait was ended early. */
    async pause(conversationId: string, ms: number, options: { holdsSlot?: boolean } = {}): Promise<boolean> {
      const endsAt = timers.now() + ms;
      if (stopped || endsAt > cutoff) return true;
      const wait = new AbortController();
      all.set(wait, endsAt);
      if (!options.holdsSlot) interruptible.set(conversationId, wait);
      const ended = new Promise<void>((resolve) =>
        wait.signal.addEventListener('abort', () => resolve(), { once: true }),
      );
      try {
        await Promise.race([timers.sleep(ms, wait.signal), ended]);
        return wait.signal.aborted;
      } finally {
        all.delete(wait);
        if (interruptible.get(conversationId) === wait) interruptible.delete(conversationId);
        wait.abort();
      }
    },
    /** The conversation's queue changed: its wait ends, unless it holds a throttle slot. */
    interrupt(conversationId: string) {
      interruptible.get(conversationId)?.abort();
    },
    /** Ends the waits that would end after `at`, and those asked for from now on, at once. */
    cutAfter(at: number) {
      cutoff = at;
      for (const [wait, endsAt] of all) if (endsAt > at) wait.abort();
    },
    /** Ends every wait, and every wait asked for from now on at once. */
    stop() {
      stopped = true;
      for (const wait of all.keys()) wait.abort();
    },
    /** Waits under way: one per conversation at most. */
    get size() {
      return all.size;
    },
  };
}
