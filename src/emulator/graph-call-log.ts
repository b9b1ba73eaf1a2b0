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

const SECRET_KEYS = ['access_token', 'client_secret', 'fb_exchange_token', 'input_token', 'appsecret_proof', 'code'];
const SECRET_KEY_SET = new Set(SECRET_KEYS);
/** `key=value` of a secret in a query or form string (the key at the start or after `?`/`&`). */
const SECRET_PAIR = new RegExp(`(^|[?&])(${SECRET_KEYS.join('|')})=[^&#\\s"]*`, 'g');
const MAX_CALLS = 5000;

/**
 * Replaces secret values: by key at any depth, as `key=value` pairs inside query and form strings, and inside
 * strings that hold JSON (a batch's `batch` parameter, each batch result's `body`), which are parsed, redacted and
 * written back.
 */
export function redact(value: unknown): unknown {
  if (typeof value === 'string') return redactString(value);
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    return Object.fromEntries(
      // Only strings: an error's numeric `code` is no OAuth code.
      Object.entries(value).map(([key, inner]) => [
        key,
        SECRET_KEY_SET.has(key) && typeof inner === 'string' ? '[redacted]' : redact(inner),
      ]),
    );
  }
  return value;
}

function redactString(text: string): string {
  const json = parseJsonContainer(text);
  if (json !== undefined) return JSON.stringify(redact(json));
  return text.replace(SECRET_PAIR, '$1$2=[redacted]');
}

/** The object or array a string holds as JSON, or undefined. */
function parseJsonContainer(text: string): unknown {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return undefined;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return undefined;
  }
}

/** A URL with the values of secret query parameters replaced, for logs. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_PAIR, '$1$2=[redacted]');
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
