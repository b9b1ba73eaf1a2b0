import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD_CHECKS } from '../../src/server/auth.ts';
import { ensureAdmin } from '../../src/storage/user-repository.ts';
import { DATABASES } from '../support/databases.ts';
import { type EchoBot, startEchoBot } from '../support/echo-bot.ts';
import { openStream } from '../support/event-stream.ts';
import { ADMIN, APP_ID, type Harness, PAGE_ID, PSID, startHarness } from '../support/gateway-harness.ts';

const CLI = fileURLToPath(new URL('../../bin/switchboard.js', import.meta.url));

/** Runs `switchboard replay` against `databaseUrl`, as an operator would beside the running gateway. */
function replayCommand(databaseUrl: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'replay'], {
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl },
    });
    let [stdout, stderr] = ['', ''];
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

for (const database of DATABASES) {
  describe(`admin API on ${database}`, () => {
    let h: Harness;
    let bot: EchoBot;

    beforeAll(async () => {
      bot = await startEchoBot();
      h = await startHarness({
        database,
        assistant: { type: 'http', url: bot.url, timeout_ms: 5000, retries: 0 },
        // A replay is no restart: the webhook was up, so a replayed send waits out its grace alone, never this.
        tuning: { sendMaxAttempts: 2, catchUpMaxMs: 60_000 },
      });
    });
    afterAll(async () => {
      await h?.close();
      await bot?.close();
    });

    it('lists the configured apps by id, with no secret, to signed-in people only', async () => {
      const listed = await h.api('GET', '/api/apps');
      expect(listed).toEqual({ status: 200, body: { data: [{ id: APP_ID }] } });
      expect((await h.api('GET', '/api/apps', undefined, '')).status).toBe(401);
    });

    it('refuses calls without valid credentials', async () => {
      expect((await h.api('GET', '/api/pages', undefined, '')).status).toBe(401);
      const wrong = `Basic ${Buffer.from('admin@example.com:wrong').toString('base64')}`;
      const refused = await h.api('GET', '/api/pages', undefined, wrong);
      expect(refused).toMatchObject({ status: 401, body: { error: { code: 'SB_UNAUTHENTICATED' } } });
    });

    it('refuses a sign-in whose email holds a NUL character like a wrong one (PostgreSQL refused it with a 500)', async () => {
      const nul = `Basic ${Buffer.from(`${ADMIN.email}\u0000:${ADMIN.password}`).toString('base64')}`;
      const refused = await h.api('GET', '/api/pages', undefined, nul);
      expect(refused).toMatchObject({ status: 401, body: { error: { code: 'SB_UNAUTHENTICATED' } } });
    });

    it('refuses a NUL character in a page id or a setting with a 400', async () => {
      for (const [path, body] of [
        [`/api/pages/${PAGE_ID}%00/settings`, { readable_length: 0 }],
        [`/api/pages/${PAGE_ID}/settings`, { greeting: 'Hello\u0000' }],
      ] as const) {
        const refused = await h.api('PATCH', path, body);
        expect(refused, path).toMatchObject({ status: 400, body: { error: { code: 'SB_BAD_REQUEST' } } });
      }
    });

    it('refuses an email from one address for a while after ten failed sign-ins, even with the right password', async () => {
      const basic = (email: string, password: string) =>
        `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}`;
      await ensureAdmin(h.switchboard.db, { email: 'agent@example.com', password: 'the right one' }, Date.now());
      for (let i = 0; i < 10; i++) {
        const attempt = await h.api('GET', '/api/pages', undefined, basic('agent@example.com', `guess ${i}`));
        expect(attempt.status).toBe(401);
      }
      const locked = await fetch(`${h.gatewayUrl}/api/pages`, {
        headers: { authorization: basic('Agent@Example.com', 'the right one') },
      });
      expect(locked.status).toBe(429);
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(800);
      expect((await locked.json()).error.code).toBe('SB_TOO_MANY_SIGN_INS');
      // Only that email: everyone else still signs in.
      expect((await h.api('GET', '/api/pages')).status).toBe(200);
    });

    it('counts guesses sent all at once: ten are heard, and the right password after them is not', async () => {
      const basic = (password: string) => `Basic ${Buffer.from(`burst@example.com:${password}`).toString('base64')}`;
      await ensureAdmin(h.switchboard.db, { email: 'burst@example.com', password: 'the right one' }, Date.now());
      const guesses = Array.from({ length: 40 }, (_, i) => `guess ${i}`);
      const statuses = await Promise.all(
        guesses.map(async (password) => (await h.api('GET', '/api/pages', undefined, basic(password))).status),
      );
      expect(statuses.filter((s) => s === 401)).toHaveLength(10);
      expect(statuses.filter((s) => s === 429)).toHaveLength(30);
      expect((await h.api('GET', '/api/pages', undefined, basic('the right one'))).status).toBe(429);
    });

    it('refuses a flood of sign-ins with made-up emails past a few checks at once, and signs the admin in after', async () => {
      const statuses = await Promise.all(
        Array.from({ length: 80 }, async (_, i) => {
          const header = `Basic ${Buffer.from(`flood-${i}@example.com:guess`).toString('base64')}`;
          const answer = await h.api('GET', '/api/pages', undefined, header);
          return answer.status === 503 ? answer.body.error.code : answer.status;
        }),
      );
      // Each email escapes the failure limits; the password checks they queue are bounded instead.
      expect(statuses.filter((s) => s === 401).length).toBeGreaterThanOrEqual(PASSWORD_CHECKS.atOnce);
      expect(statuses.filter((s) => s === 'SB_SIGN_INS_BUSY').length).toBeGreaterThan(0);
      expect(statuses.filter((s) => s !== 401 && s !== 'SB_SIGN_INS_BUSY')).toEqual([]);
      expect((await h.api('GET', '/api/pages')).status).toBe(200);
    });

    it('checks a header sent by many requests at once once, and counts none of them as a failure', async () => {
      const basic = (password: string) => `Basic ${Buffer.from(`tabs@example.com:${password}`).toString('base64')}`;
      await ensureAdmin(h.switchboard.db, { email: 'tabs@example.com', password: 'the right one' }, Date.now());
      // Several tabs, each loading at once as the remembered sign-in runs out.
      const statuses = await Promise.all(
        Array.from(
          { length: 15 },
          async () => (await h.api('GET', '/api/pages', undefined, basic('the right one'))).status,
        ),
      );
      expect(statuses).toEqual(Array(15).fill(200));
      for (let i = 0; i < 10; i++)
        expect((await h.api('GET', '/api/pages', undefined, basic(`typo ${i}`))).status).toBe(401);
    });

    /** A failed sign-in as `email`, claiming to come from 203.0.113.i. */
    const guessFrom = (gatewayUrl: string, email: string, i: number) =>
      fetch(`${gatewayUrl}/api/pages`, {
        headers: {
          authorization: `Basic ${Buffer.from(`${email}:guess ${i}`).toString('base64')}`,
          'x-forwarded-for': `203.0.113.${i}`,
        },
      });

    it('does not believe an X-Forwarded-For the gateway was not told to trust: the sender is the address', async () => {
      for (let i = 0; i < 10; i++) expect((await guessFrom(h.gatewayUrl, 'owner@example.com', i)).status).toBe(401);
      expect((await guessFrom(h.gatewayUrl, 'owner@example.com', 10)).status).toBe(429);
    });

    it('after 50 failures from anywhere, hears only the addresses the account signed in from', async () => {
      const behind = await startHarness({ database, trustProxy: ['127.0.0.1', '::1'] });
      try {
        await ensureAdmin(behind.switchboard.db, { email: 'owner@example.com', password: 'the right one' }, Date.now());
        // The email's case differs each time, so that no sign-in is answered from the cache of verified headers.
        const owner = (email: string, address: string) =>
          fetch(`${behind.gatewayUrl}/api/pages`, {
            headers: {
              authorization: `Basic ${Buffer.from(`${email}:the right one`).toString('base64')}`,
              'x-forwarded-for': address,
            },
          });
        expect((await owner('owner@example.com', '198.51.100.7')).status).toBe(200);
        for (let i = 0; i < 50; i++)
          expect((await guessFrom(behind.gatewayUrl, 'owner@example.com', i)).status).toBe(401);
        // Any other address waits, even with the right password; the owner's usual one still signs in.
        expect((await guessFrom(behind.gatewayUrl, 'owner@example.com', 60)).status).toBe(429);
        expect((await owner('Owner@example.com', '198.51.100.8')).status).toBe(429);
        expect((await owner('OWNER@example.com', '198.51.100.7')).status).toBe(200);
      } finally {
        await behind.close();
      }
    });

    it('refuses changes sent by a page of another site with the credentials the browser holds', async () => {
      const admin = `Basic ${Buffer.from(`${ADMIN.email}:${ADMIN.password}`).toString('base64')}`;
      const replay = (origin?: string) =>
        fetch(`${h.gatewayUrl}/api/dead-letters/replay`, {
          method: 'POST',
          headers: { authorization: admin, 'content-type': 'text/plain', ...(origin ? { origin } : {}) },
          body: '',
        });
      const forged = await replay('https://attacker.example');
      expect(forged.status).toBe(403);
      expect((await forged.json()).error.code).toBe('SB_CROSS_SITE');
      expect((await replay('null')).status).toBe(403);
      // From no page (curl, a script), or from the gateway's own pages: heard.
      expect((await replay()).status).toBe(200);
      expect((await replay(h.gatewayUrl)).status).toBe(200);
    });

    it('lists pages with their health and settings, never their tokens', async () => {
      const { status, body } = await h.api('GET', '/api/pages');
      expect(status).toBe(200);
      expect(body.data).toMatchObject([{ id: PAGE_ID, health: 'ok', settings: { auto_replies: true } }]);
      expect(JSON.stringify(body)).not.toContain(h.config.pages[0]?.access_token);
    });

    it('stores the tokens and app secret encrypted, never in clear', async () => {
      const pages = await h.switchboard.db.selectFrom('pages').select('access_token_sealed').execute();
      const apps = await h.switchboard.db.selectFrom('apps').select(['secret_sealed', 'verify_token_sealed']).execute();
      const stored = JSON.stringify([pages, apps]);
      expect(stored).not.toContain(h.config.pages[0]?.access_token);
      expect(stored).not.toContain(h.secret);
      expect(pages[0]?.access_token_sealed).toMatch(/^sb1\./);
    });

    it('validates settings changes and applies them', async () => {
      const bad = await h.api('PATCH', `/api/pages/${PAGE_ID}/settings`, { response_delay: 'slowly', colour: 'red' });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/response_delay/);
      // Opening hours a turn could not read later (an unknown time zone, a time that does not exist) are refused now.
      for (const business_hours of [
        { time_zone: 'Mars/Olympus', days: { mon: ['09:00-17:00'] } },
        { time_zone: 'Europe/Paris', days: { mon: ['99:99-17:00'] } },
      ]) {
        const refused = await h.api('PATCH', `/api/pages/${PAGE_ID}/settings`, { business_hours });
        expect(refused.status).toBe(400);
        expect(refused.body.error.message).toMatch(/business_hours: (unknown time zone "Mars\/Olympus"|mon: "99:99)/);
      }
      // A misspelt key is refused set to null too (a reset), and so is a body that is no object of settings; a pause
      // past a year would overflow the time it ends.
      for (const body of [{ auto_reply: null }, [null], { human_reply_pause_minutes: 1e15 }]) {
        const refused = await h.api('PATCH', `/api/pages/${PAGE_ID}/settings`, body);
        expect(refused, JSON.stringify(body)).toMatchObject({
          status: 400,
          body: { error: { code: 'SB_BAD_REQUEST' } },
        });
      }
      const ok = await h.api('PATCH', `/api/pages/${PAGE_ID}/settings`, {
        delay_between_messages_ms: 0,
        readable_length: 0,
      });
      expect(ok).toMatchObject({ status: 200, body: { data: { delay_between_messages_ms: 0, readable_length: 0 } } });
    });

    it('changes the greeting people see, synced to the Messenger profile', async () => {
      const changed = await h.api('PATCH', `/api/pages/${PAGE_ID}/settings`, {
        greeting: 'Hello {{user_first_name}}, we are here to help.',
      });
      expect(changed.body).toMatchObject({
        data: { greeting: 'Hello {{user_first_name}}, we are here to help.' },
        profile_sync: 'updated',
      });
      const profile = await h.fb.pageProfile(PAGE_ID);
      expect(profile.greeting).toEqual([
        { locale: 'default', text: 'Hello {{user_first_name}}, we are here to help.' },
      ]);
      expect(profile.get_started).toEqual({ payload: 'GET_STARTED' });

      // Taken away: the page's profile gets the configured greeting back.
      const removed = await h.api('PATCH', `/api/pages/${PAGE_ID}/settings`, { greeting: null });
      expect(removed.body).toMatchObject({ profile_sync: 'updated' });
      expect((await h.fb.pageProfile(PAGE_ID)).greeting).toEqual([
        { locale: 'default', text: 'Hi {{user_first_name}}!' },
      ]);
    });

    it('lists sends whose retries ran out and sends them again on replay', async () => {
      await h.fb.setFaults({ next: { count: 2, code: 1200, path_contains: '/messages' } });
      await h.fb.sendText(PAGE_ID, PSID, 'lost in transit?');
      await h.settle();
      await h.fb.clearFaults();
      const dead = await h.api('GET', '/api/dead-letters');
      // What it said, for the inbox to show; not the request sent to Graph.
      expect(dead.body.data.outbox).toMatchObject([
        { status: 'dead', error_code: 1200, attempts: 2, text: 'echo: lost in transit?' },
      ]);
      expect(dead.body.data.outbox[0]).not.toHaveProperty('request');
      const replay = await h.api('POST', '/api/dead-letters/replay');
      expect(replay.body.data).toEqual({ outbox: 1, events: 0 });
      await h.settle();
      const replies = (await h.fb.conversation(PAGE_ID, PSID)).items.filter(
        (i) => i.message?.text === 'echo: lost in transit?',
      );
      expect(replies).toHaveLength(1);
      expect((await h.api('GET', '/api/dead-letters')).body.data.outbox).toEqual([]);
    });

    it.skipIf(database !== 'postgres')(
      'sends dead messages again at once when the replay command queues them on PostgreSQL',
      async () => {
        await h.fb.setFaults({ next: { count: 2, code: 1200, path_contains: '/messages' } });
        await h.fb.sendText(PAGE_ID, PSID, 'replayed from the command line');
        await h.settle();
        await h.fb.clearFaults();
        expect((await h.api('GET', '/api/dead-letters')).body.data.outbox).toHaveLength(1);

        const replayed = await replayCommand(h.config.databaseUrl);
        expect(replayed).toMatchObject({ status: 0, stderr: '' });
        expect(replayed.stdout).toMatch(/^queued again: 1 messages, 0 events\n.*were told/);
        // Told, the gateway resumes at once: its sweep for work nothing holds would take a minute or more.
        const replies = async () =>
          (await h.fb.conversation(PAGE_ID, PSID)).items.filter(
            (i) => i.message?.text === 'echo: replayed from the command line',
          ).length;
        await expect.poll(replies, { timeout: 10_000, interval: 50 }).toBe(1);
      },
    );

    it('adds an agent who works the conversations and reads the pages, but changes no page nor the team', async () => {
      const added = await h.api('POST', '/api/users', { email: 'ana@example.com', name: 'Ana' });
      expect(added).toMatchObject({ status: 201, body: { data: { user: { role: 'agent', name: 'Ana' } } } });
      const ana = `Basic ${Buffer.from(`ana@example.com:${added.body.data.password}`).toString('base64')}`;
      expect((await h.api('GET', '/api/pages', undefined, ana)).status).toBe(200);
      expect((await h.api('GET', '/api/conversations', undefined, ana)).status).toBe(200);
      for (const [method, path, body] of [
        ['PATCH', `/api/pages/${PAGE_ID}/settings`, { readable_length: 0 }],
        ['POST', '/api/dead-letters/replay', {}],
        ['POST', '/api/oauth/facebook/start', {}],
        ['POST', '/api/users', { email: 'eve@example.com' }],
      ] as const) {
        const refused = await h.api(method, path, body, ana);
        expect(refused, path).toMatchObject({ status: 403, body: { error: { code: 'SB_FORBIDDEN' } } });
      }
      const stream = await openStream(h.gatewayUrl, ana);
      await stream.next((event) => event.event === 'ready');
      expect((await h.api('DELETE', `/api/users/${added.body.data.user.id}`)).status).toBe(204);
      expect((await h.api('GET', '/api/pages', undefined, ana)).status).toBe(401);
      // Her live stream ends with her account.
      const stillOpen = new Promise((resolve) => setTimeout(() => resolve('still open'), 2_000));
      expect(await Promise.race([stream.ended, stillOpen])).toBe(true);
    });
  });
}
