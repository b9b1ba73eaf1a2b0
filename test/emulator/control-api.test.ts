import { networkInterfaces } from 'node:os';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildEmulator, createEmulatorClient } from '../../src/emulator/index.ts';
import { openConversationStream } from './support/conversation-stream.ts';
import { APP_ID, APP_SECRET, type Harness, PAGE_ID, PAGE_TOKEN, PSID, startHarness } from './support/harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  await h.client.sendText(PAGE_ID, PSID, 'hello');
});
afterEach(() => h.close());

describe('control API', () => {
  it('lists pages, people and apps without secrets or tokens', async () => {
    const state = await h.client.state();
    expect(state.pages).toEqual([
      {
        id: PAGE_ID,
        name: 'Acme Shop',
        app_id: '1517776481860111',
        picture_url: expect.stringContaining('/_emulator/avatars/pages/'),
        messaging_block: null,
      },
    ]);
    expect(state.people[0]).toMatchObject({
      first_name: 'Lena',
      last_name: 'Okafor',
      name: 'Lena Okafor',
      psids: { [PAGE_ID]: PSID },
    });
    const text = JSON.stringify(state);
    expect(text).not.toContain(APP_SECRET);
    expect(text).not.toContain(PAGE_TOKEN);
    const avatar = await fetch(state.people[0]!.profile_pic);
    expect(avatar.headers.get('content-type')).toContain('image/svg+xml');
  });

  it('refuses changes sent by a page of another site, such as a form re-pointing the webhooks', async () => {
    const post = (origin: string) =>
      fetch(`${h.url}/_emulator/apps/1517776481860111/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
        body: 'url=http%3A%2F%2F127.0.0.1%3A9%2Fhook&verify_token=x',
      });
    const forged = await post('https://attacker.example');
    expect(forged.status).toBe(403);
    expect((await forged.json()).error.code).toBe('SB_EMULATOR_CROSS_SITE');
    // The chat page, on the emulator’s own origin, is heard (here the webhook check then fails: nothing listens there).
    expect((await post(h.url)).status).not.toBe(403);
    // A page whose domain name an attacker pointed at this machine (DNS rebinding): its origin and host agree.
    const rebound = await request(`${h.url}/_emulator/reset`, {
      method: 'POST',
      headers: { host: 'rebind.attacker.example', origin: 'http://rebind.attacker.example' },
    });
    expect(rebound.statusCode).toBe(403);
  });

  it('hears its control API at loopback addresses, localhost and its public URL’s host, and nowhere else', async () => {
    const statusAt = async (publicUrl: string, host: string) => {
      const emulator = await buildEmulator({ publicUrl });
      try {
        return (await emulator.app.inject({ method: 'GET', url: '/_emulator/state', headers: { host } })).statusCode;
      } finally {
        await emulator.close();
      }
    };
    const named = 'https://emulator.example.org/';
    const heard = ['127.0.0.1:3100', '127.8.0.1', '[::1]:3100', '[::ffff:127.0.0.1]', 'localhost:3100'];
    for (const host of [...heard, 'emulator.example.org'])
      expect([host, await statusAt(named, host)]).toEqual([host, 200]);
    for (const host of ['devbox:3100', '10.0.0.7', '192.168.1.20:3100', '0.0.0.0:3100', '[::]', '[fe80::1]'])
      expect([host, await statusAt(named, host)]).toEqual([host, 403]);
    expect(await statusAt('http://192.168.1.20:3100', '192.168.1.20:3100')).toBe(200);
  });

  // The machine's own non-loopback address, as `--host 192.168.1.5` would name it.
  const lanAddress = Object.values(networkInterfaces())
    .flat()
    .find((entry) => entry && !entry.internal && entry.family === 'IPv4')?.address;
  it.skipIf(!lanAddress)('answers at the URL it prints: a specific address as chosen, :: as localhost', async () => {
    for (const [host, printed] of [
      [lanAddress!, new RegExp(`^http://${lanAddress!.replaceAll('.', '\\.')}:\\d+$`)],
      ['::', /^http:\/\/localhost:\d+$/],
    ] as const) {
      const emulator = await buildEmulator();
      try {
        const url = await emulator.listen({ host });
        expect(url).toMatch(printed);
        await expect(createEmulatorClient(url).state()).resolves.toMatchObject({ pages: [] });
        for (const other of ['10.0.0.7', '[::]', 'devbox']) {
          const port = new URL(url).port;
          const refused = await request(`${url}/_emulator/state`, { headers: { host: `${other}:${port}` } });
          await refused.body.dump();
          expect([host, other, refused.statusCode]).toEqual([host, other, 403]);
        }
      } finally {
        await emulator.close();
      }
    }
  });

  it('creates apps, pages with their token, and people with a PSID on every page', async () => {
    const app = await h.client.createApp({ name: 'Second' });
    const page = await h.client.createPage({ name: 'Outlet', app_id: app.id });
    expect(page.access_token).toMatch(/^EAA/);
    const person = await h.client.createPerson({ first_name: 'Sam', last_name: 'Lee', auto_read: true });
    expect(Object.keys(person.psids).sort()).toEqual([PAGE_ID, page.id].sort());
    await h.client.sendText(page.id, person.psids[page.id]!, 'hi');
    const sent = await h.graph('POST', '/me/messages', {
      token: page.access_token,
      body: { recipient: { id: person.psids[page.id] }, messaging_type: 'RESPONSE', message: { text: 'welcome' } },
    });
    expect(sent.status).toBe(200);
    const [item] = await h.client.waitForPageMessages(page.id, person.psids[page.id]!, 1);
    expect(item?.status).toBe('read');
  });

  it('refuses an app id too large for echoes, a page token in use and a person id taken, with 409 or 400', async () => {
    const refused = async (path: string, body: Record<string, unknown>) => {
      const response = await fetch(`${h.url}/_emulator/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return response.status;
    };
    expect(await refused('apps', { id: '12345678901234567890', name: 'Big' })).toBe(400);
    expect(await refused('pages', { name: 'Other', app_id: APP_ID, access_token: PAGE_TOKEN })).toBe(409);
    expect((await h.graph('GET', '/me')).body).toMatchObject({ id: PAGE_ID });
    const [lena] = (await h.client.state()).people;
    expect(await refused('people', { id: lena?.id, first_name: 'Marc' })).toBe(409);
    expect((await h.client.state()).people.map((person) => person.first_name)).toEqual(['Lena']);
  });

  it('verifies the webhook of a new app before creating it', async () => {
    const created = await h.client.createApp({ name: 'Hooked', webhook_url: h.receiver.url, verify_token: 'tok' });
    expect(created.webhook_url).toBe(h.receiver.url);
    expect(h.receiver.verifications.at(-1)?.get('hub.verify_token')).toBe('tok');
    h.receiver.answerVerification({ status: 500, body: '' });
    await expect(
      h.client.createApp({ name: 'Broken', webhook_url: h.receiver.url, verify_token: 'tok' }),
    ).rejects.toMatchObject({
      code: 'SB_EMULATOR_WEBHOOK_VERIFICATION_FAILED',
    });
    expect((await h.client.state()).apps.map((app) => app.name)).toEqual(['Test Bot', 'Hooked']);
  });

  it('answers 404 for an unknown conversation and 400 for a body with two things at once', async () => {
    await expect(h.client.conversation(PAGE_ID, '123')).rejects.toMatchObject({
      status: 404,
      code: 'SB_EMULATOR_NOT_FOUND',
    });
    const response = await request(`${h.url}/_emulator/conversations/${PAGE_ID}/${PSID}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'a', sticker_id: '1' }),
    });
    expect(response.statusCode).toBe(400);
    expect(await response.body.json()).toMatchObject({ error: { code: 'SB_EMULATOR_INVALID_REQUEST' } });
    // What it cannot send is refused, not dropped: a test would believe the webhook carried it.
    const { mid } = await h.client.sendText(PAGE_ID, PSID, 'to reply to');
    for (const body of [
      { text: 'a', referral: { source: 'ADS', ad_id: '1' } },
      { quick_reply: { payload: 'P' } },
      { text: 'a', quick_reply: { payload: 'P' }, reply_to: { mid } },
      { postback: { title: 'Buy', payload: 'BUY' }, reply_to: { mid } },
      { text: 'a', reply_to: { mid, is_self_reply: true } },
    ]) {
      const refused = await request(`${h.url}/_emulator/conversations/${PAGE_ID}/${PSID}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(refused.statusCode, JSON.stringify(body)).toBe(400);
      await refused.body.dump();
    }
    // A reply to a message the thread does not have.
    await expect(h.client.sendText(PAGE_ID, PSID, 'a', { replyTo: 'm_not_here' })).rejects.toMatchObject({
      status: 404,
      code: 'SB_EMULATOR_NOT_FOUND',
    });
  });

  it('refuses Get Started when the page has none', async () => {
    await expect(h.client.getStarted(PAGE_ID, PSID)).rejects.toMatchObject({ status: 409 });
  });

  it('reports the window and moves the clock', async () => {
    expect((await h.client.conversation(PAGE_ID, PSID)).window_open).toBe(true);
    const before = await h.client.now();
    const after = await h.client.advanceClock(25 * 3600_000);
    expect(after - before).toBeGreaterThanOrEqual(25 * 3600_000);
    expect((await h.client.conversation(PAGE_ID, PSID)).window_open).toBe(false);
  });

  it('says when the window ends, in a conversation and in its stream as the person writes and the clock moves', async () => {
    const { window } = await h.client.conversation(PAGE_ID, PSID);
    const [last] = (await h.client.conversation(PAGE_ID, PSID)).items.slice(-1);
    expect(window).toEqual({ open: true, open_until: last!.timestamp + 24 * 3600_000, now: expect.any(Number) });

    const stream = await openConversationStream(h.url, PAGE_ID, PSID);
    const windows = () =>
      stream
        .events()
        .filter((e) => e.event === 'window')
        .map((e) => e.data as { open: boolean; open_until: number });
    const readUntil = (count: number) => stream.readUntil(() => windows().length >= count);
    await h.client.sendText(PAGE_ID, PSID, 'still there?');
    await readUntil(1);
    expect(windows()[0]).toMatchObject({ open: true });
    expect(windows()[0]?.open_until).toBeGreaterThan(window.open_until!);
    await h.client.advanceClock(25 * 3600_000);
    await readUntil(2);
    expect(windows()[1]).toMatchObject({ open: false });
    stream.close();
  });

  it('records Graph calls with tokens redacted, filtered by path and id', async () => {
    await h.send({ text: 'one' });
    await h.graph('GET', '/me/messenger_profile?fields=greeting');
    const calls = await h.client.graphCalls({ path_contains: 'messages' });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      method: 'POST',
      path: '/v25.0/me/messages',
      status: 200,
      query: { access_token: '[redacted]' },
    });
    expect(JSON.stringify(await h.client.graphCalls())).not.toContain(PAGE_TOKEN);
    expect(await h.client.graphCalls({ since_id: calls[0]!.id })).toHaveLength(1);
  });

  it('redacts tokens and app secrets inside batch requests and batch results', async () => {
    const batch = JSON.stringify([
      { method: 'GET', relative_url: `${PAGE_ID}?fields=access_token` },
      { method: 'GET', relative_url: `debug_token?input_token=${PAGE_TOKEN}&access_token=${APP_ID}|${APP_SECRET}` },
    ]);
    const result = await h.graph('POST', '/', { form: { batch } });
    expect(JSON.stringify(result.body)).toContain(PAGE_TOKEN);
    const logged = JSON.stringify(await h.client.graphCalls());
    expect(logged).not.toContain(PAGE_TOKEN);
    expect(logged).not.toContain(APP_SECRET);
  });

  it('redacts a token given twice, and logs texts and button URLs as sent', async () => {
    await h.graph('GET', `/me?access_token=${PAGE_TOKEN}&access_token=${PAGE_TOKEN}`, { token: null });
    const text = '{"a": 1.0} ?code=ABC';
    const url = 'https://shop.example/redeem?promo=1&code=SPRING24';
    const buttons = [{ type: 'web_url', url, title: 'Redeem' }];
    const sent = await h.send({
      attachment: { type: 'template', payload: { template_type: 'button', text, buttons } },
    });
    expect(sent.status).toBe(200);
    const form = {
      recipient: `{"id": ${PSID}}`,
      messaging_type: 'RESPONSE',
      message: '{"text": "{\\"a\\": 1.0}"}',
    };
    expect((await h.graph('POST', '/me/messages', { form })).status).toBe(200);
    const [me] = await h.client.graphCalls({ path_contains: '/me' });
    expect(me?.query).toEqual({ access_token: '[redacted]' });
    const [send, sentAsForm] = await h.client.graphCalls({ path_contains: '/messages' });
    expect(send?.body).toMatchObject({ message: { attachment: { payload: { text, buttons } } } });
    expect(sentAsForm?.body).toEqual(form);
    expect(JSON.stringify(await h.client.graphCalls())).not.toContain(PAGE_TOKEN);
  });

  it('injects the next errors with their status, subcode and usage headers, then recovers', async () => {
    await h.client.setFaults({ next: { count: 2, code: 80001, path_contains: '/messages' } });
    const first = await h.send({ text: 'x' });
    expect(first.status).toBe(400);
    expect(first.body.error).toMatchObject({ code: 80001, is_transient: true });
    expect(JSON.parse(first.headers['x-business-use-case-usage'] as string)[PAGE_ID][0]).toMatchObject({
      type: 'pages',
      call_count: 100,
    });
    expect((await h.graph('GET', '/me')).status).toBe(200);
    expect((await h.send({ text: 'x' })).status).toBe(400);
    expect((await h.send({ text: 'x' })).status).toBe(200);

    await h.client.setFaults({ next: { count: 1, code: 2 } });
    const unavailable = await h.send({ text: 'x' });
    expect(unavailable.status).toBe(500);
    expect(unavailable.body.error?.code).toBe(2);

    await h.client.setFaults({
      next: { count: 1, code: 613, error_subcode: 5, http_status: 429, message: 'slow down' },
    });
    const custom = await h.send({ text: 'x' });
    expect(custom.status).toBe(429);
    expect(custom.body.error).toMatchObject({ code: 613, error_subcode: 5, message: '(#613) slow down' });
  });

  it('fails every call with error_rate 1 until the faults are cleared, and adds latency', async () => {
    await h.client.setFaults({ error_rate: 1 });
    expect((await h.send({ text: 'x' })).status).toBe(500);
    await h.client.clearFaults();
    await h.client.setFaults({ latency_ms: 150 });
    const started = Date.now();
    expect((await h.send({ text: 'x' })).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('answers late with answer_latency_ms, the message delivered before the answer comes back', async () => {
    await h.client.setFaults({ answer_latency_ms: 400 });
    const started = Date.now();
    const sending = h.send({ text: 'slow answer' });
    await expect
      .poll(async () =>
        (await h.client.conversation(PAGE_ID, PSID)).items.find((i) => i.message?.text === 'slow answer'),
      )
      .toMatchObject({ from: 'page', status: 'delivered' });
    expect(Date.now() - started).toBeLessThan(390);
    expect((await sending).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
  });

  it('goes back to the seed on reset', async () => {
    await h.client.createPerson({ first_name: 'Temp' });
    await h.client.advanceClock(3600_000);
    await h.client.setFaults({ error_rate: 1 });
    await h.client.reset();
    const state = await h.client.state();
    expect(state.people.map((person) => person.first_name)).toEqual(['Lena']);
    expect((await h.client.conversation(PAGE_ID, PSID)).items).toEqual([]);
    expect(Math.abs((await h.client.now()) - Date.now())).toBeLessThan(60_000);
    expect(await h.client.graphCalls()).toEqual([]);
    await h.client.sendText(PAGE_ID, PSID, 'after reset');
    expect((await h.send({ text: 'works' })).status).toBe(200);
  });

  it("issues the seed's tokens again at the reset clock, not the clock the reset undid", async () => {
    await h.client.advanceClock(30 * 24 * 3600_000);
    await h.client.reset();
    const debug = await h.graph('GET', `/debug_token?input_token=${PAGE_TOKEN}`, { token: `${APP_ID}|${APP_SECRET}` });
    const issuedAt = (debug.body.data as { issued_at: number }).issued_at;
    expect(issuedAt).toBeLessThanOrEqual(Math.ceil((await h.client.now()) / 1000));
  });

  it('gives people the same PSIDs after a reset, the generated ones too', async () => {
    const emulator = await buildEmulator({
      seed: {
        apps: [{ name: 'Bot', secret: 's' }],
        pages: [{ name: 'Shop' }, { name: 'Outlet' }],
        people: [{ first_name: 'Lena' }, { first_name: 'Marc' }],
      },
    });
    try {
      const psids = async () =>
        (await emulator.app.inject({ method: 'GET', url: '/_emulator/state' }))
          .json<{ people: { psids: Record<string, string> }[] }>()
          .people.map((person) => person.psids);
      const before = await psids();
      expect(before.flatMap((byPage) => Object.keys(byPage))).toHaveLength(4);
      expect((await emulator.app.inject({ method: 'POST', url: '/_emulator/reset' })).statusCode).toBe(200);
      expect(await psids()).toEqual(before);
    } finally {
      await emulator.close();
    }
  });

  it('stores uploads and serves them, in place only as media', async () => {
    const { url, id } = await h.client.upload(Buffer.from('GIF89a'), 'pic.gif', 'image/gif');
    // Named as Facebook's file URLs are, by the file's name; the id alone serves it too.
    expect(url).toBe(`${h.url}/_emulator/files/${id}/pic.gif`);
    expect((await fetch(`${h.url}/_emulator/files/${id}`)).status).toBe(200);
    const file = await fetch(url);
    expect(file.headers.get('content-type')).toBe('image/gif');
    expect(file.headers.get('content-disposition')).toMatch(/^inline;/);
    expect(await file.text()).toBe('GIF89a');
    // A page (or an SVG) opened from here would run its scripts on the emulator's origin: it is downloaded instead.
    const page = await fetch((await h.client.upload(Buffer.from('<script>1</script>'), 'x.html', 'text/html')).url);
    expect(page.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    // A name beyond Latin-1 goes in UTF-8 beside an ASCII one: raw, it made the answer fail.
    const photo = await fetch((await h.client.upload(Buffer.from('GIF89a'), 'фото 🐱.gif', 'image/gif')).url);
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-disposition')).toBe(
      `inline; filename="____ _.gif"; filename*=UTF-8''${encodeURIComponent('фото 🐱.gif')}`,
    );
    await h.client.sendAttachments(PAGE_ID, PSID, [{ type: 'image', url }]);
    const person = (await h.client.conversation(PAGE_ID, PSID)).items.at(-1);
    expect(person?.message).toEqual({ attachments: [{ type: 'image', payload: { url } }] });
    // The chat page links attachments: a script's address would run when clicked.
    for (const bad of ['javascript:alert(document.domain)//x.pdf', 'data:text/html,<script>1</script>'])
      await expect(h.client.sendAttachments(PAGE_ID, PSID, [{ type: 'file', url: bad }])).rejects.toMatchObject({
        status: 400,
      });
    await expect(h.client.setWebhook(APP_ID, { url: 'javascript:1', verify_token: 'v' })).rejects.toMatchObject({
      status: 400,
    });
  });

  it('streams items, statuses, typing and profile changes as server-sent events', async () => {
    const stream = await openConversationStream(h.url, PAGE_ID, PSID);
    expect(stream.contentType).toContain('text/event-stream');
    await h.graph('POST', '/me/messages', { body: { recipient: { id: PSID }, sender_action: 'typing_on' } });
    await h.send({ text: 'streamed' });
    await h.graph('POST', '/me/messenger_profile', { body: { get_started: { payload: 'GO' } } });
    await stream.readUntil('event: profile');
    const events = stream.events() as { event: string; data: { id?: string } }[];
    expect(events.map((event) => event.event)).toEqual(['typing', 'typing', 'item', 'status', 'profile']);
    expect(events[0]?.data).toEqual({ on: true });
    expect(events[2]?.data).toMatchObject({ from: 'page', message: { text: 'streamed' }, status: 'sent' });
    expect(events[3]?.data).toEqual({ id: events[2]?.data.id, status: 'delivered' });
    expect(events[4]?.data).toEqual({ get_started: { payload: 'GO' } });
    stream.close();
  });

  it('tells each stream which generation of the emulator it is on, new at each reset', async () => {
    const first = await openConversationStream(h.url, PAGE_ID, PSID);
    const before = first.generation;
    expect(before).toEqual(expect.any(String));
    // Another stream of the same emulator is told the same.
    const again = await openConversationStream(h.url, PAGE_ID, PSID);
    expect(again.generation).toBe(before);
    again.close();
    await h.client.reset();
    await first.readUntil('event: reset');
    const [reset] = first.events() as { event: string; data: { generation?: unknown } }[];
    expect(reset?.event).toBe('reset');
    const after = reset?.data.generation;
    expect(after).toEqual(expect.any(String));
    expect(after).not.toBe(before);
    first.close();
    // A stream opened after the reset, which heard none of it, starts with the new generation.
    const later = await openConversationStream(h.url, PAGE_ID, PSID);
    expect(later.generation).toBe(after);
    later.close();
  });

  it('serves the chat page’s modules, but not the types beside them that only the unit tests read', async () => {
    const emulator = await buildEmulator({});
    try {
      expect((await emulator.app.inject({ method: 'GET', url: '/conversation.js' })).statusCode).toBe(200);
      expect((await emulator.app.inject({ method: 'GET', url: '/conversation.d.ts' })).statusCode).toBe(404);
    } finally {
      await emulator.close();
    }
  });

  it('serves a placeholder at / when the chat page is absent, and works with inject before listening', async () => {
    const emulator = await buildEmulator({ webDir: '/nonexistent/emulator-web' });
    try {
      const home = await emulator.app.inject({ method: 'GET', url: '/' });
      expect(home.statusCode).toBe(200);
      expect(home.body).toContain('chat page is not installed');
      const graph = await emulator.app.inject({ method: 'GET', url: '/v25.0/me' });
      expect(graph.json()).toMatchObject({ error: { code: 190 } });
    } finally {
      await emulator.close();
    }
  });
});
