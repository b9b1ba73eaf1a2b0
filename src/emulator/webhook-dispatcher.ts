import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { Agent, request } from 'undici';
import { signatureHeaders, toFacebookJson } from './facebook-json.ts';

/** Webhook retry policy. Defaults are in `DEFAULT_WEBHOOK_RETRY`. */
export interface WebhookRetryOptions {
  /** Wait before the first retry; doubles each time. */
  baseMs: number;
  /** Attempts per delivery, the first included; then the delivery is given up (and logged). */
  maxAttempts: number;
  /** Per-attempt timeout: Facebook waits 20 s (messenger-platform.md §1.3). */
  timeoutMs: number;
}

/**
 * Facebook's exact schedule is not documented (§1.3, §12.1); this retries for about 11 to 13 minutes:
 * 5 s, 10 s, 20 s … 320 s between 8 attempts, each with Facebook's 20 s timeout.
 */
export const DEFAULT_WEBHOOK_RETRY: WebhookRetryOptions = { baseMs: 5_000, maxAttempts: 8, timeoutMs: 20_000 };

/** One event waiting to be delivered to one app. */
export interface QueuedEvent {
  page_id: string;
  /** `standby` for apps that do not own the thread (§2.12). */
  channel: 'messaging' | 'standby';
  event: Record<string, unknown>;
}

/** One delivery attempt, as `GET /_emulator/webhook-deliveries` lists it. */
export interface DeliveryAttempt {
  id: number;
  /** Attempts of the same body share this id. */
  delivery_id: number;
  app_id: string;
  url: string;
  attempt: number;
  ok: boolean;
  status?: number;
  error?: string;
  /** Dropped by an injected fault: never sent. */
  dropped?: boolean;
  entries: number;
  body: string;
  time: number;
  duration_ms: number;
}

export interface WebhookTarget {
  id: string;
  secret: string;
  webhook_url?: string;
}

export interface WebhookDispatcher {
  enqueue(appId: string, event: QueuedEvent): void;
  attempts(): DeliveryAttempt[];
  /** Resolves once no app has anything queued or in flight. */
  idle(): Promise<void>;
  /**
   * Forgets queued events and the attempt log (a reset). A body being retried is abandoned: an attempt in flight is
   * aborted, unrecorded, and no other is made.
   */
  clear(): void;
  close(): Promise<void>;
}

const MAX_ENTRIES_PER_BODY = 100;
const MAX_LOGGED_ATTEMPTS = 2000;

/**
 * Delivers events to each app's webhook in order: one queue per app, one body in flight per app,
 * retries before the next body (so order holds, as Facebook promises for messages). With
 * `batchWindowMs` > 0 it waits that long and puts every queued event in one body (several entries).
 */
