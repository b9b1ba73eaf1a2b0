import { request } from 'node:http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES } from '../support/databases.ts';
import { type EchoBot, startEchoBot } from '../support/echo-bot.ts';
import { ADMIN, type Harness, PAGE_ID, personPsid as person, startHarness } from '../support/gateway-harness.ts';

let clockOffset = 0;
/** Pacing waits of seconds are cut to this: long enough to take a conversation over while a reply waits. */
let sleepCapMs = 1500;

for (const database of DATABASES) {
  describe(`inbox API and hand-over on ${database}`, () => {
    let h: Harness;
    let bot: EchoBot;

    beforeAll(async () => {
      clockOffset = 0;
      bot = await startEchoBot();
      h = await startHarness({
        database,
        people: 10,
        assistant: { type: 'http', url: bot.url, timeout_ms: 5000, retries: 0 },
        settings: { delay_between_messages_ms: 0, human_reply_pause_minutes: 30 },
        timers: {
          now: () => Date.now() + clockOffset,
          sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, sleepCapMs))),
        },
      });
    });
    afterAll(async () => {
      await h?.close();
      await bot?.close();
    });

    const conversationOf = async (psid: string) => {
      const { body } = await h.api('GET', `/api/conversations?page_id=${PAGE_ID}`);
      return (
        body.data as {
          id: string;
          contact_external_id: string;
          routing: string;
          flagged: boolean;
          flag_reason: string | null;
          unread: number;
          last_inbound_at: number | null;
        }[]
      ).find((c) => c.contact_external_id === psid);
    };
    const botAnswers = (text: string) => bot.turns.filter((t) => t.input.text === text).length;

    it('hands a conversation to people on connect_to_agent: flagged, and the bot stops answering', async () => {
      await h.fb.sendText(PAGE_ID, person(0), 'agent please');
      await h.settle();
      expect(await conversationOf(person(0))).toMatchObject({
        routing: 'human',
        flagged: true,
        flag_reason: 'connect_to_agent: asked for a person',
        first_name: 'Person0',
      });
      // The person's picture, as Graph gave it, for the inbox.
      expect(await conversationOf(person(0))).toHaveProperty('profile_pic', expect.stringMatching(/^https?:\/\//));
      const seen = (await h.fb.conversation(PAGE_ID, person(0))).items
        .filter((i) => i.from === 'page')
        .map((i) => i.message?.text);
      expect(seen).toEqual(['I am bringing in a colleague.']);
      // Already with people: taking it over again cancels nothing the bot said on handing it over.
      const again = await h.api('POST', `/api/conversations/${(await conversationOf(person(0)))?.id}/routing`, {
        routing: 'human',
      });
      expect(again.body.data).toMatchObject({ routing: 'human', cancelled_bot_messages: 0 });
      await h.fb.sendText(PAGE_ID, person(0), 'hello? anyone?');
      await h.settle();
      expect(botAnswers('hello? anyone?')).toBe(0);
      const flagged = await h.api('GET', `/api/conversations?flagged=true&routing=human`);
      expect(flagged.body.data.map((c: { contact_external_id: string }) => c.contact_external_id)).toContain(person(0));
    });

    it('sends an agent reply typed in the inbox, and gives the conversation back to the bot', async () => {
      const conversation = await conversationOf(person(0));
      const sent = await h.api('POST', `/api/conversations/${conversation?.id}/messages`, {
        text: 'Hi, Maria here. How can I help?',
      });
      expect(sent.status).toBe(202);
      await h.settle();
      const thread = await h.api('GET', `/api/conversations/${conversation?.id}/messages`);
      const last = thread.body.data.messages.at(-1);
      expect(last).toMatchObject({
        direction: 'out',
        author: 'agent',
        text: 'Hi, Maria here. How can I help?',
        status: 'delivered',
      });
      expect(
        thread.body.data.messages.some(
          (m: { text: string; direction: string }) => m.text === 'hello? anyone?' && m.direction === 'in',
        ),
      ).toBe(true);

      await h.api('POST', `/api/conversations/${conversation?.id}/routing`, { routing: 'bot' });
      await h.fb.sendText(PAGE_ID, person(0), 'back to the bot');
      await h.settle();
      expect(botAnswers('back to the bot')).toBe(1);
    });

    it('pauses the bot after a human answered from the Page Inbox, and resumes after the pause', async () => {
      await h.fb.sendText(PAGE_ID, person(1), 'first question');
      await h.settle();
      await h.fb.pageInboxReply(PAGE_ID, person(1), 'Answering from Business Suite');
      await h.settle();
      expect(await conversationOf(person(1))).toMatchObject({ routing: 'paused' });
      await h.fb.sendText(PAGE_ID, person(1), 'while paused');
      await h.settle();
      expect(botAnswers('while paused')).toBe(0);
      clockOffset += 31 * 60_000;
      await h.fb.advanceClock(31 * 60_000);
      await h.fb.sendText(PAGE_ID, person(1), 'after the pause');
      await h.settle();
      expect(botAnswers('after the pause')).toBe(1);
      expect(await conversationOf(person(1))).toMatchObject({ routing: 'bot' });
    });

    it('pauses from when the human answered: a Page Inbox reply Facebook sends again hours late pauses nothing', async () => {
      /** A reply typed in the Page Inbox `minutesAgo`, as Facebook delivers its echo (again, after an outage). */
      const echo = (minutesAgo: number, mid: string) => {
        const at = Date.now() + clockOffset - minutesAgo * 60_000;
        const message = { is_echo: true, app_id: 263902037430900, mid, text: 'Answered from Business Suite' };
        const event = { sender: { id: PAGE_ID }, recipient: { id: person(8) }, timestamp: at, message };
        return { object: 'page', entry: [{ id: PAGE_ID, time: at, messaging: [event] }] };
      };
      expect((await h.postWebhook(echo(120, 'm_late_echo'))).status).toBe(200);
      await h.fb.sendText(PAGE_ID, person(8), 'are you still there?');
      await h.settle();
      expect(botAnswers('are you still there?')).toBe(1);
      expect(await conversationOf(person(8))).toMatchObject({ routing: 'bot' });
      // Answered 20 minutes ago: 10 minutes of the pause are left.
      expect((await h.postWebhook(echo(20, 'm_recent_echo'))).status).toBe(200);
      await h.settle();
      const { body } = await h.api('GET', `/api/conversations?page_id=${PAGE_ID}`);
      const paused = body.data.find((c: { contact_external_id: string }) => c.contact_external_id === person(8));
      expect(paused.routing).toBe('paused');
      expect(paused.paused_until - (Date.now() + clockOffset)).toBeGreaterThan(9 * 60_000);
      expect(paused.paused_until - (Date.now() + clockOffset)).toBeLessThanOrEqual(10 * 60_000);
    });

    it('files a conversation whose pause has run out under the bot, before the person writes again', async () => {
      await h.fb.sendText(PAGE_ID, person(6), 'a question');
      await h.settle();
      await h.fb.pageInboxReply(PAGE_ID, person(6), 'Answered from Business Suite');
      await h.settle();
      const listed = async (routing: string) =>
        (await h.api('GET', `/api/conversations?routing=${routing}`)).body.data.map(
          (c: { contact_external_id: string }) => c.contact_external_id,
        );
      expect([await listed('paused'), await listed('bot')]).toEqual([
        expect.arrayContaining([person(6)]),
        expect.not.arrayContaining([person(6)]),
      ]);

      // The pause runs out; the person has not written since, so the stored routing is still `paused`.
      clockOffset += 31 * 60_000;
      await h.fb.advanceClock(31 * 60_000);
      expect([await listed('paused'), await listed('bot')]).toEqual([
        expect.not.arrayContaining([person(6)]),
        expect.arrayContaining([person(6)]),
      ]);
      const conversation = await conversationOf(person(6));
      expect(conversation).toMatchObject({ routing: 'bot' });
      const detail = await h.api('GET', `/api/conversations/${conversation?.id}/messages`);
      expect(detail.body.data.conversation).toMatchObject({ routing: 'bot' });
    });

    it('sends a reply repeated with the same Idempotency-Key once', async () => {
      const conversation = await conversationOf(person(1));
      const send = (key: string) =>
        fetch(`${h.gatewayUrl}/api/conversations/${conversation?.id}/messages`, {
          method: 'POST',
          headers: {
            authorization: `Basic ${Buffer.from(`${ADMIN.email}:${ADMIN.password}`).toString('base64')}`,
            'content-type': 'application/json',
            'idempotency-key': key,
          },
          body: JSON.stringify({ text: 'Your refund is on its way.' }),
        });
      const first = await send('reply-7f3a');
      const again = await send('reply-7f3a');
      expect([first.status, again.status]).toEqual([202, 200]);
      expect((await again.json()).data).toEqual({ queued: false, repeated: true });
      expect((await send('x'.repeat(201))).status).toBe(400);
      /** The reply with `keys` as Idempotency-Key headers, each on a line of its own (fetch would join them). */
      const sendWithKeys = (keys: string[], text: string) =>
        new Promise<number | undefined>((resolve, reject) => {
          const req = request(`${h.gatewayUrl}/api/conversations/${conversation?.id}/messages`, {
            method: 'POST',
            headers: {
              authorization: `Basic ${Buffer.from(`${ADMIN.email}:${ADMIN.password}`).toString('base64')}`,
              'content-type': 'application/json',
              'idempotency-key': keys,
            },
          });
          req.on('response', (res) => resolve(res.resume().statusCode)).on('error', reject);
          req.end(JSON.stringify({ text }));
        });
      // Two keys: refused, not taken as one key made of both.
      expect(await sendWithKeys(['reply-a', 'reply-b'], 'Your refund is on its way.')).toBe(400);
      // One key written twice is that key, not one made of both: the client's retry with it is a repeat.
      expect(await sendWithKeys(['reply-c', 'reply-c'], 'Your parcel left today.')).toBe(202);
      expect(await sendWithKeys(['reply-c'], 'Your parcel left today.')).toBe(200);
      await h.settle();
      const texts = (await h.fb.conversation(PAGE_ID, person(1))).items.map((i) => i.message?.text);
      expect(texts.filter((t) => t === 'Your refund is on its way.')).toHaveLength(1);
      expect(texts.filter((t) => t === 'Your parcel left today.')).toHaveLength(1);
    });

    const pageSaw = async (psid: string) =>
      (await h.fb.conversation(PAGE_ID, psid)).items.filter((i) => i.from === 'page').map((i) => i.message?.text);

    it('never sends the reply of a bot turn that was running when an agent took the conversation over', async () => {
      await h.fb.sendText(PAGE_ID, person(3), 'hi');
      await h.settle();
      const conversation = await conversationOf(person(3));
      bot.hold();
      await h.fb.sendText(PAGE_ID, person(3), 'are you there?');
      for (let i = 0; i < 250 && botAnswers('are you there?') === 0; i++) await new Promise((r) => setTimeout(r, 20));
      const took = await h.api('POST', `/api/conversations/${conversation?.id}/routing`, { routing: 'human' });
      expect(took.body.data).toMatchObject({ routing: 'human' });
      bot.release();
      await h.settle();

      expect(botAnswers('are you there?')).toBe(1);
      expect(await pageSaw(person(3))).toEqual(['echo: hi']);
      const thread = await h.api('GET', `/api/conversations/${conversation?.id}/messages`);
      expect(thread.body.data.messages.at(-1)).toMatchObject({ direction: 'in', text: 'are you there?' });
      // Nor its session: given back, the bot goes on from what the person saw.
      await h.api('POST', `/api/conversations/${conversation?.id}/routing`, { routing: 'bot' });
      await h.fb.sendText(PAGE_ID, person(3), 'hello again');
      await h.settle();
      const contexts = bot.turns.filter((t) => t.input.text === 'hi' || t.input.text === 'hello again');
      expect(contexts.map((t) => t.context)).toEqual([{}, { count: 1 }]);
    });

    it('cancels the replies the bot queued and had not sent yet when an agent takes the conversation over', async () => {
      await h.api('PATCH', `/api/pages/${PAGE_ID}/settings`, { response_delay: 'short' });
      try {
        await h.fb.sendText(PAGE_ID, person(2), 'slow answer please');
        const queued = () =>
          h.switchboard.db
            .selectFrom('outbox')
            .select('status')
            .where('recipient_id', '=', person(2))
            .where('kind', '=', 'message')
            .execute();
        for (let i = 0; i < 250 && (await queued()).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
        const conversation = await conversationOf(person(2));
        const took = await h.api('POST', `/api/conversations/${conversation?.id}/routing`, { routing: 'human' });
        expect(took.body.data).toMatchObject({ routing: 'human', cancelled_bot_messages: 1 });
        await new Promise((r) => setTimeout(r, 2000)); // Past the (shortened) response delay.
        await h.settle();

        expect(await pageSaw(person(2))).toEqual([]);
        expect(await queued()).toEqual([{ status: 'cancelled' }]);
        const thread = await h.api('GET', `/api/conversations/${conversation?.id}/messages`);
        expect(thread.body.data.messages.at(-1)).toMatchObject({ author: 'bot', status: 'cancelled' });
      } finally {
        await h.api('PATCH', `/api/pages/${PAGE_ID}/settings`, { response_delay: null });
      }
    });

    it('cancels the replies the bot queued and had not sent yet when a human answers from the Page Inbox', async () => {
      await h.api('PATCH', `/api/pages/${PAGE_ID}/settings`, { response_delay: 'short' });
      // The Page Inbox reply must be handled while the bot's reply still waits, on a busy machine too.
      sleepCapMs = 4000;
      try {
        await h.fb.sendText(PAGE_ID, person(7), 'slow answer please');
        const queued = () =>
          h.switchboard.db
            .selectFrom('outbox')
            .select('status')
            .where('recipient_id', '=', person(7))
            .where('kind', '=', 'message')
            .execute();
        for (let i = 0; i < 250 && (await queued()).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
        // While the bot's reply waits out its response delay, an employee answers in Business Suite.
        await h.fb.pageInboxReply(PAGE_ID, person(7), 'Hi, Sam here, I will take this one.');
        await new Promise((r) => setTimeout(r, 4500)); // Past the (shortened) response delay.
        await h.settle();

        expect(await conversationOf(person(7))).toMatchObject({ routing: 'paused' });
        expect(await pageSaw(person(7))).toEqual(['Hi, Sam here, I will take this one.']);
        expect(await queued()).toEqual([{ status: 'cancelled' }]);
        const conversation = await conversationOf(person(7));
        const thread = await h.api('GET', `/api/conversations/${conversation?.id}/messages`);
        const outgoing = thread.body.data.messages.filter((m: { direction: string }) => m.direction === 'out');
        expect(outgoing.map((m: { author: string }) => m.author)).toEqual(['bot', 'external']);
        expect(outgoing[0]).toMatchObject({ author: 'bot', status: 'cancelled' });
      } finally {
        sleepCapMs = 1500;
        await h.api('PATCH', `/api/pages/${PAGE_ID}/settings`, { response_delay: null });
      }
    });

    it.runIf(database === 'postgres')(
      'takes a conversation over when PostgreSQL rolls the take-over back for a deadlock with a send',
      async () => {
        await h.api('PATCH', `/api/pages/${PAGE_ID}/settings`, { response_delay: 'short' });
        // PostgreSQL looks for the deadlock after a second: the reply must still be waiting then, on a busy machine too.
        sleepCapMs = 5000;
        const other = new pg.Client({ connectionString: h.db.url });
        await other.connect();
        try {
          await h.fb.sendText(PAGE_ID, person(4), 'slow answer please');
          const queued = () =>
            h.switchboard.db
              .selectFrom('outbox')
              .select(['id', 'conversation_id'])
              .where('recipient_id', '=', person(4))
              .where('kind', '=', 'message')
              .executeTakeFirst();
          for (let i = 0; i < 250 && !(await queued()); i++) await new Promise((r) => setTimeout(r, 20));
          const row = await queued();
          // As a group commit does: the reply's outbox row locked first (marked sent), then the conversation (the
          // person's next turn). This side waits longest before looking for a deadlock, so the take-over is the
          // transaction PostgreSQL rolls back.
          await other.query('begin');
          await other.query(`set local deadlock_timeout = '20s'`);
          await other.query('update outbox set updated_at = updated_at where id = $1', [row?.id]);
          const took = h.api('POST', `/api/conversations/${row?.conversation_id}/routing`, { routing: 'human' });
          const waitingOnLock = async () =>
            (
              await other.query(
                `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
              )
            ).rows[0].n > 0;
          for (let i = 0; i < 250 && !(await waitingOnLock()); i++) await new Promise((r) => setTimeout(r, 20));
          const crossing = other.query('update conversations set updated_at = updated_at where id = $1', [
            row?.conversation_id,
          ]);
          await crossing;
          await other.query('commit');

          expect((await took).body.data).toMatchObject({ routing: 'human', cancelled_bot_messages: 1 });
          await h.settle();
          expect(await pageSaw(person(4))).toEqual([]);
        } finally {
          sleepCapMs = 1500;
          await other.end();
          await h.api('PATCH', `/api/pages/${PAGE_ID}/settings`, { response_delay: null });
        }
      },
    );

    it('stops messaging a person Graph says cannot be reached, until they write again', async () => {
      await h.fb.sendText(PAGE_ID, person(5), 'hello');
      await h.settle();
      const conversation = await conversationOf(person(5));
      const failures = async (): Promise<Record<string, number>> =>
        (await h.api('GET', '/api/pages')).body.data.find((p: { id: string }) => p.id === PAGE_ID).send_failures_24h;
      const before = await failures();
      await h.fb.block(PAGE_ID, person(5));
      const reply = (text: string) => h.api('POST', `/api/conversations/${conversation?.id}/messages`, { text });
      await reply('Are you still there?');
      await h.settle();
      await reply('One more thing.');
      await h.settle();
      // Both count on the page's health as sends to a person who cannot be reached, the one refused here too.
      const after = await failures();
      expect((after.recipient ?? 0) - (before.recipient ?? 0)).toBe(2);
      expect(after.window ?? 0).toBe(before.window ?? 0);
      const thread = await h.api('GET', `/api/conversations/${conversation?.id}/messages`);
      const agents = thread.body.data.messages.filter((m: { author: string }) => m.author === 'agent');
      expect(agents.map((m: { text: string; status: string }) => [m.text, m.status])).toEqual([
        ['Are you still there?', 'failed'],
        ['One more thing.', 'blocked'],
      ]);
      // Graph was asked once: the second reply was refused here.
      const calls = (await h.fb.graphCalls({ path_contains: '/messages' })).filter((c) =>
        JSON.stringify(c.body).includes(person(5)),
      );
      expect(calls.filter((c) => c.status !== 200).map((c) => c.status)).toEqual([400]);

      await h.fb.block(PAGE_ID, person(5), false);
      await h.fb.sendText(PAGE_ID, person(5), 'I am back');
      await h.settle();
      expect(await pageSaw(person(5))).toContain('echo: I am back');
      // An agent's reply, whose context is read back from the database, goes out again too.
      await reply('Welcome back!');
      await h.settle();
      expect(await pageSaw(person(5))).toContain('Welcome back!');
    });

    it('says whether a conversation is flagged as a boolean when reading it, as the list does', async () => {
      await h.fb.sendText(PAGE_ID, person(3), 'hi');
      await h.settle();
      const listed = await conversationOf(person(3));
      const read = await h.api('GET', `/api/conversations/${listed?.id}/messages?limit=1`);
      expect(read.body.data.conversation.flagged).toBe(listed?.flagged);
      expect(typeof read.body.data.conversation.flagged).toBe('boolean');
    });

    it('rejects bad requests with a clear error', async () => {
      const conversation = await conversationOf(person(1));
      expect((await h.api('POST', `/api/conversations/${conversation?.id}/messages`, { text: '' })).status).toBe(400);
      expect(
        (await h.api('POST', `/api/conversations/${conversation?.id}/routing`, { routing: 'robot' })).body.error.code,
      ).toBe('SB_BAD_REQUEST');
      expect((await h.api('GET', '/api/conversations/nope/messages')).status).toBe(404);
      for (const query of ['before=a&before=b', 'limit=0', 'limit=many']) {
        const refused = await h.api('GET', `/api/conversations/${conversation?.id}/messages?${query}`);
        expect(refused).toMatchObject({ status: 400, body: { error: { code: 'SB_BAD_REQUEST' } } });
      }
      // Half a cursor would skip the conversations sharing its time, or mean nothing.
      for (const half of ['before=1767607200000', 'before_id=x']) {
        const alone = await h.api('GET', `/api/conversations?${half}`);
        expect(alone, half).toMatchObject({
          status: 400,
          body: { error: { code: 'SB_BAD_REQUEST', message: expect.stringMatching(/before and before_id together/) } },
        });
      }
      const manyIds = Array.from({ length: 201 }, (_, i) => `c${i}`).join(',');
      for (const [ids, message] of [
        [',', /at least one/],
        [manyIds, /at most 200/],
      ] as const) {
        const refused = await h.api('GET', `/api/conversations?ids=${ids}`);
        expect(refused).toMatchObject({
          status: 400,
          body: { error: { code: 'SB_BAD_REQUEST', message: expect.stringMatching(message) } },
        });
      }
      const named = await h.api('GET', `/api/conversations?ids=${conversation?.id},nope`);
      expect(named.body.data.map((c: { id: string }) => c.id)).toEqual([conversation?.id]);
      const longSearch = await h.api('GET', `/api/conversations?q=${'x'.repeat(201)}`);
      expect(longSearch).toMatchObject({
        status: 400,
        body: { error: { code: 'SB_BAD_REQUEST', message: expect.stringMatching(/at most 200 characters/) } },
      });
    });

    it('counts the messages the signed-in user has not read, and marks a conversation read up to one of its own', async () => {
      const before = (await conversationOf(person(8)))?.unread ?? 0;
      await h.fb.sendText(PAGE_ID, person(8), 'first question');
      await h.fb.sendText(PAGE_ID, person(8), 'second question');
      await h.settle();
      const row = await conversationOf(person(8));
      expect(row?.unread).toBe(before + 2);
      const { body } = await h.api('GET', `/api/conversations/${row?.id}/messages`);
      const newest = body.data.messages.at(-1).id;
      expect((await h.api('POST', `/api/conversations/${row?.id}/read`, { up_to: newest })).status).toBe(204);
      expect((await conversationOf(person(8)))?.unread).toBe(0);
      // Another conversation's message would mark this one read up to a moment that is not its own.
      const other = await conversationOf(person(1));
      const refused = await h.api('POST', `/api/conversations/${other?.id}/read`, { up_to: newest });
      expect(refused).toMatchObject({
        status: 400,
        body: { error: { code: 'SB_BAD_REQUEST', message: expect.stringMatching(/a message of this conversation/) } },
      });
    });

    it('shows which message a person replied to: the bot’s, their own, or one not stored here', async () => {
      await h.fb.sendText(PAGE_ID, person(6), 'what sizes?');
      await h.settle();
      const row = await conversationOf(person(6));
      const before = (await h.api('GET', `/api/conversations/${row?.id}/messages`)).body.data.messages;
      const answer = before.find((m: { text: string }) => m.text === 'echo: what sizes?');
      const question = before.find((m: { text: string }) => m.text === 'what sizes?');
      await h.fb.sendText(PAGE_ID, person(6), 'that one', { replyTo: answer.external_id });
      await h.fb.sendText(PAGE_ID, person(6), 'as I asked', { replyTo: question.external_id });
      await h.fb.sendText(PAGE_ID, person(6), 'no reply');
      await h.settle();
      const thread = (await h.api('GET', `/api/conversations/${row?.id}/messages`)).body.data.messages;
      const sent = (text: string) => thread.find((m: { text: string }) => m.text === text);
      expect(sent('that one').reply_to).toEqual({
        external_id: answer.external_id,
        message: {
          id: answer.id,
          direction: 'out',
          author: 'bot',
          text: 'echo: what sizes?',
          content: answer.content,
          sender_name: null,
        },
      });
      expect(sent('as I asked').reply_to.message).toMatchObject({
        id: question.id,
        direction: 'in',
        author: 'contact',
      });
      expect(sent('no reply')).not.toHaveProperty('reply_to');
      // The bot is told what each reply answers.
      const turn = (text: string) => bot.turns.find((t) => t.input.text === text);
      expect(turn('that one')?.replying_to).toEqual({ role: 'assistant', text: 'echo: what sizes?' });
      expect(turn('as I asked')?.replying_to).toEqual({ role: 'contact', text: 'what sizes?' });
      expect(turn('no reply')).not.toHaveProperty('replying_to');
      // Quoting a message older than the gateway: said, with nothing to show.
      await h.switchboard.db.updateTable('messages').set({ external_id: null }).where('id', '=', answer.id).execute();
      const later = (await h.api('GET', `/api/conversations/${row?.id}/messages`)).body.data.messages;
      expect(later.find((m: { text: string }) => m.text === 'that one').reply_to).toEqual({
        external_id: answer.external_id,
        message: null,
      });
    });

    it('shows the person’s reaction on the message it is to, and takes it away when taken back', async () => {
      const row = await conversationOf(person(6));
      const messages = async () =>
        (await h.api('GET', `/api/conversations/${row?.id}/messages`)).body.data.messages as {
          text: string;
          external_id: string;
          reaction: string | null;
        }[];
      const answer = (await messages()).find((m) => m.text === 'echo: that one');
      const turns = bot.turns.length;
      await h.fb.react(PAGE_ID, person(6), { mid: answer!.external_id, action: 'react', reaction: 'wow', emoji: '😮' });
      await h.settle();
      const reacted = await messages();
      expect(reacted.filter((m) => m.reaction !== null).map((m) => [m.text, m.reaction])).toEqual([
        ['echo: that one', '😮'],
      ]);
      await h.fb.react(PAGE_ID, person(6), { mid: answer!.external_id, action: 'unreact' });
      await h.settle();
      expect((await messages()).every((m) => m.reaction === null)).toBe(true);
      // Nothing to answer: the bot heard neither.
      expect(bot.turns.length).toBe(turns);
    });

    it('shows what the person edited, keeps what it said before, and answers nothing more', async () => {
      const { mid } = await h.fb.sendText(PAGE_ID, person(6), 'Two mugs please');
      await h.settle();
      const row = await conversationOf(person(6));
      const messages = async () =>
        (await h.api('GET', `/api/conversations/${row?.id}/messages`)).body.data.messages as {
          text: string;
          external_id: string;
          edited_at: number | null;
          content: { text?: string; earlier_texts?: string[] };
        }[];
      const turns = bot.turns.length;
      await h.fb.edit(PAGE_ID, person(6), { mid: mid as string, text: 'Three mugs please' });
      await h.fb.edit(PAGE_ID, person(6), { mid: mid as string, text: 'Four mugs please' });
      await h.settle();
      const edited = (await messages()).find((m) => m.external_id === mid);
      expect(edited).toMatchObject({
        text: 'Four mugs please',
        edited_at: expect.any(Number),
        content: { text: 'Four mugs please', earlier_texts: ['Two mugs please', 'Three mugs please'] },
      });
      expect((await messages()).filter((m) => m.edited_at !== null)).toHaveLength(1);
      // Search finds the new text; the assistant answered the first only.
      const found = await h.api('GET', `/api/conversations?q=${encodeURIComponent('four mugs')}`);
      expect(found.body.data.map((c: { id: string }) => c.id)).toEqual([row?.id]);
      expect(bot.turns.length).toBe(turns);
    });

    it('searches conversations by what was said in them, and by the person’s id', async () => {
      await h.fb.sendText(PAGE_ID, person(6), 'Is the speckled mug dishwasher safe?');
      await h.settle();
      const found = async (q: string) =>
        (await h.api('GET', `/api/conversations?q=${encodeURIComponent(q)}`)).body.data.map(
          (c: { contact_external_id: string }) => c.contact_external_id,
        );
      expect(await found('SPECKLED mug')).toEqual([person(6)]);
      expect(await found(person(6))).toEqual([person(6)]);
      // Blank is no search at all.
      expect((await found('  ')).length).toBeGreaterThan(1);
    });

    it('flags with the default reason when the one given is blank', async () => {
      const conversation = await conversationOf(person(1));
      for (const reason of ['', '   ']) {
        const flagged = await h.api('POST', `/api/conversations/${conversation?.id}/flag`, { flagged: true, reason });
        expect(flagged.body.data).toMatchObject({ flagged: true, flag_reason: 'flagged by an agent' });
      }
      await h.api('POST', `/api/conversations/${conversation?.id}/flag`, { flagged: false });
    });

    it('refuses a NUL character in a path, a query or a body with a 400 (PostgreSQL cannot store one)', async () => {
      const conversation = await conversationOf(person(1));
      const requests: [method: string, path: string, body?: unknown][] = [
        ['GET', '/api/conversations/a%00b/messages'],
        ['GET', `/api/conversations?page_id=${PAGE_ID}%00`],
        ['GET', '/api/conversations?before=1&before_id=x%00'],
        ['GET', `/api/conversations/${conversation?.id}/messages?before=m%00`],
        ['POST', `/api/conversations/${conversation?.id}/flag`, { flagged: true, reason: 'spam\u0000' }],
        ['POST', `/api/conversations/${conversation?.id}/messages`, { text: 'Hello\u0000' }],
      ];
      for (const [method, path, body] of requests) {
        const refused = await h.api(method, path, body);
        expect(refused, `${method} ${path}`).toMatchObject({
          status: 400,
          body: { error: { code: 'SB_BAD_REQUEST', message: expect.stringMatching(/NUL/) } },
        });
      }
      expect(await conversationOf(person(1))).toMatchObject({ flagged: false });
    });
    it('keeps a marketing-messages opt-in, its stop and its resume in the thread, with the token, unanswered', async () => {
      const row = await conversationOf(person(6));
      const windowFrom = async () => (await conversationOf(person(6)))?.last_inbound_at;
      const before = await windowFrom();
      const turns = bot.turns.length;
      const deals = { title: 'Weekly deals', payload: 'DEALS' };
      await h.fb.optIn(PAGE_ID, person(6), deals);
      await h.fb.optIn(PAGE_ID, person(6), { ...deals, status: 'STOP_NOTIFICATIONS' });
      await h.fb.optIn(PAGE_ID, person(6), { ...deals, status: 'RESUME_NOTIFICATIONS' });
      await h.settle();
      const thread = (await h.api('GET', `/api/conversations/${row?.id}/messages`)).body.data.messages;
      const optins = thread.filter((m: { content: { kind?: string } }) => m.content?.kind === 'optin');
      expect(optins.map((m: { text: string; direction: string }) => [m.direction, m.text])).toEqual([
        ['in', 'Agreed to “Weekly deals” messages'],
        ['in', 'Stopped “Weekly deals” messages'],
        ['in', 'Resumed “Weekly deals” messages'],
      ]);
      // The token to send those messages with later, the same through stop and resume.
      const tokens = optins.map(
        (m: { content: { optin: Record<string, unknown> } }) => m.content.optin.notification_messages_token,
      );
      expect(tokens[0]).toMatch(/^\d+$/);
      expect(new Set(tokens).size).toBe(1);
      expect(bot.turns.length).toBe(turns);
      // No message: the 24-hour window is as it was.
      expect(await windowFrom()).toBe(before);
    });

    it('assigns a conversation to a user or to nobody, to whoever takes it over, lists by assignee, and names who replied', async () => {
      await h.fb.sendText(PAGE_ID, person(9), 'hello there');
      await h.settle();
      const { id } = (await conversationOf(person(9)))!;
      const admin = (await h.api('GET', '/api/me')).body.data;
      const ana = (await h.api('POST', '/api/users', { email: 'ana@example.com', name: 'Ana' })).body.data;
      const asAna = `Basic ${Buffer.from(`ana@example.com:${ana.password}`).toString('base64')}`;
      const listed = async (assignee: string, authorization?: string) =>
        (await h.api('GET', `/api/conversations?assignee=${assignee}`, undefined, authorization)).body.data.map(
          (c: { id: string }) => c.id,
        );
      expect(await listed('none')).toContain(id);

      // Taken over by Ana: hers, and the routing changes as before.
      const taken = await h.api('POST', `/api/conversations/${id}/routing`, { routing: 'human' }, asAna);
      expect(taken).toMatchObject({ status: 200, body: { data: { assignee_id: ana.user.id, assignee_name: 'Ana' } } });
      const row = (await h.api('GET', `/api/conversations?ids=${id}`)).body.data[0];
      expect(row).toMatchObject({ routing: 'human', assignee_id: ana.user.id, assignee_name: 'Ana' });
      expect(await listed('me', asAna)).toEqual([id]);
      expect(await listed(ana.user.id)).toEqual([id]);
      expect(await listed('none')).not.toContain(id);

      // Given back and taken over again by the admin: still Ana's, until someone assigns it.
      await h.api('POST', `/api/conversations/${id}/routing`, { routing: 'bot' });
      await h.api('POST', `/api/conversations/${id}/routing`, { routing: 'human' });
      expect((await h.api('GET', `/api/conversations/${id}/messages`)).body.data.conversation).toMatchObject({
        assignee_id: ana.user.id,
        assignee_name: 'Ana',
      });
      const moved = await h.api('POST', `/api/conversations/${id}/assignee`, { user_id: admin.id });
      expect(moved).toMatchObject({ status: 200, body: { data: { assignee_id: admin.id, assignee_name: 'Admin' } } });
      expect(await listed('me')).toContain(id);
      expect(await listed('me', asAna)).toEqual([]);

      const unknown = await h.api('POST', `/api/conversations/${id}/assignee`, { user_id: 'u_nobody' });
      expect(unknown).toMatchObject({ status: 400, body: { error: { code: 'SB_BAD_REQUEST' } } });
      expect((await h.api('POST', `/api/conversations/${id}/assignee`, {})).status).toBe(400);

      // Her reply says it is hers, until she is removed; then it is an agent's.
      const sent = await h.api('POST', `/api/conversations/${id}/messages`, { text: 'Ana here, on it' }, asAna);
      expect(sent.status).toBe(202);
      await h.settle();
      const reply = async () =>
        (await h.api('GET', `/api/conversations/${id}/messages`)).body.data.messages.find(
          (m: { text: string }) => m.text === 'Ana here, on it',
        );
      expect(await reply()).toMatchObject({ author: 'agent', status: 'delivered', sender_name: 'Ana' });

      // A user removed leaves their conversations to nobody.
      await h.api('POST', `/api/conversations/${id}/assignee`, { user_id: ana.user.id });
      expect((await h.api('DELETE', `/api/users/${ana.user.id}`)).status).toBe(204);
      expect(await listed('none')).toContain(id);
      expect(await reply()).toMatchObject({ author: 'agent', sender_name: null });
      await h.api('POST', `/api/conversations/${id}/routing`, { routing: 'bot' });
    });
  });
}
