import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildEmulator } from '../../src/emulator/index.ts';
import { APP_ID, APP_SECRET, type Harness, PAGE_ID, PSID, startHarness } from './support/harness.ts';

const REDIRECT = 'https://gateway.example.com/oauth/facebook/callback';
const ACCOUNT_ID = '10223344556677889';
let h: Harness;

beforeEach(async () => {
  h = await startHarness({
    seed: {
      apps: [{ id: APP_ID, name: 'Switchboard', secret: APP_SECRET, oauth_redirect_uris: [REDIRECT] }],
      pages: [
        { id: PAGE_ID, name: 'Acme Shop', app_id: APP_ID },
        { id: '209384756102938', name: 'Acme Outlet', app_id: APP_ID },
      ],
      people: [{ first_name: 'Lena', psids: { [PAGE_ID]: PSID } }],
      accounts: [{ id: ACCOUNT_ID, name: 'Alex Admin', pages: [PAGE_ID, '209384756102938'] }],
    },
  });
});
afterEach(() => h.close());

const SCOPES = 'pages_show_list,pages_messaging,pages_manage_metadata';

function dialogUrl(overrides: Record<string, string> = {}) {
  const query = new URLSearchParams({
    client_id: APP_ID,
    redirect_uri: REDIRECT,
    state: 'csrf-123',
    response_type: 'code',
    scope: SCOPES,
    ...overrides,
  });
  return `${h.url}/v25.0/dialog/oauth?${query}`;
}

/** Reads the dialog like a browser: the form's action and hidden fields, the radios and checkboxes. */
function parseDialog(html: string) {
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1] ?? '';
  const hidden = Object.fromEntries(
    [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], m[2]]),
  );
  const accounts = [...html.matchAll(/name="account_id" value="(\d+)"/g)].map((m) => m[1]);
  const pages = [...html.matchAll(/name="page_ids" value="(\d+)"/g)].map((m) => m[1]);
  const scopes = [...(/<ul class="scopes"[^>]*>(.*?)<\/ul>/.exec(html)?.[1] ?? '').matchAll(/<li>([^<]+)<\/li>/g)].map(
    (m) => m[1],
  );
  return { action, hidden, accounts, pages, scopes };
}

async function approve(pageIds: string[], { action = 'approve', scope = SCOPES } = {}) {
  const dialog = parseDialog(await (await fetch(dialogUrl({ scope }))).text());
  const form = new URLSearchParams({ ...dialog.hidden, account_id: dialog.accounts[0] ?? '', action });
  for (const id of pageIds) form.append('page_ids', id);
  const response = await fetch(`${h.url}${dialog.action}`, {
    method: 'POST',
    body: form,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    redirect: 'manual',
  });
  expect(response.status).toBe(302);
  return new URL(response.headers.get('location') ?? '');
}

async function exchange(query: Record<string, string>) {
  return h.graph(
    'GET',
    `/oauth/access_token?${new URLSearchParams({ client_id: APP_ID, client_secret: APP_SECRET, ...query })}`,
    { token: null },
  );
}

