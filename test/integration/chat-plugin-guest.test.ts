import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guestPersonId } from '../../src/messenger/person-address.ts';
import { DATABASES } from '../support/databases.ts';
import { type EchoBot, startEchoBot } from '../support/echo-bot.ts';
import { type Harness, PAGE_ID, PSID, startHarness } from '../support/gateway-harness.ts';
import { sentBody } from '../support/sent-body.ts';
import { waitFor } from '../support/wait-for.ts';

/** Website chat-plugin guests write as `sender.user_ref` and are answered as `recipient.user_ref` (§2.11). */
for (const database of DATABASES) {
  describe(`chat-plugin guests on ${database}`, () => {
    let h: Harness;
    let bot: EchoBot;

    beforeAll(async () => {
      bot = await startEchoBot();
      h = await startHarness({
        database,
        assistant: { type: 'http', url: bot.url, timeout_ms: 5000, retries: 0 },
        settings: { delay_between_messages_ms: 0 },
      });
    });
    afterAll(async () => {
      await h?.close();
      await bot?.close();
    });

    const messagesOf = (externalId: string) =>
      h.switchboard.db
        .selectFrom('messages')
        .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
        .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
        .select(['messages.direction', 'messages.author', 'messages.text', 'messages.status'])
        .where('contacts.external_id', '=', externalId)
        .orderBy('messages.id')
        .execute();
    const sendsTo = async (recipient: Record<string, string>) =>
      (await h.fb.graphCalls({ path_contains: '/messages' })).filter(
        (call) => JSON.stringify(sentBody(call).recipient) === JSON.stringify(recipient),
      );

    it('answers a guest by recipient.user_ref, and the emulator shows the reply delivered to the guest', async () => {
      const { user_ref } = await h.fb.createGuest({ page_id: PAGE_ID });
      await h.fb.sendText(PAGE_ID, user_ref, 'Do you ship to Lyon?');
      const [reply] = await h.fb.waitForPageMessages(PAGE_ID, user_ref, 1);
      expect(reply?.message).toMatchObject({ text: 'echo: Do you ship to Lyon?' });
      expect(reply?.status).toBe('delivered');
      await h.settle();
      const recorded = async () =>
        (await messagesOf(guestPersonId(user_ref))).map((m) => [m.direction, m.author, m.text, m.status]);
      // Without an echo, the delivery may be handled before the gateway records the send: it is kept for it.
      expect(await recorded()).toEqual([
        ['in', 'contact', 'Do you ship to Lyon?', 'received'],
        ['out', 'bot', 'echo: Do you ship to Lyon?', 'delivered'],
      ]);
      // The guest's receipts (sender.user_ref) reach its conversation.
      await h.fb.read(PAGE_ID, user_ref);
      await waitFor(async () => (await recorded())[1]?.[3] === 'read');
      const sends = await sendsTo({ user_ref });
      expect(sends.length).toBeGreaterThan(0);
      expect(sends.every((call) => call.status === 200)).toBe(true);
      expect(await sendsTo({ id: guestPersonId(user_ref) })).toEqual([]);
      // Graph has no profile for a guest: the turn goes on without one.
      const turn = bot.turns.find((t) => t.input.text === 'Do you ship to Lyon?');
      expect((turn?.contact as { profile?: unknown } | undefined)?.profile).toEqual({});
      // And none was asked for: the guest's id never reaches a Graph path.
      const calls = await h.fb.graphCalls({});
      expect(calls.filter((call) => decodeURIComponent(call.path).includes(user_ref))).toEqual([]);
    });

    it('keeps a delivery handled before the send is recorded, when Graph is slow to answer', async () => {
      const { user_ref } = await h.fb.createGuest({ page_id: PAGE_ID });
      // The reply reaches the guest and its delivery webhook goes out a while before Graph answers the send.
      await h.fb.setFaults({ answer_latency_ms: 600 });
      try {
        await h.fb.sendText(PAGE_ID, user_ref, 'Is the shop open on Sunday?');
        await h.fb.waitForPageMessages(PAGE_ID, user_ref, 1);
        await h.settle();
      } finally {
        await h.fb.clearFaults();
      }
      const deliveries = (await h.fb.webhookDeliveries()).filter(
        (d) => d.body.includes('"delivery"') && d.body.includes(user_ref),
      );
      expect(deliveries.length).toBeGreaterThan(0);
      const out = (await messagesOf(guestPersonId(user_ref))).filter((m) => m.direction === 'out');
      expect(out.map((m) => [m.text, m.status])).toEqual([['echo: Is the shop open on Sunday?', 'delivered']]);
    });

    it('keeps each guest its own contact and conversation, apart from people', async () => {
      const first = await h.fb.createGuest({ page_id: PAGE_ID });
      const second = await h.fb.createGuest({ page_id: PAGE_ID });
      await h.fb.sendText(PAGE_ID, first.user_ref, 'from the first guest');
      await h.fb.sendText(PAGE_ID, second.user_ref, 'from the second guest');
      await h.fb.sendText(PAGE_ID, PSID, 'from Lena');
      await h.fb.waitForPageMessages(PAGE_ID, first.user_ref, 1);
      await h.fb.waitForPageMessages(PAGE_ID, second.user_ref, 1);
      await h.fb.waitForPageMessages(PAGE_ID, PSID, 1);
      await h.settle();
      const texts = async (externalId: string) => (await messagesOf(externalId)).map((m) => m.text);
      expect(await texts(guestPersonId(first.user_ref))).toEqual([
        'from the first guest',
        'echo: from the first guest',
      ]);
      expect(await texts(guestPersonId(second.user_ref))).toEqual([
        'from the second guest',
        'echo: from the second guest',
      ]);
      expect(await texts(PSID)).toEqual(['from Lena', 'echo: from Lena']);
    });

    it('sends an agent reply typed in the inbox to the guest', async () => {
      const { user_ref } = await h.fb.createGuest({ page_id: PAGE_ID });
      await h.fb.sendText(PAGE_ID, user_ref, 'a person please');
      await h.fb.waitForPageMessages(PAGE_ID, user_ref, 1);
      await h.settle();
      const { body } = await h.api('GET', `/api/conversations?page_id=${PAGE_ID}`);
      const conversation = (body.data as { id: string; contact_external_id: string }[]).find(
        (c) => c.contact_external_id === guestPersonId(user_ref),
      );
      const sent = await h.api('POST', `/api/conversations/${conversation?.id}/messages`, { text: 'Maria here' });
      expect(sent.status).toBe(202);
      const items = await h.fb.waitForPageMessages(PAGE_ID, user_ref, 2);
      expect(items.map((i) => i.message?.text)).toEqual(['echo: a person please', 'Maria here']);
    });
  });
}
