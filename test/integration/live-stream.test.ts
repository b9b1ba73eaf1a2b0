import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES } from '../support/databases.ts';
import { type EchoBot, startEchoBot } from '../support/echo-bot.ts';
import { changedFor, type OpenStream, openStream } from '../support/event-stream.ts';
import { APP_ID, type Harness, PAGE_ID, PSID, personPsid as person, startHarness } from '../support/gateway-harness.ts';

for (const database of DATABASES) {
  describe(`the inbox's live stream on ${database}`, () => {
    let h: Harness | undefined;
    let bot: EchoBot;
    const streams: OpenStream[] = [];
    const open = async () => {
      const stream = await openStream((h as Harness).gatewayUrl);
      streams.push(stream);
      await stream.next((e) => e.event === 'ready');
      return stream;
    };

    beforeAll(async () => {
      bot = await startEchoBot();
      h = await startHarness({
        database,
        people: 3,
        assistant: { type: 'http', url: bot.url, timeout_ms: 5000, retries: 0 },
        settings: { delay_between_messages_ms: 0 },
        tuning: { sendMaxAttempts: 1 },
      });
    });
    afterAll(async () => {
      for (const stream of streams) stream.close();
      await h?.close();
      await bot?.close();
    });

    /**
     * A stream opened once the changes of what came before have been told: they reach the streams up to 150 ms after
     * the gateway is idle (the processing thread reports every 100 ms, the feed sends every 50 ms).
     */
    const quietStream = async () => {
      const pause = () => new Promise((resolve) => setTimeout(resolve, 400));
      await pause();
      const stream = await open();
      // Nothing told after ready, for longer than a change takes to be told: only what the test does next can be.
      await pause();
      expect(stream.events).toEqual([{ event: 'ready', data: {} }]);
      return stream;
    };

    const conversationOf = async (psid: string) => {
      const { body } = await (h as Harness).api('GET', `/api/conversations?page_id=${PAGE_ID}`);
      const found = (body.data as { id: string; contact_external_id: string }[]).find(
        (c) => c.contact_external_id === psid,
      );
      if (!found) throw new Error(`no conversation with ${psid}`);
      return found.id;
    };

    it('is refused without credentials, as the rest of the API', async () => {
      const response = await request(`${(h as Harness).gatewayUrl}/api/stream`);
      expect(response.statusCode).toBe(401);
      expect(await response.body.json()).toMatchObject({ error: { code: 'SB_UNAUTHENTICATED' } });
    });

    it('names the conversation a person wrote in, and again once the answer is sent and delivered', async () => {
      const harness = h as Harness;
      await harness.fb.sendText(PAGE_ID, person(0), 'hello');
      await harness.settle();
      const id = await conversationOf(person(0));

      const stream = await open();
      expect(stream.status).toBe(200);
      expect(stream.contentType).toMatch(/^text\/event-stream/);
      expect(stream.events[0]).toEqual({ event: 'ready', data: {} });
      const before = stream.events.length;
      await harness.fb.sendText(PAGE_ID, person(0), 'are you there?');
      await stream.next(changedFor(id));
      await harness.settle();
      // Only this conversation changed: no other is named.
      for (const event of stream.events.slice(before))
        expect(event).toEqual({ event: 'changed', data: { conversations: [id] } });
    });

    it('names a conversation taken over, flagged and answered through the API, to every stream', async () => {
      const harness = h as Harness;
      await harness.fb.sendText(PAGE_ID, person(1), 'hi');
      await harness.settle();
      const id = await conversationOf(person(1));
      // Opened once earlier changes have been told, so that each change below is heard by both or by neither.
      const streams = [await quietStream(), await open()];
      const heard = (stream: OpenStream) => stream.events.filter(changedFor(id)).length;
      const toldToEvery = async (change: () => Promise<number>, status: number) => {
        const before = streams.map(heard);
        expect(await change()).toBe(status);
        await Promise.all(streams.map((s, i) => s.next((e) => changedFor(id)(e) && heard(s) > (before[i] ?? 0))));
      };
      const api = async (path: string, body: object) => (await harness.api('POST', path, body)).status;

      await toldToEvery(() => api(`/api/conversations/${id}/routing`, { routing: 'human' }), 200);
      await toldToEvery(() => api(`/api/conversations/${id}/flag`, { flagged: true }), 200);
      await toldToEvery(() => api(`/api/conversations/${id}/messages`, { text: 'An agent here' }), 202);
    });

    it('names a conversation assigned, and those of a user removed, whose rows then say nobody has them', async () => {
      const harness = h as Harness;
      await harness.fb.sendText(PAGE_ID, person(1), 'anyone there?');
      await harness.settle();
      const id = await conversationOf(person(1));
      const ana = (await harness.api('POST', '/api/users', { email: 'ana@example.com', name: 'Ana' })).body.data;
      let stream = await quietStream();
      const assigned = await harness.api('POST', `/api/conversations/${id}/assignee`, { user_id: ana.user.id });
      expect(assigned.status).toBe(200);
      await stream.next((e, i) => i > 0 && changedFor(id)(e));

      stream = await quietStream();
      expect((await harness.api('DELETE', `/api/users/${ana.user.id}`)).status).toBe(204);
      await stream.next((e, i) => i > 0 && changedFor(id)(e));
      const row = (await harness.api('GET', `/api/conversations?ids=${id}`)).body.data[0];
      expect(row).toMatchObject({ assignee_id: null, assignee_name: null });
    });

    it('names the conversation a receipt or an echo changed', async () => {
      const harness = h as Harness;
      // A send Graph refuses once: with one attempt allowed (tuning), it fails.
      await harness.fb.setFaults({ next: { count: 1, code: 2, path_contains: '/messages' } });
      await harness.fb.sendText(PAGE_ID, person(2), 'hello');
      await harness.settle();
      await harness.fb.clearFaults();
      const id = await conversationOf(person(2));
      const failed = await harness.switchboard.db
        .selectFrom('outbox')
        .select('id')
        .where('conversation_id', '=', id)
        .where('kind', '=', 'message')
        .where('status', 'in', ['failed', 'dead'])
        .executeTakeFirstOrThrow();

      let stream = await quietStream();
      // Its echo after all: Graph had taken it.
      const echo = {
        object: 'page',
        entry: [
          {
            id: PAGE_ID,
            time: Date.now(),
            messaging: [
              {
                sender: { id: PAGE_ID },
                recipient: { id: person(2) },
                timestamp: Date.now(),
                message: {
                  is_echo: true,
                  app_id: Number(APP_ID),
                  metadata: `sb:${failed.id}`,
                  mid: 'm_late',
                  text: 'x',
                },
              },
            ],
          },
        ],
      };
      expect((await harness.postWebhook(echo)).status).toBe(200);
      await stream.next((e, i) => i > 0 && changedFor(id)(e));
      await harness.settle();
      expect((await harness.api('GET', `/api/conversations/${id}/messages`)).body.data.messages.at(-1).status).toBe(
        'sent',
      );

      // A reply the person has not read yet, then their read receipt.
      await harness.fb.sendText(PAGE_ID, person(2), 'again');
      await harness.settle();
      stream = await quietStream();
      expect(await harness.fb.read(PAGE_ID, person(2))).toEqual({ read: true });
      await stream.next((e, i) => i > 0 && changedFor(id)(e));
    });

    it('names the conversations whose dead messages a replay sends again, before they are sent', async () => {
      const harness = h as Harness;
      await harness.fb.setFaults({ next: { count: 1, code: 1200, path_contains: '/messages' } });
      await harness.fb.sendText(PAGE_ID, person(0), 'replay me');
      await harness.settle();
      const id = await conversationOf(person(0));
      const last = async () =>
        (await harness.api('GET', `/api/conversations/${id}/messages`)).body.data.messages.at(-1);
      expect(await last()).toMatchObject({ text: 'echo: replay me', status: 'failed' });
      // Graph refuses the send again, and only after the stream could have heard of it: nothing else changes meanwhile.
      await harness.fb.setFaults({
        next: { count: 1, code: 1200, path_contains: '/messages' },
        answer_latency_ms: 6_000,
      });
      const stream = await quietStream();
      expect((await harness.api('POST', '/api/dead-letters/replay')).status).toBe(200);
      await stream.next((e, i) => i > 0 && changedFor(id)(e));
      expect(await last()).toMatchObject({ status: 'pending' });
      await harness.fb.clearFaults();
      await harness.settle();
    });

    it('ends its streams when the gateway closes, which does not wait for them', async () => {
      const stream = await open();
      const harness = h as Harness;
      h = undefined;
      await harness.close();
      // Ended by the gateway as it closed, not cut with the connections a close does not wait for.
      expect(await stream.ended).toBe(true);
      expect(stream.events[0]?.event).toBe('ready');
    });
  });
}

