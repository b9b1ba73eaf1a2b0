import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_INBOX_APP_ID } from '../../src/emulator/index.ts';
import { DATABASES } from '../support/databases.ts';
import { type EchoBot, startEchoBot } from '../support/echo-bot.ts';
import { APP_ID, type Harness, PAGE_ID, personPsid as person, startHarness } from '../support/gateway-harness.ts';
import { sentBody } from '../support/sent-body.ts';
import { waitFor } from '../support/wait-for.ts';

let clockOffset = 0;

for (const database of DATABASES) {
  describe(`conversations and sends on ${database}`, () => {
    let h: Harness;
    let bot: EchoBot;

    beforeAll(async () => {
      clockOffset = 0;
      bot = await startEchoBot();
      h = await startHarness({
        database,
        people: 17,
        assistant: { type: 'http', url: bot.url, timeout_ms: 5000, retries: 0 },
        settings: { rate_limit_per_minute: 3, session_timeout_minutes: 5, delay_between_messages_ms: 0 },
        // Long enough for an echo to come back on a loaded machine before a retry that may be a duplicate.
        tuning: { sendMaxAttempts: 3, inDoubtGraceMs: 2000, catchUpMaxMs: 2000 },
        timers: { now: () => Date.now() + clockOffset, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
      });
    });
    afterAll(async () => {
      await h?.close();
      await bot?.close();
    });

    const messagesOf = async (psid: string) =>
      h.switchboard.db
        .selectFrom('messages')
        .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
        .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
        .select(['messages.direction', 'messages.author', 'messages.text', 'messages.status', 'messages.error'])
        .where('contacts.external_id', '=', psid)
        .orderBy('messages.id')
        .execute();

    const pageHealth = () =>
      h.switchboard.db.selectFrom('pages').select(['health', 'health_detail']).executeTakeFirstOrThrow();

    it('gives the assistant the person profile read from Graph', async () => {
      await h.fb.sendText(PAGE_ID, person(0), 'who am I');
      await h.settle();
      expect(bot.turns.find((t) => t.input.text === 'who am I')?.contact).toMatchObject({
        profile: { first_name: 'Person0', last_name: 'Test' },
      });
    });

    it('records echoes of its own messages and replies from the Page Inbox as outgoing, and never answers them', async () => {
      await h.fb.sendText(PAGE_ID, person(1), 'ping');
      await h.settle();
      await h.fb.pageInboxReply(PAGE_ID, person(1), 'Hello, this is Maria from the shop');
      await new Promise((r) => setTimeout(r, 100));
      await h.settle();
      const messages = await messagesOf(person(1));
      expect(messages.map((m) => [m.direction, m.author, m.text])).toEqual([
        ['in', 'contact', 'ping'],
        ['out', 'bot', 'echo: ping'],
        ['out', 'external', 'Hello, this is Maria from the shop'],
      ]);
      expect(bot.turns.filter((t) => t.input.text?.includes('Maria'))).toEqual([]);
      const echoes = await h.switchboard.db
        .selectFrom('inbound_events')
        .select(['kind', 'status'])
        .where('kind', '=', 'echo')
        .where('user_id', '=', person(1))
        .execute();
      expect(echoes.length).toBe(2);
      expect(echoes.every((e) => e.status === 'done')).toBe(true);
      expect(PAGE_INBOX_APP_ID).toBe('263902037430900');
    });

    it('pauses while the Page Inbox holds the thread, and answers again as soon as it is passed back', async () => {
      const routing = async () =>
        (
          await h.switchboard.db
            .selectFrom('conversations')
            .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
            .select('conversations.routing')
            .where('contacts.external_id', '=', person(13))
            .executeTakeFirstOrThrow()
        ).routing;
      await h.fb.sendText(PAGE_ID, person(13), 'hello');
      await h.settle();
      // A human takes the thread in the Page Inbox: the app is told it lost it.
      await h.fb.setThreadOwner(PAGE_ID, person(13), PAGE_INBOX_APP_ID);
      await h.settle();
      expect(await routing()).toBe('paused');
      await h.fb.pageInboxReply(PAGE_ID, person(13), 'Maria here, sorted!');
      await h.settle();
      // Done, the human passes the thread back: the bot answers the next message, not 30 minutes later.
      await h.fb.setThreadOwner(PAGE_ID, person(13), APP_ID);
      await h.settle();
      expect(await routing()).toBe('bot');
      await h.fb.sendText(PAGE_ID, person(13), 'thanks');
      await h.settle();
      const texts = (await messagesOf(person(13))).map((m) => [m.author, m.text]);
      expect(texts).toEqual([
        ['contact', 'hello'],
        ['bot', 'echo: hello'],
        ['external', 'Maria here, sorted!'],
        ['contact', 'thanks'],
        ['bot', 'echo: thanks'],
      ]);
    });

    it('marks its messages delivered, then read, from the receipts', async () => {
      await h.fb.sendText(PAGE_ID, person(2), 'receipts please');
      await h.fb.waitForPageMessages(PAGE_ID, person(2), 1);
      const replies = async () =>
        (await messagesOf(person(2))).filter((m) => m.direction === 'out').map((m) => [m.text, m.status]);
      await waitFor(async () => (await messagesOf(person(2))).some((m) => m.status === 'delivered'));
      expect(await replies()).toEqual([['echo: receipts please', 'delivered']]);
      await h.fb.read(PAGE_ID, person(2));
      await waitFor(async () => (await messagesOf(person(2))).some((m) => m.status === 'read'));
      await h.settle();
      // And stays read once every webhook has been handled.
      expect(await replies()).toEqual([['echo: receipts please', 'read']]);
    });

    it('marks read only what the read receipt’s watermark covers, on Facebook’s clock', async () => {
      await h.fb.sendText(PAGE_ID, person(9), 'one');
      const [first] = await h.fb.waitForPageMessages(PAGE_ID, person(9), 1);
      // Further apart than the way back of Graph's answer and the clocks' drift.
      await new Promise((resolve) => setTimeout(resolve, 700));
      await h.fb.sendText(PAGE_ID, person(9), 'two');
      await h.fb.waitForPageMessages(PAGE_ID, person(9), 2);
      await waitFor(async () => (await messagesOf(person(9))).filter((m) => m.status === 'delivered').length === 2);
      // The person saw the first reply only: the watermark is its time.
      const at = Date.now();
      const read = {
        sender: { id: person(9) },
        recipient: { id: PAGE_ID },
        timestamp: at,
        read: { watermark: first?.timestamp },
      };
      const posted = await h.postWebhook({ object: 'page', entry: [{ id: PAGE_ID, time: at, messaging: [read] }] });
      expect(posted.status).toBe(200);
      await h.settle();
      const replies = (await messagesOf(person(9))).filter((m) => m.direction === 'out').map((m) => [m.text, m.status]);
      expect(replies).toEqual([
        ['echo: one', 'read'],
        ['echo: two', 'delivered'],
      ]);
    });

    it('records a Page Inbox reply as sent when Facebook stamped it, so that a read receipt covers it', async () => {
      await h.fb.sendText(PAGE_ID, person(10), 'hello?');
      await h.fb.waitForPageMessages(PAGE_ID, person(10), 1);
      await h.fb.pageInboxReply(PAGE_ID, person(10), 'Maria here');
      await h.settle();
      const items = (await h.fb.conversation(PAGE_ID, person(10))).items;
      const stamped = items.find((i) => i.message?.text === 'Maria here')?.timestamp;
      const maria = () =>
        h.switchboard.db
          .selectFrom('messages')
          .select(['sent_at', 'status'])
          .where('text', '=', 'Maria here')
          .executeTakeFirstOrThrow();
      expect((await maria()).sent_at).toBe(stamped);
      await h.fb.read(PAGE_ID, person(10));
      await waitFor(async () => (await maria()).status === 'read');
    });

    it('retries a send Graph answers with a 5xx and delivers it once', async () => {
      await h.fb.setFaults({ next: { count: 1, code: 2, path_contains: '/messages' } });
      await h.fb.sendText(PAGE_ID, person(3), 'flaky graph');
      await h.settle();
      await h.fb.clearFaults();
      const replies = (await h.fb.conversation(PAGE_ID, person(3))).items.filter((i) => i.from === 'page');
      expect(replies.map((i) => i.message?.text)).toEqual(['echo: flaky graph']);
      const row = await h.switchboard.db
        .selectFrom('outbox')
        .select(['status', 'attempts'])
        .where('recipient_id', '=', person(3))
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ status: 'sent', attempts: 2 });
    });

    it('does not send again a reply Graph accepted though its answer was a 5xx (its echo settles it)', async () => {
      await h.fb.setFaults({ next: { count: 1, code: 2, path_contains: '/messages', after: true } });
      await h.fb.sendText(PAGE_ID, person(8), 'accepted, answered 500');
      await h.settle();
      await h.fb.clearFaults();
      const replies = (await h.fb.conversation(PAGE_ID, person(8))).items.filter((i) => i.from === 'page');
      expect(replies.map((i) => i.message?.text)).toEqual(['echo: accepted, answered 500']);
      const calls = await h.fb.graphCalls({ path_contains: '/messages' });
      const answered = calls.filter((c) => JSON.stringify(c.body).includes('echo: accepted, answered 500'));
      expect(answered.map((c) => c.status)).toEqual([500]);
      const row = await h.switchboard.db
        .selectFrom('outbox')
        .select(['status', 'attempts'])
        .where('recipient_id', '=', person(8))
        .executeTakeFirstOrThrow();
      // The failed attempt is counted unless the echo settled the row before the failure was written.
      expect(row.status).toBe('sent');
      expect(row.attempts).toBeLessThanOrEqual(1);
    });

    it('does not retry an invalid token and records it on the page health', async () => {
      await h.fb.setFaults({ next: { count: 1, code: 190, error_subcode: 467, path_contains: '/messages' } });
      await h.fb.sendText(PAGE_ID, person(4), 'token trouble');
      await h.settle();
      await h.fb.clearFaults();
      const row = await h.switchboard.db
        .selectFrom('outbox')
        .select(['status', 'attempts', 'error_code'])
        .where('recipient_id', '=', person(4))
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ status: 'failed', attempts: 1, error_code: 190 });
      expect((await messagesOf(person(4))).at(-1)).toMatchObject({
        status: 'failed',
        error: expect.stringContaining('190'),
      });
      await waitFor(async () => (await pageHealth()).health === 'token');
      expect((await pageHealth()).health_detail).toMatch(/^\(#190\/467\) /);
    });

    it('records a refused permission on the page health, and clears it once a send goes through', async () => {
      await h.fb.setFaults({ next: { count: 1, code: 10, path_contains: '/messages' } });
      await h.fb.sendText(PAGE_ID, person(4), 'no permission');
      await h.settle();
      await waitFor(async () => (await pageHealth()).health === 'permission');
      // Graph starts its message with the code: said once.
      expect((await pageHealth()).health_detail).toMatch(/^\(#10\) (?!\(#10\))/);

      await h.fb.sendText(PAGE_ID, person(4), 'all good again');
      await h.fb.waitForPageMessages(PAGE_ID, person(4), 1);
      await waitFor(async () => (await pageHealth()).health === 'ok');
      expect(await pageHealth()).toMatchObject({ health_detail: null });
      // The failures stay counted beside the state.
      const { body } = await h.api('GET', '/api/pages');
      expect(body.data[0].send_failures_24h).toEqual({ token: 1, permission: 1 });

      // Another app owning one person's thread is that conversation's matter, not the page's.
      await h.fb.setFaults({ next: { count: 1, code: 100, error_subcode: 2018234, path_contains: '/messages' } });
      await h.fb.sendText(PAGE_ID, person(3), 'thread owned by another app');
      await h.settle();
      expect((await messagesOf(person(3))).at(-1)).toMatchObject({ status: 'failed' });
      expect((await pageHealth()).health).toBe('ok');
      // Nor is an app in development mode refusing a person without a role on it: others are answered.
      await h.fb.setFaults({ next: { count: 1, code: 200, error_subcode: 2018027, path_contains: '/messages' } });
      await h.fb.sendText(PAGE_ID, person(3), 'not a tester of the app');
      await h.settle();
      expect((await messagesOf(person(3))).at(-1)).toMatchObject({ status: 'failed' });
      expect((await pageHealth()).health).toBe('ok');
    });

    it("shows Meta's warning about the page's messaging for a month, until a block or an unblock follows", async () => {
      const warning = async () => (await h.api('GET', '/api/pages')).body.data[0].policy_warning;
      const reason = 'People reported messages from your Page as spam. Further reports may block it.';
      expect(await warning()).toBeNull();
      await h.fb.enforcePolicy(PAGE_ID, { action: 'warning', reason });
      await h.settle();
      await waitFor(async () => (await warning()) !== null);
      expect(await warning()).toEqual({ reason, at: expect.any(Number) });
      // Nothing is blocked yet.
      expect((await pageHealth()).health).toBe('ok');
      await h.switchboard.db
        .updateTable('pages')
        .set({ policy_warning_at: Date.now() - 31 * 24 * 3_600_000 })
        .execute();
      expect(await warning()).toBeNull();
      await h.fb.enforcePolicy(PAGE_ID, { action: 'warning', reason });
      await h.settle();
      await waitFor(async () => (await warning()) !== null);
      await h.fb.enforcePolicy(PAGE_ID, { action: 'block', reason });
      await h.settle();
      await waitFor(async () => (await warning()) === null);
      await h.fb.enforcePolicy(PAGE_ID, { action: 'unblock' });
      await h.settle();
      await waitFor(async () => (await pageHealth()).health === 'ok');
    });

    it("shows Meta's block of the page with its reason, through Graph's refusals, until Meta lifts it", async () => {
      const reason = 'Your Page sent messages that people reported as spam.';
      await h.fb.enforcePolicy(PAGE_ID, { action: 'block', reason });
      await h.settle();
      await waitFor(async () => (await pageHealth()).health === 'blocked');
      expect(await pageHealth()).toEqual({
        health: 'blocked',
        health_detail: `Meta blocked the page from messaging: ${reason}`,
      });
      // Its replies fail meanwhile, with Meta's reason and Graph's code for it (368), without a call to Graph that
      // would fail the same way; and the page still says why.
      const callsTo = async (psid: string) =>
        (await h.fb.graphCalls({ path_contains: '/messages' })).filter((c) => JSON.stringify(c.body).includes(psid));
      await h.fb.sendText(PAGE_ID, person(16), 'anyone there?');
      await h.settle();
      expect((await messagesOf(person(16))).at(-1)).toMatchObject({
        status: 'failed',
        error: `Meta blocked the page from messaging: ${reason} (code 368)`,
      });
      expect(await callsTo(person(16))).toEqual([]);
      expect((await pageHealth()).health).toBe('blocked');
      const { body } = await h.api('GET', '/api/pages');
      expect(body.data[0]).toMatchObject({ health: 'blocked', health_detail: expect.stringContaining(reason) });

      await h.fb.enforcePolicy(PAGE_ID, { action: 'unblock' });
      await h.settle();
      await waitFor(async () => (await pageHealth()).health === 'ok');
      expect(await pageHealth()).toEqual({ health: 'ok', health_detail: null });
      await h.fb.sendText(PAGE_ID, person(16), 'hello again');
      await h.fb.waitForPageMessages(PAGE_ID, person(16), 1);
    });

    it("lifts only Meta's block on the unblock: a refused token recorded meanwhile stays", async () => {
      await h.fb.enforcePolicy(PAGE_ID, { action: 'block', reason: 'Spam reported by people.' });
      await h.settle();
      await waitFor(async () => (await pageHealth()).health === 'blocked');
      // The page upkeep found the token refused meanwhile (another thread or process: this sender did not see it).
      const refused = { health: 'token', health_detail: '(#190) Error validating access token' };
      await h.switchboard.db
        .updateTable('pages')
        .set({ ...refused, policy_warning: 'shown until the unblock', policy_warning_at: Date.now() })
        .execute();
      await h.fb.enforcePolicy(PAGE_ID, { action: 'unblock' });
      await h.settle();
      // The unblock's writes are done once the warning, written after its health, is gone.
      const warning = async () =>
        (await h.switchboard.db.selectFrom('pages').select('policy_warning').executeTakeFirstOrThrow()).policy_warning;
      await waitFor(async () => (await warning()) === null);
      expect(await pageHealth()).toEqual(refused);
      await h.switchboard.db.updateTable('pages').set({ health: 'ok', health_detail: null }).execute();
    });

    it('moves a send whose retries run out to the dead state, with its error', async () => {
      await h.fb.setFaults({ next: { count: 3, code: 2, path_contains: '/messages' } });
      await h.fb.sendText(PAGE_ID, person(5), 'graph is down');
      await h.settle();
      await h.fb.clearFaults();
      const row = await h.switchboard.db
        .selectFrom('outbox')
        .select(['status', 'attempts', 'error_code'])
        .where('recipient_id', '=', person(5))
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ status: 'dead', attempts: 3, error_code: 2 });
      expect((await messagesOf(person(5))).at(-1)?.status).toBe('failed');
    });

    it('stores but does not answer events beyond the per-person rate limit', async () => {
      for (let i = 0; i < 5; i++) await h.fb.sendText(PAGE_ID, person(6), `burst ${i}`);
      await h.settle();
      const messages = await messagesOf(person(6));
      const incoming = messages.filter((m) => m.direction === 'in');
      expect(incoming.map((m) => m.status)).toEqual(['received', 'received', 'received', 'throttled', 'throttled']);
      expect(messages.filter((m) => m.direction === 'out')).toHaveLength(3);
      // And counted apart in /metrics, as every event the limit held back.
      const { n } = await h.switchboard.db
        .selectFrom('inbound_events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'throttled')
        .executeTakeFirstOrThrow();
      const metrics = await (await fetch(`${h.gatewayUrl}/metrics`)).text();
      const counted = /switchboard_events_processed_total\{outcome="throttled"\} (\d+)/.exec(metrics)?.[1];
      expect(Number(counted)).toBe(Number(n));
      expect(Number(n)).toBeGreaterThanOrEqual(2);
    });

    it('flags for the team a person who asks for someone while over the rate limit, answering nothing more', async () => {
      const conversationOf = (psid: string) =>
        h.switchboard.db
          .selectFrom('conversations')
          .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
          .select(['conversations.flagged', 'conversations.flag_reason', 'conversations.routing'])
          .where('contacts.external_id', '=', psid)
          .executeTakeFirstOrThrow();
      const asking = ['one', 'two', 'three', 'I want to talk to a human', 'hello?'];
      const other = ['one', 'two', 'three', 'four', 'hello?'];
      for (const text of asking) await h.fb.sendText(PAGE_ID, person(14), text);
      for (const text of other) await h.fb.sendText(PAGE_ID, person(15), text);
      await h.settle();

      const messages = await messagesOf(person(14));
      expect(messages.filter((m) => m.direction === 'in').map((m) => [m.text, m.status])).toEqual([
        ['one', 'received'],
        ['two', 'received'],
        ['three', 'received'],
        ['I want to talk to a human', 'throttled'],
        ['hello?', 'throttled'],
      ]);
      expect(messages.filter((m) => m.direction === 'out').map((m) => m.text)).toEqual([
        'echo: one',
        'echo: two',
        'echo: three',
      ]);
      expect(bot.turns.filter((t) => t.input.text === 'I want to talk to a human')).toEqual([]);
      expect(await conversationOf(person(14))).toEqual({
        flagged: 1,
        flag_reason:
          'asked_for_human: asked for a person while over the rate limit (not answered): “I want to talk to a human”',
        routing: 'bot',
      });
      // Over the limit too, but asking for nobody: nothing for the team.
      expect((await messagesOf(person(15))).filter((m) => m.status === 'throttled')).toHaveLength(2);
      expect(await conversationOf(person(15))).toEqual({ flagged: 0, flag_reason: null, routing: 'bot' });
    });

    it('resets the assistant context after the inactivity timeout', async () => {
      await h.fb.sendText(PAGE_ID, person(7), 'first');
      await h.fb.sendText(PAGE_ID, person(7), 'second');
      await h.settle();
      // Facebook's clock and ours move together: receipts are read against Facebook's.
      clockOffset += 6 * 60_000;
      await h.fb.advanceClock(6 * 60_000);
      await h.fb.sendText(PAGE_ID, person(7), 'after a break');
      await h.settle();
      const contexts = bot.turns
        .filter((t) => ['first', 'second', 'after a break'].includes(t.input.text ?? ''))
        .map((t) => t.context);
      expect(contexts).toEqual([{}, { count: 1 }, {}]);
    });

    it('sends a media URL again by the id Messenger gave, until that id is near its 90 days', async () => {
      const logo = { url: 'https://cdn.example/logo.png', is_reusable: true };
      const ask = async () => {
        await h.fb.sendText(PAGE_ID, person(12), 'logo please');
        await h.settle();
      };
      await ask();
      await ask();
      const DAYS_85 = 85 * 24 * 60 * 60_000; // Past the 80 days the gateway keeps an id, before Messenger's 90.
      clockOffset += DAYS_85;
      await h.fb.advanceClock(DAYS_85);
      await ask();
      const payloads = (await h.fb.graphCalls({ path_contains: '/messages' }))
        .map(sentBody)
        .filter((b) => b.recipient?.id === person(12) && b.message?.attachment)
        .map((b) => b.message?.attachment?.payload);
      expect(payloads).toEqual([logo, { attachment_id: expect.any(String) }, logo]);
      const sent = (await messagesOf(person(12))).filter((m) => m.direction === 'out');
      expect(sent.map((m) => m.status)).toEqual(Array(3).fill(expect.stringMatching(/^(sent|delivered|read)$/)));
      // The inbox shows which image went, whether it went by id or not.
      const contents = await h.switchboard.db
        .selectFrom('messages')
        .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
        .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
        .select('messages.content')
        .where('contacts.external_id', '=', person(12))
        .where('messages.direction', '=', 'out')
        .execute();
      expect(contents.map((c) => JSON.parse(c.content).attachment.payload)).toEqual([logo, logo, logo]);
    });

    it('starts a new session on Get Started, however recent the last message', async () => {
      await h.fb.sendText(PAGE_ID, person(11), 'before');
      await h.settle();
      await h.fb.getStarted(PAGE_ID, person(11));
      await h.settle();
      const first = bot.turns.findIndex((t) => t.input.text === 'before');
      expect(bot.turns.slice(first).map((t) => [t.input.kind, t.context])).toEqual([
        ['text', {}],
        ['welcome', {}],
      ]);
    });
  });
}
