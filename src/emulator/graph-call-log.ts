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

const SECRET_KEYS = new Set([
  'access_token',
  'client_secret',
  'fb_exchange_token',
  'input_token',
  'appsecret_proof',
  'code',
]);
const MAX_CALLS = 5000;

/** Replaces secret values (by key, and `access_token=…` inside strings such as batch bodies). */
export function redact(value: unknown): unknown {
  if (typeof value === 'string')
    return value.replace(/(access_token|client_secret|fb_exchange_token)=[^&"\s]*/g, '$1=[redacted]');
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, SECRET_KEYS.has(key) ? '[redacted]' : redact(inner)]),
    );
  }
  return value;
}

/** A URL with the values of secret query parameters replaced, for logs. */
export function redactUrl(url: string): string {
  return url.replace(
    /([?&](?:access_token|client_secret|fb_exchange_token|input_token|appsecret_proof|code)=)[^&]*/g,
    '$1[redacted]',
  );
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
