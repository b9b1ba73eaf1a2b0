import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_INBOX_APP_ID } from '../../src/emulator/index.ts';
import { DATABASES } from '../support/databases.ts';
import { type EchoBot, startEchoBot } from '../support/echo-bot.ts';
import { APP_ID, type Harness, PAGE_ID, personPsid as person, startHarness } from '../support/gateway-harness.ts';

for (const database of DATABASES) {
  describe(`the Page Inbox asks for a thread, on ${database}`, () => {
    let h: Harness;
    let bot: EchoBot;

    beforeAll(async () => {
      bot = await startEchoBot();
      h = await startHarness({
        database,
        people: 4,
        assistant: { type: 'http', url: bot.url, timeout_ms: 5000, retries: 0 },
        settings: { delay_between_messages_ms: 0 },
        tuning: { eventRetryBaseMs: 20 },
      });
    });
    afterAll(async () => {
      await h?.close();
      await bot?.close();
    });

    const conversationOf = async (psid: string) => {
      const { body } = await h.api('GET', `/api/conversations?page_id=${PAGE_ID}`);
      const list = body.data as { id: string; contact_external_id: string; routing: string; flag_reason: string }[];
      return list.find((c) => c.contact_external_id === psid);
    };
    const owner = async (psid: string) => (await h.fb.conversation(PAGE_ID, psid)).thread_owner_app_id;
    const pageSaw = async (psid: string) =>
      (await h.fb.conversation(PAGE_ID, psid)).items.filter((i) => i.from === 'page').map((i) => i.message?.text);

    it('gets the thread while the bot has the conversation, and the bot stays quiet', async () => {
      await h.fb.sendText(PAGE_ID, person(0), 'hello');
      await h.settle();
      expect(await pageSaw(person(0))).toEqual(['echo: hello']);

      await h.fb.requestThread(PAGE_ID, person(0), 'Sam would like to answer');
      await h.settle();
      expect(await owner(person(0))).toBe(PAGE_INBOX_APP_ID);
      const [pass] = await h.fb.graphCalls({ path_contains: 'pass_thread_control' });
      expect(pass?.body).toMatchObject({
        target_app_id: PAGE_INBOX_APP_ID,
        metadata: expect.stringMatching(/request/),
      });
      expect(await conversationOf(person(0))).toMatchObject({ routing: 'paused', flag_reason: null });

      await h.fb.sendText(PAGE_ID, person(0), 'is anyone there?');
      await h.settle();
      expect(bot.turns.filter((t) => t.input.text === 'is anyone there?')).toEqual([]);
      expect(await pageSaw(person(0))).toEqual(['echo: hello']);
      const { id } = (await conversationOf(person(0))) ?? {};
      const thread = await h.api('GET', `/api/conversations/${id}/messages`);
      expect(thread.body.data.messages.at(-1)).toMatchObject({ direction: 'in', text: 'is anyone there?' });
    });

    it('does not pass the thread while the team has the conversation, and flags the request for them', async () => {
      await h.fb.sendText(PAGE_ID, person(1), 'hello');
      await h.settle();
      const { id } = (await conversationOf(person(1))) ?? {};
      await h.api('POST', `/api/conversations/${id}/routing`, { routing: 'human' });

      await h.fb.requestThread(PAGE_ID, person(1));
      await h.settle();
      expect(await owner(person(1))).toBe(APP_ID);
      expect(await conversationOf(person(1))).toMatchObject({
        routing: 'human',
        flag_reason: 'thread_requested: the Page Inbox asked for the conversation (not passed: an agent has it here)',
      });
      // The team still answers from Switchboard: the thread is still its app's.
      const sent = await h.api('POST', `/api/conversations/${id}/messages`, { text: 'Ana here, on it' });
      expect(sent.status).toBeLessThan(300);
      await h.settle();
      expect(await pageSaw(person(1))).toEqual(['echo: hello', 'Ana here, on it']);
    });

    it('leaves the conversation with the bot, flagged, when Graph refuses the pass', async () => {
      await h.fb.sendText(PAGE_ID, person(2), 'hello');
      await h.settle();
      await h.fb.setFaults({ next: { count: 1, code: 10, path_contains: 'pass_thread_control' } });
      await h.fb.requestThread(PAGE_ID, person(2));
      await h.settle();
      await h.fb.clearFaults();
      expect(await owner(person(2))).toBe(APP_ID);
      expect(await conversationOf(person(2))).toMatchObject({
        routing: 'bot',
        flag_reason: expect.stringMatching(
          /^thread_requested: the Page Inbox asked for the conversation \(not passed, the assistant kept it: \(#10\)/,
        ),
      });
      await h.fb.sendText(PAGE_ID, person(2), 'still there?');
      await h.settle();
      expect(await pageSaw(person(2))).toEqual(['echo: hello', 'echo: still there?']);
    });

    it('passes the thread on a second try when Graph fails for the moment', async () => {
      await h.fb.sendText(PAGE_ID, person(3), 'hello');
      await h.settle();
      await h.fb.setFaults({ next: { count: 1, code: 2, path_contains: 'pass_thread_control' } });
      await h.fb.requestThread(PAGE_ID, person(3));
      await h.settle();
      await h.fb.clearFaults();
      expect(await owner(person(3))).toBe(PAGE_INBOX_APP_ID);
      expect(await conversationOf(person(3))).toMatchObject({ routing: 'paused', flag_reason: null });
    });
  });
}