describe('Facebook Login', () => {
  it('renders a dialog with the app, the scopes, the account and its pages', async () => {
    const response = await fetch(dialogUrl());
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    const html = await response.text();
    expect(html).toContain('Switchboard is requesting access to');
    const dialog = parseDialog(html);
    expect(dialog.scopes).toEqual(SCOPES.split(','));
    expect(dialog.accounts).toEqual([ACCOUNT_ID]);
    expect(dialog.pages).toEqual([PAGE_ID, '209384756102938']);
    expect(dialog.hidden).toMatchObject({ client_id: APP_ID, redirect_uri: REDIRECT, state: 'csrf-123' });
  });

  it('offers an account that manages every page when the seed has none', async () => {
    const bare = await buildEmulator({
      seed: { apps: [{ id: APP_ID, name: 'Bot', secret: 's' }], pages: [{ id: PAGE_ID, name: 'Shop' }] },
    });
    try {
      const query = new URLSearchParams({ client_id: APP_ID, redirect_uri: REDIRECT, scope: 'pages_show_list' });
      const html = (await bare.app.inject({ method: 'GET', url: `/v25.0/dialog/oauth?${query}` })).body;
      expect(html).toContain('Continue as Emulator Admin');
      expect(parseDialog(html).pages).toEqual([PAGE_ID]);
      // Every page: one created since the dialog was first shown too.
      const created = await bare.app.inject({ method: 'POST', url: '/_emulator/pages', payload: { name: 'Outlet' } });
      const again = (await bare.app.inject({ method: 'GET', url: `/v25.0/dialog/oauth?${query}` })).body;
      expect(parseDialog(again).pages).toEqual([PAGE_ID, created.json<{ id: string }>().id]);
    } finally {
      await bare.close();
    }
  });

  it('refuses an unknown client_id and a redirect_uri the app did not register', async () => {
    const badApp = await fetch(dialogUrl({ client_id: '123' }));
    expect(badApp.status).toBe(400);
    expect(await badApp.text()).toContain('Invalid App ID');
    const badRedirect = await fetch(dialogUrl({ redirect_uri: 'https://evil.example.com/cb' }));
    expect(badRedirect.status).toBe(400);
    expect(await badRedirect.text()).toContain('URL blocked');
  });

  it('redirects with error=access_denied when the person cancels', async () => {
    const location = await approve([PAGE_ID], { action: 'cancel' });
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      error: 'access_denied',
      error_reason: 'user_denied',
      error_description: expect.any(String),
      state: 'csrf-123',
    });
  });

  it('runs code → short-lived token → long-lived token → page tokens that send messages', async () => {
    const location = await approve([PAGE_ID]);
    expect(location.searchParams.get('state')).toBe('csrf-123');
    const code = location.searchParams.get('code') ?? '';

    const short = await exchange({ code, redirect_uri: REDIRECT });
    expect(short.body).toMatchObject({ access_token: expect.any(String), token_type: 'bearer' });
    expect(short.body.expires_in).toBeLessThanOrEqual(2 * 3600);

    const long = await exchange({
      grant_type: 'fb_exchange_token',
      fb_exchange_token: short.body.access_token as string,
    });
    expect(long.body.expires_in).toBeGreaterThan(59 * 24 * 3600);

    const userToken = long.body.access_token as string;
    const me = await h.graph('GET', '/me', { token: userToken });
    expect(me.body).toEqual({ id: ACCOUNT_ID, name: 'Alex Admin' });
    const accounts = await h.graph('GET', '/me/accounts?fields=id,name,access_token,tasks', { token: userToken });
    const data = accounts.body.data as { id: string; name: string; access_token: string; tasks: string[] }[];
    expect(data.map((page) => page.id)).toEqual([PAGE_ID]);
    expect(data[0]?.tasks).toContain('MESSAGING');

    const pageToken = data[0]?.access_token ?? '';
    const debug = await h.graph('GET', `/debug_token?input_token=${pageToken}`, { token: `${APP_ID}|${APP_SECRET}` });
    expect(debug.body.data).toMatchObject({
      app_id: APP_ID,
      type: 'PAGE',
      is_valid: true,
      expires_at: 0,
      profile_id: PAGE_ID,
      user_id: ACCOUNT_ID,
    });

    await h.client.sendText(PAGE_ID, PSID, 'hello');
    const sent = await h.graph('POST', '/me/messages', {
      token: pageToken,
      body: { recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text: 'hi' } },
    });
    expect(sent.status).toBe(200);
  });

  it('gives page tokens that expire within an hour when the user token is short-lived', async () => {
    const code = (await approve([PAGE_ID])).searchParams.get('code') ?? '';
    const short = await exchange({ code, redirect_uri: REDIRECT });
    const accounts = await h.graph('GET', '/me/accounts', { token: short.body.access_token as string });
    const pageToken = (accounts.body.data as { access_token: string }[])[0]?.access_token ?? '';
    const debug = await h.graph('GET', `/debug_token?input_token=${pageToken}`, { token: `${APP_ID}|${APP_SECRET}` });
    expect((debug.body.data as { expires_at: number }).expires_at).toBeGreaterThan(0);
    await h.client.advanceClock(3601_000);
    const expired = await h.graph('GET', '/me', { token: pageToken });
    expect(expired.body.error).toMatchObject({ code: 190, error_subcode: 463 });
  });

  it('makes codes single use, bound to the redirect_uri, and expired after 10 minutes', async () => {
    const code = (await approve([PAGE_ID])).searchParams.get('code') ?? '';
    expect((await exchange({ code, redirect_uri: `${REDIRECT}?x=1` })).body.error).toMatchObject({
      code: 100,
      error_subcode: 36008,
    });
    expect((await exchange({ code, redirect_uri: REDIRECT })).status).toBe(200);
    expect((await exchange({ code, redirect_uri: REDIRECT })).body.error).toMatchObject({
      code: 100,
      error_subcode: 36009,
    });

    const late = (await approve([PAGE_ID])).searchParams.get('code') ?? '';
    await h.client.advanceClock(11 * 60_000);
    expect((await exchange({ code: late, redirect_uri: REDIRECT })).body.error).toMatchObject({
      code: 100,
      error_subcode: 36007,
    });
    const wrongSecret = await exchange({ code: late, redirect_uri: REDIRECT, client_secret: 'wrong' });
    expect(wrongSecret.body.error).toMatchObject({ code: 1 });
    // The caller's mistake, as every OAuth endpoint error: 400, not the 500 of a code 1 Graph fails with itself.
    expect(wrongSecret.status).toBe(400);
  });

  it('issues app tokens with client_credentials', async () => {
    const result = await exchange({ grant_type: 'client_credentials' });
    expect(result.body).toEqual({ access_token: `${APP_ID}|${APP_SECRET}`, token_type: 'bearer' });
  });

  it('reports invalid tokens in debug_token data', async () => {
    const debug = await h.graph('GET', '/debug_token?input_token=EAAnothing', { token: `${APP_ID}|${APP_SECRET}` });
    expect(debug.body.data).toMatchObject({ is_valid: false, error: { code: 190 } });
  });
});

