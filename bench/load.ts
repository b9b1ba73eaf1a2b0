import { Pool } from 'undici';
import type { SignedEvents } from './events.ts';

/** What a load loop saw; indexes are event numbers of the `SignedEvents` it sent. */
export interface LoadResult {
  /** Requests sent (events `0..sent-1`). */
  sent: number;
  /** Requests answered 200. */
  ok: number;
  /** Other answers and transport errors, by status code or error code. */
  failures: Record<string, number>;
  /** 1 where the event was acknowledged with 200. */
  acked: Uint8Array;
  /** Closed loop: when each request was sent. Open loop: when it was scheduled (no coordinated omission). */
  sentAt: Float64Array;
  /** ms from `sentAt` to the 200; NaN when answered otherwise, +Infinity when abandoned unanswered. */
  ackMs: Float64Array;
  /** `performance.now()` of the first send and of the last answer. */
  startedAt: number;
  endedAt: number;
}

export interface LoopOptions {
  /** Base URL of the server under test; events go to `POST /webhooks/messenger`. */
  url: string;
  events: SignedEvents;
  /** Pool connections, one request in flight on each (pipelining 1). */
  connections: number;
}

/** Every request is bounded in time, so no loop waits forever on a stuck server. */
const REQUEST_TIMEOUT_MS = 30_000;

function createRecorder(count: number) {
  const result: LoadResult = {
    sent: 0,
    ok: 0,
    failures: {},
    acked: new Uint8Array(count),
    sentAt: new Float64Array(count),
    ackMs: new Float64Array(count).fill(Number.NaN),
    startedAt: performance.now(),
    endedAt: 0,
  };
  const fail = (key: string) => {
    result.failures[key] = (result.failures[key] ?? 0) + 1;
  };
  return { result, fail };
}

async function post(pool: Pool, events: SignedEvents, i: number): Promise<{ status: number } | { error: string }> {
  try {
    const res = await pool.request({
      path: '/webhooks/messenger',
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': events.signature(i) },
      body: events.body(i),
    });
    await res.body.dump();
    return { status: res.statusCode };
  } catch (error) {
    return { error: (error as { code?: string }).code ?? (error as Error).name };
  }
}

function newPool(options: LoopOptions): Pool {
  return new Pool(options.url, {
    connections: options.connections,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    headersTimeout: REQUEST_TIMEOUT_MS,
    bodyTimeout: REQUEST_TIMEOUT_MS,
  });
}

/**
 * Closed loop: each connection sends the next event as soon as its previous one is answered, until
 * `durationMs` has passed or every pre-built event is sent.
 */
export async function closedLoop(options: LoopOptions & { durationMs: number }): Promise<LoadResult> {
  const { events } = options;
  const pool = newPool(options);
  const { result, fail } = createRecorder(events.count);
  const deadline = result.startedAt + options.durationMs;
  const worker = async () => {
    while (result.sent < events.count && performance.now() < deadline) {
      const i = result.sent++;
      const sentAt = performance.now();
      result.sentAt[i] = sentAt;
      const outcome = await post(pool, events, i);
      record(result, fail, i, outcome, performance.now() - sentAt);
    }
  };
  await Promise.all(Array.from({ length: options.connections }, worker));
  result.endedAt = performance.now();
  await pool.close();
  return result;
}

/**
 * Open loop: event `i` is due at `start + i / rate` whether or not earlier ones were answered; latency
 * counts from that scheduled time, so a stalled server cannot hide its stall by slowing the sender.
 * Requests still unanswered `graceMs` after the last one was due are abandoned (failure "abandoned").
 */
export async function openLoop(options: LoopOptions & { rate: number; graceMs: number }): Promise<LoadResult> {
  const { events, rate } = options;
  const pool = newPool(options);
  const { result, fail } = createRecorder(events.count);
  const start = result.startedAt;
  let pending = 0;
  let abandoned = false;
  const answered = new Uint8Array(events.count);
  let allSent: () => void = () => {};
  const done = new Promise<void>((resolve) => (allSent = resolve));
  const send = (i: number, due: number) => {
    pending++;
    result.sentAt[i] = due;
    void post(pool, events, i).then((outcome) => {
      if (abandoned) return;
      answered[i] = 1;
      record(result, fail, i, outcome, performance.now() - due);
      if (--pending === 0 && result.sent === events.count) allSent();
    });
  };
  const tick = () => {
    if (abandoned) return;
    const now = performance.now();
    while (result.sent < events.count && start + (result.sent * 1000) / rate <= now) {
      const i = result.sent++;
      send(i, start + (i * 1000) / rate);
    }
    if (result.sent < events.count) setTimeout(tick, Math.max(0, start + (result.sent * 1000) / rate - now));
    else if (pending === 0) allSent();
  };
  tick();
  const giveUpAt = start + (events.count * 1000) / rate + options.graceMs;
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<'grace over'>((resolve) => {
    timer = setTimeout(() => resolve('grace over'), giveUpAt - performance.now());
  });
  const outcome = await Promise.race([done, graceOver]);
  clearTimeout(timer);
  result.endedAt = performance.now();
  if (outcome === 'grace over') {
    abandoned = true;
    if (pending > 0) result.failures.abandoned = pending;
    for (let i = 0; i < result.sent; i++) if (!answered[i]) result.ackMs[i] = Number.POSITIVE_INFINITY;
    await pool.destroy();
  } else await pool.close();
  return result;
}

function record(
  result: LoadResult,
  fail: (key: string) => void,
  i: number,
  outcome: { status: number } | { error: string },
  ms: number,
) {
  if ('status' in outcome && outcome.status === 200) {
    result.ok++;
    result.acked[i] = 1;
    result.ackMs[i] = ms;
  } else fail('status' in outcome ? `HTTP ${outcome.status}` : outcome.error);
}
