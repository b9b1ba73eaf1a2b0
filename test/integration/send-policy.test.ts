import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DATABASES } from '../support/databases.ts';
import { type EchoBot, startEchoBot } from '../support/echo-bot.ts';
import { type Harness, PAGE_ID, personPsid as person, startHarness } from '../support/gateway-harness.ts';
import { sentBody } from '../support/sent-body.ts';

const HOUR = 3_600_000;
let clockOffset = 0;

for (const database of DATABASES) {
  describe(`messaging window and rate limits on ${database}`, () => {
    let h: Harness;
    let bot: EchoBot;

    beforeAll(async () => {
      clockOffset = 0;
      bot = await startEchoBot();
      h = await startHarness({
        database,
        people: 9,
        assistant: { type: 'http', url: bot.url, timeout_ms: 5000, retries: 0 },
        settings: { delay_between_messages_ms: 0, typing_indicators: false },
        tuning: { sendRetryBaseMs: 300 },
        timers: { now: () => Date.now() + clockOffset, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
      });
    });
    afterAll(async () => {
      await h?.close();
      await bot?.close();
    });

    /** Moves Facebook's clock and ours together. */
    const advance = async (ms: number) => {
      clockOffset += ms;
      await h.fb.advanceClock(ms);
    };
    const conversationId = async (psid: string) => {
      const row = await h.switchboard.db
        .selectFrom('conversations')
        .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
        .select('conversations.id')
        .where('contacts.external_id', '=', psid)
        .executeTakeFirstOrThrow();
      return row.id;
    };
    const lastMessage = async (psid: string) => {
      const { body } = await h.api('GET', `/api/conversations/${await conversationId(psid)}/messages`);
      return body.data.messages.at(-1);
    };
    const metrics = async () => {
      const text = await (await fetch(`${h.gatewayUrl}/metrics`)).text();
      const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? 0);
      return {
        blocked: value(/^switchboard_sends_total\{outcome="blocked"\} (\d+)/m),
        timed: value(/^switchboard_send_seconds_count (\d+)/m),
      };
    };
    const sendCallsTo = async (psid: string) =>
      (await h.fb.graphCalls({ path_contains: '/messages' }))
        .map(sentBody)
        .filter((b) => b.recipient?.id === psid && b.message);

    it('tags an agent reply between 24 hours and 7 days with HUMAN_AGENT', async () => {
      await h.fb.sendText(PAGE_ID, person(0), 'hello');
      await h.settle();
      await advance(25 * HOUR);
      await h.api('POST', `/api/conversations/${await conversationId(person(0))}/messages`, {
        text: 'Sorry for the wait!',
      });
      await h.settle();
      expect((await sendCallsTo(person(0))).map((b) => [b.messaging_type, b.tag ?? null])).toEqual([
        ['RESPONSE', null],
        ['MESSAGE_TAG', 'HUMAN_AGENT'],
      ]);
      expect(await lastMessage(person(0))).toMatchObject({
        author: 'agent',
        status: expect.stringMatching(/sent|delivered/),
      });
    });

    it('blocks an agent reply after 7 days with the reason, and sends nothing', async () => {
      await h.fb.sendText(PAGE_ID, person(1), 'hello');
      await h.settle();
      await advance(8 * 24 * HOUR);
      const before = await metrics();
      await h.api('POST', `/api/conversations/${await conversationId(person(1))}/messages`, {
        text: 'Are you still there?',
      });
      await h.settle();
      expect(await lastMessage(person(1))).toMatchObject({
        status: 'blocked',
        error: expect.stringMatching(/7 days|window/),
      });
      expect(await sendCallsTo(person(1))).toHaveLength(1);
      // Counted as blocked, and not as a Send API call of no time.
      const after = await metrics();
      expect(after.blocked).toBe(before.blocked + 1);
      expect(after.timed).toBe(before.timed);
    });

    /** The texts of the person's thread in the inbox. */
    const thread = async (psid: string) =>
      (await h.api('GET', `/api/conversations/${await conversationId(psid)}/messages`)).body.data.messages.map(
        (m: { text: string | null }) => m.text,
      );

    /** The person writes, is silent for 30 hours, follows a link (`referral`), then an agent replies: what was sent. */
    const agentReplyAfterReferral = async (
      psid: string,
      referral: Parameters<typeof h.fb.sendReferral>[2],
      text: string,
    ) => {
      await h.fb.sendText(PAGE_ID, psid, 'hello');
      await h.settle();
      await advance(30 * HOUR);
      await h.fb.sendReferral(PAGE_ID, psid, referral);
      await h.settle();
      await h.api('POST', `/api/conversations/${await conversationId(psid)}/messages`, { text });
      await h.settle();
      return (await sendCallsTo(psid)).map((b) => [b.messaging_type, b.tag ?? null, b.message?.text]);
    };

    it('answers a referral (an m.me link with a ref) as Get Started, and counts it as the person writing', async () => {
      const referral = { ref: 'spring-sale', source: 'SHORTLINK', type: 'OPEN_THREAD' };
      // The window opened again: the agent's reply needs no tag.
      expect(await agentReplyAfterReferral(person(5), referral, 'Welcome back!')).toEqual([
        ['RESPONSE', null, 'echo: hello'],
        ['RESPONSE', null, 'echo: welcome'],
        ['RESPONSE', null, 'Welcome back!'],
      ]);
      expect(bot.turns.at(-1)?.input).toEqual({ kind: 'welcome', referral: 'spring-sale' });
      expect(await thread(person(5))).toContain('Came from an m.me link (ref spring-sale)');
    });

    it('answers nothing to a referral without a ref (an ad opened), but counts it as the person writing', async () => {
      const referral = { source: 'ADS', type: 'OPEN_THREAD', ad_id: '6045246247433' };
      expect(await agentReplyAfterReferral(person(6), referral, 'Hi again!')).toEqual([
        ['RESPONSE', null, 'echo: hello'],
        ['RESPONSE', null, 'Hi again!'],
      ]);
      // Kept in the thread: where the person came from shows nowhere else.
      expect(await thread(person(6))).toContain('Came from an ad');
    });

    it('sends a tagged business update inside the window as an untagged UPDATE', async () => {
      await h.fb.sendText(PAGE_ID, person(7), 'hello');
      await h.settle();
      await h.api('POST', `/api/conversations/${await conversationId(person(7))}/messages`, {
        text: 'Your order has shipped.',
        tag: 'POST_PURCHASE_UPDATE',
      });
      await h.settle();
      expect((await sendCallsTo(person(7))).map((b) => [b.messaging_type, b.tag ?? null, b.message?.text])).toEqual([
        ['RESPONSE', null, 'echo: hello'],
        ['UPDATE', null, 'Your order has shipped.'],
      ]);
      expect(await lastMessage(person(7))).toMatchObject({ status: expect.stringMatching(/sent|delivered/) });
    });

    it('sends a tagged business update outside the window with its tag', async () => {
      await h.api('POST', `/api/conversations/${await conversationId(person(1))}/messages`, {
        text: 'Your account is active again.',
        tag: 'ACCOUNT_UPDATE',
      });
      await h.settle();
      expect((await sendCallsTo(person(1))).at(-1)).toMatchObject({
        messaging_type: 'MESSAGE_TAG',
        tag: 'ACCOUNT_UPDATE',
      });
    });

    it('never tags a bot reply: one that crosses the window while retrying is blocked', async () => {
      await h.fb.setFaults({ next: { count: 1, code: 2, path_contains: '/messages' } });
      await h.fb.sendText(PAGE_ID, person(2), 'late answer');
      // The first attempt has failed once Graph has answered it; its retry waits at least the in-doubt grace (200 ms).
      await vi.waitFor(
        async () => {
          const calls = (await h.fb.graphCalls({ path_contains: '/messages' })).filter(
            (c) => sentBody(c).recipient?.id === person(2),
          );
          expect(calls.map((c) => c.status)).toEqual([500]);
        },
        { timeout: 5_000, interval: 10 },
      );
      await advance(25 * HOUR);
      await h.settle();
      await h.fb.clearFaults();
      expect(await lastMessage(person(2))).toMatchObject({
        author: 'bot',
        status: 'blocked',
        error: expect.stringMatching(/24-hour/),
      });
      expect((await sendCallsTo(person(2))).map((b) => [b.messaging_type, b.tag ?? null])).toEqual([
        ['RESPONSE', null],
      ]);
      const rows = await h.switchboard.db
        .selectFrom('outbox')
        .select(['status', 'attempts'])
        .where('recipient_id', '=', person(2))
        .execute();
      expect(rows).toEqual([{ status: 'blocked', attempts: 1 }]);
    });

    it('blocks a reply to a person Graph said cannot be reached after they wrote, without asking Graph', async () => {
      const psid = person(8);
      bot.hold();
      await h.fb.sendText(PAGE_ID, psid, 'are you there?');
      await vi.waitFor(() => expect(bot.turns.at(-1)?.input.text).toBe('are you there?'), { timeout: 5_000 });
      // While the assistant ran, Graph refused a send to them (a reply to an earlier message): after they wrote, so
      // their message does not clear it, and the turn's reply is handed to the outbox as it is queued.
      await h.switchboard.db
        .updateTable('conversations')
        .set({ unreachable_at: Date.now() + clockOffset })
        .where('id', '=', await conversationId(psid))
        .execute();
      bot.release();
      await h.settle();
      expect(await sendCallsTo(psid)).toEqual([]);
      expect(await lastMessage(psid)).toMatchObject({
        author: 'bot',
        status: 'blocked',
        error: expect.stringContaining('cannot be reached'),
      });
    });

    it("treats Graph's own window error as blocked, not retried", async () => {
      await h.fb.setFaults({ next: { count: 1, code: 10, error_subcode: 2018278, path_contains: '/messages' } });
      await h.fb.sendText(PAGE_ID, person(3), 'graph says no');
      await h.settle();
      await h.fb.clearFaults();
      const row = await h.switchboard.db
        .selectFrom('outbox')
        .select(['status', 'attempts', 'error_subcode'])
        .where('recipient_id', '=', person(3))
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ status: 'blocked', attempts: 1, error_subcode: 2018278 });
    });

    it('slows down and retries under rate-limit errors, delivering each reply once', async () => {
      await h.fb.setFaults({ next: { count: 2, code: 613, path_contains: '/messages' } });
      await h.fb.sendText(PAGE_ID, person(4), 'busy page');
      await h.settle();
      await h.fb.clearFaults();
      const replies = (await h.fb.conversation(PAGE_ID, person(4))).items.filter(
        (i) => i.message?.text === 'echo: busy page',
      );
      expect(replies).toHaveLength(1);
      const row = await h.switchboard.db
        .selectFrom('outbox')
        .select(['status', 'attempts'])
        .where('recipient_id', '=', person(4))
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ status: 'sent', attempts: 3 });
    });
  });
}
