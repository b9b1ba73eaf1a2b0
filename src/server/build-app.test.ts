import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { Client } from 'undici';
import { describe, expect, it } from 'vitest';
import { createHttpApp } from './build-app.ts';
import { ERRORS, type ErrorCode } from './errors.ts';
import { inboxRoutes } from './inbox-routes.ts';
import { createLogger } from './logger.ts';

/**
 * A request of `slowMs` under way on a connection kept alive far longer than the test may run, when the app begins to
 * close with `closeGraceMs`: its answer, once the close is over (a close that waited for the connection, or for a
 * grace that long, would time the test out).
 */
async function closeDuringSlowRequest(o: { slowMs: number; closeGraceMs: number }) {
  const app = createHttpApp(pino({ level: 'silent' }), false, { closeGraceMs: o.closeGraceMs });
  app.get('/slow', async () => {
    await sleep(o.slowMs);
    return { done: true };
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const client = new Client(url, { keepAliveTimeout: 600_000, keepAliveMaxTimeout: 600_000 });
  try {
    const answer = client.request({ method: 'GET', path: '/slow' });
    await sleep(50);
    await app.close();
    const response = await answer;
    return { status: response.statusCode, connection: response.headers.connection, body: await response.body.json() };
  } finally {
    await client.destroy();
  }
}

describe('closing the HTTP app', () => {
  it('lets a request under way finish past the grace, then ends its kept-alive connection', async () => {
    expect(await closeDuringSlowRequest({ slowMs: 400, closeGraceMs: 100 })).toMatchObject({
      status: 200,
      body: { done: true },
    });
  });

  it('ends a kept-alive connection with the answer to the request under way, without waiting for the grace', async () => {
    expect(await closeDuringSlowRequest({ slowMs: 200, closeGraceMs: 600_000 })).toEqual({
      status: 200,
      connection: 'close',
      body: { done: true },
    });
  });

  it('cuts a request whose body stopped coming once the grace is over', async () => {
    const app = createHttpApp(pino({ level: 'silent' }), false, { closeGraceMs: 100 });
    app.post('/webhooks/messenger', async () => 'EVENT_RECEIVED');
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    const socket = connect(port, '127.0.0.1');
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.on('error', () => {});
    socket.write(
      'POST /webhooks/messenger HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"object"',
    );
    await sleep(50);
    await app.close();
    await closed;
  });
});

describe('errors', () => {
  it('answers an address that cannot be decoded in the API’s shape, and logs it as refused', async () => {
    const lines: { msg: string; status?: number }[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const app = createHttpApp(logger);
    app.get('/api/conversations/:id/messages', async () => ({ ok: true }));
    const answer = await app.inject('/api/conversations/%ff/messages');
    expect([answer.statusCode, answer.json().error.code]).toEqual([400, 'SB_BAD_REQUEST']);
    expect(lines.filter((line) => line.msg === 'request refused').map((line) => line.status)).toEqual([400]);
    await app.close();
  });

  it('says what is wrong with an address it refuses before routing, without quoting the address back', async () => {
    const app = createHttpApp(pino({ level: 'silent' }));
    app.get('/api/conversations/:id/messages', async () => ({ ok: true }));
    try {
      for (const [url, message] of [
        ['/api/conversations/%ff-secret/messages', /cannot be decoded/],
        [`/api/conversations/${'secret'.repeat(20)}/messages`, /longer than any id/],
      ] as const) {
        const answer = await app.inject(url);
        expect([answer.statusCode, answer.json().error.code], url).toEqual([400, 'SB_BAD_REQUEST']);
        expect(answer.json().error.message, url).toMatch(message);
        expect(answer.body, url).not.toContain('secret');
      }
    } finally {
      await app.close();
    }
  });

  it('tells a client that sent a form or no Content-Type to send JSON, with a code of its own', async () => {
    const app = createHttpApp(pino({ level: 'silent' }));
    app.post('/api/conversations/:id/flag', async () => ({ ok: true }));
    try {
      for (const headers of [{ 'content-type': 'application/x-www-form-urlencoded' }, {}]) {
        const answer = await app.inject({
          method: 'POST',
          url: '/api/conversations/c1/flag',
          payload: 'flagged=true',
          headers,
        });
        expect(answer.statusCode).toBe(415);
        expect(answer.json()).toEqual({
          error: { code: 'SB_UNSUPPORTED_MEDIA_TYPE', message: expect.stringMatching(/application\/json/) },
        });
      }
    } finally {
      await app.close();
    }
  });

  it('answers the web inbox’s files refused by a plugin with a code of their status, never SB_BAD_REQUEST’s 400 on another', async () => {
    const app = createHttpApp(pino({ level: 'silent' }));
    await app.register(inboxRoutes);
    const ask = async (url: string, headers: Record<string, string> = {}) => {
      const answer = await app.inject({ url, headers });
      const { code } = answer.json<{ error: { code: ErrorCode } }>().error;
      return { status: answer.statusCode, code, cataloguedStatus: ERRORS[code].status };
    };
    try {
      // A cached copy checked against a changed file; a range past the end (send's own answers, RFC 9110 §13, §14).
      expect(await ask('/inbox/app.js', { 'if-match': '"an old version"' })).toEqual({
        status: 412,
        code: 'SB_PRECONDITION_FAILED',
        cataloguedStatus: 412,
      });
      expect(await ask('/inbox/app.js', { range: 'bytes=99999999-' })).toEqual({
        status: 416,
        code: 'SB_RANGE_NOT_SATISFIABLE',
        cataloguedStatus: 416,
      });
      // A path send calls malicious (a NUL byte) was a 403 coded SB_BAD_REQUEST.
      expect(await ask('/inbox/app%00.js')).toEqual({ status: 400, code: 'SB_BAD_REQUEST', cataloguedStatus: 400 });
    } finally {
      await app.close();
    }
  });

  it('answers a request Node could not read in the API’s shape: headers too large, or not HTTP', async () => {
    const app = createHttpApp(pino({ level: 'silent' }));
    app.get('/api/conversations', async () => ({ data: [] }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    const answer = (request: string) => {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => {});
      let text = '';
      socket.on('data', (data) => {
        text += data.toString();
      });
      socket.write(request);
      return new Promise<{ status: string; body: unknown }>((resolve) =>
        socket.once('close', () => {
          const [head = '', body = ''] = text.split('\r\n\r\n');
          resolve({ status: head.split(' ')[1] ?? '', body: JSON.parse(body) });
        }),
      );
    };
    try {
      expect(await answer(`GET /api/conversations?q=${'x'.repeat(70_000)} HTTP/1.1\r\nHost: x\r\n\r\n`)).toEqual({
        status: '431',
        body: { error: { code: 'SB_HEADERS_TOO_LARGE', message: expect.any(String) } },
      });
      expect(await answer('GET /api/conversations HTTP/1.1\r\nHost: x\r\nbroken header\r\n\r\n')).toEqual({
        status: '400',
        body: { error: { code: 'SB_BAD_REQUEST', message: expect.any(String) } },
      });
    } finally {
      await app.close();
    }
  });

  it('logs a request Node could not parse without its raw bytes, which hold its credentials', async () => {
    const lines: string[] = [];
    const app = createHttpApp(createLogger('trace', { write: (line) => lines.push(line) }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    const socket = connect(port, '127.0.0.1');
    const answered = new Promise<string>((resolve) => socket.once('data', (data) => resolve(data.toString())));
    const credentials = Buffer.from('admin@example.com:hunter2-password').toString('base64');
    socket.write(`GET /api/pages HTTP/1.1\r\nHost: x\r\nAuthorization: Basic ${credentials}\r\nbroken header\r\n\r\n`);
    expect(await answered).toMatch(/^HTTP\/1\.1 400/);
    socket.destroy();
    await app.close();
    const logged = lines.map((line) => JSON.parse(line)).filter((line) => line.err?.rawPacket !== undefined);
    expect(logged.length).toBeGreaterThan(0);
    for (const line of logged) expect(line.err.rawPacket).toBe('[redacted]');
  });
});
