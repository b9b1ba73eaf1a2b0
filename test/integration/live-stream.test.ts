import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES } from '../support/databases.ts';
import { type EchoBot, startEchoBot } from '../support/echo-bot.ts';
import { changedFor, type OpenStream, openStream } from '../support/event-stream.ts';
import { type Harness, PAGE_ID, personPsid as person, startHarness } from '../support/gateway-harness.ts';

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
      });
    });
    afterAll(async () => {
      for (const stream of streams) stream.close();
      await h?.close();
      await bot?.close();
    });

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
      // The person's message, the bot's answer sent, its delivery and read: each is a change, told once done.
      const later = stream.events.slice(before).filter(changedFor(id));
      expect(later.length).toBeGreaterThanOrEqual(1);
      // Only this conversation changed: no other is named.
      for (const event of stream.events.slice(before))
        expect(event).toEqual({ event: 'changed', data: { conversations: [id] } });
    });

    it('names a conversation taken over, flagged and answered through the API, to every stream', async () => {
      const harness = h as Harness;
      await harness.fb.sendText(PAGE_ID, person(1), 'hi');
      await harness.settle();
      const id = await conversationOf(person(1));
      const [first, second] = [await open(), await open()];
      const heard = (stream: OpenStream) => stream.events.filter(changedFor(id)).length;

      expect((await harness.api('POST', `/api/conversations/${id}/routing`, { routing: 'human' })).status).toBe(200);
      await Promise.all([first.next(changedFor(id)), second.next(changedFor(id))]);

      let count = heard(first);
      expect((await harness.api('POST', `/api/conversations/${id}/flag`, { flagged: true })).status).toBe(200);
      await first.next((e) => changedFor(id)(e) && heard(first) > count);

      count = heard(first);
      expect((await harness.api('POST', `/api/conversations/${id}/messages`, { text: 'An agent here' })).status).toBe(
        202,
      );
      await first.next((e) => changedFor(id)(e) && heard(first) > count);
      await harness.settle();
      // Told within a moment of each other: the notices go out at most every 50 ms.
      await expect.poll(() => heard(second) === heard(first) && heard(first)).toBeGreaterThanOrEqual(3);
    });

    it('ends its streams when the gateway closes, which does not wait for them', async () => {
      const stream = await open();
      const harness = h as Harness;
      h = undefined;
      await harness.close();
      await stream.ended;
      expect(stream.events[0]?.event).toBe('ready');
    });
  });
}
