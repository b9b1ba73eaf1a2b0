import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWebhookBody } from '../../src/messenger/webhook/parse-webhook.ts';
import { insertInboundEvents } from '../../src/storage/inbound-event-repository.ts';
import { type EchoBot, startEchoBot } from '../support/echo-bot.ts';
import { ADMIN, type Harness, messageBody, PAGE_ID, PSID, startHarness } from '../support/gateway-harness.ts';
import { waitFor } from '../support/wait-for.ts';

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

  const metrics = async () => (await fetch(`${h.gatewayUrl}/metrics`)).text();

  it('asks every cache to keep no API answer: they hold conversations, and generated passwords', async () => {
    const authorization = `Basic ${Buffer.from(`${ADMIN.email}:${ADMIN.password}`).toString('base64')}`;
    const read = await fetch(`${h.gatewayUrl}/api/conversations`, { headers: { authorization } });
    const refused = await fetch(`${h.gatewayUrl}/api/conversations`);
    expect([read.status, refused.status]).toEqual([200, 401]);
    expect([read.headers.get('cache-control'), refused.headers.get('cache-control')]).toEqual(['no-store', 'no-store']);
  });

  it('answers health and readiness', async () => {
    expect(await (await fetch(`${h.gatewayUrl}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${h.gatewayUrl}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready' }]);
  });

  it('counts events, duplicates, sends and latencies in Prometheus format', async () => {
    const duplicatesBefore = metric(await metrics(), 'switchboard_events_duplicate_total');
    await h.fb.sendText(PAGE_ID, PSID, 'count me');
    const redelivered = messageBody('count me twice');
    expect((await h.postWebhook(redelivered)).status).toBe(200);
    expect((await h.postWebhook(redelivered)).status).toBe(200);
    await h.settle();
    const text = await metrics();
    expect(metric(text, 'switchboard_events_duplicate_total')).toBe(duplicatesBefore + 1);
    expect(text).toMatch(/switchboard_events_received_total\{kind="message"\} [1-9]/);
    expect(text).toMatch(/switchboard_events_processed_total\{outcome="done"\} [1-9]/);
    expect(text).toMatch(/switchboard_sends_total\{outcome="sent"\} [1-9]/);
    expect(text).toMatch(/switchboard_webhook_ack_seconds_count [1-9]/);
    expect(text).toMatch(/switchboard_queue_depth 0/);
  });

  it('counts in the queue depth the events a backlog left in the database, which processing does not hold', async () => {
    // As a previous process left them: stored, pending, never handed to this one (a resume or the sweep picks them up).
    const events = parseWebhookBody(messageBody('left behind')).events;
    await insertInboundEvents(
      h.switchboard.db,
      [...events, ...parseWebhookBody(messageBody('me too')).events],
      Date.now(),
    );
    expect(metric(await metrics(), 'switchboard_queue_depth')).toBe(2);
    await h.switchboard.db
      .updateTable('inbound_events')
      .set({ status: 'ignored' })
      .where('status', '=', 'pending')
      .execute();
    expect(metric(await metrics(), 'switchboard_queue_depth')).toBe(0);
  });

  it("shows each page's health, and the dead letters waiting for a replay", async () => {
    const series = async () => (await metrics()).match(/^switchboard_(page_health|dead_letters)\{.*$/gm);
    expect(await series()).toEqual([
      'switchboard_dead_letters{kind="send"} 0',
      'switchboard_dead_letters{kind="event"} 0',
      `switchboard_page_health{page_id="${PAGE_ID}",health="ok"} 1`,
    ]);
    await h.fb.enforcePolicy(PAGE_ID, { action: 'block' });
    await h.settle();
    await waitFor(async () => (await metrics()).includes('health="blocked"} 1'));
    // As a send and an event whose retries ran out leave them.
    await h.switchboard.db.updateTable('outbox').set({ status: 'dead' }).where('status', '=', 'sent').execute();
    await h.switchboard.db.updateTable('inbound_events').set({ status: 'dead' }).where('status', '=', 'done').execute();
    const dead = {
      sends: await h.switchboard.db.selectFrom('outbox').select('id').where('status', '=', 'dead').execute(),
      events: await h.switchboard.db.selectFrom('inbound_events').select('id').where('status', '=', 'dead').execute(),
    };
    expect(await series()).toEqual([
      `switchboard_dead_letters{kind="send"} ${dead.sends.length}`,
      `switchboard_dead_letters{kind="event"} ${dead.events.length}`,
      `switchboard_page_health{page_id="${PAGE_ID}",health="blocked"} 1`,
    ]);
    expect([dead.sends.length, dead.events.length]).not.toContain(0);
    await h.switchboard.db.updateTable('outbox').set({ status: 'sent' }).where('status', '=', 'dead').execute();
    await h.switchboard.db.updateTable('inbound_events').set({ status: 'done' }).where('status', '=', 'dead').execute();
    await h.fb.enforcePolicy(PAGE_ID, { action: 'unblock' });
    await h.settle();
  });

  it('never writes the app secret, the page token or message webhooks signatures to the logs, even at trace level', async () => {
    await h.fb.setFaults({ next: { count: 1, code: 190, error_subcode: 463, path_contains: '/messages' } });
    await h.fb.sendText(PAGE_ID, PSID, 'log me');
    const forged = JSON.stringify(messageBody('forged'));
    const wrongSignature = createHmac('sha256', 'not the app secret').update(forged).digest('hex');
    expect((await h.postWebhook(forged, `sha256=${wrongSignature}`)).status).toBe(401);
    await h.settle();
    await h.fb.clearFaults();
    // The emulator signed and delivered 'log me': those signatures reached the gateway.
    const signed = (await h.fb.webhookDeliveries())
      .filter((d) => d.ok && d.body.includes('log me'))
      .map((d) => h.sign(d.body));
    expect(signed.length).toBeGreaterThan(0);
    const all = logs.join('');
    expect(logs.length).toBeGreaterThan(5);
    expect(all).not.toContain(h.secret);
    expect(all).not.toContain(h.config.pages[0]?.access_token);
    expect(all).not.toContain(h.secretKey);
    for (const signature of signed) expect(all).not.toContain(signature.slice('sha256='.length));
    expect(all).not.toContain(wrongSignature);
    expect(all).not.toMatch(/sha256=[0-9a-f]{64}/i);
  });
});

/** The value of a metric without labels in Prometheus' text format. */
function metric(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  if (line === undefined) throw new Error(`no ${name} in the metrics`);
  return Number(line.slice(name.length + 1));
}
