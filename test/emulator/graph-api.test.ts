import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APP_ID, APP_SECRET, type Harness, PAGE_ID, PAGE_TOKEN, PSID, startHarness } from './support/harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.close());

const menu = (count: number) => [
  {
    locale: 'default',
    composer_input_disabled: false,
    call_to_actions: Array.from({ length: count }, (_, i) => ({
      type: 'postback',
      title: `Item ${i}`,
      payload: `P${i}`,
    })),
  },
];

describe('Messenger Profile API', () => {
  it('sets, reads and deletes properties, and shows them to the control API', async () => {
    const profile = {
      get_started: { payload: 'GET_STARTED' },
      greeting: [{ locale: 'default', text: 'Hi {{user_first_name}}!' }],
      persistent_menu: menu(2),
      ice_breakers: [{ locale: 'default', call_to_actions: [{ question: 'Where is my order?', payload: 'ORDER' }] }],
      whitelisted_domains: ['https://shop.example.com'],
    };
    expect((await h.graph('POST', '/me/messenger_profile', { body: profile })).body).toEqual({ result: 'success' });
    const read = await h.graph('GET', '/me/messenger_profile?fields=get_started,greeting,persistent_menu');
    expect(read.body).toEqual({
      data: [
        { get_started: profile.get_started, greeting: profile.greeting, persistent_menu: profile.persistent_menu },
      ],
    });
    expect(await h.client.pageProfile(PAGE_ID)).toEqual(profile);
    await h.graph('DELETE', '/me/messenger_profile', { body: { fields: ['greeting', 'ice_breakers'] } });
    expect(Object.keys(await h.client.pageProfile(PAGE_ID)).sort()).toEqual([
      'get_started',
      'persistent_menu',
      'whitelisted_domains',
    ]);
    expect((await h.graph('GET', '/me/messenger_profile?fields=greeting')).body).toEqual({ data: [] });
  });

  it('accepts properties as JSON strings in a form body', async () => {
    const result = await h.graph('POST', `/${PAGE_ID}/messenger_profile`, {
      form: { get_started: JSON.stringify({ payload: 'GO' }) },
    });
    expect(result.body).toEqual({ result: 'success' });
    expect((await h.client.pageProfile(PAGE_ID)).get_started).toEqual({ payload: 'GO' });
  });

  it('enforces the limits: menu needs get_started, ≤ 20 items, ≤ 4 ice breakers, greeting ≤ 160 with a default locale', async () => {
    const rejects = async (body: unknown) =>
      expect((await h.graph('POST', '/me/messenger_profile', { body })).body.error?.code).toBe(100);
    await rejects({ persistent_menu: menu(1) });
    await rejects({ get_started: { payload: 'GO' }, persistent_menu: menu(21) });
    await rejects({
      get_started: { payload: 'GO' },
      persistent_menu: [
        { locale: 'default', call_to_actions: [{ type: 'nested', title: 'More', call_to_actions: [] }] },
      ],
    });
    await rejects({
      ice_breakers: [
        {
          locale: 'default',
          call_to_actions: Array.from({ length: 5 }, (_, i) => ({ question: `Q${i}`, payload: `P${i}` })),
        },
      ],
    });
    await rejects({ greeting: [{ locale: 'default', text: 'x'.repeat(161) }] });
    await rejects({ greeting: [{ locale: 'en_US', text: 'Hello' }] });
    await rejects({ whitelisted_domains: ['http://localhost:3000'] });
    await rejects({ colour: 'blue' });
    expect(
      (
        await h.graph('POST', '/me/messenger_profile', {
          body: { get_started: { payload: 'GO' }, persistent_menu: menu(20) },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await h.graph('POST', '/me/messenger_profile', {
          body: { greeting: [{ locale: 'default', text: 'x'.repeat(160) }] },
        })
      ).status,
    ).toBe(200);
  });

  it('requires fields when reading', async () => {
    expect((await h.graph('GET', '/me/messenger_profile')).body.error?.code).toBe(100);
  });
});

describe('user profile and ids', () => {
  it('answers the profile of a person who wrote, and 2018218 before that', async () => {
    expect((await h.graph('GET', `/${PSID}?fields=first_name`)).body.error).toMatchObject({
      code: 100,
      error_subcode: 2018218,
    });
    await h.client.sendText(PAGE_ID, PSID, 'hello');
    const profile = await h.graph('GET', `/${PSID}?fields=first_name,last_name,profile_pic,locale,timezone`);
    expect(profile.body).toEqual({
      id: PSID,
      first_name: 'Lena',
      last_name: 'Okafor',
      profile_pic: expect.stringMatching(/^http:\/\/.+\.svg$/),
      locale: 'en_US',
      timezone: 0,
    });
    expect(Object.keys((await h.graph('GET', `/${PSID}`)).body).sort()).toEqual([
      'first_name',
      'id',
      'last_name',
      'profile_pic',
    ]);
    expect((await h.graph('GET', `/${PSID}?fields=email`)).body.error?.code).toBe(100);
  });

  it("refuses a PSID of another page with 2018001 and lists the person's PSIDs on the app's other pages", async () => {
    const other = await h.client.createPage({ name: 'Outlet', app_id: APP_ID });
    const person = (await h.client.state()).people[0]!;
    const otherPsid = person.psids[other.id]!;
    expect((await h.graph('GET', `/${otherPsid}`)).body.error).toMatchObject({ code: 100, error_subcode: 2018001 });
    const proof = createHmac('sha256', APP_SECRET).update(PAGE_TOKEN).digest('hex');
    expect((await h.graph('GET', `/${PSID}/ids_for_pages`)).body.error?.code).toBe(100);
    const ids = await h.graph('GET', `/${PSID}/ids_for_pages?appsecret_proof=${proof}`);
    expect(ids.body.data).toEqual([{ id: otherPsid, page: { id: other.id, name: 'Outlet' } }]);
  });

  it('answers /me for a page token', async () => {
    expect((await h.graph('GET', '/me')).body).toEqual({ id: PAGE_ID, name: 'Acme Shop' });
  });

  it('answers unknown ids with 100/33 and unknown edges with 2500', async () => {
    expect((await h.graph('GET', '/777')).body.error).toMatchObject({ code: 100, error_subcode: 33 });
    expect((await h.graph('GET', '/me/feedz')).body.error?.code).toBe(2500);
  });
});

describe('batch requests', () => {
  it('runs up to 50 sub-requests with form bodies, answering in order with JSON-string bodies', async () => {
    await h.client.sendText(PAGE_ID, PSID, 'hello');
    const body = (text: string) =>
      new URLSearchParams({
        recipient: JSON.stringify({ id: PSID }),
        messaging_type: 'RESPONSE',
        message: JSON.stringify({ text }),
      }).toString();
    const batch = [
      { method: 'POST', relative_url: 'me/messages', body: body('one'), name: 'first' },
      { method: 'GET', relative_url: `${PSID}?fields=first_name`, depends_on: 'first' },
      { method: 'POST', relative_url: 'v25.0/me/messages', body: body('x'.repeat(2001)) },
      // Graph runs independent requests side by side: this one waits for the first to keep the thread's order.
      { method: 'POST', relative_url: 'me/messages', body: body('two'), depends_on: 'first' },
    ];
    const result = await h.graph('POST', '/', { form: { batch: JSON.stringify(batch), include_headers: 'false' } });
    const responses = result.body as unknown as { code: number; body: string; headers?: unknown }[];
    expect(responses.map((response) => response.code)).toEqual([200, 200, 400, 200]);
    expect(JSON.parse(responses[0]!.body)).toMatchObject({
      recipient_id: PSID,
      message_id: expect.stringMatching(/^m_/),
    });
    expect(JSON.parse(responses[1]!.body)).toEqual({ first_name: 'Lena', id: PSID });
    expect(JSON.parse(responses[2]!.body).error.code).toBe(100);
    expect(responses[0]!.headers).toBeUndefined();
    const items = await h.client.waitForPageMessages(PAGE_ID, PSID, 2);
    expect(items.map((item) => item.message?.text)).toEqual(['one', 'two']);
  });

  it('gives URLs at the address the batch was sent to in its sub-requests, as in direct calls', async () => {
    await h.client.sendText(PAGE_ID, PSID, 'hello');
    const direct = await h.graph('GET', `/${PSID}`);
    const batch = [{ method: 'GET', relative_url: PSID }];
    const result = await h.graph('POST', '/', { form: { batch: JSON.stringify(batch) } });
    const [profile] = result.body as unknown as { code: number; body: string }[];
    expect(direct.body.profile_pic).toMatch(new RegExp(`^${h.url}/_emulator/avatars/`));
    expect(JSON.parse(profile!.body).profile_pic).toBe(direct.body.profile_pic);
  });

  it("uses the batch's appsecret_proof with the batch's token in its sub-requests", async () => {
    const proof = createHmac('sha256', APP_SECRET).update(PAGE_TOKEN).digest('hex');
    const batch = [{ method: 'GET', relative_url: `${PSID}/ids_for_pages` }];
    const result = await h.graph('POST', '/', { form: { batch: JSON.stringify(batch), appsecret_proof: proof } });
    const [ids] = result.body as unknown as { code: number; body: string }[];
    expect(ids?.code).toBe(200);
    expect(JSON.parse(ids!.body)).toMatchObject({ data: [] });
  });

  it('refuses more than 50 sub-requests', async () => {
    const batch = Array.from({ length: 51 }, () => ({ method: 'GET', relative_url: 'me' }));
    expect((await h.graph('POST', '/', { body: { batch } })).body.error?.code).toBe(100);
  });

  it('refuses a sub-request whose path leaves the Graph API (the control API must not be reached through it)', async () => {
    const paths = [
      '../_emulator/state',
      '%2e%2e/_emulator/state',
      'me/..%2F..%2F_emulator/state',
      '..\\_emulator/state',
    ];
    const batch = paths.map((relative_url) => ({ method: 'GET', relative_url }));
    const responses = (await h.graph('POST', '/', { body: { batch } })).body as unknown as {
      code: number;
      body: string;
    }[];
    expect(responses.map((response) => [response.code, JSON.parse(response.body).error?.code])).toEqual(
      paths.map(() => [400, expect.any(Number)]),
    );
    expect(responses.map((response) => response.body).join()).not.toContain('"people"');
  });

  it('runs independent sub-requests side by side, as Graph does, and a dependent one after its dependency', async () => {
    await h.client.sendText(PAGE_ID, PSID, 'hello');
    await h.client.setFaults({ latency_ms: 400 });
    try {
      const batch = [
        { method: 'GET', relative_url: 'me', name: 'page' },
        { method: 'GET', relative_url: PSID },
        { method: 'GET', relative_url: `${PSID}?fields=first_name` },
        { method: 'GET', relative_url: '{result=page:$.id}?fields=name', depends_on: 'page' },
      ];
      const responses = (await h.graph('POST', '/', { body: { batch } })).body as unknown as { code: number }[];
      expect(responses.map((response) => response.code)).toEqual([200, 200, 200, 200]);
    } finally {
      await h.client.clearFaults();
    }
    const calls = await h.client.graphCalls({});
    const [call] = calls.filter((c) => c.path === '/v25.0/' || c.path === '/');
    // One after the other, the four would take 4 × 400 ms on top of the batch's own 400 ms; side by side, the
    // independent three take one 400 ms and the dependent one another: 1,200 ms, well clear of 2,000.
    expect(call?.duration_ms).toBeGreaterThanOrEqual(1_200);
    expect(call?.duration_ms).toBeLessThan(1_800);
  });

  it('runs a sub-request that reads an earlier result after that request, though it depends on another one', async () => {
    await h.client.sendText(PAGE_ID, PSID, 'hello');
    // Each call takes 100 ms: `person` answers after `page` does, since it waits for `first`.
    await h.client.setFaults({ latency_ms: 100 });
    try {
      const batch = [
        { method: 'GET', relative_url: 'me', name: 'page' },
        { method: 'GET', relative_url: 'me', name: 'first' },
        { method: 'GET', relative_url: PSID, name: 'person', depends_on: 'first' },
        { method: 'GET', relative_url: '{result=person:$.id}?fields=first_name', depends_on: 'page' },
      ];
      const responses = (await h.graph('POST', '/', { body: { batch } })).body as unknown as {
        code: number;
        body: string;
      }[];
      expect(responses.map((response) => response.code)).toEqual([200, 200, 200, 200]);
      expect(JSON.parse(responses[3]!.body)).toEqual({ first_name: 'Lena', id: PSID });
    } finally {
      await h.client.clearFaults();
    }
  });

  it('returns null for a sub-request whose dependency failed', async () => {
    const batch = [
      { method: 'GET', relative_url: '999', name: 'missing' },
      { method: 'GET', relative_url: 'me', depends_on: 'missing' },
    ];
    const responses = (await h.graph('POST', '/', { body: { batch } })).body as unknown as unknown[];
    expect(responses[1]).toBeNull();
  });
});

describe('subscriptions', () => {
  it('lists, replaces and removes page subscriptions', async () => {
    const list = await h.graph('GET', `/${PAGE_ID}/subscribed_apps`);
    expect((list.body.data as { id: string }[]).map((entry) => entry.id)).toEqual([APP_ID]);
    expect((await h.graph('POST', '/me/subscribed_apps?subscribed_fields=messages,bogus')).body.error?.code).toBe(100);
    await h.graph('POST', '/me/subscribed_apps?subscribed_fields=messages,messaging_postbacks');
    expect((await h.graph('GET', '/me/subscribed_apps')).body.data).toEqual([
      { id: APP_ID, name: 'Test Bot', subscribed_fields: ['messages', 'messaging_postbacks'] },
    ]);
    await h.client.sendText(PAGE_ID, PSID, 'hello');
    await h.send({ text: 'no echo for this app now' });
    await h.client.sendText(PAGE_ID, PSID, 'again');
    await h.receiver.waitFor(2);
    await h.emulator.context.dispatcher.idle();
    expect(
      h.receiver.events().every(({ event }) => 'message' in event && !(event.message as { is_echo?: boolean }).is_echo),
    ).toBe(true);
    await h.graph('DELETE', '/me/subscribed_apps');
    expect((await h.graph('GET', '/me/subscribed_apps')).body.data).toEqual([]);
  });

  it('accepts an empty JSON body with the parameters in the query', async () => {
    const response = await fetch(
      `${h.url}/v25.0/me/subscribed_apps?subscribed_fields=messages&access_token=${PAGE_TOKEN}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
      },
    );
    expect(await response.json()).toEqual({ success: true });
  });

  it('sets the app webhook through /{app-id}/subscriptions after verifying it, with an app token', async () => {
    const appToken = `${APP_ID}|${APP_SECRET}`;
    const params = new URLSearchParams({
      object: 'page',
      callback_url: h.receiver.url,
      verify_token: 'fresh-verify-token',
      fields: 'messages,message_echoes',
    });
    expect((await h.graph('POST', `/${APP_ID}/subscriptions?${params}`, { token: appToken })).body).toEqual({
      success: true,
    });
    expect(h.receiver.verifications.at(-1)?.get('hub.verify_token')).toBe('fresh-verify-token');
    // The verify token is a secret like the app's: the call log does not keep it.
    const logged = await h.client.graphCalls({ path_contains: 'subscriptions' });
    expect(logged.at(-1)?.query).toMatchObject({ verify_token: '[redacted]' });
    expect(JSON.stringify(logged)).not.toContain('fresh-verify-token');
    const listed = await h.graph('GET', `/${APP_ID}/subscriptions`, { token: appToken });
    expect(listed.body.data).toEqual([
      {
        object: 'page',
        callback_url: h.receiver.url,
        active: true,
        fields: [
          { name: 'messages', version: 'v25.0' },
          { name: 'message_echoes', version: 'v25.0' },
        ],
      },
    ]);
    h.receiver.answerVerification({ status: 403, body: '' });
    const failed = await h.graph('POST', `/${APP_ID}/subscriptions?${params}`, { token: appToken });
    expect(failed.body.error?.code).toBe(2200);
    expect((await h.graph('GET', `/${APP_ID}/subscriptions`)).body.error?.code).toBe(15);
  });
});