export function createWebhookDispatcher(deps: {
  findApp: (appId: string) => WebhookTarget | undefined;
  now: () => number;
  batchWindowMs: number;
  escapeUnicode: boolean;
  retry: WebhookRetryOptions;
  shouldDrop: () => boolean;
  log: Logger;
}): WebhookDispatcher {
  const queues = new Map<string, QueuedEvent[]>();
  const running = new Set<string>();
  const log: DeliveryAttempt[] = [];
  const agent = new Agent({ keepAliveTimeout: 1_000 });
  const abort = new AbortController();
  // One generation per reset: clear() ends it, so deliveries of the old state stop retrying and free their app.
  let generation = new AbortController();
  let idleWaiters: (() => void)[] = [];
  let nextAttemptId = 1;
  let nextDeliveryId = 1;

  /** Waits; false when the wait was cut short (close, or a reset when `signal` is a generation's). */
  const pause = (ms: number, signal = abort.signal) =>
    sleep(ms, undefined, { signal }).then(
      () => true,
      () => false,
    );

  function record(attempt: Omit<DeliveryAttempt, 'id'>): void {
    log.push({ id: nextAttemptId++, ...attempt });
    if (log.length > MAX_LOGGED_ATTEMPTS) log.splice(0, log.length - MAX_LOGGED_ATTEMPTS);
  }

  /**
   * One POST; `stale` is the delivery's generation, so a reset or a close ends a request the bot holds open. The whole
   * answer must come within `timeoutMs` (§1.3): undici's own timeouts bound only the wait for the headers and each
   * pause in the body, so a bot that answered its status at once and its body much later was waited for without end.
   */
  async function attemptOnce(attempt: {
    url: string;
    bytes: Buffer;
    secret: string;
    stale: AbortSignal;
  }): Promise<{ status?: number; error?: string }> {
    const { url, bytes, secret, stale } = attempt;
    const limit = new AbortController();
    const endLimit = () => limit.abort(stale.reason);
    // Forwarded by hand and removed after: a signal combined per attempt would stay referenced from the long-lived
    // generation (Node 20), one per webhook sent.
    stale.addEventListener('abort', endLimit, { once: true });
    const timer = setTimeout(
      () => limit.abort(new Error(`timeout: no complete answer within ${deps.retry.timeoutMs} ms`)),
      deps.retry.timeoutMs,
    );
    try {
      const response = await request(url, {
        method: 'POST',
        body: bytes,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'facebookexternalua',
          ...signatureHeaders(bytes, secret),
        },
        headersTimeout: deps.retry.timeoutMs,
        bodyTimeout: deps.retry.timeoutMs,
        dispatcher: agent,
        signal: limit.signal,
      });
      await response.body.text();
      // Only 200 counts as delivered (§1.3); a 202 or 204 is retried like any other answer.
      return response.statusCode === 200
        ? { status: response.statusCode }
        : { status: response.statusCode, error: `HTTP ${response.statusCode}` };
    } catch (error) {
      return { error: (error as Error).message || String(error) };
    } finally {
      clearTimeout(timer);
      stale.removeEventListener('abort', endLimit);
    }
  }

  async function deliver(appId: string, batch: QueuedEvent[]): Promise<void> {
    const time = deps.now();
    const body = {
      object: 'page',
      entry: batch.map((item) => ({ id: item.page_id, time, [item.channel]: [item.event] })),
    };
    const text = toFacebookJson(body, deps.escapeUnicode);
    const deliveryId = nextDeliveryId++;
    const base = { delivery_id: deliveryId, app_id: appId, entries: batch.length, body: text };
    if (deps.shouldDrop()) {
      record({
        ...base,
        url: deps.findApp(appId)?.webhook_url ?? '',
        attempt: 0,
        ok: false,
        dropped: true,
        time,
        duration_ms: 0,
      });
      return;
    }
    const bytes = Buffer.from(text, 'utf8');
    const stale = generation.signal; // aborted once a reset makes this body stale
    for (let attempt = 1; attempt <= deps.retry.maxAttempts && !stale.aborted; attempt++) {
      const app = deps.findApp(appId);
      if (!app?.webhook_url) return;
      const started = Date.now();
      const result = await attemptOnce({ url: app.webhook_url, bytes, secret: app.secret, stale });
      if (stale.aborted) return;
      const ok = result.error === undefined;
      record({
        ...base,
        url: app.webhook_url,
        attempt,
        ok,
        ...result,
        time: deps.now(),
        duration_ms: Date.now() - started,
      });
      if (ok) return;
      deps.log.warn({ appId, attempt, error: result.error }, 'webhook delivery failed');
      if (attempt < deps.retry.maxAttempts && !(await pause(deps.retry.baseMs * 2 ** (attempt - 1), stale))) return;
    }
    deps.log.error({ appId, deliveryId }, 'webhook delivery given up after the last attempt');
  }

  async function drain(appId: string): Promise<void> {
    try {
      while (!abort.signal.aborted) {
        if (deps.batchWindowMs > 0 && !(await pause(deps.batchWindowMs))) return;
        const queue = queues.get(appId);
        if (!queue || queue.length === 0) return;
        const batch = queue.splice(0, deps.batchWindowMs > 0 ? MAX_ENTRIES_PER_BODY : 1);
        await deliver(appId, batch);
      }
    } catch (error) {
      deps.log.error({ err: error, appId }, 'webhook dispatcher failed');
    } finally {
      running.delete(appId);
      if (running.size === 0) {
        for (const resolve of idleWaiters) resolve();
        idleWaiters = [];
      }
    }
  }

  return {
    enqueue(appId, event) {
      if (abort.signal.aborted) return;
      const app = deps.findApp(appId);
      if (!app?.webhook_url) return;
      const queue = queues.get(appId) ?? [];
      queues.set(appId, queue);
      queue.push(event);
      if (!running.has(appId)) {
        running.add(appId);
        void drain(appId);
      }
    },
    attempts: () => [...log],
    idle: () => (running.size === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve))),
    clear() {
      generation.abort();
      generation = new AbortController();
      queues.clear();
      log.length = 0;
    },
    async close() {
      abort.abort();
      generation.abort();
      queues.clear();
      for (const resolve of idleWaiters) resolve();
      idleWaiters = [];
      await agent.destroy();
    },
  };
}
