import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { createHttpApp } from './build-app.ts';

function appLoggingAt(level: pino.Level) {
  const lines: { msg: string; reqId?: string; status?: number; level: number }[] = [];
  const logger = pino({ level }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const child = vi.spyOn(logger, 'child');
  const app = createHttpApp(logger);
  app.get('/ok', async () => ({ ok: true }));
  app.get('/noted', async (request) => {
    request.log.warn({ what: 'noted' }, 'a note of the route');
    return { ok: true };
  });
  return { app, lines, child };
}

describe('request logger', () => {
  it('makes no child logger for a request that writes nothing at the level', async () => {
    const { app, lines, child } = appLoggingAt('info');
    await app.ready();
    child.mockClear();
    for (let i = 0; i < 3; i++) expect((await app.inject({ url: '/ok' })).statusCode).toBe(200);
    expect(child).not.toHaveBeenCalled();
    expect(lines).toEqual([]);
  });

  it('binds the request id to every line a request writes, at any level enabled', async () => {
    const { app, lines } = appLoggingAt('debug');
    await app.inject({ url: '/noted' });
    await app.inject({ url: '/missing' });
    await app.inject({ url: '/ok' });
    expect(lines.map(({ msg, reqId }) => ({ msg, reqId }))).toEqual([
      { msg: 'a note of the route', reqId: 'req-1' },
      { msg: 'request', reqId: 'req-1' },
      { msg: 'request refused', reqId: 'req-2' },
      { msg: 'request', reqId: 'req-3' },
    ]);
  });
});
