import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EchoBot, startEchoBot } from '../support/echo-bot.ts';
import { type Harness, PAGE_ID, PSID, startHarness } from '../support/gateway-harness.ts';

describe('operations', () => {
  let h: Harness;
  let bot: EchoBot;
  const logs: string[] = [];

  beforeAll(async () => {
    bot = await startEchoBot();
    h = await startHarness({
      database: 'sqlite',
      assistant: { type: 'http', url: bot.url, timeout_ms: 5000, retries: 0 },
      logs: { write: (line) => logs.push(line) },
    });
  });
  afterAll(async () => {
    await h?.close();
    await bot?.close();
  });

  it('answers health and readiness', async () => {
    expect(await (await fetch(`${h.gatewayUrl}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${h.gatewayUrl}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready' }]);
  });

  it('counts events, duplicates, sends and latencies in Prometheus format', async () => {
    await h.fb.sendText(PAGE_ID, PSID, 'count me');
    await h.settle();
    const text = await (await fetch(`${h.gatewayUrl}/metrics`)).text();
    expect(text).toMatch(/switchboard_events_received_total\{kind="message"\} [1-9]/);
    expect(text).toMatch(/switchboard_events_processed_total\{outcome="done"\} [1-9]/);
    expect(text).toMatch(/switchboard_sends_total\{outcome="sent"\} [1-9]/);
    expect(text).toMatch(/switchboard_webhook_ack_seconds_count [1-9]/);
    expect(text).toMatch(/switchboard_queue_depth 0/);
  });

  it('never writes the app secret, the page token or message webhooks signatures to the logs, even at trace level', async () => {
    await h.fb.setFaults({ next: { count: 1, code: 190, error_subcode: 463, path_contains: '/messages' } });
    await h.fb.sendText(PAGE_ID, PSID, 'log me');
    await h.settle();
    await h.fb.clearFaults();
    const all = logs.join('');
    expect(logs.length).toBeGreaterThan(5);
    expect(all).not.toContain(h.secret);
    expect(all).not.toContain(h.config.pages[0]?.access_token);
    expect(all).not.toContain(h.secretKey);
  });
});
