/**
 * The web inbox (`/inbox/`) in Debian's Chromium, end to end over real HTTP: the gateway runs the shop assistant, the
 * emulator stands in for Facebook, and a person writes through it while an agent works in the inbox. Skipped when
 * /usr/bin/chromium is absent (apt-get install chromium).
 *
 * The screenshot of the inbox is written to test-results/inbox.png on every run, and to docs/inbox.png when
 * UPDATE_DOCS_SCREENSHOT=1.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import type { Browser, Page, Request } from 'playwright-core';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_INBOX_APP_ID } from '../../src/emulator/index.ts';
import { ADMIN, APP_ID, type Harness, PAGE_ID, PSID, personPsid, startHarness } from '../support/gateway-harness.ts';
import { sentBody } from '../support/sent-body.ts';
import { waitFor } from '../support/wait-for.ts';
import { HAS_CHROMIUM, launchChromium, warnIfNoChromium } from './support/chromium.ts';

warnIfNoChromium('the inbox browser tests');

const NEW_PAGE = '209384756102938';
/** A 180×120 picture: blue over yellow. */
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAALQAAAB4CAIAAADUhU+qAAAA70lEQVR42u3SQQ0AIAwAsTnCAE5mFzW8kDADMzDSpAouFysvtEICzIE5MAfmwByYA3NgDsyBOcAcmANzYA7MgTkwB+bAHJgDzIE5MAfmwByYA3NgDsyBOcAcmANzYA7MgTkwB+bAHJgDc4A5MAfmwByYA3NgDsyBOTAHmANzYA7MgTkwB+bAHJgDc4A5MAfmwByYA3NgDsyBOTAH5gBzYA7MgTkwB+ZgzBzvbGiZA3NgDsyBOTAH5sAcmANzYA4wB+bAHJgDc2AOzIE5MAfmAHNgDsyBOTAH5sAcmANzYA4wB+bAHJgDc2AOzIE5+EYB0dZC+aTxTB4AAAAASUVORK5CYII=';
const REPLY = 'Hi Lena, Sam from Acme here. Let me look at your order.';
/** People who write last, so that Lena's conversation falls below the list's first page (50 rows). */
const BELOW_THE_FOLD = 50;

