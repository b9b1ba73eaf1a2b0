/**
 * Graph API errors and how to handle them (messenger-platform.md §4).
 * Field names follow Graph's error envelope `{"error": {...}}`.
 */

import { isRecord, toInt } from './graph-json.ts';

/** A failed Graph call: the envelope's `error` object, plus the HTTP status when there was a response. */
export interface GraphError {
  code?: number;
  error_subcode?: number;
  message: string;
  type?: string;
  fbtrace_id?: string;
  /** Absent for network errors and timeouts (no response arrived). */
  http_status?: number;
  /** Meta's own retry hint. */
  is_transient?: boolean;
}

/** How a failure should be handled: retry later, or never (and what that means for the page/contact). */
export type GraphFailureKind =
  | 'transient' // 1 (not 1357046), 2, 1200, 5xx, network errors, timeouts, is_transient
  | 'rate_limited' // 4, 17, 32, 613, 80001 (and subcodes)
  | 'token' // 190 (any subcode), 102: the page's token is dead → page health
  | 'window' // 10/2018278, 10/2018065: outside the messaging window → message 'blocked'
  | 'recipient' // 551, 100/2018001, 10/2018108, 200/1545041: stop messaging this person
  | 'permission' // 10 (other), 200-299, 230, 368, 100/2018234 (not thread owner)
  | 'invalid'; // 100 and anything else: a bug in the request

/** The kinds worth retrying later; the others will fail the same way again. */
export type RetryableKind = Extract<GraphFailureKind, 'transient' | 'rate_limited'>;

/** True for the kinds a caller should retry later (with backoff). */
export function isRetryableKind(kind: GraphFailureKind): kind is RetryableKind {
  return kind === 'transient' || kind === 'rate_limited';
}

// 341 ("application limit reached", retry later) is from §4.2; 80006 is only reported in some places as the
// Messenger Business-Use-Case limit code ([UNCONFIRMED], §12.9), so it is treated like 80001 to be safe.
const RATE_LIMIT_CODES = new Set([4, 17, 32, 341, 613, 80001, 80006]);
const WINDOW_SUBCODES = new Set([2018278, 2018065]);

/**
 * Classifies a Graph failure (messenger-platform.md §4.2). The specific codes win over Meta's
 * `is_transient` hint, except that the hint turns an otherwise unknown or "invalid" error into a retry.
 * Errors without a code and without an HTTP status are network errors or timeouts: transient.
 */
export function classifyGraphError(error: GraphError): GraphFailureKind {
  const { code, error_subcode: sub } = error;
  if (code !== undefined) {
    const kind = classifyCode(code, sub);
    if (kind !== 'invalid') return kind;
  }
  if (error.is_transient === true) return 'transient';
  if (code === undefined) return classifyHttpOnly(error.http_status);
  if (code === 100 || code === 1) return 'invalid';
  // A Graph error code we do not know: the HTTP status still says "try again" (a 5xx, 408) or "slow down" (429).
  return classifyHttpOnly(error.http_status ?? 400);
}

function classifyCode(code: number, sub: number | undefined): GraphFailureKind {
  if (RATE_LIMIT_CODES.has(code)) return 'rate_limited';
  if (code === 190 || code === 102) return 'token';
  if (code === 551) return 'recipient';
  if (code === 1) return sub === 1357046 ? 'invalid' : 'transient';
  if (code === 2) return sub === 2018344 ? 'permission' : 'transient'; // 2/2018344: terms of service not accepted
  if (code === 1200) return 'transient';
  if (code === 10) {
    if (sub !== undefined && WINDOW_SUBCODES.has(sub)) return 'window';
    return sub === 2018108 ? 'recipient' : 'permission';
  }
  if (code === 100) {
    if (sub === 2018001) return 'recipient';
    return sub === 2018234 ? 'permission' : 'invalid';
  }
  if (code === 200 && sub === 1545041) return 'recipient';
  if (code >= 200 && code <= 299) return 'permission';
  if (code === 230 || code === 368) return 'permission';
  return 'invalid';
}

function classifyHttpOnly(status: number | undefined): GraphFailureKind {
  // 408: the server gave up waiting for the request, as a timeout on our side would.
  if (status === undefined || status >= 500 || status === 408) return 'transient';
  if (status === 429) return 'rate_limited';
  return 'invalid';
}

/**
 * Reads Graph's error envelope from a parsed response body. Returns undefined when the body holds no
 * `error` object. Numeric fields sent as numeric strings are accepted.
 */
export function parseGraphErrorBody(body: unknown, httpStatus: number): GraphError | undefined {
  if (!isRecord(body) || !isRecord(body.error)) return undefined;
  const e = body.error;
  const error: GraphError = {
    message: typeof e.message === 'string' ? e.message : `Graph error (HTTP ${httpStatus})`,
    http_status: httpStatus,
  };
  const code = toInt(e.code);
  if (code !== undefined) error.code = code;
  const sub = toInt(e.error_subcode);
  if (sub !== undefined) error.error_subcode = sub;
  if (typeof e.type === 'string') error.type = e.type;
  if (typeof e.fbtrace_id === 'string') error.fbtrace_id = e.fbtrace_id;
  if (typeof e.is_transient === 'boolean') error.is_transient = e.is_transient;
  return error;
}
