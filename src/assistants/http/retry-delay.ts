/** How long to wait between attempts. */
export interface RetryDelayOptions {
  /** Wait before the first retry, before jitter; doubled for each further retry. Default 250 ms. */
  baseMs?: number;
  /**
   * Cap of a single wait, default 5 000 ms. A server asking (Retry-After) for a longer wait than this is not
   * retried: a person is waiting for the answer.
   */
  maxMs?: number;
}

export const DEFAULT_RETRY_DELAY = { baseMs: 250, maxMs: 5_000 } as const;

/**
 * Exponential back-off with jitter: half the doubled delay is fixed and half random, so clients that failed
 * together do not retry together, yet every retry still waits. `attempt` counts from 0 (the first retry).
 */
export function backoffDelay(attempt: number, options: RetryDelayOptions & { random?: () => number } = {}) {
  const baseMs = options.baseMs ?? DEFAULT_RETRY_DELAY.baseMs;
  const maxMs = options.maxMs ?? DEFAULT_RETRY_DELAY.maxMs;
  const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (ceiling / 2) * (options.random ?? Math.random)());
}

/** The wait a Retry-After header asks for, in ms (seconds or an HTTP date); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  // Seconds, in whole numbers by the standard; some servers send a fraction, which Date.parse would take for a date.
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
