import { Agent } from 'undici';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type Answer,
  hang,
  json,
  raw,
  type ScriptedServer,
  startScriptedServer,
} from '../../../test/support/scripted-server.ts';
import { type PostJsonOptions, postJson } from './post-json.ts';

const dispatcher = new Agent({ keepAliveTimeout: 1_000 });
let server: ScriptedServer;

beforeEach(async () => {
  server = await startScriptedServer();
});
afterEach(() => server.close());
afterAll(() => dispatcher.close());

function post(options: Partial<PostJsonOptions> = {}) {
  return postJson({
    url: server.url,
    body: '{}',
    headers: { 'content-type': 'application/json' },
    dispatcher,
    timeoutMs: 5_000,
    retries: 2,
    retryDelay: { baseMs: 1 },
    ...options,
  });
}

describe('postJson', () => {
  it.each([504, 524])('does not retry a %i: the server behind the proxy may still be working', async (status) => {
    server.script(json(status, {}), json(200, { ok: true }));
    const result = await post();
    expect(result).toMatchObject({ ok: false, reason: `HTTP ${status}`, attempts: 1, status });
    expect(server.received).toHaveLength(1);
  });

  it('fails an answer too large to read, but an error page too large is still its status, and retried as one', async () => {
    const page = `<html>${'x'.repeat(2_000)}</html>`;
    server.script(raw(200, `{"text":"${'y'.repeat(2_000)}"}`));
    expect(await post({ maxResponseBytes: 1_000 })).toMatchObject({
      ok: false,
      reason: 'answer larger than 1000 bytes',
      attempts: 1,
    });
    server.script(raw(502, page, 'text/html'), json(200, { ok: true }));
    expect(await post({ maxResponseBytes: 1_000 })).toMatchObject({ ok: true, attempts: 2 });
    server.script(raw(401, page, 'text/html'));
    expect(await post({ maxResponseBytes: 1_000 })).toMatchObject({ ok: false, reason: 'HTTP 401', status: 401 });
  });

  it('does not retry an error answer its caller says is permanent, and retries the others', async () => {
    const isPermanentFailure = (answer: { status: number; errorBody?: string }) =>
      answer.errorBody?.includes('quota') === true;
    server.script(json(429, { error: 'no quota left' }), json(429, { error: 'slow down' }), json(200, { ok: true }));
    expect(await post({ isPermanentFailure })).toMatchObject({
      ok: false,
      reason: 'HTTP 429',
      attempts: 1,
      status: 429,
    });
    expect(await post({ isPermanentFailure })).toMatchObject({ ok: true, attempts: 2 });
    expect(server.received).toHaveLength(3);
  });

  it('does not retry a request that could not be sent as given (a header value with a line break)', async () => {
    const result = await post({ headers: { authorization: 'Bearer sk-test\r' } });
    expect(result).toMatchObject({ ok: false, attempts: 1 });
    expect(result.ok === false && result.reason).toBe(
      'request not sent: UND_ERR_INVALID_ARG invalid authorization header',
    );
    expect(server.received).toHaveLength(0);
  });

  it('still retries a 502', async () => {
    server.script(json(502, {}), json(200, { ok: true }));
    expect(await post()).toMatchObject({ ok: true, json: { ok: true }, attempts: 2 });
  });

  it('does not start a retry whose wait would pass the time the call may take', async () => {
    server.script(json(503, {}), json(200, { ok: true }));
    // Budget 1.5 × 200 ms; the back-off before the first retry is 500 to 1 000 ms.
    const result = await post({ timeoutMs: 200, retryDelay: { baseMs: 1_000, maxMs: 1_000 } });
    expect(result).toMatchObject({ ok: false, reason: 'HTTP 503, no time left to retry within 300 ms', attempts: 1 });
    expect(server.received).toHaveLength(1);
  });

  it('does not start a retry with less than half an attempt’s time left', async () => {
    const late503: Answer = (request, response) => {
      setTimeout(() => json(503, {})(request, response), 650);
    };
    server.script(late503, json(200, { ok: true }));
    const result = await post({ timeoutMs: 1_000, budgetMs: 1_000 });
    expect(result).toMatchObject({ ok: false, reason: 'HTTP 503, no time left to retry within 1000 ms', attempts: 1 });
    expect(server.received).toHaveLength(1);
  });

  it('gives a retry only the time left of the budget, not a whole timeout', async () => {
    server.script(json(503, {}), hang);
    const started = Date.now();
    const result = await post({ timeoutMs: 5_000, budgetMs: 300 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toMatch(/^no answer within \d+ ms, after 2 attempts$/);
    expect(Number(/\d+/.exec(result.reason)?.[0])).toBeLessThanOrEqual(300);
  });
});
