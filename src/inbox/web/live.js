/**
 * The gateway's live stream (`GET /api/stream`, server-sent events). It names the conversations that changed and
 * carries no data: the views load what changed through the API, as their polls do, so a missed event costs a poll's
 * delay and nothing else. `EventSource` sends no `Authorization` header, so the stream is read with `fetch` and sse.js.
 */
import { createSseParser } from './sse.js';

/** The gateway sends a comment every 15 s: a stream silent for three of them is dead without having said so. */
export const SILENCE_MS = 45_000;
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 30_000;
/**
 * How long a stream must stay live for the next wait to start from 1 s again: one cut soon after `ready` (a proxy
 * that ends it, a reader that falls behind) backs off like a failure, instead of reconnecting and reloading every
 * second.
 */
export const STABLE_MS = 15_000;

/**
 * The wait before connecting again, after `failures` attempts in a row since the last stream that stayed live: 1 s
 * doubling up to 30 s, each somewhere between half and the whole of that, so that the browsers a deploy cut off
 * together do not all come back in the same instant.
 */
export function retryDelay(failures, random = Math.random) {
  const ceiling = Math.min(FIRST_RETRY_MS * 2 ** failures, MAX_RETRY_MS);
  return Math.round(ceiling * (0.5 + random() / 2));
}

/**
 * Connects at once, and again whenever the stream ends or fails, until `close()`. `onChange(ids)` is told the ids of
 * the conversations that changed, or `undefined` when anything may have changed: a stream (re)started (`ready`), or
 * the gateway may have missed changes (`resync`). `onState(state)`: `connecting` at first, `live` from `ready` on,
 * `down` from the end of a stream until the next `ready`. A 401 goes to `onUnauthenticated(error, sentAuthorization)`
 * as in api.js. `fetch`, `timers` (`setTimeout`, `clearTimeout`) and `random` are the browser's unless given (tests).
 */
export function createLiveStream({
  authorization,
  onUnauthenticated,
  onChange,
  onState,
  root = new URL('../', import.meta.url),
  fetch = (...args) => globalThis.fetch(...args),
  timers = globalThis,
  random = Math.random,
}) {
  const url = new URL('api/stream', root);
  let closed = false;
  let state;
  let connection;
  let retry;

  function setState(next) {
    if (closed || next === state) return;
    state = next;
    onState?.(next);
  }

  async function run() {
    setState('connecting');
    for (let failures = 0; !closed; failures += 1) {
      const outcome = await connect();
      if (closed) return;
      setState('down');
      if (outcome.stable) failures = 0;
      await wait(Math.max(retryDelay(failures, random), outcome.retryAfterMs ?? 0));
    }
  }

  /**
   * One stream, from the request to its end. Resolves to `{stable, retryAfterMs}`: whether it stayed live STABLE_MS,
   * and the wait a refusal asked for. Never rejects.
   */
  async function connect() {
    const aborter = new AbortController();
    connection = aborter;
    const sent = authorization();
    let liveSince;
    let silence;
    const heard = () => {
      timers.clearTimeout(silence);
      silence = timers.setTimeout(() => aborter.abort(), SILENCE_MS);
    };
    const ended = () => ({ stable: liveSince !== undefined && Date.now() - liveSince >= STABLE_MS });
    try {
      heard();
      const response = await fetch(url, {
        credentials: 'omit',
        cache: 'no-store',
        headers: { accept: 'text/event-stream', authorization: sent },
        signal: aborter.signal,
      });
      if (!response.ok) return await refused(response, sent);
      // Something other than the stream answered (a proxy's page, say): tried again later, like a failure.
      if (!response.headers.get('content-type')?.startsWith('text/event-stream')) return ended();
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      const parser = createSseParser();
      for (;;) {
        const { done, value } = await reader.read();
        if (done || closed) return ended();
        heard();
        for (const event of parser.push(decoder.decode(value, { stream: true }))) {
          if (event.type === 'ready') {
            liveSince ??= Date.now();
            setState('live');
          }
          deliver(event);
        }
      }
    } catch {
      // Out of reach, cut off, silent too long, or closed: all the same here.
      return ended();
    } finally {
      timers.clearTimeout(silence);
      aborter.abort();
    }
  }

  /** A stream refused: a 401 is told like any other call's, and a `Retry-After` is waited out. */
  async function refused(response, sent) {
    const body = await response.json().catch(() => undefined);
    if (response.status === 401) {
      const error = {
        status: 401,
        code: body?.error?.code ?? 'HTTP_401',
        message: body?.error?.message ?? response.statusText,
      };
      if (!closed) onUnauthenticated?.(error, sent);
    }
    const retryAfter = Number(response.headers.get('retry-after'));
    return { stable: false, retryAfterMs: retryAfter > 0 ? retryAfter * 1_000 : undefined };
  }

  function deliver(event) {
    if (closed) return;
    if (event.type === 'changed') onChange(changedIds(event.data));
    else if (event.type === 'ready' || event.type === 'resync') onChange(undefined);
  }

  function wait(ms) {
    return new Promise((resolve) => {
      retry = { resolve, timer: timers.setTimeout(resolve, ms) };
    });
  }

  void run();
  return {
    close() {
      closed = true;
      connection?.abort();
      if (retry) {
        timers.clearTimeout(retry.timer);
        retry.resolve();
      }
    },
  };
}

/** The ids a `changed` event names; `undefined` (anything may have changed) when they cannot be read. */
function changedIds(data) {
  try {
    const ids = JSON.parse(data).conversations;
    return Array.isArray(ids) ? ids.map(String) : undefined;
  } catch {
    return undefined;
  }
}
