import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';
import { Agent, type Dispatcher } from 'undici';
import { type GraphResponse, graphFailure, readAnswerHeaders, readGraphResponse } from './graph-result.ts';

export type { GraphFailure, GraphResponse, GraphResult } from './graph-result.ts';

/** Options shared by every Graph call; see `createGraphClient`. */
export interface GraphRequestOptions {
  /** Graph's origin, e.g. `https://graph.facebook.com` or the emulator's address; may carry a path prefix. */
  baseUrl: string;
  /** API version path segment, e.g. `v25.0`; an empty string calls the unversioned API (the app's default). */
  version: string;
  /** When set, every call with a token carries `appsecret_proof` (required by "Require App Secret" apps). */
  appSecret?: string;
  /**
   * Deadline in ms for the answer's headers, and for each pause in its body. Default 30 000: Graph fetches
   * attachment URLs inside the call (videos up to 75 s, §3.5), and a send that times out is ambiguous, so a generous
   * deadline avoids needless retries. undici's own timers: an AbortSignal.timeout per call cost about 35 µs of CPU.
   */
  timeoutMs?: number;
  /** undici dispatcher; default: a keep-alive `Agent` owned (and closed) by this client. */
  dispatcher?: Dispatcher;
  logger?: Logger;
}

export interface GraphCall {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path after the version, e.g. `/me/messages`. */
  path: string;
  /**
   * A full URL to call instead of `path` (a paging `next` link). It must be on the Graph origin, so a token
   * is never sent elsewhere; an `access_token` in it is dropped (the header carries the token).
   */
  absoluteUrl?: string;
  /** Sent as `Authorization: Bearer`, so it never appears in a URL (proxy logs, error texts, our logs). */
  token?: string;
  query?: Record<string, string | undefined>;
  /** Sent as the JSON body. */
  json?: unknown;
  /** Other strings to scrub from error messages (client secrets, OAuth codes). */
  secrets?: string[];
}

export interface GraphRequester {
  call(call: GraphCall): Promise<GraphResponse>;
  /**
   * What scrubs a call made with `token` of its secrets (the token, its proof, the app secret): for texts read out of
   * an answer's body after the call, as a batch's requests' errors are.
   */
  scrubberFor(token: string | undefined, secrets?: string[]): (text: string) => string;
  /** Closes the keep-alive agent if this requester created it. */
  close(): Promise<void>;
}

