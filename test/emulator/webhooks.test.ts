import { createHmac } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { PAGE_INBOX_APP_ID } from '../../src/emulator/index.ts';
import { APP_ID, APP_SECRET, type Harness, PAGE_ID, PSID, startHarness } from './support/harness.ts';

let h: Harness;
afterEach(() => h?.close());

const hmac = (algorithm: 'sha256' | 'sha1', raw: Buffer | string) =>
  createHmac(algorithm, APP_SECRET).update(raw).digest('hex');
const PROFILE = { get_started: { payload: 'GET_STARTED' } };

describe('webhook delivery', () => {
  it('signs the exact bytes with X-Hub-Signature-256 and X-Hub-Signature, with non-ASCII sent \\u-escaped', async () => {
    h = await startHarness();
    await h.client.sendText(PAGE_ID, PSID, 'Grüße 👋 </b>');
    const [hook] = await h.receiver.waitFor(1);
    const raw = hook!.raw.toString('utf8');
    expect(raw).toMatch(/^[\x20-\x7e]*$/);
    expect(raw).toContain('Gr\\u00fc\\u00dfe \\ud83d\\udc4b <\\/b>');
    expect(hook!.headers['x-hub-signature-256']).toBe(`sha256=${hmac('sha256', hook!.raw)}`);
    expect(hook!.headers['x-hub-signature']).toBe(`sha1=${hmac('sha1', hook!.raw)}`);
    expect(hook!.headers['content-type']).toBe('application/json');
    // Re-serialising the parsed JSON gives other bytes, so a gateway that does that fails the check.
    expect(hmac('sha256', JSON.stringify(hook!.body))).not.toBe(hmac('sha256', hook!.raw));
    const event = h.receiver.events()[0]?.event as { message: { text: string } };
    expect(event.message.text).toBe('Grüße 👋 </b>');
  });

  it('sends plain UTF-8 when escapeUnicode is false, still signed over the bytes sent', async () => {
    h = await startHarness({ escapeUnicode: false });
    await h.client.sendText(PAGE_ID, PSID, 'Grüße');
    const [hook] = await h.receiver.waitFor(1);
    expect(hook!.raw.toString('utf8')).toContain('Grüße');
    expect(hook!.headers['x-hub-signature-256']).toBe(`sha256=${hmac('sha256', hook!.raw)}`);
  });

  it("uses Facebook's live format: object page, entries with numeric ms times, one messaging event each", async () => {
    h = await startHarness();
    const before = await h.client.now();
    const { mid } = await h.client.sendText(PAGE_ID, PSID, 'hi there');
    const [hook] = await h.receiver.waitFor(1);
    expect(hook!.body).toEqual({
      object: 'page',
      entry: [
        {
          id: PAGE_ID,
          time: expect.any(Number),
          messaging: [
            {
              sender: { id: PSID },
              recipient: { id: PAGE_ID },
              timestamp: expect.any(Number),
              message: { mid, text: 'hi there' },
            },
          ],
        },
      ],
    });
    expect(mid).toMatch(/^m_[A-Za-z0-9_-]+$/);
    const timestamp = (h.receiver.eventAt(0) as { timestamp: number }).timestamp;
    expect(timestamp).toBeGreaterThanOrEqual(before);
    expect(timestamp).toBeLessThan(before + 10_000);
  });

  it('produces quick reply, postback, Get Started, attachment, sticker, reaction, reply and referral events', async () => {
    h = await startHarness();
    await h.graph('POST', '/me/messenger_profile', { body: PROFILE });
    await h.client.sendQuickReply(PAGE_ID, PSID, { title: 'Red', payload: 'COLOR_RED' });
    await h.client.sendPostback(PAGE_ID, PSID, { title: 'Buy', payload: 'BUY_MUG' });
    await h.client.getStarted(PAGE_ID, PSID, { ref: 'spring', source: 'SHORTLINK', type: 'OPEN_THREAD' });
    await h.client.sendAttachments(PAGE_ID, PSID, [{ type: 'image', url: 'https://example.com/cat.jpg' }]);
    await h.client.sendSticker(PAGE_ID, PSID, '369239263222822');
    const sent = await h.send({ text: 'to react to' });
    await h.client.react(PAGE_ID, PSID, { mid: sent.body.message_id as string, reaction: 'love', emoji: '❤️' });
    await h.client.sendText(PAGE_ID, PSID, 'this one', { replyTo: sent.body.message_id as string });
    await h.client.sendReferral(PAGE_ID, PSID, { ref: 'promo42' });
    await h.emulator.context.dispatcher.idle();
    const events = h.receiver.events().map(({ event }) => event);
    const pick = (key: string) => events.filter((event) => key in event).map((event) => event[key]);
    expect(pick('message')[0]).toEqual({ mid: expect.any(String), text: 'Red', quick_reply: { payload: 'COLOR_RED' } });
    expect(pick('postback')).toEqual([
      { mid: expect.any(String), title: 'Buy', payload: 'BUY_MUG' },
      {
        mid: expect.any(String),
        title: 'Get Started',
        payload: 'GET_STARTED',
        referral: { ref: 'spring', source: 'SHORTLINK', type: 'OPEN_THREAD' },
      },
    ]);
    expect(pick('message')[1]).toEqual({
      mid: expect.any(String),
      attachments: [{ type: 'image', payload: { url: 'https://example.com/cat.jpg' } }],
    });
    expect(pick('message')[2]).toEqual({
      mid: expect.any(String),
      sticker_id: 369239263222822,
      attachments: [
        {
          type: 'image',
          payload: { url: expect.stringContaining('/_emulator/stickers/369239263222822'), sticker_id: 369239263222822 },
        },
      ],
    });
    expect(pick('reaction')).toEqual([{ mid: sent.body.message_id, action: 'react', reaction: 'love', emoji: '❤️' }]);
    expect(pick('message').find((m) => (m as { text?: string }).text === 'this one')).toEqual({
      mid: expect.any(String),
      text: 'this one',
      reply_to: { mid: sent.body.message_id },
    });
    expect(pick('referral')).toEqual([{ ref: 'promo42', source: 'SHORTLINK', type: 'OPEN_THREAD' }]);
  });

  it("stamps a person's message, postback and referral with the time that opened the window", async () => {
    h = await startHarness();
    // A clock one millisecond further on at every reading, as a real one may be between two readings.
    let tick = Date.now();
    h.emulator.context.clock = { now: () => ++tick, advance: () => tick, reset: () => undefined };
    const windowStart = async () => (await h.client.conversation(PAGE_ID, PSID)).window.open_until! - 24 * 3600_000;
    await h.client.sendText(PAGE_ID, PSID, 'hello');
    const afterText = await windowStart();
    await h.client.sendPostback(PAGE_ID, PSID, { title: 'Buy', payload: 'BUY' });
    const afterPostback = await windowStart();
    await h.client.sendReferral(PAGE_ID, PSID, { ref: 'promo42' });
    const afterReferral = await windowStart();
    await h.emulator.context.dispatcher.idle();
    const stamps = h.receiver.events().map(({ event }) => event.timestamp);
    expect(stamps).toEqual([afterText, afterPostback, afterReferral]);
  });

  it('sends stickers in the 2026 form, or both forms, when asked', async () => {
    h = await startHarness({ stickerFormat: 'both' });
    await h.client.sendSticker(PAGE_ID, PSID, '369239263222822');
    await h.receiver.waitFor(1);
    const message = (h.receiver.eventAt(0) as { message: { attachments: { type: string }[] } }).message;
    expect(message.attachments.map((attachment) => attachment.type)).toEqual(['image', 'sticker']);
  });

  it('follows a page message with echo, then delivery, then read when the person reads', async () => {
    h = await startHarness();
    await h.client.sendText(PAGE_ID, PSID, 'hello');
    const sent = await h.send({ text: 'Your order has shipped', metadata: 'bot:order-flow' });
    await h.client.read(PAGE_ID, PSID);
    await h.receiver.waitFor(4);
    const [, echo, delivery, read] = h.receiver.events().map(({ event }) => event);
    expect(echo).toMatchObject({
      sender: { id: PAGE_ID },
      recipient: { id: PSID },
      message: {
        is_echo: true,
        app_id: Number(APP_ID),
        metadata: 'bot:order-flow',
        mid: sent.body.message_id,
        text: 'Your order has shipped',
      },
    });
    expect(delivery).toMatchObject({
      sender: { id: PSID },
      recipient: { id: PAGE_ID },
      delivery: { mids: [sent.body.message_id] },
    });
    const watermark = (delivery as { delivery: { watermark: number } }).delivery.watermark;
    expect(read).toMatchObject({ sender: { id: PSID }, read: { watermark } });
    const [item] = await h.client.waitForPageMessages(PAGE_ID, PSID, 1);
    expect(item?.status).toBe('read');
    expect(await h.client.read(PAGE_ID, PSID)).toEqual({ read: false });
    await h.emulator.context.dispatcher.idle();
    expect(h.receiver.events()).toHaveLength(4);
  });

  it('reads automatically for a person with auto_read, and not without autoDeliver', async () => {
    h = await startHarness({
      seed: {
        apps: [{ id: APP_ID, name: 'Bot', secret: APP_SECRET }],
        pages: [{ id: PAGE_ID, name: 'Shop', app_id: APP_ID, access_token: 'EAATESTPAGETOKEN0001' }],
        people: [{ first_name: 'Lena', auto_read: true, psids: { [PAGE_ID]: PSID } }],
      },
    });
    const receiver = h.receiver;
    await h.client.setWebhook(APP_ID, { url: receiver.url, verify_token: 'v' });
    await h.client.sendText(PAGE_ID, PSID, 'hello');
    await h.send({ text: 'answer' });
    await receiver.waitFor(4);
    expect(
      receiver
        .events()
        .map(({ event }) => Object.keys(event).find((key) => ['message', 'delivery', 'read'].includes(key))),
    ).toEqual(['message', 'message', 'delivery', 'read']);
  });

  it('puts the events queued within batchWindowMs into one body with several entries', async () => {
    h = await startHarness({ batchWindowMs: 150 });
    await h.client.sendText(PAGE_ID, PSID, 'one');
    await h.client.sendText(PAGE_ID, PSID, 'two');
    await h.client.sendText(PAGE_ID, PSID, 'three');
    const [hook] = await h.receiver.waitFor(1);
    expect(hook!.body.entry).toHaveLength(3);
    expect(h.receiver.events().map(({ event }) => (event as { message: { text: string } }).message.text)).toEqual([
      'one',
      'two',
      'three',
    ]);
    expect(hook!.headers['x-hub-signature-256']).toBe(`sha256=${hmac('sha256', hook!.raw)}`);
  });

  it('retries failed deliveries with back-off, in order, and lists every attempt', async () => {
    h = await startHarness();
    h.receiver.failNext(500, 503);
    await h.client.sendText(PAGE_ID, PSID, 'first');
    await h.client.sendText(PAGE_ID, PSID, 'second');
    await h.receiver.waitFor(2);
    expect(h.receiver.events().map(({ event }) => (event as { message: { text: string } }).message.text)).toEqual([
      'first',
      'second',
    ]);
    const attempts = await h.client.webhookDeliveries();
    expect(attempts.map((a) => [a.attempt, a.ok, a.status])).toEqual([
      [1, false, 500],
      [2, false, 503],
      [3, true, 200],
      [1, true, 200],
    ]);
    expect(attempts[0]?.delivery_id).toBe(attempts[2]?.delivery_id);
  });

  it('counts only a 200 as delivered: a 202 or 204 is retried', async () => {
    h = await startHarness();
    h.receiver.failNext(204, 202);
    await h.client.sendText(PAGE_ID, PSID, 'accepted is not enough');
    await h.receiver.waitFor(1);
    const attempts = await h.client.webhookDeliveries();
    expect(attempts.map((a) => [a.attempt, a.ok, a.status])).toEqual([
      [1, false, 204],
      [2, false, 202],
      [3, true, 200],
    ]);
  });

  it('gives up after maxAttempts and goes on with the next event', async () => {
    h = await startHarness();
    h.receiver.failNext(500, 500, 500);
    await h.client.sendText(PAGE_ID, PSID, 'lost');
    await h.client.sendText(PAGE_ID, PSID, 'kept');
    await h.receiver.waitFor(1);
    expect((h.receiver.eventAt(0) as { message: { text: string } }).message.text).toBe('kept');
    expect((await h.client.webhookDeliveries()).filter((a) => !a.ok)).toHaveLength(3);
  });

  it('stops retrying a body from before a reset and ends one in flight, so the events after it go out at once', async () => {
    // The timeout outlasts the wait below: only the reset can end the held attempt in time.
    h = await startHarness({ webhookRetry: { baseMs: 60_000, maxAttempts: 3, timeoutMs: 20_000 } });
    h.receiver.failNext(500);
    await h.client.sendText(PAGE_ID, PSID, 'before the reset');
    await expect.poll(async () => (await h.client.webhookDeliveries()).length).toBe(1);
    await h.client.reset();
    h.receiver.holdNext();
    await h.client.sendText(PAGE_ID, PSID, 'held by the bot at the reset');
    await expect.poll(() => h.receiver.held().length).toBe(1);
    await h.client.reset();
    await h.client.sendText(PAGE_ID, PSID, 'after the reset');
    await h.receiver.waitFor(1, 2_000);
    await expect.poll(() => h.receiver.held()[0]?.closed).toBe(true);
    await h.emulator.context.dispatcher.idle();
    expect(h.receiver.events().map(({ event }) => (event as { message: { text: string } }).message.text)).toEqual([
      'after the reset',
    ]);
    expect((await h.client.webhookDeliveries()).map((a) => [a.attempt, a.ok])).toEqual([[1, true]]);
  });

  it('counts a receiver that does not answer in time as a failed attempt', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    h = await startHarness({
      webhookRetry: { baseMs: 10, maxAttempts: 1, timeoutMs: 200 },
      verifyWebhooksOnStart: false,
    });
    h.emulator.state.apps.get(APP_ID)!.webhook_url = `http://127.0.0.1:${port}/hook`;
    await h.client.sendText(PAGE_ID, PSID, 'anyone?');
    await h.emulator.context.dispatcher.idle();
    const [attempt] = await h.client.webhookDeliveries();
    expect(attempt).toMatchObject({ attempt: 1, ok: false });
    expect(attempt?.error).toMatch(/timeout/i);
    silent.close();
  });

  it('counts a receiver that answers its status at once but its body too late as a failed attempt', async () => {
    const { slow, port } = await startDrippingServer();
    h = await startHarness({
      webhookRetry: { baseMs: 10, maxAttempts: 1, timeoutMs: 300 },
      verifyWebhooksOnStart: false,
    });
    h.emulator.state.apps.get(APP_ID)!.webhook_url = `http://127.0.0.1:${port}/hook`;
    await h.client.sendText(PAGE_ID, PSID, 'anyone?');
    const idle = h.emulator.context.dispatcher.idle();
    const settled = await Promise.race([idle.then(() => true), sleep(3_000).then(() => false)]);
    slow.closeAllConnections();
    slow.close();
    expect(settled).toBe(true);
    const [attempt] = await h.client.webhookDeliveries();
    expect(attempt).toMatchObject({ attempt: 1, ok: false });
    expect(attempt?.error).toMatch(/timeout/i);
  });

  it('gives up on a webhook check or a compliance callback whose answer has not ended within timeoutMs', async () => {
    const { slow, port } = await startDrippingServer();
    h = await startHarness({ webhookRetry: { baseMs: 10, maxAttempts: 1, timeoutMs: 300 } });
    h.emulator.state.apps.get(APP_ID)!.data_deletion_url = `http://127.0.0.1:${port}/data-deletion`;
    const within = <T>(promise: Promise<T>) =>
      Promise.race([
        promise.then(
          () => 'settled',
          () => 'settled',
        ),
        sleep(3_000).then(() => 'hung'),
      ]);
    const check = h.client.setWebhook(APP_ID, { url: `http://127.0.0.1:${port}/hook`, verify_token: 'verify-me' });
    const deletion = h.client.requestDataDeletion(APP_ID, '10223344556677889');
    const outcomes = await Promise.all([within(check), within(deletion)]);
    slow.closeAllConnections();
    slow.close();
    expect(outcomes).toEqual(['settled', 'settled']);
    await expect(check).rejects.toMatchObject({ status: 400 });
    await expect(deletion).rejects.toMatchObject({ status: 502 });
  });

  it('drops webhooks when a drop_webhooks fault is set', async () => {
    h = await startHarness();
    await h.client.setFaults({ drop_webhooks: 1 });
    await h.client.sendText(PAGE_ID, PSID, 'dropped');
    await h.client.sendText(PAGE_ID, PSID, 'delivered');
    await h.receiver.waitFor(1);
    expect((h.receiver.eventAt(0) as { message: { text: string } }).message.text).toBe('delivered');
    expect((await h.client.webhookDeliveries())[0]).toMatchObject({ dropped: true, attempt: 0 });
  });

  it('verifies a webhook with hub.mode, hub.verify_token and hub.challenge, and refuses a wrong answer', async () => {
    h = await startHarness();
    const [seeded] = h.receiver.verifications;
    expect(seeded?.get('hub.mode')).toBe('subscribe');
    expect(seeded?.get('hub.verify_token')).toBe('verify-me');
    expect(seeded?.get('hub.challenge')).toMatch(/^\d+$/);
    h.receiver.answerVerification({ status: 200, body: 'not the challenge' });
    await expect(h.client.setWebhook(APP_ID, { url: h.receiver.url, verify_token: 'other' })).rejects.toMatchObject({
      status: 400,
      code: 'SB_EMULATOR_WEBHOOK_VERIFICATION_FAILED',
    });
    // The answer is not quoted back: the check would otherwise read any URL the emulator reaches.
    h.receiver.answerVerification({ status: 200, body: 'iam-role-credentials' });
    const refused = await h.client.setWebhook(APP_ID, { url: h.receiver.url, verify_token: 'x' }).then(
      () => 'accepted',
      (error: Error) => error.message,
    );
    expect(refused).toMatch(/HTTP 200 .*expected .*challenge/);
    expect(refused).not.toContain('iam-role-credentials');
    h.receiver.answerVerification({ status: 403, body: '' });
    await expect(h.client.setWebhook(APP_ID, { url: h.receiver.url, verify_token: 'other' })).rejects.toThrow(/403/);
    h.receiver.answerVerification('challenge');
    await expect(h.client.setWebhook(APP_ID, { url: h.receiver.url, verify_token: 'new' })).resolves.toEqual({
      ok: true,
    });
  });

  it('echoes Page Inbox replies with app_id 263902037430900', async () => {
    h = await startHarness();
    await h.client.sendText(PAGE_ID, PSID, 'hello');
    await h.client.pageInboxReply(PAGE_ID, PSID, 'A human here');
    await h.receiver.waitFor(3);
    const echo = h.receiver.events()[1]?.event as { message: Record<string, unknown> };
    expect(echo.message).toMatchObject({ is_echo: true, app_id: Number(PAGE_INBOX_APP_ID), text: 'A human here' });
    const [item] = await h.client.waitForPageMessages(PAGE_ID, PSID, 1);
    expect(item?.app_id).toBe(PAGE_INBOX_APP_ID);
  });
});

/** A server that answers 200 at once and then its body a byte at a time, never ending it. */
async function startDrippingServer() {
  const slow = createHttpServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' });
    const drip = setInterval(() => response.write('.'), 50);
    response.on('close', () => clearInterval(drip));
  });
  await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
  return { slow, port: (slow.address() as { port: number }).port };
}
