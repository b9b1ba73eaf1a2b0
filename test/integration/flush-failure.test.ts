import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type EchoBot, startEchoBot } from '../support/echo-bot.ts';
import { type Harness, messageBody, startHarness } from '../support/gateway-harness.ts';

// The disk refusing a flush cannot be caused on demand, so this file's gateway gets an fdatasync that fails when asked.
const disk = vi.hoisted(() => ({ failing: false }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    fdatasyncSync(fd: number) {
      if (disk.failing) throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
      fs.fdatasyncSync(fd);
    },
  };
});

describe('a webhook whose flush to disk fails (SQLite)', () => {
  let h: Harness;
  let bot: EchoBot;
  const onFatal = vi.fn();

  beforeAll(async () => {
    bot = await startEchoBot();
    h = await startHarness({
      database: 'sqlite',
      assistant: { type: 'http', url: bot.url, timeout_ms: 5000, retries: 0 },
      onFatal,
    });
  });
  afterAll(async () => {
    disk.failing = false;
    await h?.close();
    await bot?.close();
  });

  it('is not acknowledged, stops the gateway, and keeps the event for the next start', async () => {
    disk.failing = true;
    const response = await h.postWebhook(messageBody('not flushed', { mid: 'm_not_flushed' }));
    disk.failing = false;

    expect(response.status).toBe(500);
    expect(onFatal).toHaveBeenCalledTimes(1);
    expect(onFatal.mock.calls[0]?.[0]).toMatchObject({ code: 'EIO' });
    const kept = await h.switchboard.db
      .selectFrom('inbound_events')
      .select(['status', 'body'])
      .where('body', 'like', '%m_not_flushed%')
      .execute();
    expect(kept).toEqual([expect.objectContaining({ status: 'pending' })]);
  });

  it('acknowledges nothing after it, though the disk flushes again: the lost pages would sit under those events', async () => {
    const response = await h.postWebhook(messageBody('after the failure', { mid: 'm_after_failure' }));

    expect(response.status).toBe(500);
    expect(onFatal).toHaveBeenCalledTimes(2);
  });
});

describe('a webhook whose every event is set aside, when the flush fails (SQLite)', () => {
  let h: Harness;
  const onFatal = vi.fn();

  beforeAll(async () => {
    h = await startHarness({ database: 'sqlite', onFatal });
  });
  afterAll(async () => {
    disk.failing = false;
    await h?.close();
  });

  it('is not acknowledged either: what it keeps for inspection must be on disk before the 200', async () => {
    const body = messageBody('no mid');
    body.entry[0]!.messaging[0]!.message = { text: 'no mid' } as never;
    disk.failing = true;
    const response = await h.postWebhook(body);
    disk.failing = false;

    expect(response.status).toBe(500);
    expect(onFatal).toHaveBeenCalledTimes(1);
    const kept = await h.switchboard.db.selectFrom('webhook_quarantine').select('reason').execute();
    expect(kept).toEqual([{ reason: 'message has no mid' }]);
  });
});