/** Lowercase hex HMAC-SHA256 of the access token keyed with the app secret (messenger-platform.md §0). */
export function appsecretProof(token: string, appSecret: string): string {
  return createHmac('sha256', appSecret).update(token).digest('hex');
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** Page tokens a process keeps proofs for; a page has one token, so this is only a bound. */
const MAX_PROOFS = 1000;

/**
 * The proof of each token, computed once: an HMAC per send was about 2 % of the gateway's CPU under load, and a
 * process sends with a handful of page tokens.
 */
function provenTokens(appSecret: string | undefined): ((token: string) => string) | undefined {
  if (!appSecret) return undefined;
  const proofs = new Map<string, string>();
  return (token) => {
    let proof = proofs.get(token);
    if (proof === undefined) {
      if (proofs.size >= MAX_PROOFS) proofs.clear();
      proof = appsecretProof(token, appSecret);
      proofs.set(token, proof);
    }
    return proof;
  };
}

/** Throws only for a `baseUrl` that is not a URL: a configuration error, found at start-up. */
export function createGraphRequester(options: GraphRequestOptions): GraphRequester {
  const baseUrl = new URL(options.baseUrl);
  const origin = baseUrl.origin;
  const ownAgent = options.dispatcher ? undefined : new Agent({ keepAliveTimeout: 30_000, connections: 64 });
  const dispatcher = options.dispatcher ?? (ownAgent as Dispatcher);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const prefix = `${baseUrl.pathname.replace(/\/+$/, '')}${options.version ? `/${options.version}` : ''}`;
  const proofOf = provenTokens(options.appSecret);
  const scrubberFor = (token: string | undefined, secrets: string[] = []) =>
    scrubber([token, options.appSecret, token === undefined ? undefined : proofOf?.(token), ...secrets]);

  /** The path and query of a full URL on the Graph origin; undefined for any other URL. */
  const sameOriginPath = (absolute: string, query: Record<string, string | undefined>): string | undefined => {
    let target: URL;
    try {
      target = new URL(absolute);
    } catch {
      return undefined;
    }
    if (target.origin !== origin) return undefined;
    target.searchParams.delete('access_token');
    for (const [key, value] of Object.entries(query)) if (value !== undefined) target.searchParams.set(key, value);
    return `${target.pathname}${target.search}`;
  };

  /** The path and query of a call, on the Graph origin. */
  const pathOf = (path: string, query?: Record<string, string | undefined>): string => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) params.set(key, value);
    const search = params.size > 0 ? `?${params}` : '';
    return `${prefix}${path}${search}`;
  };

  const call = async (c: GraphCall): Promise<GraphResponse> => {
    const query = { ...c.query };
    const headers: Record<string, string> = { accept: 'application/json' };
    if (c.token !== undefined) {
      headers.authorization = `Bearer ${c.token}`;
      if (proofOf) query.appsecret_proof = proofOf(c.token);
    }
    if (c.json !== undefined) headers['content-type'] = 'application/json';
    const scrub = scrubberFor(c.token, c.secrets);
    const started = performance.now();
    const target = c.absoluteUrl === undefined ? pathOf(c.path, query) : sameOriginPath(c.absoluteUrl, query);
    const result = target
      ? await send(c, target, headers, scrub)
      : graphFailure({ message: 'Refused to follow a URL outside the Graph origin' }, {}, 'invalid');
    const log = { method: c.method, path: c.path, ms: Math.round(performance.now() - started) };
    if (result.ok) options.logger?.debug({ graph: { ...log, status: result.status } }, 'graph call');
    else options.logger?.debug({ graph: { ...log, ...result.error, kind: result.kind } }, 'graph call failed');
    return result;
  };

  /**
   * One request through the dispatcher's handler interface: the answer is read as it arrives, without the stream and
   * promises `undici.request` builds around it (about 15 µs of CPU per send, a fifth of a send's cost).
   */
  const send = (
    c: GraphCall,
    path: string,
    headers: Record<string, string>,
    scrub: (text: string) => string,
  ): Promise<GraphResponse> =>
    new Promise((resolve) => {
      let status = 0;
      let responseHeaders: Record<string, string | string[] | undefined> = {};
      const chunks: Buffer[] = [];
      const options: Dispatcher.DispatchOptions = {
        origin,
        path,
        method: c.method,
        headers,
        body: c.json === undefined ? undefined : JSON.stringify(c.json),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      };
      dispatcher.dispatch(options, {
        onRequestStart() {},
        onResponseStart(_controller, statusCode, received) {
          status = statusCode;
          responseHeaders = received;
        },
        onResponseData(_controller, chunk) {
          chunks.push(chunk);
        },
        onResponseEnd() {
          const text = chunks.length === 1 ? (chunks[0] as Buffer).toString() : Buffer.concat(chunks).toString();
          resolve(readGraphResponse(status, text, scrub, readAnswerHeaders(responseHeaders)));
        },
        onResponseError(_controller, err) {
          // Refused by undici before a byte left (a bad header): Graph never saw it, and trying again cannot help.
          const unsent = (err as { code?: unknown } | undefined)?.code === 'UND_ERR_INVALID_ARG';
          const message = scrub(networkMessage(err, timeoutMs, unsent));
          resolve(graphFailure({ message }, {}, unsent ? 'invalid' : undefined));
        },
      });
    });

  return {
    call,
    scrubberFor,
    close: async () => {
      await ownAgent?.close();
    },
  };
}

function networkMessage(err: unknown, timeoutMs: number, unsent: boolean): string {
  const code = (err as { code?: unknown } | undefined)?.code;
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return `Graph request timed out after ${timeoutMs} ms`;
  }
  if (err instanceof Error) {
    return `Graph request ${unsent ? 'not sent' : 'failed'}: ${typeof code === 'string' ? `${code} ` : ''}${err.message}`;
  }
  return 'Graph request failed';
}

/** Removes secrets (tokens, app secret, codes) from a text that may end up in logs or the database. */
export function scrubber(secrets: Array<string | undefined>): (text: string) => string {
  const present = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4);
  return (text) => present.reduce((acc, secret) => acc.split(secret).join('[redacted]'), text);
}
