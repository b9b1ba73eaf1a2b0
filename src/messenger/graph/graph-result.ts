import { classifyGraphError, type GraphError, type GraphFailureKind, parseGraphErrorBody } from './graph-error.ts';
import { isRecord } from './graph-json.ts';
import { type GraphUsage, parseUsageHeaders } from './usage.ts';

/** A failed call: the error, its handling class, and when to try again if it is worth retrying. */
export interface GraphFailure {
  ok: false;
  error: GraphError;
  kind: GraphFailureKind;
  /** For retryable kinds: from X-Business-Use-Case-Usage's wait time, else a `Retry-After` header. */
  retry_after_ms?: number;
  usage?: GraphUsage;
}

/** The result of a non-send Graph call: expected failures are values, never exceptions. */
export type GraphResult<T extends object> = ({ ok: true } & T) | GraphFailure;

/** A raw Graph answer: the parsed JSON body on success. */
export type GraphResponse = GraphResult<{ status: number; body: unknown } & AnswerHeaders>;

type ResponseHeaders = Record<string, string | string[] | undefined>;

/** What an answer's headers say that matters past the call: the rate limits' usage, and any wait Graph asks for. */
export interface AnswerHeaders {
  usage?: GraphUsage;
  /** `Retry-After`, in ms: on a batch that went through, it is its failed requests' wait. */
  retry_after_ms?: number;
}

export function readAnswerHeaders(headers: ResponseHeaders): AnswerHeaders {
  const usage = parseUsageHeaders(headers);
  const wait = retryAfterHeader(headers);
  // Built only when there is something: this runs for every send.
  if (wait === undefined) return usage ? { usage } : {};
  return usage ? { usage, retry_after_ms: wait } : { retry_after_ms: wait };
}

/**
 * Reads an HTTP answer: a Graph error envelope (at any status), a non-2xx status or a body that is not
 * JSON become a classified failure; anything else is a success with the parsed body. `headers` are the answer's
 * (a batch's sub-request has none of its own: the batch's apply).
 */
export function readGraphResponse(
  status: number,
  text: string,
  scrub: (text: string) => string,
  headers: AnswerHeaders,
): GraphResponse {
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    const message = `Graph answered HTTP ${status} with a body that is not JSON`;
    // A 2xx said the call went through; only its answer is unreadable: in doubt, like a timeout, not refused.
    const inDoubt = status >= 200 && status <= 299 ? 'transient' : undefined;
    return graphFailure({ message, http_status: status }, headers, inDoubt);
  }
  const error = parseGraphErrorBody(body, status);
  if (error) return graphFailure({ ...error, message: scrub(error.message) }, headers);
  if (status < 200 || status > 299) {
    return graphFailure(
      { message: `Graph answered HTTP ${status} without an error body`, http_status: status },
      headers,
    );
  }
  const ok: GraphResponse = { ok: true, status, body };
  if (headers.usage) ok.usage = headers.usage;
  if (headers.retry_after_ms !== undefined) ok.retry_after_ms = headers.retry_after_ms;
  return ok;
}

/** The longest wait Graph's answer can set: its estimate of when access comes back may run to days, or to nonsense. */
export const MAX_GRAPH_WAIT_MS = 24 * 60 * 60_000;

/** A classified failure, with the retry wait for retryable kinds. */
export function graphFailure(
  error: GraphError,
  { usage, retry_after_ms }: AnswerHeaders = {},
  forcedKind?: GraphFailureKind,
): GraphFailure {
  const kind = forcedKind ?? classifyGraphError(error);
  const result: GraphFailure = { ok: false, error, kind };
  if (usage) result.usage = usage;
  if (kind === 'transient' || kind === 'rate_limited') {
    const wait = usage?.regain_access_ms ?? retry_after_ms;
    if (wait !== undefined) result.retry_after_ms = Math.min(wait, MAX_GRAPH_WAIT_MS);
  }
  return result;
}

/** `Retry-After` as seconds or as an HTTP date (RFC 9110 §10.2.3). */
function retryAfterHeader(headers: ResponseHeaders): number | undefined {
  const raw = headers['retry-after'];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // A date already past (the clocks disagree) says nothing: the usual back-off applies.
  const wait = Date.parse(value) - Date.now();
  return wait > 0 ? wait : undefined;
}

/** A 2xx answer without the field the call exists for: Graph (or the emulator) broke its contract. */
export function missingField(status: number, field: string): GraphFailure {
  return { ok: false, kind: 'invalid', error: { message: `Graph answered without ${field}`, http_status: status } };
}

/**
 * The result of a mutation that answers `{"success": true}` or `{"result": "success"}` (§5, §7, §8.6).
 * Any other 2xx body counts as success too, unless it says `success: false`.
 */
export function mutationResult(res: GraphResponse): GraphResult<Record<never, never>> {
  if (!res.ok) return res;
  if (isRecord(res.body) && res.body.success === false) {
    return { ok: false, kind: 'invalid', error: { message: 'Graph answered success: false', http_status: res.status } };
  }
  return { ok: true };
}
