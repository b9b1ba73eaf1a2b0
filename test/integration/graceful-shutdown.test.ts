import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/storage/database.ts';
import { startEchoBot } from '../support/echo-bot.ts';
import { PAGE_ID, PSID, startHarness } from '../support/gateway-harness.ts';

describe('graceful shutdown', () => {
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
      for (let i = 0; i < 200 && !(await queued()); i++) await new Promise((r) => setTimeout(r, 20));
      const started = Date.now();
      await h.switchboard.close();
      expect(Date.now() - started).toBeLessThan(5_000);
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
      for (let i = 0; i < 200 && asked === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(asked).toBe(1);
      const started = Date.now();
      await h.switchboard.close();
      expect(Date.now() - started).toBeLessThan(5_000);
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
});
