import { setTimeout as sleep } from 'node:timers/promises';
import { type Dispatcher, request } from 'undici';
import { backoffDelay, DEFAULT_RETRY_DELAY, parseRetryAfter, type RetryDelayOptions } from './retry-delay.ts';

export interface PostJsonOptions {
  url: string;
  /** The exact bytes to send (already signed, when signing). */
  body: string;
  headers: Record<string, string>;
  dispatcher: Dispatcher;
  /** Limit of one attempt, from sending the request to the end of the answer. */
  timeoutMs: number;
  /**
   * Limit of the whole call, attempts and waits together; default 1.5 × `timeoutMs`. A person waits for the answer
   * and their next messages queue behind it: a retry gets only the time that is left, and none starts unless half an
   * attempt's time (of the smaller of the two limits) is left after its wait.
   */
  budgetMs?: number;
  /** Further attempts after a network error, a 5xx (but 504 and 524) or a 429. A timeout is not retried (see below). */
  retries: number;
  /**
   * Says of an error answer otherwise retried (a 5xx or a 429) that another try would get the same, so it is not
   * retried: the caller knows its server's lasting failures (a model provider's exhausted quota). Default: none is.
   */
  isPermanentFailure?: (answer: { status: number; errorBody?: string }) => boolean;
  retryDelay?: RetryDelayOptions;
  /** When it aborts, the call rejects with its reason at once, whatever attempt or wait it is in. */
  signal?: AbortSignal;
  /** Answers larger than this fail rather than fill memory; default 1 MiB. */
  maxResponseBytes?: number;
}

export type PostJsonResult =
  | { ok: true; status: number; json: unknown; attempts: number }
  | {
      ok: false;
      reason: string;
      attempts: number;
      status?: number;
      /** The body of an error answer (at most `maxResponseBytes`), for the caller to read what the server said. */
      errorBody?: string;
    };

type Attempt =
  | { kind: 'ok'; status: number; json: unknown }
  | { kind: 'failed'; reason: string; retryable: boolean; retryAfterMs?: number; status?: number; errorBody?: string };

const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
const DEFAULT_BUDGET_FACTOR = 1.5;

/** The time a whole call may take by default: 1.5 × the limit of one attempt. */
export const defaultBudgetMs = (timeoutMs: number) => Math.round(timeoutMs * DEFAULT_BUDGET_FACTOR);

/**
 * POSTs a JSON body and reads a JSON answer, retrying with back-off on network errors, 5xx (but 504 and 524) and
 * 429, within `budgetMs`. A timed-out attempt is not retried: the server may still be working on it (a bot would act twice)
 * and the person has already waited the whole timeout. A 204 answer gives `json: undefined`. Failures are values;
 * only the caller's `signal` makes it reject.
 */
export async function postJson(options: PostJsonOptions): Promise<PostJsonResult> {
  const budgetMs = options.budgetMs ?? defaultBudgetMs(options.timeoutMs);
  const deadline = Date.now() + budgetMs;
  // A retry cut short would reach the server and be abandoned: the bot could act on it, and the person still waits.
  const minAttemptMs = Math.min(options.timeoutMs, budgetMs) / 2;
  for (let retry = 0; ; retry++) {
    // At least 1 ms: a timer may fire a little after the deadline it was set for.
    const outcome = await attemptOnce(options, Math.max(1, Math.min(options.timeoutMs, deadline - Date.now())));
    const attempts = retry + 1;
    if (outcome.kind === 'ok') return { ok: true, status: outcome.status, json: outcome.json, attempts };
    let wait =
      outcome.retryable && retry < options.retries ? waitBeforeRetry(outcome, retry, options.retryDelay) : undefined;
    if (typeof wait === 'number' && deadline - (Date.now() + wait) < minAttemptMs)
      wait = `no time left to retry within ${budgetMs} ms`;
    if (typeof wait !== 'number') {
      const reason = [outcome.reason, wait, attempts > 1 ? `after ${attempts} attempts` : undefined]
        .filter(Boolean)
        .join(', ');
      return { ok: false, reason, attempts, status: outcome.status, errorBody: outcome.errorBody };
    }
    await pause(wait, options.signal);
  }
}

/** The wait before the next attempt, or why there is none (the server asked for a longer wait than the cap). */
function waitBeforeRetry(outcome: Attempt & { kind: 'failed' }, retry: number, delay: RetryDelayOptions = {}) {
  const backoff = backoffDelay(retry, delay);
  if (outcome.retryAfterMs === undefined) return backoff;
  const maxMs = delay.maxMs ?? DEFAULT_RETRY_DELAY.maxMs;
  if (outcome.retryAfterMs > maxMs) return `asked to retry after ${Math.ceil(outcome.retryAfterMs / 1000)} s`;
  return Math.max(backoff, outcome.retryAfterMs);
}

async function attemptOnce(options: PostJsonOptions, limitMs: number): Promise<Attempt> {
  const timeout = AbortSignal.timeout(limitMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    const answer = await request(options.url, {
      method: 'POST',
      dispatcher: options.dispatcher,
      headers: options.headers,
      body: options.body,
      signal,
    });
    const limit = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    const text = await readText(answer.body, limit);
    const status = answer.statusCode;
    // An error page too large to read (a proxy's) is still its status: that says what went wrong, and whether to retry.
    if (status < 200 || status >= 300) {
      const retryAfter = answer.headers['retry-after'];
      // Whole (it is within `limit`): a JSON error cut short could not be read, and what it says decides the retry.
      const errorBody = text;
      return {
        kind: 'failed',
        reason: `HTTP ${status}`,
        retryable: isRetryableStatus(status) && !options.isPermanentFailure?.({ status, errorBody }),
        retryAfterMs: parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter),
        status,
        errorBody,
      };
    }
    if (text === undefined) return { kind: 'failed', reason: `answer larger than ${limit} bytes`, retryable: false };
    if (status === 204) return { kind: 'ok', status, json: undefined };
    return parseJson(text, status);
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    if (timeout.aborted) return { kind: 'failed', reason: `no answer within ${limitMs} ms`, retryable: false };
    // undici refused to send it (a header value with a line break: a key read from a CRLF env file): every try would.
    if (error instanceof Error && (error as { code?: unknown }).code === 'UND_ERR_INVALID_ARG')
      return { kind: 'failed', reason: `request not sent: ${describeError(error)}`, retryable: false };
    return { kind: 'failed', reason: `network error: ${describeError(error)}`, retryable: true };
  }
}

/**
 * 5xx and 429 are worth another try, except a proxy's 504 and Cloudflare's 524: they mean the server got the
 * request and is still working on it, like our own timeout (a retry could make a bot act twice).
 */
function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status !== 504 && status !== 524);
}

function parseJson(text: string, status: number): Attempt {
  try {
    return { kind: 'ok', status, json: JSON.parse(text) };
  } catch {
    return { kind: 'failed', reason: `invalid JSON in the answer (HTTP ${status})`, retryable: false, status };
  }
}

/** The body as text, or undefined when it is larger than `limit` bytes (the connection is then dropped). */
async function readText(body: Dispatcher.ResponseData['body'], limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      body.destroy();
      return undefined;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch (error) {
    throw signal?.aborted ? signal.reason : error;
  }
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const cause = error.cause instanceof Error ? (error.cause as { code?: unknown }).code : undefined;
  return [code ?? cause, error.message].filter(Boolean).join(' ');
}
