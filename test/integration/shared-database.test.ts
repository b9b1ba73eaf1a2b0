import { sql } from 'kysely';
import pino from 'pino';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANGES_CHANNEL } from '../../src/server/shared-changes.ts';
import { saveConnectedPages } from '../../src/storage/page-connections.ts';
import { createSecretBox } from '../../src/storage/secret-box.ts';
import { createSwitchboard, type Switchboard } from '../../src/switchboard.ts';
import { type EchoBot, startEchoBot } from '../support/echo-bot.ts';
import { changedFor, openStream } from '../support/event-stream.ts';
import {
  ADMIN,
  APP_ID,
  type Harness,
  messageBody,
  PAGE_ID,
  PSID,
  personPsid,
  startHarness,
} from '../support/gateway-harness.ts';

/** Two gateway processes on one PostgreSQL database, as a larger deployment runs them. */
describe('gateways sharing a PostgreSQL database', () => {
  let h: Harness;
  let bot: EchoBot;
  let other: Switchboard;
  let otherUrl: string;
  let firstClosed = false;

  beforeAll(async () => {
    bot = await startEchoBot();
    const assistant = { type: 'http', url: bot.url, timeout_ms: 5000, retries: 0 } as const;
    h = await startHarness({
      database: 'postgres',
      people: 3,
      assistant,
      settings: { delay_between_messages_ms: 0 },
      connectedPages: { assistant, settings: { delay_between_messages_ms: 0, typing_indicators: false } },
      // The first process looks for pages the other changed once a minute: a test sees what it does meanwhile.
      tuning: { leaderPollMs: 50, sweepMs: 60_000, pagePollMs: 60_000 },
    });
    other = await createSwitchboard({
      config: h.config,
      secretBox: createSecretBox([h.secretKey]),
      logger: pino({ level: 'silent' }),
      tuning: {
        pagePollMs: 50,
        leaderPollMs: 50,
        eventRetryBaseMs: 20,
        sendRetryBaseMs: 20,
        inDoubtGraceMs: 200,
        catchUpMaxMs: 200,
      },
    });
    otherUrl = await other.listen();
    // Facebook reaches the processes through a load balancer: here every webhook goes to the second one.
    const verifyToken = h.config.apps[0]?.verify_token as string;
    await h.fb.setWebhook(APP_ID, { url: `${otherUrl}/webhooks/messenger`, verify_token: verifyToken });
  });
  afterAll(async () => {
    await other?.close();
    if (firstClosed) {
      await h?.emulator.close();
      await h?.db.drop();
    } else await h?.close();
    await bot?.close();
  });

  /** Events a process handled, from its /metrics. */
  const processedBy = async (url: string) => {
    const text = await (await request(`${url}/metrics`)).body.text();
    const lines = text.split('\n').filter((line) => line.startsWith('switchboard_events_processed_total{'));
    return lines.reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
  };
  const replies = async (psid: string) =>
    (await h.fb.conversation(PAGE_ID, psid)).items.filter((i) => i.from === 'page').map((i) => i.message?.text);

  it('apply a page settings change made through one of them in the others', async () => {
    const changed = await h.api('PATCH', `/api/pages/${PAGE_ID}/settings`, { auto_replies: false });
    expect(changed.status).toBe(200);
    const authorization = `Basic ${Buffer.from(`${ADMIN.email}:${ADMIN.password}`).toString('base64')}`;
    const settingsSeenByOther = async () => {
      const response = await request(`${otherUrl}/api/pages`, { headers: { authorization } });
      const { data } = (await response.body.json()) as { data: { id: string; settings: { auto_replies: boolean } }[] };
      return data.find((p) => p.id === PAGE_ID)?.settings.auto_replies;
    };
    await expect.poll(settingsSeenByOther, { timeout: 3_000, interval: 50 }).toBe(false);
    await h.api('PATCH', `/api/pages/${PAGE_ID}/settings`, { auto_replies: null });
    await expect.poll(settingsSeenByOther, { timeout: 3_000, interval: 50 }).toBe(true);
  });

  it('take and answer the messages of a page connected through another process a moment ago', async () => {
    // Pages connected with Facebook Login through a third process, one after the other: the first process, which
    // sends, does not know them yet; the second looks every 50 ms.
    const connect = async (id: string, psid: string) => {
      const page = await h.fb.createPage({ id, name: `Outlet ${id}`, app_id: APP_ID, subscribe_app: true });
      await h.fb.createPerson({ first_name: 'Noor', psids: { [id]: psid } });
      const pages = [{ id, name: page.name, access_token: page.access_token }];
      await saveConnectedPages(h.switchboard.db, createSecretBox([h.secretKey]), {
        appId: APP_ID,
        userId: 'u1',
        pages,
        now: Date.now(),
      });
    };
    const answered = { timeout: 10_000, interval: 50 };

    // Through Facebook to the second process, which hands it to the first.
    await connect('209384756102938', '7100000000000001');
    await h.fb.sendText('209384756102938', '7100000000000001', 'handed over');
    const replies = async () =>
      (await h.fb.conversation('209384756102938', '7100000000000001')).items
        .filter((i) => i.from === 'page')
        .map((i) => i.message?.text);
    await expect.poll(replies, answered).toEqual(['echo: handed over']);

    // Straight to the first process.
    await connect('209384756102939', '7100000000000002');
    const body = messageBody('taken directly', { psid: '7100000000000002' });
    const entry = body.entry[0] as (typeof body.entry)[number];
    entry.id = '209384756102939';
    (entry.messaging[0] as { recipient: { id: string } }).recipient.id = '209384756102939';
    expect((await h.postWebhook(body)).status).toBe(200);
    // The emulator has no window open for a message it did not deliver: the turn is what shows it was taken.
    await expect.poll(() => bot.turns.some((t) => t.input.text === 'taken directly'), answered).toBe(true);
    const setAside = await h.switchboard.db.selectFrom('webhook_quarantine').select('reason').execute();
    expect(setAside.map((q) => q.reason)).toEqual([]);
    bot.turns.splice(0);
  });

  it('answer each person once and in order, whichever process took the webhooks', async () => {
    const people = [PSID, personPsid(0), personPsid(1), personPsid(2)];
    const texts = ['one', 'two', 'three', 'four', 'five', 'six'];
    for (const [i, text] of texts.entries()) {
      // Alternately through Facebook (to the second process) and straight to the first; a person's next message once
      // the last one reached the bot (the next test sends it right after the 200 instead).
      await Promise.all(
        people.map(async (psid) => {
          if (i % 2 === 0) return h.fb.sendText(PAGE_ID, psid, `${psid} ${text}`);
          expect((await h.postWebhook(messageBody(`${psid} ${text}`, { psid }))).status).toBe(200);
        }),
      );
      await expect.poll(() => bot.turns.length, { timeout: 10_000, interval: 10 }).toBe(people.length * (i + 1));
    }
    for (const psid of people) {
      const expected = texts.map((text) => `echo: ${psid} ${text}`);
      await expect.poll(() => replies(psid), { timeout: 10_000, interval: 50 }).toEqual(expected);
    }
    // Every turn ran once, in the process that holds the lock: the bot was asked once per message.
    expect(bot.turns.length).toBe(people.length * texts.length);
    expect(await processedBy(otherUrl)).toBe(0);
    expect(await processedBy(h.gatewayUrl)).toBeGreaterThanOrEqual(people.length * texts.length);
  });

  it('answer a person in order when her next message reaches the other process right after the 200 of the last', async () => {
    const people = [PSID, personPsid(0), personPsid(1), personPsid(2)];
    const post = async (url: string, body: object) => {
      const text = JSON.stringify(body);
      const headers = { 'content-type': 'application/json', 'x-hub-signature-256': h.sign(text) };
      const response = await request(`${url}/webhooks/messenger`, { method: 'POST', body: text, headers });
      await response.body.dump();
      return response.statusCode;
    };
    const before = bot.turns.length;
    const rounds = 5;
    for (let round = 0; round < rounds; round++) {
      // Facebook sends a person's next event once the last one's 200 came back; a load balancer sent the last one to
      // the process that hands work over, this one to the process that handles it.
      await Promise.all(
        people.map(async (psid) => {
          expect(await post(otherUrl, messageBody(`${psid} ${round} first`, { psid }))).toBe(200);
          expect(await post(h.gatewayUrl, messageBody(`${psid} ${round} second`, { psid }))).toBe(200);
        }),
      );
    }
    await expect
      .poll(() => bot.turns.length - before, { timeout: 10_000, interval: 10 })
      .toBe(people.length * rounds * 2);
    for (const psid of people) {
      const order = bot.turns
        .slice(before)
        .map((t) => t.input.text ?? '')
        .filter((text) => text.startsWith(`${psid} `));
      const sent = Array.from({ length: rounds }, (_, round) => [`${psid} ${round} first`, `${psid} ${round} second`]);
      expect(order).toEqual(sent.flat());
    }
  });

  it('hand a take-over and an agent reply made through the other process to the one that sends', async () => {
    const psid = personPsid(0);
    const [conversation] = (await h.api('GET', `/api/conversations?page_id=${PAGE_ID}&limit=200`)).body.data.filter(
      (c: { contact_external_id: string }) => c.contact_external_id === psid,
    );
    const authorization = `Basic ${Buffer.from(`${ADMIN.email}:${ADMIN.password}`).toString('base64')}`;
    const post = (path: string, body: unknown) =>
      request(`${otherUrl}${path}`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post(`/api/conversations/${conversation.id}/routing`, { routing: 'human' })).statusCode).toBe(200);
    expect((await post(`/api/conversations/${conversation.id}/messages`, { text: 'an agent here' })).statusCode).toBe(
      202,
    );
    await expect.poll(async () => (await replies(psid)).at(-1), { timeout: 5_000, interval: 50 }).toBe('an agent here');
  });

  it("tell an inbox watching one process of the changes the other handled and the API's made through it", async () => {
    const stream = await openStream(otherUrl);
    try {
      await stream.next((e) => e.event === 'ready');
      await h.fb.sendText(PAGE_ID, personPsid(1), 'watched from the other process');
      const [conversation] = (await h.api('GET', `/api/conversations?page_id=${PAGE_ID}&limit=200`)).body.data.filter(
        (c: { contact_external_id: string }) => c.contact_external_id === personPsid(1),
      );
      // Handled by the first process, which holds the lock: the other's metrics count nothing processed.
      await stream.next(changedFor(conversation.id));
      // A conversation nothing else changes now, flagged through the first process.
      const [quiet] = (await h.api('GET', `/api/conversations?page_id=${PAGE_ID}&limit=200`)).body.data.filter(
        (c: { contact_external_id: string }) => c.contact_external_id === personPsid(2),
      );
      expect((await h.api('POST', `/api/conversations/${quiet.id}/flag`, { flagged: true })).status).toBe(200);
      await stream.next(changedFor(quiet.id));
      expect(await processedBy(otherUrl)).toBe(0);
    } finally {
      stream.close();
    }
  });

  it('tell an inbox to read everything again after the connection that hears the changes was lost', async () => {
    const stream = await openStream(otherUrl);
    try {
      await stream.next((e) => e.event === 'ready');
      const ended = await sql<{ ended: boolean }>`
        select pg_terminate_backend(pid) as ended from pg_stat_activity
        where application_name = ${`switchboard ${CHANGES_CHANNEL}`} and datname = current_database()`.execute(
        h.switchboard.db,
      );
      // One listening connection per process with a stream open: the second process's.
      expect(ended.rows.map((r) => r.ended)).toEqual([true]);
      await stream.next((e) => e.event === 'resync', 10_000);
      // And it hears changes again.
      const heard = stream.events.length;
      const [conversation] = (await h.api('GET', `/api/conversations?page_id=${PAGE_ID}&limit=200`)).body.data;
      expect((await h.api('POST', `/api/conversations/${conversation.id}/flag`, { flagged: false })).status).toBe(200);
      await stream.next((e, i) => i >= heard && changedFor(conversation.id)(e));
    } finally {
      stream.close();
    }
  });

  it('go on answering, each message once, when the connection holding the lock is lost', async () => {
    const turns = bot.turns.length;
    const ended = await sql<{ ended: boolean }>`
      select pg_terminate_backend(pid) as ended from pg_locks
      where locktype = 'advisory' and classid = ${0x5357} and objid = 1 and granted
        and database = (select oid from pg_database where datname = current_database())`.execute(h.switchboard.db);
    expect(ended.rows.map((r) => r.ended)).toEqual([true]);
    await h.fb.sendText(PAGE_ID, PSID, 'still there after the lock moved?');
    await expect
      .poll(async () => (await replies(PSID)).at(-1), { timeout: 10_000, interval: 50 })
      .toBe('echo: still there after the lock moved?');
    expect(bot.turns.length).toBe(turns + 1);
  });

  it('go on answering when the process that sends stops: another takes the lock and resumes', async () => {
    firstClosed = true;
    await h.switchboard.close();
    await h.fb.sendText(PAGE_ID, PSID, 'anyone left?');
    await expect
      .poll(async () => (await replies(PSID)).at(-1), { timeout: 10_000, interval: 50 })
      .toBe(`echo: anyone left?`);
  });
});