describe.skipIf(!HAS_CHROMIUM)('the web inbox (Chromium)', () => {
  let h: Harness;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  /** The failed loads the running test causes on purpose, matched against "<status> <path>". */
  let expectedFailures: RegExp[] = [];
  const wait = { timeout: 15_000 };
  /** Well within the 30 s between polls while the stream is live: what shows this soon came through the stream. */
  const soon = { timeout: 5_000 };
  /** The gateway's side of each open live stream, for a test to end it as a stopping gateway does. */
  const streams = new Set<ServerResponse>();

  const lena = () => page.getByTestId('conversation').filter({ hasText: 'Lena Okafor' });
  /** A second person, who never gets a flag. */
  const other = () => page.getByTestId('conversation').filter({ hasText: 'Person0 Test' });
  const messages = (author: string, text?: string) =>
    page.locator(`[data-testid="message"][data-author="${author}"]`, text ? { hasText: text } : {});
  const liveStatus = (state: 'connecting' | 'live' | 'down') =>
    page.locator(`[data-testid="live-status"][data-state="${state}"]`);

  beforeAll(async () => {
    h = await startHarness({
      database: 'sqlite',
      assistant: { type: 'flow', path: 'assistants/shop-support.en.yaml' },
      people: 1 + BELOW_THE_FOLD,
    });
    h.switchboard.app.server.on('request', (request, response) => {
      if (request.url !== '/api/stream') return;
      streams.add(response);
      response.on('close', () => streams.delete(response));
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 820 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      // Chromium logs each answer refused on purpose as a failed resource: a test names the ones it causes, as
      // "401 /api/pages". Anything else is a fault of the page, a 500 or a Content-Security-Policy violation included.
      const status = /status of (\d{3})/.exec(message.text())?.[1] ?? 'error';
      const url = message.location().url;
      const failure = `${status} ${url ? new URL(url).pathname : ''}`;
      if (!expectedFailures.some((expected) => expected.test(failure))) pageErrors.push(`${message.text()} ${url}`);
    });
  });
  afterEach(() => {
    expectedFailures = [];
    expect(pageErrors.splice(0)).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('serves the inbox at /inbox/ with a strict Content-Security-Policy', async () => {
    const redirect = await request(`${h.gatewayUrl}/inbox?connected=1`);
    await redirect.body.dump();
    expect(redirect.statusCode).toBe(302);
    expect(redirect.headers.location).toBe('/inbox/?connected=1');
    const index = await request(`${h.gatewayUrl}/inbox/`);
    expect(index.statusCode).toBe(200);
    expect(await index.body.text()).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const policy = String(index.headers['content-security-policy']);
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("default-src 'none'");
    expect(policy).not.toContain('unsafe-inline');
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toContain('data:');
    expect(policy).not.toContain('media-src');
    expect(index.headers['x-frame-options']).toBe('DENY');
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    // The unit tests' type declarations stay on the server.
    const declarations = await request(`${h.gatewayUrl}/inbox/format.d.ts`);
    await declarations.body.dump();
    expect(declarations.statusCode).toBe(404);
  });

  it('refuses a wrong password, then signs in', async () => {
    expectedFailures = [/^(429|401) \/api\/pages$/];
    await page.goto(`${h.gatewayUrl}/inbox`);
    expect(new URL(page.url()).pathname).toBe('/inbox/');
    // The gateway's answer once an address has failed 10 times (server/auth.ts), without failing 10 times here.
    await page.route('**/api/pages', (route) =>
      route.fulfill({
        status: 429,
        headers: { 'retry-after': '840' },
        json: { error: { code: 'SB_TOO_MANY_SIGN_INS', message: 'too many failed sign-ins' } },
      }),
    );
    await page.getByTestId('sign-in-email').fill(ADMIN.email);
    await page.getByTestId('sign-in-password').fill('a guess');
    await page.getByTestId('sign-in-submit').click();
    await expectText(page.getByTestId('sign-in-error'), 'Too many failed sign-ins. Try again in 14 minutes.');
    await page.unroute('**/api/pages');

    await page.getByTestId('sign-in-email').fill(ADMIN.email);
    await page.getByTestId('sign-in-password').fill('not the password');
    await page.getByTestId('sign-in-submit').click();
    await expectText(page.getByTestId('sign-in-error'), 'Wrong email or password');

    await page.getByTestId('sign-in-password').fill(ADMIN.password);
    await page.getByTestId('sign-in-submit').click();
    await expectText(page.getByTestId('signed-in-as'), ADMIN.email);
    // The credentials stay in this tab's sessionStorage: never localStorage, never the URL.
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    expect(await page.evaluate(() => Object.keys(sessionStorage))).toEqual(['switchboard.inbox.session']);
    expect(page.url()).not.toContain(encodeURIComponent(ADMIN.password));
  });

  it('shows a Facebook Login failure from the address only as short plain text, and shrugs off a malformed address', async () => {
    const crafted = encodeURIComponent(
      `Your session has ended: sign in again at https://evil.example/ ${'x'.repeat(400)}`,
    );
    await page.goto(`${h.gatewayUrl}/inbox/?connect_error=${crafted}#/c/%E0%A4%A`);
    const notice = page.getByTestId('connect-notice').locator('p');
    await notice.waitFor(wait);
    const text = (await notice.textContent()) ?? '';
    expect(text).toMatch(/^Facebook Login: could not connect pages \(Your session has ended/);
    expect(text.length).toBeLessThan(260);
    await page.getByTestId('filter-routing').waitFor(wait);
    expect(await page.getByTestId('thread').count()).toBe(0);
    expect(pageErrors).toEqual([]);
    await page.getByTestId('connect-notice').getByRole('button', { name: 'Dismiss' }).click();
    await page.goto(`${h.gatewayUrl}/inbox/#/`);
    await expectText(page.getByTestId('signed-in-as'), ADMIN.email);
  });

  it('shows a new conversation, with the person’s message and the assistant’s answer', async () => {
    await h.fb.sendText(PAGE_ID, PSID, 'where is my order');
    await lena().waitFor(wait);
    await expectText(lena().getByTestId('routing-badge'), 'Bot');
    await lena().click();
    await messages('contact', 'where is my order').waitFor(wait);
    await messages('bot').first().waitFor(wait);
    await expectText(page.getByTestId('thread-name'), 'Lena Okafor');
    // Her profile picture, from Graph (the emulator's), loads under the inbox's policy in the row and the header.
    const loaded = (locator: ReturnType<typeof lena>) =>
      locator.locator('img.avatar__picture').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0);
    await expect.poll(() => loaded(lena()), { timeout: 5_000 }).toBe(true);
    await expect.poll(() => loaded(page.locator('.thread__who')), { timeout: 5_000 }).toBe(true);
  });

  it('shows what the person sends at once, in the thread and the list, through the live stream', async () => {
    await liveStatus('live').waitFor(wait);
    expect(await page.getByTestId('live-status').textContent()).toBe('Live');
    // A wrong answer to the assistant's question (an order number has 6 digits): it asks again.
    await h.fb.sendText(PAGE_ID, PSID, '12345');
    await messages('contact', '12345').waitFor(soon);
    await messages('bot', "doesn't look like an order number").waitFor(soon);
    // The row shows the last message: the assistant's.
    await lena().filter({ hasText: "doesn't look like an order number" }).waitFor(soon);
  });

  it('connects again when the gateway ends the live stream, and is live again', async () => {
    // Every state the top bar shows from now on.
    await page.evaluate(() => {
      const status = document.querySelector<HTMLElement>('[data-testid="live-status"]')!;
      const states: string[] = [];
      Object.assign(window, { liveStates: states });
      new MutationObserver(() => states.push(status.dataset.state ?? '')).observe(status, {
        attributeFilter: ['data-state'],
      });
    });
    const open = [...streams];
    expect(open).toHaveLength(1);
    for (const response of open) response.end();
    const states = () => page.evaluate(() => (window as unknown as { liveStates: string[] }).liveStates);
    await expect.poll(states, wait).toEqual(['down', 'live']);
    expect(streams.size).toBe(1);
    expect(streams.has(open[0]!)).toBe(false);
    // A second person's first message: a row of its own in the list.
    await h.fb.sendText(PAGE_ID, personPsid(0), 'hello');
    await other().waitFor(soon);
  });

  it('shows what came while the pages were open on coming back to the same thread', async () => {
    await other().click();
    const thread = await page.evaluate(() => location.hash);
    await page.evaluate(() => {
      location.hash = '#/pages';
    });
    await page.getByTestId('pages-panel').waitFor(wait);
    await h.fb.sendText(PAGE_ID, personPsid(0), 'hello again');
    await h.settle();
    // The stream's notice reaches the page while it shows the pages: its loads are at least a second apart.
    await page.waitForTimeout(1_500);
    await page.evaluate((hash) => {
      location.hash = hash;
    }, thread);
    // The thread's polls are 30 s apart while the stream is live: only the return loads it this soon.
    await messages('contact', 'hello again').waitFor(soon);
    await lena().click();
    await expectText(page.getByTestId('thread-name'), 'Lena Okafor');
  });

  it('keeps the thread open when the skip link is followed', async () => {
    const skip = page.getByRole('link', { name: 'Skip to content' });
    await skip.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('#app');
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100)));
    expect(await page.getByTestId('thread').count()).toBe(1);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('app');
    await page.goBack();
    await expect.poll(() => page.evaluate(() => location.hash)).toMatch(/^#\/c\//);
    await expectText(page.getByTestId('thread-name'), 'Lena Okafor');
  });

  it('takes over, and a poll answered after the take-over, with what was before, does not flip it back', async () => {
    // The list's and the thread's next polls are answered now (routing: bot), and handed over only after the take-over.
    const held: (() => Promise<void>)[] = [];
    const kinds = new Set<string>();
    const polls = /\/api\/conversations(\?|\/[^/?]+\/messages\?limit=50$)/;
    let holding = true;
    await page.route(polls, async (route) => {
      if (!holding || route.request().method() !== 'GET') return route.continue();
      const response = await route.fetch();
      kinds.add(route.request().url().includes('/messages') ? 'thread' : 'list');
      held.push(() => route.fulfill({ response }));
    });
    // While the stream is live the polls are 30 s apart: the tab coming back into view brings them at once.
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await expect.poll(() => kinds.size, { timeout: 10_000 }).toBe(2);
    holding = false;
    await page.getByTestId('take-over').click();
    await expectText(page.getByTestId('thread-routing'), 'Agent');
    await expectText(lena().getByTestId('routing-badge'), 'Agent');
    const answered = held.length;
    let delivered = 0;
    page.on('requestfinished', (request) => {
      if (polls.test(request.url())) delivered += 1;
    });
    for (const fulfill of held) await fulfill();
    await expect.poll(() => delivered).toBeGreaterThanOrEqual(answered);
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100)));
    expect(await page.getByTestId('thread-routing').textContent()).toBe('Agent');
    expect(await lena().getByTestId('routing-badge').textContent()).toBe('Agent');
    await page.unroute(polls);
  });

  it('sends a reply clicked twice to the person once', async () => {
    await page.getByTestId('reply-input').fill(REPLY);
    await page.getByTestId('reply-send').dblclick();
    await messages('agent', REPLY).waitFor(wait);
    await h.fb.waitForPageMessages(
      PAGE_ID,
      PSID,
      (items) => items.some((item) => item.message?.text === REPLY),
      10_000,
    );
    await h.settle();
    const { items } = await h.fb.conversation(PAGE_ID, PSID);
    expect(items.filter((item) => item.message?.text === REPLY)).toHaveLength(1);
    // The thread follows the message's status as the gateway records it (sent, then delivered once Messenger says so).
    await page
      .locator(
        '[data-testid="message"][data-author="agent"]:is([data-status="sent"], [data-status="delivered"], [data-status="read"])',
      )
      .waitFor(wait);
    expect(await messages('agent', REPLY).count()).toBe(1);
    expect(await page.getByTestId('reply-input').inputValue()).toBe('');
  });

  it('sends a reply again with the same Idempotency-Key after its answer was lost, and the person gets it once', async () => {
    expectedFailures = [/^error \/api\/conversations\/[^/]+\/messages$/];
    const text = 'Your parcel left the depot this morning.';
    const keys: string[] = [];
    const replies = '**/api/conversations/*/messages';
    await page.route(replies, async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      if (keys.length > 1) return route.continue();
      // The gateway queues the reply, and its answer is lost on the way back.
      await route.fetch();
      await route.abort('failed');
    });
    await page.getByTestId('reply-input').fill(text);
    await page.getByTestId('reply-send').click();
    await expectText(page.getByTestId('reply-error'), 'Not sent');
    await page.getByTestId('reply-send').click();
    await messages('agent', text).waitFor(wait);
    await page.unroute(replies);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    await h.fb.waitForPageMessages(PAGE_ID, PSID, (items) => items.some((item) => item.message?.text === text), 10_000);
    await h.settle();
    const { items } = await h.fb.conversation(PAGE_ID, PSID);
    expect(items.filter((item) => item.message?.text === text)).toHaveLength(1);
    expect(await messages('agent', text).count()).toBe(1);
  });

  it('shows a picture the person sends inline, and a file as a link', async () => {
    const picture = await h.fb.upload(Buffer.from(PNG, 'base64'), 'mug.png', 'image/png');
    await h.fb.sendAttachments(PAGE_ID, PSID, [
      { type: 'image', url: picture.url },
      { type: 'file', url: 'https://example.com/invoice-2045.pdf' },
    ]);
    const message = page.locator('[data-testid="message"][data-author="contact"]', { has: page.locator('img') });
    await message.waitFor(wait);
    // Served by the emulator (the Graph API's origin), which the Content-Security-Policy lets pictures load from.
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll<HTMLImageElement>('.part-image img')).some((img) => img.naturalWidth > 0),
    );
    const file = page.locator('.part-media--file');
    expect(await file.getAttribute('href')).toBe('https://example.com/invoice-2045.pdf');
    expect(await file.getAttribute('rel')).toContain('noopener');
  });

  it('gives the conversation back and flags it with a reason', async () => {
    await page.getByTestId('give-back').click();
    await expectText(page.getByTestId('thread-routing'), 'Bot');

    expect(await page.getByTestId('flag').getAttribute('aria-expanded')).toBe('false');
    await page.getByTestId('flag').click();
    expect(await page.getByTestId('flag').getAttribute('aria-expanded')).toBe('true');
    const reason = page.getByTestId('flag-reason');
    await reason.fill('Parcel lost twice');
    // The person writes while the reason is typed: the header shows nothing that changed, so the field stays as it is.
    await reason.evaluate((el: HTMLInputElement & { kept?: boolean }) => {
      el.kept = true;
      el.setSelectionRange(7, 11);
    });
    await h.fb.sendText(PAGE_ID, PSID, 'still waiting');
    await messages('contact', 'still waiting').waitFor(wait);
    expect(
      await reason.evaluate(
        (el: HTMLInputElement & { kept?: boolean }) =>
          el.kept === true && document.activeElement === el && el.selectionStart === 7 && el.selectionEnd === 11,
      ),
    ).toBe(true);
    await page.getByTestId('flag-submit').click();
    await expectText(page.getByTestId('thread-flag'), 'Parcel lost twice');
    await expectText(lena().getByTestId('flag-badge'), 'Parcel lost twice');
    const { body } = await h.api('GET', '/api/conversations');
    expect(body.data[0]).toMatchObject({ routing: 'bot', flagged: true, flag_reason: 'Parcel lost twice' });
  });

  it('saves a screenshot of the inbox', async () => {
    await page.mouse.move(0, 0);
    const png = await page.screenshot({ animations: 'disabled' });
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    mkdirSync(new URL('../../test-results/', import.meta.url), { recursive: true });
    writeFileSync(new URL('../../test-results/inbox.png', import.meta.url), png);
    if (process.env.UPDATE_DOCS_SCREENSHOT === '1')
      writeFileSync(new URL('../../docs/inbox.png', import.meta.url), png);
  });

  it('keeps the keyboard focus on the header’s actions as they change', async () => {
    const focused = () =>
      page.evaluate(() => {
        const active = document.activeElement as HTMLElement | null;
        return active?.dataset.testid ?? active?.tagName;
      });
    await page.getByTestId('take-over').press('Enter');
    await expectText(page.getByTestId('thread-routing'), 'Agent');
    await expect.poll(focused).toBe('give-back');
    await page.keyboard.press('Enter');
    await expectText(page.getByTestId('thread-routing'), 'Bot');
    await expect.poll(focused).toBe('take-over');
    await page.getByTestId('clear-flag').press('Enter');
    await page.getByTestId('thread-flag').waitFor({ ...wait, state: 'detached' });
    await expect.poll(focused).toBe('flag');
    await page.keyboard.press('Enter');
    await expect.poll(focused).toBe('flag-reason');
    await page.keyboard.press('Escape');
    await expect.poll(focused).toBe('flag');
    await page.keyboard.press('Enter');
    await page.getByTestId('flag-cancel').press('Enter');
    await expect.poll(focused).toBe('flag');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Parcel lost twice');
    await page.keyboard.press('Enter');
    await expectText(page.getByTestId('thread-flag'), 'Parcel lost twice');
    await expect.poll(focused).toBe('clear-flag');
  });

  it('keeps the keyboard focus on a row drawn again as it changes', async () => {
    const focusedRow = () =>
      page.evaluate(() => {
        const active = document.activeElement as HTMLElement | null;
        return active?.dataset.testid === 'conversation' ? active.textContent : active?.tagName;
      });
    await lena().focus();
    const id = await lena().getAttribute('data-id');
    // Flagged anew from elsewhere (another agent): the row is drawn again with the new reason, then the old one.
    for (const reason of ['Asked twice', 'Parcel lost twice']) {
      await h.api('POST', `/api/conversations/${id}/flag`, { flagged: true, reason });
      await lena().filter({ hasText: reason }).waitFor(soon);
      expect(await focusedRow()).toContain('Lena Okafor');
    }
  });

  it('filters the list by routing and by flag', async () => {
    await h.fb.sendText(PAGE_ID, personPsid(0), 'hello');
    await other().waitFor(wait);
    await page.getByTestId('filter-routing').selectOption('human');
    await page.getByTestId('conversations-empty').waitFor(wait);
    expect(await lena().count()).toBe(0);
    expect(await other().count()).toBe(0);
    await page.getByTestId('filter-routing').selectOption('bot');
    await lena().waitFor(wait);
    await other().waitFor(wait);
    await page.getByTestId('filter-flagged').check();
    await other().waitFor({ ...wait, state: 'detached' });
    await lena().waitFor(wait);
    await page.getByTestId('filter-routing').selectOption('');
    await page.getByTestId('filter-flagged').uncheck();
    await lena().waitFor(wait);
    await other().waitFor(wait);
  });

  it('counts what a person wrote since the agent last looked, and clears it when the conversation is opened', async () => {
    await h.fb.sendText(PAGE_ID, personPsid(0), 'are you there?');
    await expectText(other().getByTestId('unread'), '1');
    expect(await lena().getByTestId('unread').count()).toBe(0);
    await other().click();
    await messages('contact', 'are you there?').waitFor(soon);
    await other()
      .getByTestId('unread')
      .waitFor({ ...soon, state: 'detached' });
    await lena().click();
    await expectText(page.getByTestId('thread-name'), 'Lena Okafor');
  });

  it('searches the list by name and by any message, as the agent types', async () => {
    const search = page.getByTestId('filter-search');
    await search.fill('okafor');
    await other().waitFor({ ...wait, state: 'detached' });
    await lena().waitFor(wait);
    // A message of hers further back than the one the row shows.
    await search.fill('where is my');
    await lena().waitFor(wait);
    expect(await other().count()).toBe(0);
    await search.fill('nobody wrote this');
    await expectText(page.getByTestId('conversations-empty'), 'No conversation matches.');
    await search.fill('');
    await lena().waitFor(wait);
    await other().waitFor(wait);
  });

  it('keeps a draft per conversation, and names the conversation of a reply that failed after the agent moved on', async () => {
    expectedFailures = [/^503 \/api\/conversations\/[^/]+\/messages$/];
    await lena().click();
    await expectText(page.getByTestId('thread-name'), 'Lena Okafor');
    await page.getByTestId('reply-input').fill('A draft for Lena');
    await other().click();
    await expectText(page.getByTestId('thread-name'), 'Person0 Test');
    expect(await page.getByTestId('reply-input').inputValue()).toBe('');
    // The answer to this reply comes once the agent is in another conversation, and it is a failure.
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => {
      answer = resolve;
    });
    const replies = '**/api/conversations/*/messages';
    await page.route(replies, async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      await answered;
      await route.fulfill({ status: 503, json: { error: { code: 'SB_UNAVAILABLE', message: 'restarting' } } });
    });
    await page.getByTestId('reply-input').fill('Hello, how can I help?');
    await page.getByTestId('reply-send').click();
    await lena().click();
    await expectText(page.getByTestId('thread-name'), 'Lena Okafor');
    expect(await page.getByTestId('reply-input').inputValue()).toBe('A draft for Lena');
    answer();
    await expectText(page.getByTestId('reply-failed'), 'Your reply to Person0 Test was not sent');
    await page.unroute(replies);
    await other().click();
    await expectText(page.getByTestId('thread-name'), 'Person0 Test');
    expect(await page.getByTestId('reply-input').inputValue()).toBe('Hello, how can I help?');
    await page.getByTestId('reply-failed').getByRole('button', { name: 'Dismiss' }).click();
    await page.getByTestId('reply-input').fill('');
    await lena().click();
    await page.getByTestId('reply-input').fill('');
  });

  it('sends a reply once when the agent leaves and comes back before the answer', async () => {
    const text = 'Your refund went out today.';
    const keys: string[] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const replies = '**/api/conversations/*/messages';
    await page.route(replies, async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      await released;
      await route.continue();
    });
    await expectText(page.getByTestId('thread-name'), 'Lena Okafor');
    const input = page.getByTestId('reply-input');
    await input.fill(text);
    await input.press('Enter');
    await expect.poll(() => keys.length).toBe(1);
    await other().click();
    await expectText(page.getByTestId('thread-name'), 'Person0 Test');
    await lena().click();
    await expectText(page.getByTestId('thread-name'), 'Lena Okafor');
    // The reply on its way shows as sending, and cannot be sent again meanwhile.
    expect(await input.inputValue()).toBe(text);
    expect(await input.isEditable()).toBe(false);
    await expectText(page.getByTestId('reply-send'), 'Sending…');
    release();
    await messages('agent', text).waitFor(wait);
    // An agent who saw the text still in the box would send it again.
    await input.press('Enter');
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 200)));
    await page.unroute(replies);
    await h.fb.waitForPageMessages(PAGE_ID, PSID, (items) => items.some((item) => item.message?.text === text), 10_000);
    await h.settle();
    const { items } = await h.fb.conversation(PAGE_ID, PSID);
    expect(items.filter((item) => item.message?.text === text)).toHaveLength(1);
    expect(keys).toHaveLength(1);
    expect(await input.inputValue()).toBe('');
    expect(await input.isEditable()).toBe(true);
  });

  it('follows the pages of each poll: a page added shows in the filter and as the rows’ page badges', async () => {
    const pages = '**/api/pages';
    await page.route(pages, async (route) => {
      const response = await route.fetch();
      const body = await response.json();
      body.data.push({ ...body.data[0], id: '3000', name: 'Acme Annex' });
      await route.fulfill({ response, json: body });
    });
    await page.getByTestId('nav-pages').click();
    await page.getByTestId('page-row').filter({ hasText: 'Acme Annex' }).waitFor(wait);
    await page.getByTestId('nav-conversations').click();
    await expectText(lena().getByTestId('page-badge'), 'Acme Shop');
    expect(await page.getByTestId('filter-page').isVisible()).toBe(true);
    // Filtered by the page that is about to go: once it is gone, the list is of all pages again.
    await page.getByTestId('filter-page').selectOption('3000');
    await lena().waitFor({ ...wait, state: 'detached' });
    await page.unroute(pages);
    await page.getByTestId('nav-pages').click();
    await page
      .getByTestId('page-row')
      .filter({ hasText: 'Acme Annex' })
      .waitFor({ ...wait, state: 'detached' });
    await page.getByTestId('nav-conversations').click();
    await lena()
      .getByTestId('page-badge')
      .waitFor({ ...wait, state: 'detached' });
    await lena().waitFor(wait);
    expect(await page.getByTestId('filter-page').isVisible()).toBe(false);
    expect(await page.getByTestId('filter-page').inputValue()).toBe('');
  });

  it('announces a list poll that keeps failing once, not at each failure', async () => {
    expectedFailures = [/^503 \/api\/conversations$/];
    const polls = '**/api/conversations?*';
    await page.route(polls, (route) =>
      route.fulfill({ status: 503, json: { error: { code: 'SB_UNAVAILABLE', message: 'restarting' } } }),
    );
    let failures = 0;
    const count = (response: { url(): string }) => {
      if (response.url().includes('/api/conversations?')) failures += 1;
    };
    page.on('response', count);
    await page.getByTestId('nav-pages').click();
    await page.getByTestId('nav-conversations').click();
    const notice = page.getByTestId('notice').filter({ hasText: 'Could not load conversations' });
    await notice.waitFor(wait);
    await notice.evaluate((el: HTMLElement & { kept?: boolean }) => {
      el.kept = true;
    });
    const before = failures;
    await page.getByTestId('nav-pages').click();
    await page.getByTestId('nav-conversations').click();
    await expect.poll(() => failures).toBeGreaterThan(before);
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100)));
    expect(await notice.evaluate((el: HTMLElement & { kept?: boolean }) => el.kept)).toBe(true);
    page.off('response', count);
    await page.unroute(polls);
    await page.getByTestId('nav-pages').click();
    await page.getByTestId('nav-conversations').click();
    await notice.waitFor({ ...wait, state: 'detached' });
  });

  it('lists the pages with their health, and says when connecting pages is not available', async () => {
    expectedFailures = [/^404 \/api\/oauth\/facebook\/start$/];
    await page.getByTestId('nav-pages').click();
    const acme = page.getByTestId('page-row').filter({ hasText: 'Acme Shop' });
    await expectText(acme.getByTestId('page-health'), 'Healthy');
    await expectText(acme.getByTestId('page-failures'), 'none');
    // What start-up's upkeep did through Graph: the webhooks the page sends the app, and its Messenger profile.
    await expectText(acme.getByTestId('page-subscription'), 'Webhooks: Subscribed');
    await expectText(acme.getByTestId('page-profile'), 'Messenger profile: In sync with the configuration');
    // Answered here as a gateway without page connection would: the real endpoint may exist by now.
    await page.route('**/api/oauth/facebook/start', (route) =>
      route.fulfill({
        status: 404,
        contentType: 'application/json',
        body: '{"error":{"code":"SB_NOT_FOUND","message":"no such resource"}}',
      }),
    );
    await page.getByTestId('connect-page').click();
    await expectText(page.getByTestId('connect-status'), 'Connecting pages is not available on this gateway');
    await page.unroute('**/api/oauth/facebook/start');
  });

  it('asks which app to connect pages through when several are configured, and starts the login with it', async () => {
    expectedFailures = [/^404 \/api\/oauth\/facebook\/start$/];
    // The harness configures one app: a gateway with two is answered here, and the start it gets is kept.
    await page.route('**/api/apps', (route) => route.fulfill({ json: { data: [{ id: APP_ID }, { id: '777' }] } }));
    const started: unknown[] = [];
    await page.route('**/api/oauth/facebook/start', (route) => {
      started.push(route.request().postDataJSON());
      return route.fulfill({ status: 404, json: { error: { code: 'SB_NOT_FOUND', message: 'no such resource' } } });
    });
    await page.reload();
    await page.getByTestId('nav-pages').click();
    const picker = page.getByTestId('connect-app');
    await picker.waitFor(wait);
    expect(await picker.locator('option').allTextContents()).toEqual([`App ${APP_ID}: Acme Shop`, 'App 777']);
    await picker.selectOption('777');
    await page.getByTestId('connect-page').click();
    await expectText(page.getByTestId('connect-status'), 'Connecting pages is not available on this gateway');
    expect(started).toEqual([{ app_id: '777' }]);
    await page.unrouteAll();
    await page.reload();
    await page.getByTestId('nav-pages').click();
    await page.getByTestId('connect-page').waitFor(wait);
    expect(await picker.isVisible()).toBe(false); // One app: nothing to pick.
  });

  it('connects a page through Facebook Login (the emulator’s dialog), comes back signed in and says so once', async () => {
    await h.fb.createPage({ id: NEW_PAGE, name: 'Acme Outlet', app_id: APP_ID, subscribe_app: false });
    await h.fb.createAccount({ name: 'Alex Admin', pages: [{ page_id: NEW_PAGE }] });
    // The harness's PUBLIC_URL has no port: Facebook's redirect to it goes on to the gateway's real address.
    await page.route(/^http:\/\/127\.0\.0\.1\/oauth\//, (route) =>
      route.continue({ url: route.request().url().replace('http://127.0.0.1/', `${h.gatewayUrl}/`) }),
    );
    await page.getByTestId('connect-page').click();
    await page.getByTestId('oauth-approve').waitFor(wait);
    // Back from Facebook's dialog without connecting: Connect works again.
    await page.goBack();
    await page.getByTestId('connect-page').waitFor(wait);
    expect(await page.getByTestId('connect-page').isEnabled()).toBe(true);
    await page.getByTestId('connect-page').click();
    await page.getByTestId('oauth-approve').click();
    await expectText(page.getByTestId('connect-notice'), 'Connected 1 Facebook page');
    expect(new URL(page.url()).search).toBe('');
    await expectText(page.getByTestId('signed-in-as'), ADMIN.email);
    await page.getByTestId('page-row').filter({ hasText: 'Acme Outlet' }).waitFor(wait);
    await page.reload();
    await page.getByTestId('pages-panel').waitFor(wait);
    expect(await page.getByTestId('connect-notice').count()).toBe(0);
    // Facebook's own redirect leaves `#_=_` on the address (the emulator's does not): the pages still show.
    await page.goto(`${h.gatewayUrl}/inbox/?connected=1#_=_`);
    await expectText(page.getByTestId('connect-notice'), 'Connected 1 Facebook page');
    await page.getByTestId('pages-panel').waitFor(wait);
    expect(new URL(page.url()).hash).toBe('#/pages');
    await page.unrouteAll();
  });

  it('waits for a gateway that is restarting at a reload, instead of asking to sign in again', async () => {
    expectedFailures = [/^503 \/api\/pages$/];
    const pages = '**/api/pages';
    await page.route(pages, (route) =>
      route.fulfill({ status: 503, json: { error: { code: 'SB_UNAVAILABLE', message: 'restarting' } } }),
    );
    await page.reload();
    await expectText(page.getByTestId('start-notice'), 'The gateway is restarting');
    expect(await page.getByTestId('sign-in-form').count()).toBe(0);
    await page.unroute(pages);
    await expectText(page.getByTestId('signed-in-as'), ADMIN.email);
    await page.getByTestId('start-notice').waitFor({ ...wait, state: 'detached' });

    // Who is signed in is waited for the same way: the inbox opened blank when that call failed.
    expectedFailures = [/^503 \/api\/me$/];
    const me = '**/api/me';
    await page.route(me, (route) =>
      route.fulfill({ status: 503, json: { error: { code: 'SB_UNAVAILABLE', message: 'restarting' } } }),
    );
    await page.reload();
    await expectText(page.getByTestId('start-notice'), 'The gateway is restarting');
    await page.unroute(me);
    await expectText(page.getByTestId('signed-in-as'), ADMIN.email);
    await page.getByTestId('start-notice').waitFor({ ...wait, state: 'detached' });
  });

  it('shows the list or the thread, one at a time, on a narrow screen, within its width', async () => {
    /** How far the page reaches sideways, and whether Sign out is on the screen. */
    const fits = () =>
      page.evaluate(() => ({
        scrolls: document.documentElement.scrollWidth > innerWidth,
        signOut: document.querySelector('[data-testid="sign-out"]')!.getBoundingClientRect().right <= innerWidth,
      }));
    await page.setViewportSize({ width: 320, height: 800 });
    try {
      await page.getByTestId('nav-conversations').click();
      await lena().waitFor(wait);
      // A preview is one line, cut: the list does not grow as wide as it (a plain 1fr column did).
      expect(await fits()).toEqual({ scrolls: false, signOut: true });
      expect(await page.getByTestId('thread').count()).toBe(0);
      await lena().click();
      await page.getByTestId('thread').waitFor(wait);
      expect(await lena().isVisible()).toBe(false);
      expect(await fits()).toEqual({ scrolls: false, signOut: true });
      // The actions go below the name rather than over it.
      const name = await page.getByTestId('thread-name').boundingBox();
      const action = await page.locator('.thread__actions').boundingBox();
      expect(action!.y).toBeGreaterThanOrEqual(name!.y + name!.height);
      await page.getByTestId('back').click();
      await lena().waitFor(wait);
      // From the keyboard: into the conversation opened, and back onto its row, never to the top of the page.
      const focused = () =>
        page.evaluate(
          () => (document.activeElement as HTMLElement | null)?.dataset.testid ?? document.activeElement?.tagName,
        );
      await lena().press('Enter');
      await page.getByTestId('thread').waitFor(wait);
      expect(await focused()).toBe('thread-log');
      await page.getByTestId('back').press('Enter');
      await lena().waitFor(wait);
      expect(await focused()).toBe('conversation');
    } finally {
      await page.setViewportSize({ width: 1280, height: 820 });
    }
  });

  it('signs out, and the session is gone: its work answered afterwards says nothing on the sign-in screen', async () => {
    expectedFailures = [/^503 \/api\/conversations\/[^/]+\/(messages|routing)$/];
    await lena().click();
    await expectText(page.getByTestId('thread-name'), 'Lena Okafor');
    // A reply and a take-over on their way at the sign-out, both answered afterwards with a failure.
    const actions = /\/api\/conversations\/[^/]+\/(messages|routing)$/;
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => {
      answer = resolve;
    });
    let held = 0;
    let failed = 0;
    await page.route(actions, async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      held += 1;
      await answered;
      await route.fulfill({ status: 503, json: { error: { code: 'SB_UNAVAILABLE', message: 'restarting' } } });
      failed += 1;
    });
    await page.getByTestId('reply-input').fill('A reply that is never sent');
    await page.getByTestId('reply-input').press('Enter');
    await page.getByTestId('take-over').click();
    await expect.poll(() => held).toBe(2);
    await page.getByTestId('sign-out').click();
    await page.getByTestId('sign-in-form').waitFor(wait);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    answer();
    await expect.poll(() => failed).toBe(2);
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 200)));
    expect(await page.locator('.notice').allTextContents()).toEqual([]);
    await page.unroute(actions);
  });

  it('stays signed in when a request of the session before is refused late', async () => {
    expectedFailures = [/^401 \/api\/conversations$/];
    let refuse!: () => void;
    const refused = new Promise<void>((resolve) => {
      refuse = resolve;
    });
    let finished = false;
    const polls = '**/api/conversations?*';
    let held = false;
    await page.route(polls, async (route) => {
      if (held) return route.continue();
      held = true;
      await refused;
      await route.fulfill({ status: 401, json: { error: { code: 'SB_UNAUTHENTICATED', message: 'sign in first' } } });
      finished = true;
    });
    await page.getByTestId('sign-in-email').fill(ADMIN.email);
    await page.getByTestId('sign-in-password').fill(ADMIN.password);
    await page.getByTestId('sign-in-submit').click();
    await expect.poll(() => held).toBe(true);
    await page.getByTestId('sign-out').click();
    // Signed in again with other credentials (the same account: emails are matched without case).
    await page.getByTestId('sign-in-email').fill(ADMIN.email.toUpperCase());
    await page.getByTestId('sign-in-password').fill(ADMIN.password);
    await page.getByTestId('sign-in-submit').click();
    await lena().waitFor(wait);
    refuse();
    await expect.poll(() => finished).toBe(true);
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100)));
    expect(await page.getByTestId('signed-in-as').textContent()).toBe(ADMIN.email.toUpperCase());
    await page.unroute(polls);
    await page.getByTestId('sign-out').click();
    await page.getByTestId('sign-in-form').waitFor(wait);
  });

  it('goes back to the sign-in form, saying why, when the credentials stop working', async () => {
    const requested: string[] = [];
    const note = (request: { url(): string }) => {
      const path = new URL(request.url()).pathname;
      if (path === '/api/pages' || path === '/api/conversations') requested.push(path);
    };
    page.on('request', note);
    await page.getByTestId('sign-in-email').fill(ADMIN.email);
    await page.getByTestId('sign-in-password').fill(ADMIN.password);
    await page.getByTestId('sign-in-submit').click();
    await lena().waitFor(wait);
    await liveStatus('live').waitFor(wait);
    page.off('request', note);
    // One look at the pages: the sign-in's check. (The list loads, and again once the stream is ready.)
    expect(requested.filter((path) => path === '/api/pages')).toHaveLength(1);
    // As the gateway answers once the password was changed elsewhere, here to the list's load after a change.
    expectedFailures = [/^401 \/api\/conversations$/];
    await page.route('**/api/conversations?*', (route) =>
      route.fulfill({ status: 401, json: { error: { code: 'SB_UNAUTHENTICATED', message: 'sign in first' } } }),
    );
    await h.fb.sendText(PAGE_ID, personPsid(0), 'anyone there?');
    await expectText(page.getByTestId('sign-in-error'), 'Your session has ended');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await page.unrouteAll();
  });

  it('goes back to the sign-in form, saying why, when the live stream is refused', async () => {
    expectedFailures = [/^401 \/api\/stream$/];
    await page.route('**/api/stream', (route) =>
      route.fulfill({ status: 401, json: { error: { code: 'SB_UNAUTHENTICATED', message: 'sign in first' } } }),
    );
    await page.getByTestId('sign-in-email').fill(ADMIN.email);
    await page.getByTestId('sign-in-password').fill(ADMIN.password);
    await page.getByTestId('sign-in-submit').click();
    await expectText(page.getByTestId('sign-in-error'), 'Your session has ended');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await page.unrouteAll();
  });

  it('shows a change to a conversation loaded with "load more", told by the live stream', async () => {
    for (let i = 1; i <= BELOW_THE_FOLD; i += 1) await h.fb.sendText(PAGE_ID, personPsid(i), 'hello');
    const listed = async () => (await h.api('GET', '/api/conversations?limit=200')).body.data as { id: string }[];
    await expect.poll(async () => (await listed()).length, wait).toBe(BELOW_THE_FOLD + 2);
    await page.getByTestId('sign-in-email').fill(ADMIN.email);
    await page.getByTestId('sign-in-password').fill(ADMIN.password);
    await page.getByTestId('sign-in-submit').click();
    await liveStatus('live').waitFor(wait);
    await page.getByTestId('conversation').nth(49).waitFor(wait);
    expect(await lena().count()).toBe(0);
    // From the keyboard: the focus stays on the button, or goes on to the first row it brought, not to the page.
    await page.getByTestId('load-more').press('Enter');
    await lena().waitFor(wait);
    const focused = () =>
      page.evaluate(
        () => (document.activeElement as HTMLElement | null)?.dataset.testid ?? document.activeElement?.tagName,
      );
    await expect.poll(focused).toMatch(/^(load-more|conversation)$/);

    const id = (await listed()).find((c) => (c as { contact_external_id?: string }).contact_external_id === PSID)?.id;
    const reason = 'Looked at from below the fold';
    expect((await h.api('POST', `/api/conversations/${id}/flag`, { flagged: true, reason })).status).toBe(200);
    await lena().filter({ hasText: reason }).waitFor(soon);
  });

  it('speaks each new message once, and not the messages drawn again as their status changes', async () => {
    await lena().click();
    await expectText(page.getByTestId('thread-name'), 'Lena Okafor');
    expect(await page.getByTestId('thread-log').getAttribute('aria-live')).toBe('off');
    await page.evaluate(() => {
      const announcer = document.querySelector('[data-testid="thread-announcer"]')!;
      const said: string[] = [];
      Object.assign(window, { said });
      new MutationObserver(() => said.push(announcer.textContent ?? '')).observe(announcer, {
        childList: true,
        characterData: true,
        subtree: true,
      });
    });
    const before = await page.getByTestId('message').count();
    await h.fb.sendText(PAGE_ID, PSID, 'one more thing');
    await messages('contact', 'one more thing').waitFor(soon);
    // Whoever answers her (the assistant, or nobody while people have the conversation), an agent does: their reply goes
    // from sending to sent to delivered, drawn again each time, and spoken once.
    const id = await page.getByTestId('thread').getAttribute('data-id');
    expect((await h.api('POST', `/api/conversations/${id}/messages`, { text: 'Noted, thank you' })).status).toBe(202);
    await h.settle();
    const reply = messages('agent', 'Noted, thank you');
    await expect.poll(() => reply.getAttribute('data-status'), wait).toMatch(/^(delivered|read)$/);
    await page.waitForTimeout(300);
    const arrived = (await page.getByTestId('message').count()) - before;
    const spoken = (await page.evaluate(() => (window as unknown as { said: string[] }).said)).join('. ');
    expect(spoken.match(/Lena Okafor: one more thing/g)).toHaveLength(1);
    expect(spoken.match(/Agent · Admin: Noted, thank you/g)).toHaveLength(1);
    expect(spoken.match(/(Lena Okafor|Assistant|Agent · Admin): /g)).toHaveLength(arrived);
  });

  it('shows the message a person replied to above her reply', async () => {
    await lena().click();
    const agent = messages('agent', 'Noted, thank you');
    await agent.waitFor(soon);
    const { body } = await h.api(
      'GET',
      `/api/conversations/${await page.getByTestId('thread').getAttribute('data-id')}/messages`,
    );
    const quoted = body.data.messages.find((m: { text: string }) => m.text === 'Noted, thank you');
    await h.fb.sendText(PAGE_ID, PSID, 'thanks for that', { replyTo: quoted.external_id });
    const reply = messages('contact', 'thanks for that');
    await reply.waitFor(soon);
    await expectText(reply.getByTestId('message-quote'), '↩ Agent · AdminNoted, thank you');
  });

  it('takes the reader to the message a reply quotes, loading older messages until it is there', async () => {
    const id = await page.getByTestId('thread').getAttribute('data-id');
    const all = (await h.api('GET', `/api/conversations/${id}/messages?limit=200`)).body.data.messages;
    const first = all.find((m: { direction: string }) => m.direction === 'in');
    // Her first message falls out of the thread's first page (50 messages) behind the agent's.
    for (let i = 1; i <= 50; i += 1) {
      expect((await h.api('POST', `/api/conversations/${id}/messages`, { text: `Update ${i}` })).status).toBe(202);
    }
    await h.settle();
    await h.fb.sendText(PAGE_ID, PSID, 'about my first message', { replyTo: first.external_id });
    const reply = messages('contact', 'about my first message');
    await reply.waitFor(soon);
    // Opened again, the thread has the newest page only.
    await page.reload();
    await reply.waitFor(wait);
    const quoted = page.locator(`[data-testid="message"][data-id="${first.id}"]`);
    expect(await quoted.count()).toBe(0);
    const quote = reply.getByTestId('message-quote');
    expect(await quote.evaluate((el) => el.tagName)).toBe('BUTTON');
    expect(await quote.getAttribute('aria-label')).toMatch(/^Go to the message this replies to: Lena Okafor, /);

    const inView = () =>
      quoted.evaluate((el) => {
        const log = document.querySelector('[data-testid="thread-log"]')!.getBoundingClientRect();
        const box = el.getBoundingClientRect();
        return box.top >= log.top && box.bottom <= log.bottom;
      });
    // From the keyboard: older pages load, the log scrolls (smoothly) to the message, highlighted, with the focus.
    await quote.focus();
    await page.keyboard.press('Enter');
    await page.locator(`[data-testid="message"][data-id="${first.id}"].message--highlighted`).waitFor(wait);
    await expect.poll(inView, soon).toBe(true);
    expect(await quoted.evaluate((el) => el === document.activeElement)).toBe(true);
    // The highlight lasts a moment.
    await expect.poll(() => quoted.getAttribute('class'), soon).not.toContain('message--highlighted');

    // With reduced motion, the log jumps: the message is in view as its highlight begins.
    await page.emulateMedia({ reducedMotion: 'reduce' });
    try {
      await page.getByTestId('thread-log').evaluate((log) => {
        log.scrollTop = log.scrollHeight;
      });
      expect(await inView()).toBe(false);
      await quoted.evaluate((el) => {
        const log = document.querySelector('[data-testid="thread-log"]')!;
        new MutationObserver((_, observer) => {
          const box = el.getBoundingClientRect();
          const frame = log.getBoundingClientRect();
          Object.assign(window, { jumped: box.top >= frame.top && box.bottom <= frame.bottom });
          observer.disconnect();
        }).observe(el, { attributeFilter: ['class'] });
      });
      await quote.click();
      await expect.poll(() => page.evaluate(() => (window as unknown as { jumped?: boolean }).jumped), soon).toBe(true);
    } finally {
      await page.emulateMedia({ reducedMotion: null });
    }
  });

  it('lets the admin add an agent, who works without page or team controls and chooses a password, then removes her', async () => {
    const signInAs = async (email: string, password: string) => {
      await page.getByTestId('sign-in-email').fill(email);
      await page.getByTestId('sign-in-password').fill(password);
      await page.getByTestId('sign-in-submit').click();
      await expectText(page.getByTestId('signed-in-as'), email);
    };
    const member = (email: string) => page.locator(`[data-testid="team-member"][data-email="${email}"]`);

    await page.getByTestId('nav-team').click();
    await expectText(member(ADMIN.email), 'the admin of the configuration');
    await page.getByTestId('team-add').getByLabel('Email').fill('ana@example.com');
    await page.getByTestId('team-add').getByLabel('Name (optional)').fill('Ana Silva');
    await page.getByTestId('team-add').getByRole('button', { name: 'Add' }).click();
    await expectText(page.getByTestId('team-outcome'), 'Added ana@example.com');
    const password = (await page.getByTestId('generated-password').textContent())!.trim();
    expect(password).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await member('ana@example.com').getAttribute('data-role')).toBe('agent');

    await page.getByTestId('sign-out').click();
    await signInAs('ana@example.com', password);
    await page.getByTestId('nav-pages').click();
    await page.getByTestId('page-row').first().waitFor(wait);
    expect(await page.getByTestId('connect-page').isVisible()).toBe(false);
    await page.getByTestId('nav-team').click();
    await member('ana@example.com').waitFor(wait);
    expect(await page.getByTestId('team-add').isVisible()).toBe(false);
    expect(await page.getByTestId('member-remove').count()).toBe(0);

    const own = page.getByTestId('own-password');
    await own.getByLabel('New password').fill('ana chose this one');
    await own.getByLabel('Again').fill('ana chose this one');
    await own.getByRole('button', { name: 'Change my password' }).click();
    await expectText(page.getByTestId('own-password-status'), 'Your password is changed.');
    // The session carries the new password: a reload keeps her signed in, and the old one no longer works.
    await page.reload();
    await member('ana@example.com').waitFor(wait);
    const old = `Basic ${Buffer.from(`ana@example.com:${password}`).toString('base64')}`;
    expect((await h.api('GET', '/api/me', undefined, old)).status).toBe(401);

    await page.getByTestId('sign-out').click();
    await signInAs(ADMIN.email, ADMIN.password);
    await page.getByTestId('nav-team').click();
    await member('ana@example.com').getByTestId('member-remove').click();
    await member('ana@example.com').getByTestId('member-confirm-remove').click();
    await expectText(page.getByTestId('team-outcome'), 'Removed Ana Silva (ana@example.com).');
    await member('ana@example.com').waitFor({ state: 'detached', ...wait });

    // Another admin manages no one of the configuration, nor themselves: a password generated for her own account
    // would end her session before she noted it. Hers is chosen under "Your password".
    await page.getByTestId('team-add').getByLabel('Email').fill('bea@example.com');
    await page.getByTestId('team-add').getByLabel('Role').selectOption('admin');
    await page.getByTestId('team-add').getByRole('button', { name: 'Add' }).click();
    await expectText(page.getByTestId('team-outcome'), 'Added bea@example.com');
    const beas = (await page.getByTestId('generated-password').textContent())!.trim();
    await page.getByTestId('sign-out').click();
    await signInAs('bea@example.com', beas);
    await page.getByTestId('nav-team').click();
    await member('bea@example.com').waitFor(wait);
    // Only a name to give: her own, and the configured admin's.
    expect(await member('bea@example.com').getByRole('button').allTextContents()).toEqual(['Rename…']);
    expect(await member(ADMIN.email).getByRole('button').allTextContents()).toEqual(['Rename…']);
    expect(await page.getByTestId('own-password').isVisible()).toBe(true);

    await page.getByTestId('sign-out').click();
    await signInAs(ADMIN.email, ADMIN.password);
  });

  it('shows whose a conversation is, filters by it, and assigns it from the thread', async () => {
    await page.getByTestId('nav-conversations').click();
    await lena().click();
    const assignee = page.getByTestId('assignee');
    await assignee.waitFor(wait);
    const assignTo = async (label: string) => {
      await assignee.selectOption({ label });
      await page.getByTestId('assign').click();
    };
    const me = (await h.api('GET', '/api/me')).body.data;
    // Taken over by the admin in an earlier test: theirs.
    expect(await assignee.inputValue()).toBe(me.id);
    await expectText(lena().getByTestId('assignee-badge'), 'Admin');
    await page.getByTestId('filter-assignee').selectOption({ label: 'Mine' });
    await other().waitFor({ state: 'detached', ...wait });
    await lena().waitFor(wait);

    await assignTo('Nobody');
    await lena().waitFor({ state: 'detached', ...wait });
    const id = await page.getByTestId('thread').getAttribute('data-id');
    expect((await h.api('GET', `/api/conversations?ids=${id}`)).body.data[0].assignee_id).toBeNull();

    await page.getByTestId('filter-assignee').selectOption({ label: 'Nobody' });
    await lena().waitFor(wait);
    expect(await lena().getByTestId('assignee-badge').count()).toBe(0);
    await assignTo('Admin (me)');
    await lena().waitFor({ state: 'detached', ...wait });
    await page.getByTestId('filter-assignee').selectOption({ label: 'Anyone' });
    await expectText(lena().getByTestId('assignee-badge'), 'Admin');
  });

  it('assigns from the keyboard only once the choice is confirmed: arrowing through the team assigns no one', async () => {
    const id = (await page.getByTestId('thread').getAttribute('data-id')) as string;
    const assigneeOf = async () => (await h.api('GET', `/api/conversations?ids=${id}`)).body.data[0].assignee_id;
    const bea = (await h.api('GET', '/api/users')).body.data.find(
      (u: { email: string }) => u.email === 'bea@example.com',
    );
    const posted: unknown[] = [];
    const onRequest = (request: Request) => {
      if (request.method() === 'POST' && request.url().endsWith('/assignee'))
        posted.push(request.postDataJSON().user_id);
    };
    page.on('request', onRequest);
    try {
      const assignee = page.getByTestId('assignee');
      await assignee.focus();
      // Chromium moves a closed <select> with each arrow key, and fires `change` each time: Nobody, Admin, bea.
      await page.keyboard.press('ArrowUp');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await expect.poll(assigneeOf, wait).toBe(bea.id);
      // Chromium tells of the request over its protocol, which a loaded machine may deliver after the API answered.
      await expect.poll(() => posted, wait).toEqual([bea.id]);
      expect(await assignee.inputValue()).toBe(bea.id);
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('assign');
    } finally {
      page.off('request', onRequest);
    }
  });

  it('follows a role an admin changes while the person works: the admin controls come and go without a reload', async () => {
    const cara = (await h.api('POST', '/api/users', { email: 'cara@example.com', name: 'Cara' })).body.data;
    const tab = await browser.newPage({ viewport: { width: 1280, height: 820 } });
    try {
      await tab.goto(`${h.gatewayUrl}/inbox/#/pages`);
      await tab.getByTestId('sign-in-email').fill('cara@example.com');
      await tab.getByTestId('sign-in-password').fill(cara.password);
      await tab.getByTestId('sign-in-submit').click();
      await tab.getByTestId('page-row').first().waitFor(wait);
      await tab.locator('[data-testid="live-status"][data-state="live"]').waitFor(wait);
      expect(await tab.getByTestId('connect-page').isVisible()).toBe(false);

      // Her stream ends with the change, and the inbox reads who she is as it connects again.
      expect((await h.api('PATCH', `/api/users/${cara.user.id}`, { role: 'admin' })).status).toBe(200);
      await tab.getByTestId('connect-page').waitFor(soon);
      expect((await h.api('PATCH', `/api/users/${cara.user.id}`, { role: 'agent' })).status).toBe(200);
      await tab.getByTestId('connect-page').waitFor({ state: 'hidden', ...soon });
    } finally {
      await tab.close();
      await h.api('DELETE', `/api/users/${cara.user.id}`);
    }
  });

  it('names an assignee renamed on every row, even one the list does not read again', async () => {
    await page.getByTestId('nav-conversations').click();
    const bea = (await h.api('GET', '/api/users')).body.data.find(
      (u: { email: string }) => u.email === 'bea@example.com',
    );
    // Assigned to her in the test before.
    await expectText(lena().getByTestId('assignee-badge'), 'bea@example.com');
    // No row is read again from here on: only the team is, as the Team view opens.
    const held = '**/api/conversations?**';
    expectedFailures = [/^error \/api\/conversations$/];
    await page.route(held, (route) => route.abort());
    try {
      expect((await h.api('PATCH', `/api/users/${bea.id}`, { name: 'Bea Renamed' })).status).toBe(200);
      await page.getByTestId('nav-team').click();
      await page.getByTestId('nav-conversations').click();
      await expectText(lena().getByTestId('assignee-badge'), 'Assigned to Bea Renamed');
    } finally {
      await page.unroute(held);
    }
  });

  it("lets an admin change a page's settings, which the gateway applies and Messenger's profile follows", async () => {
    const text = 'We are closed for the day: back tomorrow at nine.';
    await page.getByTestId('nav-pages').click();
    const row = page.locator(`[data-testid="page-row"][data-id="${PAGE_ID}"]`);
    await row.getByTestId('page-settings-toggle').click();
    const form = row.getByTestId('page-settings');
    await form.waitFor(wait);
    const status = form.getByTestId('settings-status');
    try {
      expect(await form.getByTestId('setting-auto_replies').isChecked()).toBe(true);
      await form.getByTestId('setting-auto_replies').uncheck();
      await form.getByTestId('setting-away_message').fill(text);
      await form.getByTestId('setting-greeting').fill('Hello {{user_first_name}}, ask us anything.');
      // A time zone that does not exist: refused, with the gateway's words, and nothing saved.
      expectedFailures = [/^400 \/api\/pages\/[^/]+\/settings$/];
      await form.getByTestId('setting-time_zone').fill('Mars/Olympus_Mons');
      await form.getByTestId('hours-mon').fill('09:00-17:00');
      await form.getByRole('button', { name: 'Save settings' }).click();
      await expectText(status, 'Not saved. Business hours: unknown time zone');
      const before = (await h.api('GET', '/api/pages')).body.data.find((p: { id: string }) => p.id === PAGE_ID);
      expect(before.settings.auto_replies).toBe(true);

      // Another admin changes another setting meanwhile: the page is drawn again, and what was typed survives it.
      expect((await h.api('PATCH', `/api/pages/${PAGE_ID}/settings`, { readable_length: 500 })).status).toBe(200);
      await page.getByTestId('nav-conversations').click();
      const polled = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/pages');
      await page.getByTestId('nav-pages').click();
      await polled;
      // Drawn once the answer is read: a frame later.
      await page.evaluate(() => new Promise((drawn) => requestAnimationFrame(drawn)));
      expect(await form.getByTestId('setting-away_message').inputValue()).toBe(text);
      await form.getByTestId('setting-time_zone').fill('');
      await form.getByTestId('hours-mon').fill('');
      await form.getByRole('button', { name: 'Save settings' }).click();
      await expect.poll(() => status.textContent(), wait).toBe('Saved, and the greeting is on Messenger.');
      const after = (await h.api('GET', '/api/pages')).body.data.find((p: { id: string }) => p.id === PAGE_ID);
      // Only what this admin changed was sent: the other admin's change stands.
      expect(after.settings).toMatchObject({ auto_replies: false, away_message: text, readable_length: 500 });
      expect(after.settings.business_hours).toBeUndefined();
      expect((await h.fb.pageProfile(PAGE_ID)).greeting).toEqual([
        { locale: 'default', text: 'Hello {{user_first_name}}, ask us anything.' },
      ]);

      // The assistant is off: a person writing gets the away message.
      await h.fb.sendText(PAGE_ID, personPsid(3), 'is anyone there?');
      await h.fb.waitForPageMessages(
        PAGE_ID,
        personPsid(3),
        (items) => items.some((item) => item.message?.text === text),
        10_000,
      );
      // Closed, and opened again: the form shows what is saved.
      await row.getByTestId('page-settings-toggle').click();
      await form.waitFor({ state: 'detached', ...wait });
      await row.getByTestId('page-settings-toggle').click();
      expect(await form.getByTestId('setting-auto_replies').isChecked()).toBe(false);
    } finally {
      await h.api('PATCH', `/api/pages/${PAGE_ID}/settings`, {
        auto_replies: null,
        away_message: null,
        greeting: null,
        readable_length: null,
      });
    }
  });

  it('sends a business update with the tag the agent chose to a person who last wrote 8 days ago', async () => {
    const psid = '7100000000000001';
    const text = 'Your refund for order 482913 is on its way to your card.';
    await h.fb.createPerson({ first_name: 'Omar', last_name: 'Haddad', psids: { [PAGE_ID]: psid } });
    // The gateway counts the window from each message's own time, on a clock this suite does not move: a message
    // stamped eight days ago, signed as Facebook signs it, stands for a person who last wrote then.
    const at = Date.now() - 8 * 24 * 3_600_000;
    const written = { mid: 'm_omar_eight_days_ago', text: 'Where is my refund?' };
    const event = { sender: { id: psid }, recipient: { id: PAGE_ID }, timestamp: at, message: written };
    expect(
      (await h.postWebhook({ object: 'page', entry: [{ id: PAGE_ID, time: at, messaging: [event] }] })).status,
    ).toBe(200);
    await h.settle();
    const rows = (await h.api('GET', '/api/conversations?limit=200')).body.data as {
      id: string;
      contact_external_id: string;
    }[];
    const id = rows.find((row) => row.contact_external_id === psid)?.id as string;
    await page.evaluate(
      (hash) => {
        location.hash = hash;
      },
      `#/c/${encodeURIComponent(id)}`,
    );
    await messages('contact', written.text).waitFor(wait);
    await expectText(page.getByTestId('reply-hint'), 'only a business update can be sent');

    // A reply unless the agent chooses otherwise; the choice is a labelled select, worked from the keyboard.
    const sendAs = page.getByRole('combobox', { name: /^Send as/ });
    expect(await sendAs.inputValue()).toBe('');
    expect(await page.getByTestId('send-as-help').isVisible()).toBe(false);
    await sendAs.focus();
    for (let i = 0; i < 3; i += 1) await page.keyboard.press('ArrowDown');
    expect(await sendAs.inputValue()).toBe('POST_PURCHASE_UPDATE');
    await expectText(page.getByTestId('send-as-help'), 'something the person has bought');
    await expectText(page.getByTestId('send-as-help'), 'forbids promotion');
    await expectText(page.getByTestId('reply-send'), 'Send update');

    // The first try goes with a tag the gateway refuses (as an inbox older than the gateway might send): its answer
    // shows under the box, and the update waits there with its kind and its key.
    const replies = '**/api/conversations/*/messages';
    const sent: { key: string; tag: unknown }[] = [];
    expectedFailures = [/^400 \/api\/conversations\/[^/]+\/messages$/];
    await page.route(replies, async (route) => {
      const request = route.request();
      if (request.method() !== 'POST') return route.continue();
      const body = request.postDataJSON();
      sent.push({ key: request.headers()['idempotency-key'] ?? '', tag: body.tag });
      if (sent.length > 1) return route.continue();
      return route.continue({ postData: JSON.stringify({ ...body, tag: 'HUMAN_AGENT' }) });
    });
    try {
      await page.getByTestId('reply-input').fill(text);
      await page.getByTestId('reply-send').click();
      await expectText(page.getByTestId('reply-error'), 'Not sent. Tag: Invalid option');
      expect(await sendAs.inputValue()).toBe('POST_PURCHASE_UPDATE');
      await page.getByTestId('reply-send').click();
      await messages('system', text).waitFor(wait);
    } finally {
      await page.unroute(replies);
    }
    expect(sent).toEqual([
      { key: sent[0]?.key, tag: 'POST_PURCHASE_UPDATE' },
      { key: sent[0]?.key, tag: 'POST_PURCHASE_UPDATE' },
    ]);
    await expectText(messages('system', text).getByTestId('message-author'), 'Update · Admin');
    // The box is a plain reply again.
    expect(await sendAs.inputValue()).toBe('');
    expect(await page.getByTestId('reply-input').inputValue()).toBe('');

    // Facebook got it once, tagged as chosen, although the window had closed.
    const items = await h.fb.waitForPageMessages(
      PAGE_ID,
      psid,
      (thread) => thread.some((item) => item.message?.text === text),
      10_000,
    );
    expect(items.filter((item) => item.message?.text === text).map((item) => item.tag)).toEqual([
      'POST_PURCHASE_UPDATE',
    ]);
    const calls = (await h.fb.graphCalls({ path_contains: '/messages' }))
      .map(sentBody)
      .filter((body) => body.recipient?.id === psid && body.message?.text === text);
    expect(calls.map((body) => [body.messaging_type, body.tag])).toEqual([['MESSAGE_TAG', 'POST_PURCHASE_UPDATE']]);
  });

  it('renames a teammate from the Team view, and the inbox names her so', async () => {
    const teamRead = async () => {
      const loaded = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/users');
      await page.getByTestId('nav-team').click();
      await loaded;
      await page.evaluate(() => new Promise((drawn) => requestAnimationFrame(drawn)));
    };
    await teamRead();
    const bea = page.locator('[data-testid="team-member"][data-email="bea@example.com"]');
    await bea.getByTestId('member-rename').click();
    const name = bea.getByTestId('member-name');
    expect(await name.inputValue()).toBe('Bea Renamed');
    await name.fill('Bea Lopes');
    // The team read again, unchanged, leaves the name being typed as it is.
    await page.getByTestId('nav-conversations').click();
    await teamRead();
    expect(await name.isVisible()).toBe(true);
    expect(await name.inputValue()).toBe('Bea Lopes');
    await name.press('Enter');
    await expectText(page.getByTestId('team-outcome'), 'bea@example.com is now named Bea Lopes.');
    await expectText(bea.locator('.page__name'), 'Bea Lopes');
    await page.getByTestId('nav-conversations').click();
    await expectText(lena().getByTestId('assignee-badge'), 'Assigned to Bea Lopes');
  });

  it('lists a send whose retries ran out with its error under the pages, and an admin replays it to the person', async () => {
    const text = 'Your parcel is with the courier and arrives tomorrow.';
    const rows = (await h.api('GET', '/api/conversations?limit=200')).body.data as {
      id: string;
      contact_external_id: string;
    }[];
    const id = rows.find((row) => row.contact_external_id === PSID)?.id as string;
    expect((await h.api('GET', '/api/dead-letters')).body.data).toEqual({ outbox: [], events: [] });
    // Graph refuses every try for now (1200, a temporary failure): the reply goes dead once its retries run out.
    await h.fb.setFaults({ next: { count: 1_000, code: 1200, path_contains: '/messages' } });
    try {
      expect((await h.api('POST', `/api/conversations/${id}/messages`, { text })).status).toBe(202);
      const dead = async () => (await h.api('GET', '/api/dead-letters')).body.data.outbox.length;
      await expect.poll(dead, { timeout: 30_000, interval: 200 }).toBe(1);
    } finally {
      await h.fb.clearFaults();
    }

    await page.getByTestId('nav-pages').click();
    const send = page.getByTestId('dead-send');
    await send.first().waitFor(wait);
    expect(await send.count()).toBe(1);
    expect(await page.getByTestId('dead-event').count()).toBe(0);
    await expectText(send, 'Message to Lena Okafor on Acme Shop');
    expect(await send.getByTestId('dead-letter-text').textContent()).toBe(text);
    await expectText(send, '10 attempts · given up');
    await expectText(
      send.getByTestId('dead-letter-error'),
      'Temporary send message failure. Please try again later (code 1200)',
    );
    // Its person's name leads to the conversation, where the reply shows as failed.
    await send.getByRole('link', { name: 'Lena Okafor' }).click();
    await expectText(messages('agent', text).getByTestId('message-status'), 'Failed');
    await page.getByTestId('nav-pages').click();

    // An agent sees it too, but no replay.
    const agent = (await h.api('POST', '/api/users', { email: 'dan@example.com', name: 'Dan' })).body.data;
    const tab = await browser.newPage({ viewport: { width: 1280, height: 820 } });
    try {
      await tab.goto(`${h.gatewayUrl}/inbox/#/pages`);
      await tab.getByTestId('sign-in-email').fill('dan@example.com');
      await tab.getByTestId('sign-in-password').fill(agent.password);
      await tab.getByTestId('sign-in-submit').click();
      await tab.getByTestId('dead-send').waitFor(wait);
      expect(await tab.getByTestId('replay-dead-letters').isVisible()).toBe(false);
    } finally {
      await tab.close();
      await h.api('DELETE', `/api/users/${agent.user.id}`);
    }

    // Asked again in place, with the focus on the second button.
    await page.getByTestId('replay-dead-letters').click();
    const confirm = page.getByTestId('confirm-replay');
    expect(await confirm.evaluate((button) => button === document.activeElement)).toBe(true);
    await confirm.click();
    await expectText(page.getByTestId('dead-letters-outcome'), 'Queued again: 1 send and 0 events.');
    await send.waitFor({ state: 'detached', ...wait });
    await expectText(page.getByTestId('dead-letters'), 'Nothing is dead');
    // The replay button went with the list: the focus waits on the section's heading, not the top of the page.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('dead-letters-title');
    const items = await h.fb.waitForPageMessages(
      PAGE_ID,
      PSID,
      (thread) => thread.some((item) => item.message?.text === text),
      10_000,
    );
    expect(items.filter((item) => item.message?.text === text)).toHaveLength(1);
    expect((await h.api('GET', '/api/dead-letters')).body.data).toEqual({ outbox: [], events: [] });
  });

  it('shows the reaction a person gives to a message under it, as it comes', async () => {
    await page.getByTestId('nav-conversations').click();
    await lena().click();
    const text = 'Your parcel is with the courier and arrives tomorrow.';
    const sent = messages('agent', text);
    await sent.waitFor(wait);
    const { items } = await h.fb.conversation(PAGE_ID, PSID);
    const mid = items.find((item) => item.message?.text === text)?.id as string;
    await h.fb.react(PAGE_ID, PSID, { mid, action: 'react', reaction: 'love', emoji: '❤️' });
    await expectText(sent.getByTestId('message-reaction'), 'Lena Okafor reacted ❤️');
    await h.fb.react(PAGE_ID, PSID, { mid, action: 'unreact' });
    await sent.getByTestId('message-reaction').waitFor({ state: 'detached', ...soon });
  });

  it('shows the new text of a message the person edited, marked Edited, with what it said before', async () => {
    await page.getByTestId('nav-conversations').click();
    await lena().click();
    const { mid } = await h.fb.sendText(PAGE_ID, PSID, 'Is the blue mug back in stock?');
    await messages('contact', 'Is the blue mug back in stock?').waitFor(wait);
    await h.fb.edit(PAGE_ID, PSID, { mid: mid as string, text: 'Is the green mug back in stock?' });
    const edited = messages('contact', 'Is the green mug back in stock?');
    await edited.waitFor(wait);
    const edits = edited.getByTestId('message-edits');
    await expectText(edits, 'Edited');
    await edits.getByText('Edited').click();
    await expectText(edits, 'Is the blue mug back in stock?');
    expect(await edited.locator('.message__bubble').textContent()).not.toContain('blue');
  });

  it('keeps the earlier texts open, and the focus on Edited, when the message is drawn again', async () => {
    const { mid } = await h.fb.sendText(PAGE_ID, PSID, 'Do you ship to Oslo?');
    await messages('contact', 'Do you ship to Oslo?').waitFor(wait);
    await h.fb.edit(PAGE_ID, PSID, { mid: mid as string, text: 'Do you ship to Bergen?' });
    const summary = messages('contact', 'Do you ship to Bergen?').getByTestId('message-edits').locator('summary');
    await summary.waitFor(wait);
    await summary.focus();
    await page.keyboard.press('Enter'); // Opens the earlier texts, as a keyboard user does.
    await h.fb.edit(PAGE_ID, PSID, { mid: mid as string, text: 'Do you ship to Tromsø?' });
    const edits = messages('contact', 'Do you ship to Tromsø?').getByTestId('message-edits');
    await edits.waitFor(wait);
    expect(await edits.evaluate((el) => (el as HTMLDetailsElement).open)).toBe(true);
    expect(await edits.locator('summary').evaluate((el) => el === document.activeElement)).toBe(true);
  });

  it("shows Meta's warning, then its block with Meta's reason on the page and in its reply boxes, until lifted", async () => {
    const health = async () => (await h.api('GET', '/api/pages')).body.data[0].health as string;
    const reason = 'People reported messages from this Page as spam.';
    const hint = page.getByTestId('reply-hint');
    const row = page.getByTestId('page-row').filter({ hasText: 'Acme Shop' });
    // Meta warns first: the page still sends.
    await h.fb.enforcePolicy(PAGE_ID, { action: 'warning', reason });
    await waitFor(async () => (await h.api('GET', '/api/pages')).body.data[0].policy_warning !== null);
    await page.getByTestId('nav-pages').click();
    await expectText(row.getByTestId('page-policy-warning'), `the step before a block: ${reason}`);
    await expectText(row.getByTestId('page-health'), 'Healthy');
    await page.getByTestId('nav-conversations').click();

    await h.fb.enforcePolicy(PAGE_ID, { action: 'block', reason });
    await waitFor(async () => (await health()) === 'blocked');
    await waitFor(async () => (await h.api('GET', '/api/pages')).body.data[0].policy_warning === null);
    await page.getByTestId('nav-pages').click();
    await expectText(row.getByTestId('page-health'), 'Blocked by Meta');
    await expectText(row, reason);
    expect(await row.getByTestId('page-policy-warning').count()).toBe(0);
    await page.getByTestId('nav-conversations').click();
    await lena().click();
    await expectText(hint, 'Blocked by Meta: what is sent from this page fails until that is fixed (see Pages).');

    await h.fb.enforcePolicy(PAGE_ID, { action: 'unblock' });
    await waitFor(async () => (await health()) === 'ok');
    await page.getByTestId('nav-pages').click();
    await expectText(row.getByTestId('page-health'), 'Healthy');
    await page.getByTestId('nav-conversations').click();
    await lena().click();
    await page.locator('[data-testid="reply-hint"][data-page="ok"]').waitFor(wait);
    expect(await hint.textContent()).not.toContain('Blocked');
  });

  it('says which picture could not be loaded, where the browser would show a broken image', async () => {
    await page.getByTestId('nav-conversations').click();
    await lena().click();
    // Port 9 refuses connections: the picture can never load, and Chromium says so in the console.
    expectedFailures = [/^error \/img\/receipt-photo\.jpg$/];
    await h.fb.sendAttachments(PAGE_ID, PSID, [{ type: 'image', url: 'https://127.0.0.1:9/img/receipt-photo.jpg' }]);
    const missing = messages('contact').getByTestId('picture-missing');
    await expectText(missing, 'Picture not loaded: receipt-photo.jpg');
    expect(await missing.last().getAttribute('title')).toBe('https://127.0.0.1:9/img/receipt-photo.jpg');
    // Still a link to the picture, for a browser that can reach it.
    expect(await missing.last().locator('xpath=..').getAttribute('href')).toBe(
      'https://127.0.0.1:9/img/receipt-photo.jpg',
    );
  });

  it('shows neither the last filter’s "Load more" nor a count of nothing when a filter’s list cannot be loaded', async () => {
    await page.getByTestId('nav-conversations').click();
    await page.getByTestId('load-more').waitFor(wait);
    expectedFailures = [/^503 \/api\/conversations$/];
    const botOnly = '**/api/conversations?*routing=bot*';
    await page.route(botOnly, (route) =>
      route.fulfill({ status: 503, json: { error: { code: 'SB_UNAVAILABLE', message: 'restarting' } } }),
    );
    try {
      await page.getByTestId('filter-routing').selectOption('bot');
      const notice = page.getByTestId('notice').filter({ hasText: 'Could not load conversations' });
      await notice.waitFor(wait);
      await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100)));
      expect(await page.getByTestId('load-more').isVisible()).toBe(false);
      expect(await page.locator('.list-pane > [role="status"]').textContent()).not.toBe('0 conversations shown');
      await page.unroute(botOnly);
      await page.getByTestId('filter-routing').selectOption('');
      await page.getByTestId('load-more').waitFor(wait);
      await notice.waitFor({ ...wait, state: 'detached' });
    } finally {
      await page.unroute(botOnly);
    }
  });

  it('keeps a long name without spaces within a narrow screen, in the Team view and the assignee choice', async () => {
    const name = 'Bartholomew'.repeat(9);
    const added = (await h.api('POST', '/api/users', { email: 'bartholomew@example.com', name })).body.data;
    const fits = () => page.evaluate(() => document.documentElement.scrollWidth <= innerWidth);
    // Lena's thread shows again the picture that can never load (the test before).
    expectedFailures = [/^error \/img\/receipt-photo\.jpg$/];
    await page.setViewportSize({ width: 320, height: 800 });
    try {
      await page.getByTestId('nav-team').click();
      const member = page.locator('[data-testid="team-member"][data-email="bartholomew@example.com"]');
      await member.waitFor(wait);
      expect(await fits()).toBe(true);
      // The name wraps inside its card, and the role beside it stays whole.
      expect(await member.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
      const card = (await member.boundingBox())!;
      const role = (await member.getByTestId('member-role').boundingBox())!;
      expect(role.x + role.width).toBeLessThanOrEqual(card.x + card.width);
      expect(await member.getByTestId('member-role').evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);

      await page.getByTestId('nav-conversations').click();
      await lena().click();
      const assignee = page.getByTestId('assignee');
      await assignee.locator('option', { hasText: name }).waitFor({ state: 'attached', ...wait });
      expect(await fits()).toBe(true);
      const box = (await assignee.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(320);
      await page.getByTestId('back').click();
    } finally {
      await page.setViewportSize({ width: 1280, height: 820 });
      await h.api('DELETE', `/api/users/${added.user.id}`);
    }
  });
  it('says the dead letters could not be loaded, rather than loading them forever', async () => {
    expectedFailures = [/^503 \/api\/dead-letters$/];
    // A fresh inbox: the one signed in has loaded them already.
    const tab = await browser.newPage({ viewport: { width: 1280, height: 820 } });
    await tab.route('**/api/dead-letters', (route) =>
      route.fulfill({ status: 503, json: { error: { code: 'SB_UNAVAILABLE', message: 'restarting' } } }),
    );
    try {
      await tab.goto(`${h.gatewayUrl}/inbox/#/pages`);
      await tab.getByTestId('sign-in-email').fill(ADMIN.email);
      await tab.getByTestId('sign-in-password').fill(ADMIN.password);
      await tab.getByTestId('sign-in-submit').click();
      await tab.getByTestId('notice').filter({ hasText: 'Could not load the dead letters' }).waitFor(wait);
      await expectText(tab.getByTestId('dead-letters'), 'The dead letters could not be loaded yet.');
      expect(await tab.getByTestId('dead-letters').textContent()).not.toContain('Loading');
    } finally {
      await tab.close();
    }
  });

  it('keeps the focus on the way back from a conversation that does not exist, through the polls after', async () => {
    expectedFailures = [/^404 \/api\/conversations\/no-such-conversation/];
    await page.getByTestId('nav-conversations').click();
    // The narrow layout, where the thread alone shows and the way back is its link.
    await page.setViewportSize({ width: 400, height: 800 });
    try {
      await page.evaluate(() => {
        location.hash = '#/c/no-such-conversation';
      });
      await page.getByText('This conversation does not exist (any more).').waitFor(wait);
      const back = page.locator('[data-testid="thread"] a.back');
      await back.focus();
      expect(await back.evaluate((el) => el === document.activeElement)).toBe(true);
      for (let i = 0; i < 2; i += 1) {
        const asked = page.waitForResponse((r) => r.url().includes('/no-such-conversation') && r.status() === 404);
        // The stream says anything may have changed: the thread is read again, and is still not there.
        for (const stream of streams) stream.write('event: resync\ndata: {}\n\n');
        await asked;
      }
      await page.waitForTimeout(100);
      expect(await back.evaluate((el) => el === document.activeElement)).toBe(true);
      await back.click();
    } finally {
      await page.setViewportSize({ width: 1280, height: 820 });
    }
  });

  it('offers the way back from a conversation whose first load failed, and shows it once a later load succeeds', async () => {
    // Her thread holds a picture that never loads (see above).
    expectedFailures = [/^500 \/api\/conversations\/[^/]+\/messages$/, /^error \/img\/receipt-photo\.jpg$/];
    const thread = /\/api\/conversations\/[^/]+\/messages\?limit=50$/;
    let failing = true;
    await page.route(thread, (route) =>
      failing && route.request().method() === 'GET'
        ? route.fulfill({ status: 500, json: { error: { code: 'SB_INTERNAL', message: 'Something went wrong.' } } })
        : route.continue(),
    );
    const focused = () =>
      page.evaluate(
        () => (document.activeElement as HTMLElement | null)?.dataset.testid ?? document.activeElement?.tagName,
      );
    try {
      await page.getByTestId('nav-conversations').click();
      await lena().click();
      await expectText(page.getByTestId('notice'), 'Could not load the conversation.');
      // On a wide screen the list beside it is the way back, as for a loaded conversation.
      expect(await lena().isVisible()).toBe(true);
      // On a narrow one the thread shows alone, with its link back, which the keyboard reaches from the messages.
      await page.setViewportSize({ width: 400, height: 800 });
      const back = page.locator('[data-testid="thread"] [data-testid="back"]');
      expect(await back.isVisible()).toBe(true);
      // The thread says why it is empty, and the reply box waits for the conversation.
      await expectText(page.getByTestId('thread-unavailable'), 'The conversation could not be loaded yet.');
      expect(await page.getByTestId('reply-input').isVisible()).toBe(false);
      await page.getByTestId('thread-log').focus();
      await page.keyboard.press('Shift+Tab');
      expect(await focused()).toBe('back');
      // The gateway answers again: the conversation shows, and the focus stays on the way back.
      failing = false;
      const loaded = page.waitForResponse((r) => thread.test(r.url()) && r.status() === 200);
      for (const stream of streams) stream.write('event: resync\ndata: {}\n\n');
      await loaded;
      await expectText(page.getByTestId('thread-name'), 'Lena Okafor');
      expect(await page.getByTestId('thread-unavailable').count()).toBe(0);
      expect(await page.getByTestId('reply-input').isVisible()).toBe(true);
      expect(await focused()).toBe('back');
      await back.press('Enter');
      await lena().waitFor(wait);
      expect(await focused()).toBe('conversation');
    } finally {
      await page.unroute(thread);
      await page.setViewportSize({ width: 1280, height: 820 });
    }
  });

  it('keeps the header’s status region in place as the header is drawn again, and changes only its text', async () => {
    expectedFailures = [/^error \/img\/receipt-photo\.jpg$/];
    await page.getByTestId('nav-conversations').click();
    await lena().click();
    await expectText(page.getByTestId('thread-name'), 'Lena Okafor');
    // Tagged, and counting the times it leaves the header: a live region taken out and put back may not be spoken.
    await page.locator('.thread__header [role="status"]').evaluate((el: HTMLElement) => {
      el.dataset.tagged = 'yes';
      el.dataset.removals = '0';
      new MutationObserver((records) => {
        const out = records.filter((record) => Array.from(record.removedNodes).includes(el)).length;
        el.dataset.removals = String(Number(el.dataset.removals) + out);
      }).observe(el.parentElement as HTMLElement, { childList: true });
    });
    const takeOver = (await page.getByTestId('take-over').count()) > 0;
    const before = await page.getByTestId('thread-routing').textContent();
    await page.getByTestId(takeOver ? 'take-over' : 'give-back').click();
    const said = takeOver ? 'You took over the conversation.' : 'The assistant answers again.';
    const status = page.locator('.thread__header [role="status"]');
    await expect.poll(() => status.textContent(), wait).toBe(said);
    // The header was drawn again (its routing changed), around the same status element, which never left it.
    expect(await page.getByTestId('thread-routing').textContent()).not.toBe(before);
    expect(await status.count()).toBe(1);
    expect(await status.getAttribute('data-tagged')).toBe('yes');
    expect(await status.getAttribute('data-removals')).toBe('0');
  });

  it('shows a conversation whose thread the Page Inbox took as paused until it comes back, and Resume takes it back', async () => {
    // The gateway's answer when Graph refuses the take, which the inbox shows.
    expectedFailures = [/^502 \/api\/conversations\/[^/]+\/routing$/];
    const psid = personPsid(0);
    const { body } = await h.api('GET', `/api/conversations?page_id=${PAGE_ID}&limit=200`);
    const { id } = (body.data as { id: string; contact_external_id: string }[]).find(
      (c) => c.contact_external_id === psid,
    ) ?? { id: '' };
    await h.api('POST', `/api/conversations/${id}/routing`, { routing: 'bot' });
    // Opened by its address: the list may be filtered by the tests before.
    await page.evaluate((conversation) => {
      location.hash = `#/c/${conversation}`;
    }, id);
    await expectText(page.getByTestId('thread-name'), 'Person0 Test');
    await expectText(page.getByTestId('thread-routing'), 'Bot');

    // A human takes the thread in the Page Inbox: the live stream brings the pause, which has no end in minutes.
    await h.fb.setThreadOwner(PAGE_ID, psid, PAGE_INBOX_APP_ID);
    await expectText(page.getByTestId('thread-routing'), 'Paused');
    await expectText(page.getByTestId('thread-pause'), 'until the thread comes back');
    expect(await page.getByTestId('thread-routing').getAttribute('title')).toMatch(/until it comes back/);
    const resume = page.getByTestId('give-back');
    await expectText(resume, 'Resume the assistant');
    expect(await resume.getAttribute('title')).toMatch(/takes the person’s thread back/i);

    await h.fb.setFaults({ next: { count: 1, code: 10, path_contains: 'take_thread_control' } });
    try {
      await resume.click();
      await expectText(
        page.getByTestId('notice'),
        'Could not give the conversation with Person0 Test back. Facebook did not give the thread back',
      );
    } finally {
      await h.fb.clearFaults();
    }
    expect(await page.getByTestId('thread-routing').textContent()).toBe('Paused');
    expect((await h.fb.conversation(PAGE_ID, psid)).thread_owner_app_id).toBe(PAGE_INBOX_APP_ID);

    await page.getByTestId('give-back').click();
    await expectText(page.getByTestId('thread-routing'), 'Bot');
    expect(await page.getByTestId('thread-pause').count()).toBe(0);
    expect(await page.getByTestId('notice').count()).toBe(0);
    expect((await h.fb.conversation(PAGE_ID, psid)).thread_owner_app_id).toBe(APP_ID);
  });

  it("keeps a teammate's new name when a poll of the team read before the rename is answered after it", async () => {
    const bea = (await h.api('GET', '/api/users')).body.data.find(
      (u: { email: string }) => u.email === 'bea@example.com',
    );
    // The thread the test before opened offers the team to assign to, by name.
    const choice = (name: string) => page.getByTestId('assignee').locator('option', { hasText: name });
    await choice(bea.name).waitFor({ ...wait, state: 'attached' });
    const thread = await page.evaluate(() => location.hash);
    // The next read of the team is made now and answered when the test says.
    let made!: () => void;
    const madeBefore = new Promise<void>((resolve) => {
      made = resolve;
    });
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let answered!: () => void;
    const answeredAfter = new Promise<void>((resolve) => {
      answered = resolve;
    });
    let holding = true;
    const users = '**/api/users';
    await page.route(users, async (route) => {
      if (!holding || route.request().method() !== 'GET') return route.continue();
      holding = false;
      const response = await route.fetch();
      made();
      await released;
      await route.fulfill({ response });
      answered();
    });
    try {
      // Shown again, the tab polls at once, the team included.
      await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
      await madeBefore;
      expect((await h.api('PATCH', `/api/users/${bea.id}`, { name: 'Bea Moreno' })).status).toBe(200);
      // The Team view reads the team after the rename; back in the thread, she is named so.
      await page.getByTestId('nav-team').click();
      await expectText(page.locator('[data-testid="team-member"][data-email="bea@example.com"]'), 'Bea Moreno');
      await page.evaluate((hash) => {
        location.hash = hash;
      }, thread);
      await choice('Bea Moreno').waitFor({ ...wait, state: 'attached' });
      release();
      await answeredAfter;
      await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 200)));
      expect(await choice('Bea Moreno').count()).toBe(1);
      expect(await choice(bea.name).count()).toBe(0);
    } finally {
      release();
      await page.unroute(users);
    }
  });
});

async function expectText(locator: ReturnType<Page['getByTestId']>, text: string) {
  await locator.filter({ hasText: text }).first().waitFor({ timeout: 15_000 });
}
