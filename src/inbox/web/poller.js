/**
 * Runs a task every few seconds, one run at a time, backing off while it fails. No DOM: unit tested in Node with
 * fake timers.
 */

/**
 * `task()` resolves to `false` when it failed (a rejection counts as a failure too); the next run is then twice as
 * far off, up to `maxMs` (default a minute), and back to `intervalMs` after a success. Runs are skipped while
 * `isHidden()` (a hidden tab). `now()` runs the task at once unless a run is under way. `reset()` forgets the
 * back-off: the next run is `intervalMs` from now (a poller that serves one thread after another must not make the next
 * thread wait out the last one's failures). `timers` defaults to the global `setTimeout` and `clearTimeout`.
 */
export function createPoller({ task, intervalMs, maxMs = 60_000, isHidden = () => false, timers = globalThis }) {
  let delay = intervalMs;
  let running = false;
  let stopped = false;
  let timer;

  async function run() {
    if (running || stopped || isHidden()) return;
    running = true;
    let ok;
    try {
      ok = (await task()) !== false;
    } catch {
      ok = false;
    } finally {
      running = false;
    }
    delay = ok ? intervalMs : Math.min(delay * 2, maxMs);
  }

  function schedule() {
    timer = timers.setTimeout(async () => {
      await run();
      if (!stopped) schedule();
    }, delay);
  }

  schedule();
  return {
    now: run,
    /** The delay before the next scheduled run, as it stands. */
    delay: () => delay,
    reset() {
      if (stopped) return;
      delay = intervalMs;
      timers.clearTimeout(timer);
      schedule();
    },
    stop() {
      stopped = true;
      timers.clearTimeout(timer);
    },
  };
}
