import { once } from 'node:events';
import { createServer } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../src/storage/database.ts';
import { startEchoBot } from '../support/echo-bot.ts';
import { type Harness, PAGE_ID, PSID, startHarness } from '../support/gateway-harness.ts';

/**
 * How long each test may run, start-up included: well under what a close that waits would take (a 30 s response
 * delay, a 60 s assistant timeout), so a shutdown that is not prompt times the test out.
 */
const PROMPTLY = 20_000;

describe('graceful shutdown', { timeout: PROMPTLY }, () => {
  it('stops promptly while a reply waits for its response delay, and keeps that reply queued for the next start', async () => {
    const bot = await startEchoBot();
    const h = await startHarness({
      database: 'sqlite',
      assistant: { type: 'http', url: bot.url, timeout_ms: 5000, retries: 0 },
      settings: { response_delay: 'long' },
    });
    try {
      await h.fb.sendText(PAGE_ID, PSID, 'take your time');
      const queued = async () =>
        (await h.switchboard.db.selectFrom('outbox').select('status').where('kind', '=', 'message').execute()).length >
        0;
      await vi.waitFor(async () => expect(await queued()).toBe(true), { timeout: 5_000, interval: 20 });
      // The reply waits 30 to 60 s, longer than the test may run (PROMPTLY): a close that waited for it fails.
      await h.switchboard.close();
      const { db, close } = openDatabase(h.db.url);
      const rows = await db.selectFrom('outbox').select(['kind', 'status']).where('kind', '=', 'message').execute();
      await close();
      expect(rows).toEqual([{ kind: 'message', status: 'pending' }]);
    } finally {
      await h.emulator.close();
      await h.db.drop();
      await bot.close();
    }
  });

  it('sends the replies a turn finished during the close queued, when they are due before its grace ends', async () => {
    const bot = await startEchoBot();
    const h = await startHarness({
      database: 'sqlite',
      assistant: { type: 'http', url: bot.url, timeout_ms: 5000, retries: 0 },
      settings: { delay_between_messages_ms: 300, typing_indicators: false },
    });
    try {
      bot.hold();
      await h.fb.sendText(PAGE_ID, PSID, 'two please');
      await vi.waitFor(() => expect(bot.turns).toHaveLength(1), { timeout: 5_000, interval: 20 });
      const closed = h.switchboard.close();
      // The turn ends within the close's grace (5 s): its two messages, paced 300 ms apart, go out before it ends.
      setTimeout(() => bot.release(), 200);
      await closed;
      const replies = (await h.fb.conversation(PAGE_ID, PSID)).items.filter((i) => i.from === 'page');
      expect(replies.map((i) => i.message?.text)).toEqual(['first', 'second']);
    } finally {
      await h.emulator.close();
      await h.db.drop();
      await bot.close();
    }
  });

  /**
   * On a connection of its own: sends `before`, begins the close once `ready` says the gateway has it, sends `after` once
   * the gateway no longer listens, and answers what came back when the connection ended and the close was over.
   */
  async function closeMidRequest(
    before: string | ((h: Harness) => string),
    ready: (received: string) => boolean | Promise<boolean>,
    after: string,
  ) {
    const h = await startHarness({ database: 'sqlite' });
    try {
      const socket = connect(Number(new URL(h.gatewayUrl).port), '127.0.0.1');
      let received = '';
      socket.setEncoding('utf8').on('data', (chunk) => (received += chunk));
      socket.write(typeof before === 'string' ? before : before(h));
      await vi.waitFor(async () => expect(await ready(received)).toBe(true), { timeout: 5_000, interval: 10 });
      const closed = h.switchboard.close();
      await vi.waitFor(() => expect(h.switchboard.app.server.listening).toBe(false), { timeout: 5_000, interval: 10 });
      socket.write(after);
      await once(socket, 'end');
      await closed;
      return received;
    } finally {
      await h.emulator.close();
      await h.db.drop();
    }
  }

  it('answers a request under way when it began closing, then ends that connection', async () => {
    // Close ends idle connections: this one is busy with a signed webhook whose body has not been sent yet. The
    // server's "100 Continue" says it has taken that request in, before the close. Then the webhook's body, and a
    // request sent on the same connection once the close has begun.
    const received = await closeMidRequest(
      (h) =>
        'POST /webhooks/messenger HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
        `X-Hub-Signature-256: ${h.sign('{}')}\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n`,
      (sofar) => /^HTTP\/1\.1 100 Continue/.test(sofar),
      '{}GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
    );
    // The webhook, taken in before the close, is answered (it holds no event) with the connection's end: the request
    // after it is not read, and its client sends it again elsewhere, as HTTP has it.
    const responses = received.split(/(?=HTTP\/1\.1 \d{3} )/);
    expect(responses.map((r) => r.slice('HTTP/1.1 '.length, 12))).toEqual(['100', '200']);
    expect(responses.at(-1)).toMatch(/\r\nconnection: close\r\n/i);
  });

  it('answers a request whose headers came in while it closes with 503 SB_SHUTTING_DOWN', async () => {
    // A request begun before the close (a moment for its first bytes to arrive), its headers finished after it began.
    const received = await closeMidRequest(
      'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n',
      () => sleep(100).then(() => true),
      '\r\n',
    );
    expect(received).toMatch(/^HTTP\/1\.1 503 /);
    expect(received).toMatch(/\r\nconnection: close\r\n/i);
    expect(JSON.parse(received.slice(received.indexOf('\r\n\r\n')))).toEqual({
      error: { code: 'SB_SHUTTING_DOWN', message: 'the server is shutting down; retry' },
    });
  });

  it('does not wait for a client that connected and sent nothing', async () => {
    const h = await startHarness({ database: 'sqlite' });
    try {
      const { port } = new URL(h.gatewayUrl);
      const socket = connect(Number(port), '127.0.0.1');
      await once(socket, 'connect');
      const ended = once(socket, 'close');
      // Node times such a connection out after a minute or more, longer than the test may run (PROMPTLY).
      await h.switchboard.close();
      await ended;
    } finally {
      await h.emulator.close();
      await h.db.drop();
    }
  });

  it('cuts short an assistant that does not answer, and leaves its event pending and unblamed for the next start', async () => {
    let asked = 0;
    const silent = createServer(() => asked++); // Reads the request, never answers.
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const h = await startHarness({
      database: 'sqlite',
      assistant: {
        type: 'http',
        url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`,
        timeout_ms: 60_000,
        retries: 0,
      },
      tuning: { shutdownGraceMs: 200 },
    });
    try {
      await h.fb.sendText(PAGE_ID, PSID, 'anyone there?');
      await vi.waitFor(() => expect(asked).toBe(1), { timeout: 5_000, interval: 20 });
      // The assistant's timeout is 60 s, longer than the test may run (PROMPTLY): a close that waited for it fails.
      await h.switchboard.close();
      const { db, close } = openDatabase(h.db.url);
      const events = await db.selectFrom('inbound_events').select(['kind', 'status', 'attempts', 'error']).execute();
      await close();
      expect(events).toEqual([{ kind: 'message', status: 'pending', attempts: 0, error: null }]);
    } finally {
      silent.closeAllConnections();
      silent.close();
      await h.emulator.close();
      await h.db.drop();
    }
  });

  it('closes every part when the processing thread fails to stop, then reports that it did not close cleanly', async () => {
    const h = await startHarness({
      database: 'sqlite',
      processingThread: true,
      processingThreadEntry: new URL('../fixtures/threads/fails-to-stop.js', import.meta.url),
    });
    try {
      const closed = await h.switchboard.close().then(
        () => undefined,
        (error: Error) => error,
      );
      // Closed after processing: the database too, or its WAL would be left for the next start to replay.
      await expect(h.switchboard.db.selectFrom('pages').select('id').execute()).rejects.toThrow(/destroyed/);
      await expect(fetch(`${h.gatewayUrl}/healthz`)).rejects.toThrow();
      expect(closed?.message).toBe('could not close the processing thread; the rest closed');
      expect((closed as AggregateError).errors).toEqual([new Error('the thread broke while stopping')]);
    } finally {
      await h.emulator.close();
      await h.db.drop();
    }
  });
});
