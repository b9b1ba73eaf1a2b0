import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_INBOX_APP_ID } from '../../src/emulator/index.ts';
import { TAKE_NOTE } from '../../src/messenger/graph-sender.ts';
import { RESUME_NOTE } from '../../src/messenger/thread-taking.ts';
import { DATABASES } from '../support/databases.ts';
import { type EchoBot, startEchoBot } from '../support/echo-bot.ts';
import { APP_ID, type Harness, PAGE_ID, personPsid as person, startHarness } from '../support/gateway-harness.ts';
import { waitFor } from '../support/wait-for.ts';

for (const database of DATABASES) {
  describe(`the Page Inbox asks for a thread, on ${database}`, () => {
    let h: Harness;
    let bot: EchoBot;

    beforeAll(async () => {
      bot = await startEchoBot();
      h = await startHarness({
        database,
        people: 12,
        assistant: { type: 'http', url: bot.url, timeout_ms: 5000, retries: 0 },
        // No pause after a reply typed in the Page Inbox: a thread another app holds pauses the bot all the same.
        settings: { delay_between_messages_ms: 0, human_reply_pause_minutes: 0 },
        tuning: { eventRetryBaseMs: 20 },
      });
    });
    afterAll(async () => {
      await h?.close();
      await bot?.close();
    });

    interface Row {
      id: string;
      contact_external_id: string;
      routing: string;
      paused_until: number | null;
      thread_elsewhere_since: number | null;
      flag_reason: string;
    }
    const conversationOf = async (psid: string) => {
      const { body } = await h.api('GET', `/api/conversations?page_id=${PAGE_ID}`);
      return (body.data as Row[]).find((c) => c.contact_external_id === psid);
    };
    const owner = async (psid: string) => (await h.fb.conversation(PAGE_ID, psid)).thread_owner_app_id;
    const pageSaw = async (psid: string) =>
      (await h.fb.conversation(PAGE_ID, psid)).items.filter((i) => i.from === 'page').map((i) => i.message?.text);
    /** The person wrote, the bot answered, then a human took the thread in the Page Inbox. */
    const takenInPageInbox = async (psid: string) => {
      await h.fb.sendText(PAGE_ID, psid, 'hello');
      await h.settle();
      await h.fb.setThreadOwner(PAGE_ID, psid, PAGE_INBOX_APP_ID);
      await h.settle();
    };

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

    it('pauses the bot, flagged, when Graph refuses the pass because a third app has the thread', async () => {
      await h.fb.sendText(PAGE_ID, person(10), 'hello');
      await h.settle();
      // The thread went to another app of the page (passed in the Page Inbox: the app that loses it is not told), after
      // the Page Inbox asked the page's app for it; the request is handled now.
      const crm = await h.fb.createApp({ name: 'CRM' });
      await h.fb.setThreadOwner(PAGE_ID, person(10), crm.id);
      const at = Date.now();
      const request = {
        sender: { id: person(10) },
        recipient: { id: PAGE_ID },
        timestamp: at,
        request_thread_control: { requested_owner_app_id: PAGE_INBOX_APP_ID },
      };
      expect(
        (await h.postWebhook({ object: 'page', entry: [{ id: PAGE_ID, time: at, messaging: [request] }] })).status,
      ).toBe(200);
      await h.settle();
      expect(await owner(person(10))).toBe(crm.id);
      expect(await conversationOf(person(10))).toMatchObject({
        routing: 'paused',
        thread_elsewhere_since: expect.any(Number),
        flag_reason: expect.stringMatching(
          new RegExp(
            `^thread_requested: the Page Inbox asked for the conversation \\(not passed, app ${crm.id} has it: \\(#100/2018234\\)`,
          ),
        ),
      });
      await h.fb.sendText(PAGE_ID, person(10), 'hello? anyone?');
      await h.settle();
      expect(bot.turns.filter((t) => t.input.text === 'hello? anyone?')).toEqual([]);
      expect(await pageSaw(person(10))).toEqual(['echo: hello']);
    });

    it('takes the thread back for an agent who answers in Switchboard while the Page Inbox has it', async () => {
      await h.fb.sendText(PAGE_ID, person(5), 'hello');
      await h.settle();
      await h.fb.requestThread(PAGE_ID, person(5));
      await h.settle();
      expect(await owner(person(5))).toBe(PAGE_INBOX_APP_ID);
      const { id } = (await conversationOf(person(5))) ?? {};
      await h.api('POST', `/api/conversations/${id}/routing`, { routing: 'human' });
      expect(await conversationOf(person(5))).toMatchObject({
        routing: 'human',
        thread_elsewhere_since: expect.any(Number),
      });
      const sent = await h.api('POST', `/api/conversations/${id}/messages`, { text: 'Ana here, I have it now' });
      expect(sent.status).toBeLessThan(300);
      await h.settle();
      expect(await owner(person(5))).toBe(APP_ID);
      // The gateway knows its app has the thread again: giving back takes nothing more.
      await waitFor(async () => (await conversationOf(person(5)))?.thread_elsewhere_since === null);
      expect(await pageSaw(person(5))).toEqual(['echo: hello', 'Ana here, I have it now']);
      const [take] = await h.fb.graphCalls({ path_contains: 'take_thread_control' });
      expect(take?.body).toEqual({ recipient: { id: person(5) }, metadata: TAKE_NOTE });
      const thread = await h.api('GET', `/api/conversations/${id}/messages`);
      expect(thread.body.data.messages.at(-1)).toMatchObject({ author: 'agent', text: 'Ana here, I have it now' });
      expect(thread.body.data.messages.at(-1).status).not.toBe('failed');
      expect((await h.api('POST', `/api/conversations/${id}/routing`, { routing: 'bot' })).status).toBe(200);
      expect(await h.fb.graphCalls({ path_contains: 'take_thread_control' })).toHaveLength(1);
    });

    it('keeps a take by the Page Inbox that comes while an agent’s reply is taking the thread back', async () => {
      await takenInPageInbox(person(9));
      const { id, thread_elsewhere_since: first } = (await conversationOf(person(9))) ?? {};
      expect(first).toEqual(expect.any(Number));
      await h.api('POST', `/api/conversations/${id}/routing`, { routing: 'human' });
      // Graph answers late: the Page Inbox takes the thread again once the reply's take is made, before its answer.
      await h.fb.setFaults({ answer_latency_ms: 2000 });
      try {
        expect((await h.api('POST', `/api/conversations/${id}/messages`, { text: 'Ana here' })).status).toBe(202);
        await waitFor(async () => (await owner(person(9))) === APP_ID);
        await h.fb.setThreadOwner(PAGE_ID, person(9), PAGE_INBOX_APP_ID);
        await waitFor(async () => ((await conversationOf(person(9)))?.thread_elsewhere_since ?? 0) > (first ?? 0));
        // The newer take was recorded before Graph answered the reply's (the log has a call once it is answered).
        const takes = await h.fb.graphCalls({ path_contains: 'take_thread_control' });
        expect(takes.filter((c) => JSON.stringify(c.body).includes(person(9)))).toEqual([]);
      } finally {
        await h.fb.clearFaults();
      }
      const { thread_elsewhere_since: second } = (await conversationOf(person(9))) ?? {};
      await h.settle();
      expect(await owner(person(9))).toBe(PAGE_INBOX_APP_ID);
      // The newer take stands: the reply's take saw the first one only.
      expect(await conversationOf(person(9))).toMatchObject({ routing: 'human', thread_elsewhere_since: second });
    });

    it('takes the thread back for a business update a person of the team sends while the Page Inbox has it', async () => {
      await takenInPageInbox(person(11));
      const { id } = (await conversationOf(person(11))) ?? {};
      const update = { text: 'Your order has shipped', tag: 'POST_PURCHASE_UPDATE' };
      expect((await h.api('POST', `/api/conversations/${id}/messages`, update)).status).toBe(202);
      await h.settle();
      expect(await owner(person(11))).toBe(APP_ID);
      expect(await pageSaw(person(11))).toEqual(['echo: hello', 'Your order has shipped']);
      const takes = await h.fb.graphCalls({ path_contains: 'take_thread_control' });
      expect(takes.at(-1)?.body).toEqual({ recipient: { id: person(11) }, metadata: TAKE_NOTE });
      const thread = await h.api('GET', `/api/conversations/${id}/messages`);
      expect(thread.body.data.messages.at(-1)).toMatchObject({ author: 'system', text: 'Your order has shipped' });
      expect(thread.body.data.messages.at(-1).status).not.toBe('failed');
      await waitFor(async () => (await conversationOf(person(11)))?.thread_elsewhere_since === null);
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

    it('stays paused while the Page Inbox holds the thread, and Resume takes it back, then the bot answers', async () => {
      await takenInPageInbox(person(6));
      expect(await conversationOf(person(6))).toMatchObject({
        routing: 'paused',
        paused_until: null,
        thread_elsewhere_since: expect.any(Number),
      });
      await h.fb.sendText(PAGE_ID, person(6), 'anyone there?');
      await h.settle();
      expect(await conversationOf(person(6))).toMatchObject({ routing: 'paused' });
      expect(await pageSaw(person(6))).toEqual(['echo: hello']);

      const { id } = (await conversationOf(person(6))) ?? {};
      const resumed = await h.api('POST', `/api/conversations/${id}/routing`, { routing: 'bot' });
      expect(resumed.status).toBe(200);
      expect(resumed.body.data).toMatchObject({ routing: 'bot', thread_elsewhere_since: null });
      expect(await owner(person(6))).toBe(APP_ID);
      const takes = await h.fb.graphCalls({ path_contains: 'take_thread_control' });
      expect(takes.at(-1)?.body).toEqual({ recipient: { id: person(6) }, metadata: RESUME_NOTE });
      await h.fb.sendText(PAGE_ID, person(6), 'back again');
      await h.settle();
      expect(await pageSaw(person(6))).toEqual(['echo: hello', 'echo: back again']);
    });

    it('changes nothing and says why when Graph will not give the thread back', async () => {
      await takenInPageInbox(person(7));
      const { id } = (await conversationOf(person(7))) ?? {};
      await h.fb.setFaults({ next: { count: 1, code: 10, path_contains: 'take_thread_control' } });
      const refused = await h.api('POST', `/api/conversations/${id}/routing`, { routing: 'bot' });
      await h.fb.clearFaults();
      expect(refused.status).toBe(502);
      expect(refused.body.error).toMatchObject({
        code: 'SB_THREAD_NOT_TAKEN',
        message: expect.stringMatching(/^Facebook did not give the thread back .*: \(#10\)/),
      });
      expect(await owner(person(7))).toBe(PAGE_INBOX_APP_ID);
      expect(await conversationOf(person(7))).toMatchObject({
        routing: 'paused',
        thread_elsewhere_since: expect.any(Number),
      });
    });

    it('pauses a conversation it thought the bot’s when the person’s message comes on standby', async () => {
      await h.fb.sendText(PAGE_ID, person(8), 'hello');
      await h.settle();
      // Facebook sends the person's message on standby: another app has the thread, whose take the gateway never heard.
      const at = Date.now();
      const message = {
        sender: { id: person(8) },
        recipient: { id: PAGE_ID },
        timestamp: at,
        message: { mid: `m_standby_${at}`, text: 'hello? anyone?' },
      };
      const posted = await h.postWebhook({ object: 'page', entry: [{ id: PAGE_ID, time: at, standby: [message] }] });
      expect(posted.status).toBe(200);
      await h.settle();
      expect(await conversationOf(person(8))).toMatchObject({ routing: 'paused', thread_elsewhere_since: at });
      expect(bot.turns.filter((t) => t.input.text === 'hello? anyone?')).toEqual([]);
      // Resume takes the thread (the app has it already, as far as the emulator knows: Graph says yes).
      const { id } = (await conversationOf(person(8))) ?? {};
      expect((await h.api('POST', `/api/conversations/${id}/routing`, { routing: 'bot' })).status).toBe(200);
      const takes = await h.fb.graphCalls({ path_contains: 'take_thread_control' });
      expect(JSON.stringify(takes.at(-1)?.body)).toContain(person(8));
    });
  });
}
