import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLiveStream, type LiveState, retryDelay, SILENCE_MS, STABLE_MS } from './web/live.js';

const AUTHORIZATION = 'Basic YWdlbnQ6c2VjcmV0';

/** A stand-in for the gateway's side of `fetch`: each request gets the next answer, an open stream by default. */
function scriptedGateway() {
  const encoder = new TextEncoder();
  const requests: { url: string; init: RequestInit; send(text: string): void; end(): void }[] = [];
  const answers: (() => Promise<Response>)[] = [];
  const fetch = async (url: URL, init: RequestInit) => {
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        controller = c;
      },
    });
    // As fetch does: an abort rejects the request not answered yet, and errors the body of one answered.
    const aborted = new Promise<never>((_, reject) =>
      init.signal?.addEventListener('abort', () => {
        const error = new DOMException('The operation was aborted.', 'AbortError');
        reject(error);
        try {
          controller.error(error);
        } catch {
          // Ended already.
        }
      }),
    );
    aborted.catch(() => {});
    requests.push({
      url: String(url),
      init,
      send: (text) => controller.enqueue(encoder.encode(text)),
      end: () => controller.close(),
    });
    const answer = answers.shift();
    if (answer) return Promise.race([answer(), aborted]);
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
  };
  return { fetch, requests, answers };
}

function start(gateway: ReturnType<typeof scriptedGateway>) {
  const states: LiveState[] = [];
  const changes: (string[] | undefined)[] = [];
  const onUnauthenticated = vi.fn();
  const stream = createLiveStream({
    authorization: () => AUTHORIZATION,
    onUnauthenticated,
    onChange: (ids) => changes.push(ids),
    onState: (state) => states.push(state),
    root: 'http://gateway.test/',
    fetch: gateway.fetch,
    random: () => 1,
  });
  return { stream, states, changes, onUnauthenticated };
}

const READY = 'event: ready\ndata: {}\n\n';

/** Moves the clock on in small steps until the next request, and says how long that took. */
async function untilNextRequest(gateway: ReturnType<typeof scriptedGateway>) {
  const count = gateway.requests.length;
  let elapsed = 0;
  while (gateway.requests.length === count && elapsed < 120_000) {
    await vi.advanceTimersByTimeAsync(100);
    elapsed += 100;
  }
  return elapsed;
}

