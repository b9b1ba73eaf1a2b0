import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedRequest } from '../../src/emulator/signed-request.ts';
import { hashPassword } from '../../src/server/passwords.ts';
import { createSecretBox } from '../../src/storage/secret-box.ts';
import { DATABASES } from '../support/databases.ts';
import { type EchoBot, startEchoBot } from '../support/echo-bot.ts';
import { ADMIN, APP_ID, type Harness, PAGE_ID, startHarness } from '../support/gateway-harness.ts';

const NEW_PAGE = '209384756102938';
const READ_ONLY_PAGE = '309384756102939';
const NEW_PSID = '7100000000000001';
const basic = (email: string, password: string) => `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}`;

for (const database of DATABASES) {
  describe(`connecting pages with Facebook Login on ${database}`, () => {
    let h: Harness;
    let accountId: string;
    let newPageToken: string;
    let bot: EchoBot;

    beforeAll(async () => {
      bot = await startEchoBot();
      h = await startHarness({
        database,
        connectedPages: {
          assistant: { type: 'http', url: bot.url, timeout_ms: 5000, retries: 0 },
          settings: { typing_indicators: false },
          messenger_profile: { greeting: 'Welcome to the outlet', composer_input_disabled: false },
        },
      });
      const page = await h.fb.createPage({ id: NEW_PAGE, name: 'Acme Outlet', app_id: APP_ID, subscribe_app: false });
      newPageToken = page.access_token;
      await h.fb.createPage({ id: READ_ONLY_PAGE, name: 'Acme Blog', app_id: APP_ID, subscribe_app: false });
      await h.fb.createPerson({ first_name: 'Noor', psids: { [NEW_PAGE]: NEW_PSID } });
      const account = await h.fb.createAccount({
        name: 'Alex Admin',
        pages: [{ page_id: PAGE_ID }, { page_id: NEW_PAGE }, { page_id: READ_ONLY_PAGE, tasks: ['ANALYZE'] }],
      });
      accountId = account.id;
      const app = h.emulator.state.apps.get(APP_ID);
      if (!app) throw new Error('no app in the emulator');
      app.deauthorize_url = `${h.gatewayUrl}/callbacks/facebook/deauthorize`;
      app.data_deletion_url = `${h.gatewayUrl}/callbacks/facebook/data-deletion`;
    });
    afterAll(async () => {
      await h?.close();
      await bot?.close();
    });

    /** `POST /api/oauth/facebook/start` as the inbox does it: the dialog's address, and the browser's cookie. */
    async function start(authorization = basic(ADMIN.email, ADMIN.password), body: object = {}) {
      const response = await fetch(`${h.gatewayUrl}/api/oauth/facebook/start`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const cookie = response.headers.get('set-cookie')?.split(';')[0] ?? '';
      return { status: response.status, body: await response.json(), cookie };
    }

    /** The person picks the account and pages in the emulator's dialog: the address Facebook sends them back to. */
    async function dialog(url: string, pageIds: string[], action = 'approve'): Promise<URL> {
      const html = await (await fetch(url)).text();
      const formAction = /<form method="post" action="([^"]+)"/.exec(html)?.[1] ?? '';
      const hidden = [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map(
        ([, name, value]) => [name as string, (value as string).replaceAll('&amp;', '&')],
      );
      const form = new URLSearchParams([...hidden, ['account_id', accountId], ['action', action]]);
      for (const id of pageIds) form.append('page_ids', id);
      const response = await fetch(`${h.emulator.url}${formAction}`, {
        method: 'POST',
        body: form,
        redirect: 'manual',
      });
      expect(response.status).toBe(302);
      return new URL(response.headers.get('location') ?? '');
    }

    /** The browser follows Facebook's redirect to the gateway (on its real address): where the gateway sends it on. */
    async function callback(back: URL, cookie: string) {
      const response = await fetch(`${h.gatewayUrl}${back.pathname}${back.search}`, {
        headers: cookie ? { cookie } : {},
        redirect: 'manual',
      });
      expect(response.status).toBe(302);
      const location = new URL(response.headers.get('location') ?? '', h.gatewayUrl);
      expect(location.pathname).toBe('/inbox/');
      return { params: Object.fromEntries(location.searchParams), setCookie: response.headers.get('set-cookie') };
    }

    const pagesListed = async () =>
      (await h.api('GET', '/api/pages')).body.data.map((p: { id: string; source: string }) => `${p.id}:${p.source}`);

    it('connects the pages the person can answer for, seals their tokens, and answers their messages', async () => {
      const started = await start();
      expect(started.status).toBe(200);
      const dialogUrl = new URL(started.body.url);
      expect(dialogUrl.origin).toBe(h.emulator.url);
      expect(dialogUrl.searchParams.get('redirect_uri')).toBe(`${h.config.publicUrl}/oauth/facebook/callback`);
      expect(dialogUrl.searchParams.get('scope')).toContain('pages_messaging');
      expect(started.cookie).toMatch(/^sb_oauth_state=.+/);

      const back = await dialog(started.body.url, [PAGE_ID, NEW_PAGE, READ_ONLY_PAGE]);
      const done = await callback(back, started.cookie);
      expect(done.params).toEqual({ connected: '1' });
      expect(done.setCookie).toMatch(/sb_oauth_state=;.*Max-Age=0/);

      // The configured page stays the configuration's; the page without the MESSAGING task is left out.
      expect(await pagesListed()).toEqual([`${PAGE_ID}:config`, `${NEW_PAGE}:oauth`]);
      const row = await h.switchboard.db
        .selectFrom('pages')
        .select(['access_token_sealed', 'connected_by', 'health'])
        .where('id', '=', NEW_PAGE)
        .executeTakeFirstOrThrow();
      expect(row.access_token_sealed).toMatch(/^sb1\./);
      expect(row).toMatchObject({ connected_by: accountId, health: 'ok' });
      // The token is the page token Facebook gave this login, not the one the page had before.
      const token = createSecretBox([h.secretKey]).open(row.access_token_sealed);
      expect(token).not.toBe(newPageToken);
      expect(h.emulator.state.tokens.get(token)).toMatchObject({ page_id: NEW_PAGE });
      // The page token Graph gave for the long-lived login works for Graph; it is the page's own, not the seeded one.
      const subscribed = async () =>
        (await h.fb.graphCalls({ path_contains: `${NEW_PAGE}/subscribed_apps` })).some(
          (c) => c.method === 'POST' && c.status === 200,
        );
      await expect.poll(subscribed, { timeout: 5000, interval: 50 }).toBe(true);

      // It starts with connected_pages: its Messenger profile, and its assistant answers.
      await expect
        .poll(async () => (await h.fb.pageProfile(NEW_PAGE)).greeting, { timeout: 5000, interval: 50 })
        .toEqual([{ locale: 'default', text: 'Welcome to the outlet' }]);
      await h.fb.sendText(NEW_PAGE, NEW_PSID, 'hello, new page');
      await h.settle();
      const replies = (await h.fb.conversation(NEW_PAGE, NEW_PSID)).items.filter((i) => i.from === 'page');
      expect(replies.map((r) => r.message?.text)).toContain('echo: hello, new page');
    });

    it('refuses a login the browser did not start, a state it did not seal, a code used twice, and a cancel', async () => {
      const started = await start();
      const back = await dialog(started.body.url, [NEW_PAGE]);
      // Another browser (no cookie), or the cookie of another login.
      expect((await callback(back, '')).params.connect_error).toMatch(/not started here/);
      const other = await start();
      expect((await callback(back, other.cookie)).params.connect_error).toMatch(/not started here/);
      // A state the gateway did not seal.
      const forged = new URL(back);
      forged.searchParams.set('state', 'sb1.x.y.z');
      const visit = await callback(forged, started.cookie);
      expect(visit.params.connect_error).toMatch(/not started here/);
      // Another site sending the browser there leaves the login under way alone: its cookie is not cleared.
      expect(visit.setCookie).toBeNull();
      // The real one works once (and the browser's cookie is cleared); Facebook refuses its code a second time.
      expect((await callback(back, started.cookie)).params).toEqual({ connected: '1' });
      expect((await callback(back, started.cookie)).params.connect_error).toMatch(/did not accept the sign-in code/);

      const cancelled = await start();
      const denied = await dialog(cancelled.body.url, [NEW_PAGE], 'cancel');
      expect((await callback(denied, cancelled.cookie)).params).toEqual({
        connect_error: 'Facebook Login was cancelled',
      });
    });

    it('lets only a signed-in admin start a login, on the host Facebook sends the browser back to', async () => {
      expect((await start(basic(ADMIN.email, 'wrong'))).status).toBe(401);
      const elsewhere = await fetch(`${h.gatewayUrl.replace('127.0.0.1', 'localhost')}/api/oauth/facebook/start`, {
        method: 'POST',
        headers: { authorization: basic(ADMIN.email, ADMIN.password), 'content-type': 'application/json' },
        body: '{}',
      });
      expect(elsewhere.status).toBe(400);
      expect((await elsewhere.json()).error.message).toContain('PUBLIC_URL');
      await h.switchboard.db
        .insertInto('users')
        .values({
          id: `agent-${database}`,
          email: 'agent@example.com',
          name: 'Agent',
          password_hash: await hashPassword('agent password 123'),
          role: 'agent',
          sign_in_addresses: null,
          created_at: Date.now(),
          updated_at: Date.now(),
        })
        .execute();
      const agent = await start(basic('agent@example.com', 'agent password 123'));
      expect(agent.status).toBe(403);
      expect(agent.cookie).toBe('');
    });

    it('refuses an app_id that names no configured app without quoting it back', async () => {
      const refused = await start(undefined, { app_id: '9'.repeat(100_000) });
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual({
        error: { code: 'SB_BAD_REQUEST', message: 'app_id: no app with this id is configured' },
      });
      expect(refused.cookie).toBe('');
      expect((await start(undefined, { app_id: APP_ID })).status).toBe(200);
    });

    it('removes the pages of a user who removed the app, and answers data deletion requests', async () => {
      expect(await pagesListed()).toContain(`${NEW_PAGE}:oauth`);
      const deauthorize = (signed: string) =>
        fetch(`${h.gatewayUrl}/callbacks/facebook/deauthorize`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ signed_request: signed }),
        });
      const now = Math.floor(Date.now() / 1000);
      // Signed with another secret, or without the time it was issued: refused, nothing removed.
      const forged = signedRequest({ algorithm: 'HMAC-SHA256', issued_at: now, user_id: accountId }, 'not-the-secret');
      expect((await deauthorize(forged)).status).toBe(400);
      const undated = signedRequest({ algorithm: 'HMAC-SHA256', user_id: accountId }, h.secret);
      expect((await deauthorize(undated)).status).toBe(400);
      expect(await pagesListed()).toContain(`${NEW_PAGE}:oauth`);

      // Sent again long after: the login made since keeps its page.
      const issuedAt = Math.floor(Date.now() / 1000) - 600;
      const old = signedRequest({ algorithm: 'HMAC-SHA256', issued_at: issuedAt, user_id: accountId }, h.secret);
      expect(await (await deauthorize(old)).json()).toEqual({ pages_removed: 0 });
      expect(await pagesListed()).toContain(`${NEW_PAGE}:oauth`);

      const sent = await h.fb.deauthorize(APP_ID, accountId);
      expect(sent).toMatchObject({ sent: true, status: 200 });
      expect(await pagesListed()).toEqual([`${PAGE_ID}:config`]);

      // Connected again, then a data deletion request: the pages go too, and the person gets a status page.
      const again = await start();
      expect((await callback(await dialog(again.body.url, [NEW_PAGE]), again.cookie)).params).toEqual({
        connected: '1',
      });
      const deletion = await h.fb.requestDataDeletion(APP_ID, accountId);
      expect(deletion.status).toBe(200);
      expect(await pagesListed()).toEqual([`${PAGE_ID}:config`]);
      const answer = JSON.parse(deletion.body);
      expect(answer.confirmation_code).toMatch(/^del_/);
      const status = new URL(answer.url);
      expect(status.searchParams.get('code')).toBe(answer.confirmation_code);
      const page = await fetch(`${h.gatewayUrl}${status.pathname}${status.search}`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain(answer.confirmation_code);
      expect((await fetch(`${h.gatewayUrl}${status.pathname}?code=del_unknown`)).status).toBe(404);
      // Not a code of ours: a NUL failed the query on PostgreSQL (500, and an error logged for anyone's request).
      expect((await fetch(`${h.gatewayUrl}${status.pathname}?code=del%00x`)).status).toBe(404);

      // The same request twice gets the same code, and is kept once.
      const body = signedRequest({ algorithm: 'HMAC-SHA256', issued_at: now, user_id: '4242' }, h.secret);
      const ask = async (signed = body) =>
        (
          await fetch(`${h.gatewayUrl}/callbacks/facebook/data-deletion`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ signed_request: signed }),
          })
        ).json();
      // Also spelt otherwise: its signature padded, or with a character base64url decoding skips.
      const [signature, payload] = body.split('.');
      const spellings = [body, `${signature}=.${payload}`, `${signature}!.${payload}`];
      const answers = [];
      for (const spelling of spellings) answers.push(await ask(spelling));
      const [first] = answers;
      expect(answers.map((a) => a.confirmation_code)).toEqual(spellings.map(() => first.confirmation_code));
      const rows = await h.switchboard.db.selectFrom('data_deletion_requests').select('confirmation_code').execute();
      expect(rows.filter((r) => r.confirmation_code === first.confirmation_code)).toHaveLength(1);
    });
  });
}