/** Logs in with `scope` for the first page and returns its page token (through /me/accounts). */
async function pageTokenFromLogin(scope = SCOPES): Promise<string> {
  const code = (await approve([PAGE_ID], { scope })).searchParams.get('code') ?? '';
  const userToken = (await exchange({ code, redirect_uri: REDIRECT })).body.access_token as string;
  const accounts = await h.graph('GET', '/me/accounts', { token: userToken });
  return (accounts.body.data as { access_token: string }[])[0]?.access_token ?? '';
}

describe('permissions of a page token from Facebook Login', () => {
  const send = (token: string) =>
    h.graph('POST', '/me/messages', {
      token,
      body: { recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text: 'hi' } },
    });
  const subscribe = (token: string) => h.graph('POST', '/me/subscribed_apps?subscribed_fields=messages', { token });
  const setProfile = (token: string) =>
    h.graph('POST', '/me/messenger_profile', { token, body: { get_started: { payload: 'GO' } } });
  const errorOf = (result: Awaited<ReturnType<Harness['graph']>>) => result.body.error;

  beforeEach(() => h.client.sendText(PAGE_ID, PSID, 'hello'));

  it('needs pages_messaging for the Send API, handover, profiles and pages_manage_metadata for subscribed_apps', async () => {
    const token = await pageTokenFromLogin('pages_show_list');
    const lacksMessaging = { code: 10, message: expect.stringContaining('pages_messaging') };
    expect(errorOf(await send(token))).toMatchObject(lacksMessaging);
    expect(errorOf(await send(token))?.error_subcode).toBeUndefined();
    expect(errorOf(await setProfile(token))).toMatchObject(lacksMessaging);
    expect(errorOf(await h.graph('GET', `/me/thread_owner?recipient=${PSID}`, { token }))).toMatchObject(
      lacksMessaging,
    );
    expect(errorOf(await h.graph('GET', `/${PSID}`, { token }))).toMatchObject(lacksMessaging);
    expect(errorOf(await subscribe(token))).toMatchObject({
      code: 200,
      message: expect.stringContaining('pages_manage_metadata'),
    });

    const granted = await pageTokenFromLogin('pages_show_list,pages_messaging,pages_manage_metadata');
    expect((await send(granted)).status).toBe(200);
    expect((await subscribe(granted)).body).toEqual({ success: true });
  });

  it('needs a messaging task on the page to send, and MANAGE for the Messenger profile', async () => {
    const entry = h.emulator.state.accounts.get(ACCOUNT_ID)?.pages.find((page) => page.page_id === PAGE_ID);
    if (!entry) throw new Error('the seed account manages the page');
    entry.tasks = ['ANALYZE'];
    const token = await pageTokenFromLogin();
    expect(errorOf(await send(token))).toMatchObject({ code: 10, message: expect.stringContaining('MESSAGING') });
    expect(errorOf(await setProfile(token))).toMatchObject({ code: 10, message: expect.stringContaining('MANAGE') });
    expect((await subscribe(token)).body).toEqual({ success: true });
    entry.tasks = ['MESSAGING'];
    expect((await send(token)).status).toBe(200);
    expect(errorOf(await setProfile(token))?.code).toBe(10);
    entry.tasks = ['MANAGE'];
    expect((await setProfile(token)).body).toEqual({ result: 'success' });
  });
});

