import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type EchoBot, startEchoBot } from '../support/echo-bot.ts';
import { type Harness, PAGE_ID, PSID, personPsid, startHarness } from '../support/gateway-harness.ts';
import { sentBody } from '../support/sent-body.ts';

/** What the thread sent Lena (or another person) through the Send API: texts and sender actions, in order. */
async function sentTo(h: Harness, psid = PSID) {
  return (await h.fb.graphCalls({ path_contains: '/messages' }))
    .map(sentBody)
    .filter((b) => b.recipient?.id === psid)
    .map((b) => b.sender_action ?? b.message?.text);
}

// The rest of the integration suite runs on SQLite this way too (the harness's default); this file covers what only
// the split adds: the calls and figures that cross between the threads.
describe('processing on a thread of its own (SQLite, as `switchboard start` runs it)', () => {
  let h: Harness;
  let bot: EchoBot;

  beforeAll(async () => {
    bot = await startEchoBot();
    h = await startHarness({
      database: 'sqlite',
      assistant: { type: 'http', url: bot.url, timeout_ms: 5000, retries: 0 },
      settings: { typing_indicators: false, response_delay: 'instant', delay_between_messages_ms: 0 },
      processingThread: true,
      people: 3,
    });
  });
  afterAll(async () => {
    await h?.close();
    await bot?.close();
  });

  it('runs there and answers each person in order', async () => {
    expect(h.switchboard.processingThread).toBe(true);
    for (const i of [0, 1, 2]) {
      await h.fb.sendText(PAGE_ID, personPsid(i), `one ${i}`);
      await h.fb.sendText(PAGE_ID, personPsid(i), `two ${i}`);
    }
    await h.settle();
    for (const i of [0, 1, 2]) expect(await sentTo(h, personPsid(i))).toEqual([`echo: one ${i}`, `echo: two ${i}`]);
  });

  it("counts the thread's work in the main thread's metrics", async () => {
    await h.fb.sendText(PAGE_ID, PSID, 'count me');
    await h.settle();
    const text = await (await fetch(`${h.gatewayUrl}/metrics`)).text();
    const figure = (pattern: RegExp) => Number(pattern.exec(text)?.[1]);
    // What the database says the thread did: events handled (messages, and their deliveries and reads) and sends.
    const count = async (table: 'inbound_events' | 'outbox', statuses: string[]) =>
      Number(
        (
          await h.switchboard.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .where('status', 'in', statuses)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const processed = await count('inbound_events', ['done', 'ignored', 'throttled']);
    expect(await count('outbox', ['sent'])).toBe(7);
    expect(processed).toBeGreaterThanOrEqual(7);
    expect(figure(/switchboard_events_processed_total\{outcome="done"\} (\d+)/)).toBe(processed);
    expect(figure(/switchboard_event_processing_seconds_count (\d+)/)).toBe(processed);
    expect(figure(/switchboard_sends_total\{outcome="sent"\} (\d+)/)).toBe(7);
    expect(text).toMatch(/switchboard_queue_depth 0/);
  });

  it("shows the thread's heap and event loop, reported each second", async () => {
    const metric = async (name: string) => {
      const text = await (await fetch(`${h.gatewayUrl}/metrics`)).text();
      return Number(new RegExp(`^${name} ([0-9.e+]+)$`, 'm').exec(text)?.[1]);
    };
    await vi.waitFor(
      async () => expect(await metric('switchboard_processing_thread_heap_used_bytes')).toBeGreaterThan(0),
      {
        timeout: 5_000,
      },
    );
    const used = await metric('switchboard_processing_thread_heap_used_bytes');
    expect(await metric('switchboard_processing_thread_heap_limit_bytes')).toBeGreaterThan(used);
    expect(await metric('switchboard_processing_thread_eventloop_delay_p99_seconds')).toBeGreaterThanOrEqual(0);
  });

  it('applies settings changed through the API to the next reply', async () => {
    const changed = await h.api('PATCH', `/api/pages/${PAGE_ID}/settings`, { mark_seen: true });
    expect(changed.status).toBe(200);
    await h.fb.sendText(PAGE_ID, PSID, 'seen now?');
    await h.settle();
    expect((await sentTo(h)).slice(-2)).toEqual(['mark_seen', 'echo: seen now?']);
  });

  it('sends a reply typed in the inbox (the main thread writes it, the thread sends it)', async () => {
    const list = await h.api('GET', `/api/conversations?page_id=${PAGE_ID}`);
    const conversation = list.body.data.find((c: { contact_external_id: string }) => c.contact_external_id === PSID);
    const reply = await h.api('POST', `/api/conversations/${conversation?.id}/messages`, { text: 'from a person' });
    expect(reply.status).toBe(202);
    await h.settle();
    expect((await sentTo(h)).at(-1)).toBe('from a person');
  });

  it('stops answering once an agent takes over in the inbox, and answers again once given back', async () => {
    // The thread keeps what it knows of Lena's conversation in memory: the API's changes must reach it.
    const list = await h.api('GET', `/api/conversations?page_id=${PAGE_ID}`);
    const conversation = list.body.data.find((c: { contact_external_id: string }) => c.contact_external_id === PSID);
    const routing = (to: 'human' | 'bot') =>
      h.api('POST', `/api/conversations/${conversation?.id}/routing`, { routing: to });
    expect((await routing('human')).status).toBe(200);
    await h.fb.sendText(PAGE_ID, PSID, 'anyone there?');
    await h.settle();
    expect(bot.turns.filter((t) => t.input.text === 'anyone there?')).toHaveLength(0);
    await routing('bot');
    await h.fb.sendText(PAGE_ID, PSID, 'back to you, bot');
    await h.settle();
    expect((await sentTo(h)).at(-1)).toBe('echo: back to you, bot');
  });

  it('answers with the fallback text changed through the API when the bot fails (last: it stops the bot)', async () => {
    const changed = await h.api('PATCH', `/api/pages/${PAGE_ID}/settings`, { fallback_text: 'Back in a moment!' });
    expect(changed.status).toBe(200);
    await bot.close();
    bot = undefined as unknown as EchoBot;
    await h.fb.sendText(PAGE_ID, personPsid(1), 'are you there?');
    await h.settle();
    expect((await sentTo(h, personPsid(1))).at(-1)).toBe('Back in a moment!');
  });
});
