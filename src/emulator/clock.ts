/**
 * The emulator's clock: real time plus an offset that `POST /_emulator/clock {advance_ms}` moves.
 * Windows, token expiry and attachment expiry are measured on it; timers (retries, typing) use real time.
 */
export interface EmulatorClock {
  /** Epoch milliseconds on the emulator's clock. */
  now(): number;
  /** Moves the clock forward (never back) and returns the new time. */
  advance(ms: number): number;
  /** Back to real time. */
  reset(): void;
}

export function createClock(realNow: () => number = Date.now): EmulatorClock {
  let offset = 0;
  return {
    now: () => realNow() + offset,
    advance(ms) {
      offset += Math.max(0, ms);
      return realNow() + offset;
    },
    reset() {
      offset = 0;
    },
  };
}