describe('compliance callbacks', () => {
  async function callbackReceiver() {
    const bodies: string[] = [];
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        bodies.push(body);
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ url: 'https://gw.example.com/status?code=del_1', confirmation_code: 'del_1' }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    return { url, bodies, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  }

  /** The parsing recipe of messenger-platform.md §8.7, written independently of the emulator. */
  function verifySignedRequest(form: string) {
    const signed = new URLSearchParams(form).get('signed_request') ?? '';
    const [signature = '', payload = ''] = signed.split('.', 2);
    const expected = createHmac('sha256', APP_SECRET).update(payload).digest();
    const given = Buffer.from(signature.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    const valid = given.length === expected.length && timingSafeEqual(given, expected);
    return {
      valid,
      payload: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>,
    };
  }

  it('sends deauthorize and data-deletion callbacks as signed_request forms and revokes the tokens', async () => {
    const receiver = await callbackReceiver();
    try {
      const app = h.emulator.state.apps.get(APP_ID)!;
      app.deauthorize_url = `${receiver.url}/deauthorize`;
      app.data_deletion_url = `${receiver.url}/data-deletion`;
      const code = (await approve([PAGE_ID])).searchParams.get('code') ?? '';
      const userToken = (await exchange({ code, redirect_uri: REDIRECT })).body.access_token as string;

      const deletion = await h.client.requestDataDeletion(APP_ID, ACCOUNT_ID);
      expect(JSON.parse(deletion.body)).toEqual({
        url: 'https://gw.example.com/status?code=del_1',
        confirmation_code: 'del_1',
      });
      const deauth = await h.client.deauthorize(APP_ID, ACCOUNT_ID);
      expect(deauth).toMatchObject({ sent: true, status: 200, revoked_tokens: 1 });

      for (const body of receiver.bodies) {
        const { valid, payload } = verifySignedRequest(body);
        expect(valid).toBe(true);
        expect(payload).toMatchObject({ algorithm: 'HMAC-SHA256', user_id: ACCOUNT_ID, issued_at: expect.any(Number) });
      }
      expect((await h.graph('GET', '/me', { token: userToken })).body.error).toMatchObject({
        code: 190,
        error_subcode: 467,
      });
    } finally {
      await receiver.close();
    }
  });
});
