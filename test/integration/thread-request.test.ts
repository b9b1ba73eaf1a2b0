import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_INBOX_APP_ID } from '../../src/emulator/index.ts';
import { TAKE_NOTE } from '../../src/messenger/graph-sender.ts';
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
        people: 6,
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

    it('pauses the bot when the request is handled again after Graph passed the thread (a crash before the commit)', async () => {
      await h.fb.sendText(PAGE_ID, person(4), 'hello');
      await h.settle();
      // Graph granted the pass the gateway made, and the gateway died before it recorded it: the thread is the Page
      // Inbox's, the conversation still the bot's, and the request is handled again.
      const token = h.config.pages[0]?.access_token;
      const passed = await fetch(`${h.emulator.url}/v25.0/me/pass_thread_control`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ recipient: { id: person(4) }, target_app_id: PAGE_INBOX_APP_ID }),
      });
      expect(passed.status).toBe(200);
      const at = Date.now();
      const request = {
        sender: { id: person(4) },
        recipient: { id: PAGE_ID },
        timestamp: at,
        request_thread_control: { requested_owner_app_id: PAGE_INBOX_APP_ID },
      };
      const posted = await h.postWebhook({ object: 'page', entry: [{ id: PAGE_ID, time: at, messaging: [request] }] });
      expect(posted.status).toBe(200);
      await h.settle();
      expect(await owner(person(4))).toBe(PAGE_INBOX_APP_ID);
      expect(await conversationOf(person(4))).toMatchObject({ routing: 'paused', flag_reason: null });
      // Graph refused the pass (the app no longer owns the thread); who owns it said it was passed.
      const calls = await h.fb.graphCalls({ path_contains: 'thread' });
      const ofPerson = calls.filter((c) => JSON.stringify([c.body, c.query]).includes(person(4)));
      expect(ofPerson.map((c) => [c.method, c.path.replace(/^\/v[\d.]+/, ''), c.status])).toEqual([
        ['POST', '/me/pass_thread_control', 200],
        ['POST', '/me/pass_thread_control', 400],
        ['GET', '/me/thread_owner', 200],
      ]);
    });

    it('takes the thread back for an agent who answers in Switchboard while the Page Inbox has it', async () => {
      await h.fb.sendText(PAGE_ID, person(5), 'hello');
      await h.settle();
      await h.fb.requestThread(PAGE_ID, person(5));
      await h.settle();
      expect(await owner(person(5))).toBe(PAGE_INBOX_APP_ID);
      const { id } = (await conversationOf(person(5))) ?? {};
      await h.api('POST', `/api/conversations/${id}/routing`, { routing: 'human' });
      const sent = await h.api('POST', `/api/conversations/${id}/messages`, { text: 'Ana here, I have it now' });
      expect(sent.status).toBeLessThan(300);
      await h.settle();
      expect(await owner(person(5))).toBe(APP_ID);
      expect(await pageSaw(person(5))).toEqual(['echo: hello', 'Ana here, I have it now']);
      const [take] = await h.fb.graphCalls({ path_contains: 'take_thread_control' });
      expect(take?.body).toEqual({ recipient: { id: person(5) }, metadata: TAKE_NOTE });
      const thread = await h.api('GET', `/api/conversations/${id}/messages`);
      expect(thread.body.data.messages.at(-1)).toMatchObject({ author: 'agent', text: 'Ana here, I have it now' });
      expect(thread.body.data.messages.at(-1).status).not.toBe('failed');
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
