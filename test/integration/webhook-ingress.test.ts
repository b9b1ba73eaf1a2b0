import { createHmac, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundEvent } from '../../src/conversations/inbound-event.ts';
import { parseWebhookBody } from '../../src/messenger/webhook/parse-webhook.ts';
import { insertInboundEvents } from '../../src/storage/inbound-event-repository.ts';
import { DATABASES } from '../support/databases.ts';
import { type EchoBot, startEchoBot } from '../support/echo-bot.ts';
import { type Harness, messageBody, PAGE_ID, PSID, personPsid, startHarness } from '../support/gateway-harness.ts';
import { sentBody } from '../support/sent-body.ts';

for (const database of DATABASES) {
  describe(`webhook ingress on ${database}`, () => {
    let h: Harness;
    let bot: EchoBot;

    beforeAll(async () => {
      bot = await startEchoBot();
      h = await startHarness({
        database,
        people: 4,
        assistant: { type: 'http', url: bot.url, timeout_ms: 5000, retries: 0 },
      });
    });
    afterAll(async () => {
      await h?.close();
      await bot?.close();
    });

    it('answers the subscription check with the challenge, and refuses a wrong token', async () => {
      const token = h.config.apps[0]?.verify_token as string;
      const ok = await fetch(
        `${h.gatewayUrl}/webhooks/messenger?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=1903260781`,
      );
      expect([ok.status, await ok.text()]).toEqual([200, '1903260781']);
      const bad = await fetch(
        `${h.gatewayUrl}/webhooks/messenger?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`,
      );
      expect(bad.status).toBe(403);
    });

    it('refuses a subscription check that gives a parameter twice with a 400 (the challenge failed with a 500)', async () => {
      const token = h.config.apps[0]?.verify_token as string;
      for (const twice of ['hub.challenge=1&hub.challenge=2', `hub.verify_token=${token}`, 'hub.mode=subscribe']) {
        const query = `hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=1&${twice}`;
        const refused = await fetch(`${h.gatewayUrl}/webhooks/messenger?${query}`);
        expect([refused.status, (await refused.json()).error.code], twice).toEqual([400, 'SB_BAD_REQUEST']);
      }
    });

    it('replies to a person through the Send API, once', async () => {
      await h.fb.sendText(PAGE_ID, PSID, 'hello there');
      await h.fb.waitForPageMessages(PAGE_ID, PSID, (items) =>
        items.some((i) => i.message?.text === 'echo: hello there'),
      );
      await h.settle();
      // Read again after settling, so a duplicate sent late is counted too.
      const { items } = await h.fb.conversation(PAGE_ID, PSID);
      const replies = items.filter((i) => i.from === 'page' && i.message?.text === 'echo: hello there');
      expect(replies).toHaveLength(1);
      const sends = (await h.fb.graphCalls({ path_contains: '/messages' }))
        .map(sentBody)
        .filter((b) => b.recipient?.id === PSID && b.message?.text === 'echo: hello there');
      expect(sends).toHaveLength(1);
    });

    it('refuses a missing or wrong signature with 401 and stores nothing', async () => {
      expect((await h.postWebhook(messageBody('unsigned'), null)).status).toBe(401);
      expect((await h.postWebhook(messageBody('forged'), `sha256=${'0'.repeat(64)}`)).status).toBe(401);
      expect((await h.postWebhook(messageBody('sha1 only'), 'sha1=abc')).status).toBe(401);
      const stored = await h.switchboard.db.selectFrom('inbound_events').select('body').execute();
      expect(stored.filter((r) => /unsigned|forged|sha1 only/.test(r.body))).toEqual([]);
    });

    it('refuses a body without a signature, or with one of the wrong shape, before reading it', async () => {
      for (const header of [undefined, 'sha1=abc']) {
        let finish = () => {};
        const unfinished = new Promise<void>((resolve) => (finish = resolve));
        // The body's first bytes go, and the rest never does until the answer came: the refusal cannot wait for it.
        const body = Readable.from(
          (async function* () {
            yield '{"object":"page","entry":[';
            await unfinished;
          })(),
        );
        const headers = { 'content-type': 'application/json', ...(header && { 'x-hub-signature-256': header }) };
        const response = await request(`${h.gatewayUrl}/webhooks/messenger`, { method: 'POST', body, headers });
        finish();
        expect([response.statusCode, (await response.body.json()) as unknown], header).toEqual([
          401,
          {
            error: expect.objectContaining({
              code: header ? 'SB_WEBHOOK_SIGNATURE_INVALID' : 'SB_WEBHOOK_SIGNATURE_MISSING',
            }),
          },
        ]);
      }
    });

    it('verifies the bytes Facebook sent, with non-ASCII text \\u-escaped, and refuses a signature of their re-serialisation', async () => {
      const mid = `m_${randomBytes(8).toString('base64url')}`;
      // Facebook escapes non-ASCII text and the slashes: the bytes differ from what JSON.stringify would give.
      const escaped = JSON.stringify(messageBody('caf\u00e9 \u{1f600} a/b', { mid }))
        .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
        .replaceAll('/', '\\/');
      const reserialised = JSON.stringify(JSON.parse(escaped));
      expect(reserialised).not.toBe(escaped);

      expect((await h.postWebhook(escaped, h.sign(reserialised))).status).toBe(401);
      expect((await h.postWebhook(escaped)).status).toBe(200);
      const stored = await h.switchboard.db
        .selectFrom('inbound_events')
        .select('body')
        .where('event_key', '=', `${PAGE_ID}:m:${mid}`)
        .execute();
      expect(stored.map((r) => JSON.parse(r.body).text)).toEqual(['caf\u00e9 \u{1f600} a/b']);
    });

    it('keeps a malformed body that is not UTF-8 whole, in base64, rather than with its bad bytes replaced', async () => {
      const raw = Buffer.concat([
        Buffer.from('{"object":"page","entry":["caf'),
        Buffer.from([0xe9, 0xff]),
        Buffer.from('"'),
      ]);
      const secret = h.config.apps[0]?.secret as string;
      const signature = `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
      const response = await request(`${h.gatewayUrl}/webhooks/messenger`, {
        method: 'POST',
        body: raw,
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
      });
      expect(response.statusCode).toBe(400);
      await response.body.dump();
      const kept = await h.switchboard.db
        .selectFrom('webhook_quarantine')
        .select(['reason', 'body'])
        .where('body', '=', raw.toString('base64'))
        .execute();
      expect(kept).toEqual([{ reason: 'malformed JSON, not UTF-8 (body in base64)', body: raw.toString('base64') }]);
    });

    it('answers 400 to malformed JSON with a valid signature and keeps it for inspection', async () => {
      const response = await h.postWebhook('{"object":"page","entry":[');
      expect(response.status).toBe(400);
      expect(JSON.parse(response.text).error.code).toBe('SB_WEBHOOK_JSON_INVALID');
      const kept = await h.switchboard.db
        .selectFrom('webhook_quarantine')
        .selectAll()
        .where('body', '=', '{"object":"page","entry":[')
        .execute();
      expect(kept).toHaveLength(1);
    });

    it('keeps malformed JSON holding a NUL byte for inspection too', async () => {
      const response = await h.postWebhook('{"object":"page","entry":[\u0000');
      expect(response.status).toBe(400);
      const kept = await h.switchboard.db
        .selectFrom('webhook_quarantine')
        .select('body')
        .where('body', '=', '{"object":"page","entry":[\\u0000')
        .execute();
      expect(kept).toHaveLength(1);
    });

    it('takes a body of several MB, as a batch of 1000 messages with escaped non-ASCII text makes, and refuses one over the limit with 413', async () => {
      const large = messageBody('large');
      // An event of a kind the gateway does not know is stored whole: a stand-in for a big batch that costs no turns.
      large.entry[0]?.messaging.push({
        sender: { id: PSID },
        recipient: { id: PAGE_ID },
        timestamp: Date.now(),
        future_kind: { blob: '\\u0416'.repeat(1024 * 1024) },
      } as never);
      expect((await h.postWebhook(JSON.stringify(large))).status).toBe(200);
      const huge = JSON.stringify(messageBody('x'.repeat(17 * 1024 * 1024)));
      const response = await h.postWebhook(huge);
      expect(response.status).toBe(413);
      expect(JSON.parse(response.text).error.code).toBe('SB_BODY_TOO_LARGE');
      const metrics = await (await fetch(`${h.gatewayUrl}/metrics`)).text();
      expect(metrics).toMatch(/switchboard_webhook_rejected_total\{reason="too_large"\} 1\b/);
    });

    it('stores and answers every entry and every person of a batched body', async () => {
      const people = [personPsid(0), personPsid(1), personPsid(2)];
      // Each has written to the page before (Messenger answers only within the 24-hour window).
      for (const psid of people) await h.fb.sendText(PAGE_ID, psid, 'hi');
      await h.settle();
      const body = {
        object: 'page',
        entry: people.map((psid, i) => ({
          id: PAGE_ID,
          time: Date.now(),
          messaging: [
            {
              sender: { id: psid },
              recipient: { id: PAGE_ID },
              timestamp: Date.now(),
              message: { mid: `m_batch_${database}_${i}_a`, text: `a${i}` },
            },
            {
              sender: { id: psid },
              recipient: { id: PAGE_ID },
              timestamp: Date.now(),
              message: { mid: `m_batch_${database}_${i}_b`, text: `b${i}` },
            },
          ],
        })),
      };
      expect((await h.postWebhook(body)).status).toBe(200);
      await h.settle();
      for (const [i] of people.entries()) {
        const texts = bot.turns
          .filter((t) => t.input.text === `a${i}` || t.input.text === `b${i}`)
          .map((t) => t.input.text);
        expect(texts).toEqual([`a${i}`, `b${i}`]);
      }
      const sent = await h.fb.graphCalls({ path_contains: '/messages' });
      const replies = sent.filter((c) => /echo: [ab]\d/.test(JSON.stringify(c.body)));
      expect(replies.map((c) => c.status)).toEqual([200, 200, 200, 200, 200, 200]);
    });

    it('drops a redelivered event: same body twice, one reply', async () => {
      const body = messageBody('only once', { mid: `m_redelivered_${database}` });
      expect((await h.postWebhook(body)).status).toBe(200);
      expect((await h.postWebhook(body)).status).toBe(200);
      await h.settle();
      expect(bot.turns.filter((t) => t.input.text === 'only once')).toHaveLength(1);
      const rows = await h.switchboard.db
        .selectFrom('inbound_events')
        .select('id')
        .where('event_key', '=', `${PAGE_ID}:m:m_redelivered_${database}`)
        .execute();
      expect(rows).toHaveLength(1);
    });

    it('hands a redelivered event over when its first delivery was stored but never handed to the workers', async () => {
      // As when PostgreSQL committed the first delivery but the connection dropped before it said so: a 500, no hand-over.
      const body = messageBody('stored, not handed over', { mid: `m_in_doubt_${database}` });
      const [event] = parseWebhookBody(body).events;
      await insertInboundEvents(h.switchboard.db, [event as InboundEvent], Date.now());
      expect((await h.postWebhook(body)).status).toBe(200);
      await h.settle();
      expect(bot.turns.filter((t) => t.input.text === 'stored, not handed over')).toHaveLength(1);
      expect((await h.postWebhook(body)).status).toBe(200);
      await h.settle();
      expect(bot.turns.filter((t) => t.input.text === 'stored, not handed over')).toHaveLength(1);
    });

    it('hands such an event over before a newer one of the person that came with it', async () => {
      const now = Date.now();
      const first = messageBody('stored first', { mid: `m_first_${database}`, timestamp: now });
      const second = messageBody('came after', { mid: `m_after_${database}`, timestamp: now + 1 });
      await insertInboundEvents(h.switchboard.db, parseWebhookBody(first).events, Date.now());
      // Facebook sends the first again, batched with the next.
      const both = structuredClone(first);
      both.entry[0]?.messaging.push(...second.entry[0]!.messaging);
      expect((await h.postWebhook(both)).status).toBe(200);
      await h.settle();
      const texts = bot.turns.map((t) => t.input.text).filter((t) => t === 'stored first' || t === 'came after');
      expect(texts).toEqual(['stored first', 'came after']);
    });

    it('stores a delivery receipt that lists many messages, and drops its redelivery', async () => {
      // Message ids as long and as random as Facebook's: their key would not fit PostgreSQL's index, even compressed.
      const mids = Array.from({ length: 60 }, () => `m_${randomBytes(66).toString('base64url')}`);
      const body = {
        object: 'page',
        entry: [
          {
            id: PAGE_ID,
            time: Date.now(),
            messaging: [
              {
                sender: { id: PSID },
                recipient: { id: PAGE_ID },
                timestamp: Date.now(),
                delivery: { mids, watermark: Date.now() },
              },
            ],
          },
        ],
      };
      expect((await h.postWebhook(body)).status).toBe(200);
      expect((await h.postWebhook(body)).status).toBe(200);
      await h.settle();
      const stored = await h.switchboard.db
        .selectFrom('inbound_events')
        .select(['event_key', 'status'])
        .where('kind', '=', 'delivery')
        .where('body', 'like', `%${mids[0]}%`)
        .execute();
      expect(stored).toEqual([{ event_key: expect.stringMatching(/^\d+:d:#[\w-]{43}$/), status: 'done' }]);
    });

    it('answers a person in the order her bodies came when the first has events to set aside or pages to look for', async () => {
      const psid = personPsid(2);
      const first = messageBody('set aside first', { psid, mid: `m_aside_first_${database}` });
      // A feed change batched with her message is kept for inspection, which takes a flush of its own; an event of a
      // page not connected here makes a process on PostgreSQL look for pages other processes connected, first.
      first.entry.push({
        id: PAGE_ID,
        time: Date.now(),
        changes: [{ field: 'feed', value: { verb: 'add' } }],
      } as never);
      first.entry.push(messageBody('elsewhere').entry.map((e) => ({ ...e, id: '333' }))[0] as never);
      const second = messageBody('set aside second', { psid, mid: `m_aside_second_${database}` });
      const answers = await Promise.all([h.postWebhook(first), h.postWebhook(second)]);
      expect(answers.map((a) => a.status)).toEqual([200, 200]);
      await h.settle();
      const order = bot.turns.filter((t) => t.input.text?.startsWith('set aside')).map((t) => t.input.text);
      expect(order).toEqual(['set aside first', 'set aside second']);
    });

    it('answers one person strictly in order', async () => {
      const psid = personPsid(3);
      await h.fb.sendText(PAGE_ID, psid, 'hi');
      await h.settle();
      for (let i = 0; i < 15; i++) expect((await h.postWebhook(messageBody(`n${i}`, { psid }))).status).toBe(200);
      await h.settle();
      const order = bot.turns.filter((t) => /^n\d+$/.test(t.input.text ?? '')).map((t) => t.input.text);
      expect(order).toEqual(Array.from({ length: 15 }, (_, i) => `n${i}`));
      const sent = (await h.fb.graphCalls({ path_contains: '/messages' }))
        .filter((c) => c.status === 200)
        .map(sentBody)
        .filter((b) => b.recipient?.id === psid && /^echo: n\d+$/.test(b.message?.text ?? ''))
        .map((b) => b.message?.text);
      expect(sent).toEqual(Array.from({ length: 15 }, (_, i) => `echo: n${i}`));
    });
  });
}
