import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { Client } from 'undici';
import { describe, expect, it } from 'vitest';
import { createHttpApp } from './build-app.ts';

describe('closing the HTTP app', () => {
  it('lets a request under way finish, then ends its kept-alive connection instead of waiting for it', async () => {
    const app = createHttpApp(pino({ level: 'silent' }), false, { closeGraceMs: 100 });
    app.get('/slow', async () => {
      await sleep(400);
      return { done: true };
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    // Kept alive far longer than the test may run: a close that waited for the connection would time it out.
    const client = new Client(url, { keepAliveTimeout: 600_000, keepAliveMaxTimeout: 600_000 });
    try {
      const answer = client.request({ method: 'GET', path: '/slow' });
      await sleep(50);
      await app.close();
      const response = await answer;
      expect(response.statusCode).toBe(200);
      expect(await response.body.json()).toEqual({ done: true });
    } finally {
      await client.destroy();
    }
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
});