describe('the live stream', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits 1 s doubling up to 30 s before connecting again, each wait between half and the whole', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((failures) => retryDelay(failures, () => 1))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000,
    ]);
    expect(retryDelay(0, () => 0)).toBe(500);
    expect(retryDelay(9, () => 0)).toBe(15_000);
  });

  it('asks with the Authorization header and no cookie, is live from ready, and names what changed', async () => {
    const gateway = scriptedGateway();
    const { stream, states, changes } = start(gateway);
    await vi.advanceTimersByTimeAsync(0);
    expect(gateway.requests).toHaveLength(1);
    const [request] = gateway.requests;
    expect(request!.url).toBe('http://gateway.test/api/stream');
    expect(request!.init).toMatchObject({
      credentials: 'omit',
      cache: 'no-store',
      headers: { accept: 'text/event-stream', authorization: AUTHORIZATION },
    });
    expect(states).toEqual(['connecting']);
    request!.send(': ping\n\nevent: re');
    request!.send('ady\ndata: {}\n\n');
    await vi.advanceTimersByTimeAsync(0);
    expect(states).toEqual(['connecting', 'live']);
    // A stream (re)started may have missed changes: everything is refreshed.
    expect(changes).toEqual([undefined]);
    request!.send('event: changed\ndata: {"conversations":["c_1","c_2"]}\n\n');
    request!.send('event: resync\ndata: {}\n\nevent: changed\ndata: {"conv\n\nevent: typing\ndata: {}\n\n');
    await vi.advanceTimersByTimeAsync(0);
    expect(changes).toEqual([undefined, ['c_1', 'c_2'], undefined, undefined]);
    stream.close();
  });

  it('connects again after each end or failure, 1 s after a stream that was live and further apart while failing', async () => {
    const gateway = scriptedGateway();
    const { stream, states } = start(gateway);
    await vi.advanceTimersByTimeAsync(0);
    gateway.requests[0]!.send(READY);
    await vi.advanceTimersByTimeAsync(STABLE_MS);
    gateway.requests[0]!.end();
    // Restarting, then out of reach, then answering something that is not the stream.
    gateway.answers.push(
      async () => Response.json({ error: { code: 'SB_UNAVAILABLE', message: 'restarting' } }, { status: 503 }),
      () => Promise.reject(new TypeError('Failed to fetch')),
      async () => new Response('<html></html>', { headers: { 'content-type': 'text/html' } }),
      async () => Response.json({}, { status: 502 }),
      async () => Response.json({}, { status: 502 }),
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(states).toEqual(['connecting', 'live', 'down']);
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) waits.push(await untilNextRequest(gateway));
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000]);
    gateway.requests.at(-1)!.send(READY);
    await vi.advanceTimersByTimeAsync(0);
    expect(states).toEqual(['connecting', 'live', 'down', 'live']);
    await vi.advanceTimersByTimeAsync(STABLE_MS);
    gateway.requests.at(-1)!.end();
    await vi.advanceTimersByTimeAsync(999);
    expect(gateway.requests).toHaveLength(7);
    await vi.advanceTimersByTimeAsync(1);
    expect(gateway.requests).toHaveLength(8);
    stream.close();
  });

  it('backs off from streams cut soon after ready as from failures, and not from one that stayed live', async () => {
    const gateway = scriptedGateway();
    const { stream } = start(gateway);
    await vi.advanceTimersByTimeAsync(0);
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      gateway.requests.at(-1)!.send(READY);
      await vi.advanceTimersByTimeAsync(STABLE_MS - 1_000);
      gateway.requests.at(-1)!.end();
      waits.push(await untilNextRequest(gateway));
    }
    expect(waits).toEqual([1_000, 2_000, 4_000]);
    gateway.requests.at(-1)!.send(READY);
    await vi.advanceTimersByTimeAsync(STABLE_MS);
    gateway.requests.at(-1)!.end();
    expect(await untilNextRequest(gateway)).toBe(1_000);
    stream.close();
  });

  it('tells a 401 with the credentials it was sent, and waits out a Retry-After', async () => {
    const gateway = scriptedGateway();
    const unauthenticated = () =>
      Response.json({ error: { code: 'SB_UNAUTHENTICATED', message: 'sign in first' } }, { status: 401 });
    const busy = () => Response.json({}, { status: 503, headers: { 'retry-after': '20' } });
    gateway.answers.push(
      async () => unauthenticated(),
      async () => busy(),
    );
    const { stream, states, onUnauthenticated } = start(gateway);
    await vi.advanceTimersByTimeAsync(0);
    expect(onUnauthenticated).toHaveBeenCalledWith(
      { status: 401, code: 'SB_UNAUTHENTICATED', message: 'sign in first' },
      AUTHORIZATION,
    );
    expect(states).toEqual(['connecting', 'down']);
    expect(await untilNextRequest(gateway)).toBe(1_000);
    expect(await untilNextRequest(gateway)).toBe(20_000);
    expect(onUnauthenticated).toHaveBeenCalledTimes(1);
    stream.close();
  });

  it('gives up a stream silent for 45 s and connects again; anything heard, a ping included, keeps it', async () => {
    const gateway = scriptedGateway();
    const { stream, states } = start(gateway);
    await vi.advanceTimersByTimeAsync(0);
    const first = gateway.requests[0]!;
    first.send(READY);
    await vi.advanceTimersByTimeAsync(SILENCE_MS - 1);
    first.send(': ping\n');
    await vi.advanceTimersByTimeAsync(SILENCE_MS - 1);
    expect(first.init.signal?.aborted).toBe(false);
    expect(states).toEqual(['connecting', 'live']);
    await vi.advanceTimersByTimeAsync(1);
    expect(first.init.signal?.aborted).toBe(true);
    expect(states).toEqual(['connecting', 'live', 'down']);
    expect(await untilNextRequest(gateway)).toBe(1_000);
    stream.close();
  });

  it('gives up a request that is not answered within 45 s', async () => {
    const gateway = scriptedGateway();
    gateway.answers.push(() => new Promise<Response>(() => {}));
    const { stream, states } = start(gateway);
    await vi.advanceTimersByTimeAsync(SILENCE_MS);
    expect(gateway.requests[0]!.init.signal?.aborted).toBe(true);
    expect(states).toEqual(['connecting', 'down']);
    stream.close();
  });

  it('stops at close(): the stream is aborted, nothing more is told, and no request follows', async () => {
    const gateway = scriptedGateway();
    const { stream, states, changes } = start(gateway);
    await vi.advanceTimersByTimeAsync(0);
    gateway.requests[0]!.send(READY);
    await vi.advanceTimersByTimeAsync(0);
    stream.close();
    expect(gateway.requests[0]!.init.signal?.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(gateway.requests).toHaveLength(1);
    expect(states).toEqual(['connecting', 'live']);
    expect(changes).toEqual([undefined]);

    // Closed while waiting to connect again.
    const again = scriptedGateway();
    again.answers.push(() => Promise.reject(new TypeError('Failed to fetch')));
    const waiting = start(again);
    await vi.advanceTimersByTimeAsync(500);
    waiting.stream.close();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(again.requests).toHaveLength(1);
    expect(waiting.states).toEqual(['connecting', 'down']);
  });
});