describe("the inbox's live stream when a pause runs out", () => {
  let h: Harness;
  let bot: EchoBot;
  let offset = 0;

  beforeAll(async () => {
    bot = await startEchoBot();
    h = await startHarness({
      database: 'sqlite',
      assistant: { type: 'http', url: bot.url, timeout_ms: 5000, retries: 0 },
      settings: { delay_between_messages_ms: 0, human_reply_pause_minutes: 30 },
      // Every wait takes a moment, then moves the clock past its end: the 30-minute pause runs out at once.
      timers: {
        now: () => Date.now() + offset,
        sleep: async (ms) => {
          await new Promise((resolve) => setTimeout(resolve, 2_000));
          offset += ms;
        },
      },
    });
  });
  afterAll(async () => {
    await h?.close();
    await bot?.close();
  });

  it('names the conversation when its pause after a Page Inbox reply ends, nothing written', async () => {
    await h.fb.sendText(PAGE_ID, PSID, 'hello');
    await h.settle();
    await h.fb.pageInboxReply(PAGE_ID, PSID, 'Answering from Business Suite');
    await h.settle();
    const { body } = await h.api('GET', `/api/conversations?page_id=${PAGE_ID}`);
    const [conversation] = body.data;
    expect(conversation).toMatchObject({ contact_external_id: PSID, routing: 'paused' });

    const stream = await openStream(h.gatewayUrl);
    try {
      await stream.next((e) => e.event === 'ready');
      await stream.next(changedFor(conversation.id));
      expect((await h.api('GET', `/api/conversations?page_id=${PAGE_ID}`)).body.data[0]).toMatchObject({
        routing: 'bot',
      });
    } finally {
      stream.close();
    }
  });
});
