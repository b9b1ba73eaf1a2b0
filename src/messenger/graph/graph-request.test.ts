import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ScriptedGraphServer, startScriptedGraphServer } from '../../../test/support/scripted-graph-server.ts';
import { appsecretProof, createGraphRequester, type GraphRequester } from './graph-request.ts';
import { mutationResult } from './graph-result.ts';

const TOKEN = 'EAAB-page-token-123';
const SECRET = 'app-secret-456';

let server: ScriptedGraphServer;
let graph: GraphRequester;

beforeEach(async () => {
  server = await startScriptedGraphServer();
  graph = createGraphRequester({ baseUrl: server.baseUrl, version: 'v25.0', appSecret: SECRET, timeoutMs: 300 });
});

afterEach(async () => {
  await graph.close();
  await server.close();
});

describe('appsecretProof', () => {
  it('is the lowercase hex HMAC-SHA256 of the token keyed with the app secret', () => {
    const expected = createHmac('sha256', SECRET).update(TOKEN).digest('hex');
    expect(appsecretProof(TOKEN, SECRET)).toBe(expected);
    expect(expected).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('createGraphRequester', () => {
  it('sends the token as a bearer header, never in the URL, with appsecret_proof in the query', async () => {
    server.reply({ json: { id: '1' } });
    await graph.call({ method: 'GET', path: '/me', token: TOKEN, query: { fields: 'id,name' } });
    const [req] = server.requests;
    expect(req?.url.pathname).toBe('/v25.0/me');
    expect(req?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(req?.url.searchParams.get('access_token')).toBeNull();
    expect(req?.url.searchParams.get('fields')).toBe('id,name');
    const proof = createHmac('sha256', SECRET).update(TOKEN).digest('hex');
    expect(req?.url.searchParams.get('appsecret_proof')).toBe(proof);
    expect(req?.url.toString()).not.toContain(TOKEN);
  });

  it("gives each token its own proof when calls alternate between pages' tokens", async () => {
    const tokens = [TOKEN, 'EAAB-other-page-token', TOKEN];
    for (const token of tokens) {
      server.reply({ json: {} });
      await graph.call({ method: 'GET', path: '/me', token });
    }
    const proofs = server.requests.map((r) => r.url.searchParams.get('appsecret_proof'));
    expect(proofs).toEqual(tokens.map((token) => appsecretProof(token, SECRET)));
  });

  it('leaves out appsecret_proof without an app secret', async () => {
    const plain = createGraphRequester({ baseUrl: server.baseUrl, version: 'v25.0' });
    server.reply({ json: {} });
    await plain.call({ method: 'GET', path: '/me', token: TOKEN });
    await plain.close();
    expect(server.requests[0]?.url.searchParams.has('appsecret_proof')).toBe(false);
  });

  it('keeps a path prefix of the base URL and calls the unversioned API when the version is empty', async () => {
    const prefixed = createGraphRequester({ baseUrl: `${server.baseUrl}/graph/`, version: '' });
    server.reply({ json: {} });
    await prefixed.call({ method: 'GET', path: '/me/accounts' });
    await prefixed.close();
    expect(server.requests[0]?.url.pathname).toBe('/graph/me/accounts');
  });

  it('sends JSON bodies with their content type', async () => {
    server.reply({ json: { success: true } });
    const res = await graph.call({ method: 'DELETE', path: '/me/x', token: TOKEN, json: { fields: ['greeting'] } });
    expect(res).toMatchObject({ ok: true, status: 200, body: { success: true } });
    expect(server.requests[0]?.method).toBe('DELETE');
    expect(server.requests[0]?.headers['content-type']).toBe('application/json');
    expect(server.requests[0]?.json).toEqual({ fields: ['greeting'] });
  });

  it('turns a Graph error envelope into a classified failure with the HTTP status', async () => {
    const error = { message: '(#10) outside window', type: 'OAuthException', code: 10, error_subcode: 2018278 };
    server.reply({ status: 400, json: { error: { ...error, fbtrace_id: 'Tr1' } } });
    const res = await graph.call({ method: 'POST', path: '/me/messages', token: TOKEN, json: {} });
    expect(res).toEqual({ ok: false, kind: 'window', error: { ...error, fbtrace_id: 'Tr1', http_status: 400 } });
  });

  it('treats a 5xx answer that is not JSON as transient', async () => {
    server.reply({ status: 502, body: '<html>Bad gateway</html>', headers: { 'content-type': 'text/html' } });
    const res = await graph.call({ method: 'GET', path: '/me', token: TOKEN });
    expect(res).toMatchObject({ ok: false, kind: 'transient', error: { http_status: 502 } });
  });

  it('treats a 2xx answer that is not JSON, and a 408 without an error body, as transient: the call may have worked', async () => {
    server.reply({ status: 200, body: 'OK', headers: { 'content-type': 'text/plain' } }, { status: 408, body: '' });
    const unreadable = await graph.call({ method: 'POST', path: '/me/messages', token: TOKEN, json: {} });
    const timedOut = await graph.call({ method: 'POST', path: '/me/messages', token: TOKEN, json: {} });
    expect(unreadable).toMatchObject({ ok: false, kind: 'transient', error: { http_status: 200 } });
    expect(timedOut).toMatchObject({ ok: false, kind: 'transient', error: { http_status: 408 } });
  });

  it('treats a 4xx answer without an error body as invalid', async () => {
    server.reply({ status: 404, json: { nothing: true } });
    const res = await graph.call({ method: 'GET', path: '/me', token: TOKEN });
    expect(res).toMatchObject({ ok: false, kind: 'invalid', error: { http_status: 404 } });
  });

  it('turns a socket reset into a transient failure without an HTTP status', async () => {
    server.reply({ reset: true });
    const res = await graph.call({ method: 'GET', path: '/me', token: TOKEN });
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.kind).toBe('transient');
    expect(res.error.http_status).toBeUndefined();
    expect(res.error.message).toMatch(/^Graph request failed/);
  });

  it('fails a request that cannot leave (a line break in its token) as invalid, not as a failure Graph may have seen', async () => {
    const res = await graph.call({ method: 'GET', path: '/me', token: `${TOKEN}\n` });
    expect(res).toMatchObject({
      ok: false,
      kind: 'invalid',
      error: { message: expect.stringMatching(/^Graph request not sent/) },
    });
    expect(JSON.stringify(res)).not.toContain(TOKEN);
    expect(server.requests).toHaveLength(0);
  });

  it('gives up on an answer slower than timeoutMs as a transient failure', async () => {
    server.reply({ json: { id: '1' }, delayMs: 5_000 });
    const res = await graph.call({ method: 'GET', path: '/me', token: TOKEN });
    expect(res).toEqual({
      ok: false,
      kind: 'transient',
      error: { message: 'Graph request timed out after 300 ms' },
    });
  });

  it('gives up on a body that stops coming as a transient failure', async () => {
    const stalling = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"id":');
    });
    await new Promise<void>((resolve) => stalling.listen(0, '127.0.0.1', resolve));
    const { port } = stalling.address() as AddressInfo;
    const slow = createGraphRequester({ baseUrl: `http://127.0.0.1:${port}`, version: 'v25.0', timeoutMs: 300 });
    try {
      const res = await slow.call({ method: 'GET', path: '/me', token: TOKEN });
      expect(res).toEqual({ ok: false, kind: 'transient', error: { message: 'Graph request timed out after 300 ms' } });
    } finally {
      await slow.close();
      stalling.closeAllConnections();
      stalling.close();
    }
  });

  it('scrubs the token and other secrets from error messages', async () => {
    const message = `Invalid token ${TOKEN} for secret ${SECRET} and code abc-code`;
    server.reply({ status: 400, json: { error: { message, code: 190 } } });
    const res = await graph.call({ method: 'GET', path: '/me', token: TOKEN, secrets: ['abc-code'] });
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.error.message).toBe('Invalid token [redacted] for secret [redacted] and code [redacted]');
  });

  it('attaches usage headers to successes and failures', async () => {
    server.reply(
      { json: {}, headers: { 'x-app-usage': '{"call_count":28}', 'x-page-usage': '{"call_count":91}' } },
      { status: 400, json: { error: { message: 'm', code: 100 } }, headers: { 'x-app-usage': '{"total_time":5}' } },
    );
    const ok = await graph.call({ method: 'GET', path: '/me', token: TOKEN });
    const failed = await graph.call({ method: 'GET', path: '/me', token: TOKEN });
    expect(ok).toMatchObject({ ok: true, usage: { app: 28, page: 91 } });
    expect(failed).toMatchObject({ ok: false, usage: { app: 5 } });
  });

  it('takes the retry wait from the business use case header, else from Retry-After', async () => {
    const buc = '{"104857392018475":[{"type":"pages","call_count":100,"estimated_time_to_regain_access":3}]}';
    server.reply(
      { status: 400, json: { error: { message: 'm', code: 80001 } }, headers: { 'x-business-use-case-usage': buc } },
      { status: 503, json: { error: { message: 'm', code: 2 } }, headers: { 'retry-after': '12' } },
      { status: 400, json: { error: { message: 'm', code: 100 } }, headers: { 'retry-after': '12' } },
    );
    const limited = await graph.call({ method: 'GET', path: '/me', token: TOKEN });
    const unavailable = await graph.call({ method: 'GET', path: '/me', token: TOKEN });
    const invalid = await graph.call({ method: 'GET', path: '/me', token: TOKEN });
    expect(limited).toMatchObject({ ok: false, kind: 'rate_limited', retry_after_ms: 180_000 });
    expect(unavailable).toMatchObject({ ok: false, kind: 'transient', retry_after_ms: 12_000 });
    expect(invalid).not.toHaveProperty('retry_after_ms');
  });

  it('waits at most a day, whatever Graph asks: past 24.8 days a timer fires at once, again and again', async () => {
    const buc = '{"104857392018475":[{"type":"pages","call_count":100,"estimated_time_to_regain_access":60000}]}';
    server.reply(
      { status: 400, json: { error: { message: 'm', code: 80001 } }, headers: { 'x-business-use-case-usage': buc } },
      { status: 503, json: { error: { message: 'm', code: 2 } }, headers: { 'retry-after': '2592000' } },
    );
    const day = 24 * 60 * 60_000;
    expect(await graph.call({ method: 'GET', path: '/me', token: TOKEN })).toMatchObject({ retry_after_ms: day });
    expect(await graph.call({ method: 'GET', path: '/me', token: TOKEN })).toMatchObject({ retry_after_ms: day });
  });

  it('reads a Retry-After given as an HTTP date', async () => {
    const inAMinute = new Date(Date.now() + 60_000).toUTCString();
    server.reply({ status: 503, json: { error: { message: 'm', code: 2 } }, headers: { 'retry-after': inAMinute } });
    const res = await graph.call({ method: 'GET', path: '/me', token: TOKEN });
    if (res.ok) throw new Error('expected a failure');
    // HTTP dates count whole seconds.
    expect(res.retry_after_ms).toBeGreaterThan(58_000);
    expect(res.retry_after_ms).toBeLessThanOrEqual(60_000);
  });

  it('follows an absolute URL on the Graph origin without its access_token', async () => {
    server.reply({ json: {} });
    const next = `${server.baseUrl}/v25.0/me/accounts?after=XYZ&access_token=OLD`;
    await graph.call({ method: 'GET', path: '/me/accounts', absoluteUrl: next, token: TOKEN });
    const req = server.requests[0];
    expect(req?.url.pathname).toBe('/v25.0/me/accounts');
    expect(req?.url.searchParams.get('after')).toBe('XYZ');
    expect(req?.url.searchParams.has('access_token')).toBe(false);
    expect(req?.url.searchParams.get('appsecret_proof')).toBe(appsecretProof(TOKEN, SECRET));
  });

  it('refuses to send the token to another origin', async () => {
    const res = await graph.call({ method: 'GET', path: '/x', absoluteUrl: 'http://evil.test/steal', token: TOKEN });
    expect(res).toMatchObject({ ok: false, kind: 'invalid' });
    expect(server.requests).toHaveLength(0);
  });
});

describe('logging', () => {
  it('logs calls at debug level without tokens, secrets or query strings', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logged = createGraphRequester({
      baseUrl: server.baseUrl,
      version: 'v25.0',
      appSecret: SECRET,
      logger: pino({ level: 'debug' }, stream),
    });
    server.reply({ json: {} }, { status: 400, json: { error: { message: `bad ${TOKEN}`, code: 190 } } });
    await logged.call({ method: 'GET', path: '/me', token: TOKEN, query: { input_token: 'other-secret' } });
    await logged.call({ method: 'GET', path: '/me', token: TOKEN, secrets: ['other-secret'] });
    await logged.close();
    const output = lines.join('');
    expect(lines).toHaveLength(2);
    expect(output).toContain('"path":"/me"');
    expect(output).toContain('"kind":"token"');
    for (const secret of [TOKEN, SECRET, 'other-secret', appsecretProof(TOKEN, SECRET)]) {
      expect(output).not.toContain(secret);
    }
  });
});

describe('mutationResult', () => {
  it('accepts success:true and result:success and rejects success:false', () => {
    const base = { ok: true as const, status: 200 };
    expect(mutationResult({ ...base, body: { success: true } })).toEqual({ ok: true });
    expect(mutationResult({ ...base, body: { result: 'success' } })).toEqual({ ok: true });
    expect(mutationResult({ ...base, body: { success: false } })).toMatchObject({ ok: false, kind: 'invalid' });
  });
});
