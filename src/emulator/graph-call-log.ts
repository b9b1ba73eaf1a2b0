/** One Graph API call as `GET /_emulator/graph-calls` lists it. Tokens and secrets are redacted. */
export interface GraphCall {
  id: number;
  method: string;
  path: string;
  query: Record<string, unknown>;
  body: unknown;
  status: number;
  response: unknown;
  /** Emulator-clock epoch ms. */
  time: number;
  duration_ms: number;
}

export interface GraphCallLog {
  add(call: Omit<GraphCall, 'id'>): void;
  list(filter?: { path_contains?: string; since_id?: number }): GraphCall[];
  clear(): void;
}

/** `verify_token`: what an app's webhook subscription (`POST /{app-id}/subscriptions`) sets, a secret gateways seal. */
const TOKEN_KEYS = [
  'access_token',
  'client_secret',
  'fb_exchange_token',
  'input_token',
  'appsecret_proof',
  'verify_token',
];
/** Keys whose values are secret wherever they appear; a number is kept (an error's `code` is no OAuth code). */
const SECRET_KEYS = new Set([...TOKEN_KEYS, 'code']);
/** `key=value` of a secret in a query or form string (the key at the start or after `?`/`&`). */
const pairPattern = (keys: string[]) => new RegExp(`(^|[?&])(${keys.join('|')})=[^&#\\s"]*`, 'g');
const TOKEN_PAIR = pairPattern(TOKEN_KEYS);
/** `code=` is an OAuth code only in the token exchange; elsewhere it may be a promo code in a text or a button URL. */
const OAUTH_PAIR = pairPattern([...TOKEN_KEYS, 'code']);
/** The token exchange's path, as called, through `rewriteGraphUrl`'s prefix or as a batch's `relative_url`. */
const OAUTH_EXCHANGE = /^\/*(?:graph\/)?(?:v\d+(?:\.\d+)?\/)?oauth\/access_token\/?(?:[?#]|$)/;
/** The batch endpoint: the Graph root, with or without a version. */
const BATCH_PATH = /^\/*(?:v\d+(?:\.\d+)?)?\/?$/;
const MAX_CALLS = 5000;

/** Where a value was sent: in the OAuth token exchange, `code=` is a secret too. */
interface Scope {
  oauth: boolean;
}

/**
 * The parts of a Graph call to `path` as the log keeps them: secret values replaced by key at any depth and as
 * `key=value` pairs in query and form strings. The batch parameter and batch results' `body` hold JSON: they are
 * parsed and redacted, and written back only when a secret was replaced. Other strings are never reformatted.
 */
export function redactGraphCall(path: string, parts: { query: unknown; body: unknown; response: unknown }) {
  const scope = { oauth: OAUTH_EXCHANGE.test(path) };
  return {
    query: redactParams(parts.query, scope),
    body: redactParams(parts.body, scope),
    response:
      BATCH_PATH.test(path) && Array.isArray(parts.response)
        ? parts.response.map(redactBatchResult)
        : redact(parts.response, scope),
  };
}

/** A value with secrets replaced (see `redactGraphCall`); JSON held in strings is left alone. */
export function redact(value: unknown, scope: Scope = { oauth: false }): unknown {
  if (typeof value === 'string') return value.replace(scope.oauth ? OAUTH_PAIR : TOKEN_PAIR, '$1$2=[redacted]');
  if (Array.isArray(value)) return value.map((inner) => redact(inner, scope));
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, redactEntry(key, inner, scope)]));
  }
  return value;
}

/** Query or body parameters; `batch` holds the batch's requests, as JSON text or as the array itself. */
function redactParams(params: unknown, scope: Scope): unknown {
  if (!params || typeof params !== 'object' || Array.isArray(params) || Buffer.isBuffer(params))
    return redact(params, scope);
  return Object.fromEntries(
    Object.entries(params).map(([key, value]) => [
      key,
      key === 'batch' ? redactJson(value, redactBatchRequests) : redactEntry(key, value, scope),
    ]),
  );
}

function redactEntry(key: string, value: unknown, scope: Scope): unknown {
  // Arrays and objects too: a repeated query parameter arrives as an array.
  return SECRET_KEYS.has(key) && typeof value !== 'number' ? '[redacted]' : redact(value, scope);
}

/** Each request is redacted in its own scope: one may be a token exchange (`relative_url` oauth/access_token). */
function redactBatchRequests(requests: unknown): unknown {
  if (!Array.isArray(requests)) return redact(requests);
  return requests.map((request) => {
    const url = (request as { relative_url?: unknown } | null)?.relative_url;
    return redact(request, { oauth: typeof url === 'string' && OAUTH_EXCHANGE.test(url) });
  });
}

function redactBatchResult(result: unknown): unknown {
  if (!result || typeof result !== 'object' || !('body' in result)) return redact(result);
  return { ...(redact(result) as object), body: redactJson(result.body, redact) };
}

/**
 * `redactInner` applied to the JSON a string holds. The string is written back only if a secret was replaced, so
 * the log keeps what was sent (`1.0`, ids beyond 2^53); text that is not JSON is redacted as a plain string.
 */
function redactJson(value: unknown, redactInner: (parsed: unknown) => unknown): unknown {
  if (typeof value !== 'string') return redactInner(value);
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return redact(value);
  }
  const redacted = JSON.stringify(redactInner(parsed));
  return redacted === JSON.stringify(parsed) ? value : redacted;
}

/** A URL with the values of secret query parameters replaced, for logs (`code` only in the token exchange). */
export function redactUrl(url: string): string {
  return redact(url, { oauth: OAUTH_EXCHANGE.test(url) }) as string;
}

export function createGraphCallLog(): GraphCallLog {
  const calls: GraphCall[] = [];
  let nextId = 1;
  return {
    add(call) {
      calls.push({ id: nextId++, ...call });
      if (calls.length > MAX_CALLS) calls.splice(0, calls.length - MAX_CALLS);
    },
    list(filter = {}) {
      return calls.filter(
        (call) =>
          (filter.since_id === undefined || call.id > filter.since_id) &&
          (!filter.path_contains || call.path.includes(filter.path_contains)),
      );
    },
    clear() {
      calls.length = 0;
    },
  };
}
