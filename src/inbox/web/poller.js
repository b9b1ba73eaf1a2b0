/**
 * Runs a task every few seconds, one run at a time, backing off while it fails. No DOM: unit tested in Node with
 * fake timers.
 */

/**
 * `task()` resolves to `false` when it failed (a rejection counts as a failure too); the next run is then twice as
 * far off, up to `maxMs` (default a minute), and back to `intervalMs` after a success. Each run, however it came,
 * puts the next one an interval (or the back-off) after its end. Runs are skipped while `isHidden()` (a hidden tab).
 *
 * `now()` runs the task at once; called during a run, it runs it once more right after (several calls make one run),
 * so a change announced while a run was already under way is not missed. `reset()` forgets the back-off: the next run
 * is `intervalMs` from now (a poller that serves one thread after another must not make the next thread wait out the
 * last one's failures). `setInterval(ms)` changes the pace: the next run is `ms` from now unless it backs off longer.
 * `timers` defaults to the global `setTimeout` and `clearTimeout`.
 */
export function createPoller({ task, intervalMs, maxMs = 60_000, isHidden = () => false, timers = globalThis }) {
  let interval = intervalMs;
  let delay = intervalMs;
  /** The run under way, and the one asked for during it. */
  let running;
  let again;
  /** A run that began before a reset does not bring its back-off along. */
  let epoch = 0;
  let stopped = false;
  let timer;

  async function run() {
    if (isHidden()) return;
    const mine = epoch;
    let ok;
    try {
      ok = (await task()) !== false;
    } catch {
      ok = false;
    }
    if (mine === epoch) delay = ok ? interval : Math.min(delay * 2, maxMs);
  }

  function now() {
    if (stopped) return Promise.resolve();
    if (running) {
      again ??= running.then(() => {
        again = undefined;
        return now();
      });
      return again;
    }
    timers.clearTimeout(timer);
    running = run().finally(() => {
      running = undefined;
      if (!stopped) schedule();
    });
    return running;
  }

  /** The next run, `delay` from now; while a run is under way, its end schedules it. */
  function schedule() {
    timers.clearTimeout(timer);
    timer = timers.setTimeout(() => void now(), delay);
  }

  schedule();
  return {
    now,
    /** The delay before the next scheduled run, as it stands. */
    delay: () => delay,
    reset() {
      if (stopped) return;
      epoch += 1;
      delay = interval;
      if (!running) schedule();
    },
    setInterval(ms) {
      if (stopped || ms === interval) return;
      const backingOff = delay > interval;
      interval = ms;
      delay = backingOff ? Math.max(delay, ms) : ms;
      if (!running) schedule();
    },
    stop() {
      stopped = true;
      timers.clearTimeout(timer);
    },
  };
}
