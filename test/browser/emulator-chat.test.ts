/**
 * The emulator's chat page in Debian's Chromium, against the real emulator and a scripted bot that
 * answers through the Send API. Skipped when /usr/bin/chromium is absent (apt-get install chromium).
 *
 * The screenshot of the conversation is written to test-results/emulator-chat.png on every run,
 * and to docs/emulator-chat.png when UPDATE_DOCS_SCREENSHOT=1.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulatorClient, type Emulator, startEmulator } from '../../src/emulator/index.ts';
import { HAS_CHROMIUM, launchChromium, warnIfNoChromium } from './support/chromium.ts';
import { type MessagingEvent, type ScriptedBot, startScriptedBot } from './support/scripted-bot.ts';

warnIfNoChromium('the emulator chat page browser tests');
const SECRET = 'acme-app-secret';
const VERIFY_TOKEN = 'acme-verify';
const DAY_MS = 24 * 60 * 60 * 1000;
const WINDOW_CLOSED = 'Active now \u00b7 24-hour window closed';

/** Polls `check` until it returns something truthy; fails with `what` after `timeoutMs`. */
async function waitUntil<T>(what: string, check: () => T | undefined | false, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe.skipIf(!HAS_CHROMIUM)('the emulator chat page (Chromium)', () => {
  let emulator: Emulator;
  let bot: ScriptedBot;
  let browser: Browser;
  let page: Page;
  const ids = { acme: '', bikes: '', lena: '', tomas: '', psid: '', acmeToken: '' };
  const pageErrors: string[] = [];

  const client = () => createEmulatorClient(emulator.url ?? '');
  const messages = () => page.getByTestId('message');
  const fromPage = (text: string) => page.locator('[data-testid="message"][data-from="page"]', { hasText: text });
  const fromPerson = (text: string) => page.locator('[data-testid="message"][data-from="person"]', { hasText: text });
  const quickReplies = () => page.getByTestId('quick-reply');
  /** Waits for an event from the person (echoes of the page's own messages are left out). */
  const botGot = (what: string, match: (event: MessagingEvent) => boolean) =>
    waitUntil(`the bot to receive ${what}`, () =>
      bot.events.find((e) => !(e.message as { is_echo?: boolean } | undefined)?.is_echo && match(e)),
    );
  const visible = (locator: Locator) => locator.waitFor({ state: 'visible', timeout: 5_000 });
  const headerMeta = () => page.getByTestId('chat-meta').textContent();
  const focusedTestId = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
  /**
   * Calls an export of one of the page's own modules in the browser, with JSON arguments. A string,
   * because Vitest rewrites `import()` in functions it would otherwise send to the page.
   */
  const callModule = (module: string, name: string, ...args: unknown[]): Promise<unknown> =>
    page.evaluate(
      `import(${JSON.stringify(`${emulator.url}/${module}`)}).then((m) => m[${JSON.stringify(name)}](...${JSON.stringify(args)}))`,
    );

  beforeAll(async () => {
    emulator = await startEmulator({ webhookRetry: { baseMs: 50, maxAttempts: 3, timeoutMs: 5_000 } });
    const api = client();
    const app = await api.createApp({ name: 'Acme assistant', secret: SECRET });
    const acme = await api.createPage({ name: 'Acme Shop', app_id: app.id });
    const bikes = await api.createPage({ name: 'City Bikes', app_id: app.id });
    const tomas = await api.createPerson({ first_name: 'Tomás', last_name: 'Ruiz', locale: 'es_ES' });
    const lena = await api.createPerson({ first_name: 'Lena', last_name: 'Okafor' });
    Object.assign(ids, {
      acme: acme.id,
      bikes: bikes.id,
      lena: lena.id,
      tomas: tomas.id,
      psid: lena.psids[acme.id],
      acmeToken: acme.access_token,
    });
    bot = await startScriptedBot({
      graphUrl: emulator.url ?? '',
      pageToken: acme.access_token,
      appSecret: SECRET,
      verifyToken: VERIFY_TOKEN,
    });
    await api.setWebhook(app.id, { url: bot.url, verify_token: VERIFY_TOKEN });
    await bot.setUpProfile();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1180, height: 860 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await bot?.close();
    await emulator?.close();
  });

  it('lists the pages and people, and opens the conversation picked', async () => {
    await page.goto(emulator.url ?? '');
    await page.getByTestId(`page-${ids.bikes}`).click();
    await page.getByTestId(`person-${ids.tomas}`).click();
    await expect(page.getByTestId('chat-page-name').textContent()).resolves.toBe('City Bikes');

    await page.getByTestId(`page-${ids.acme}`).click();
    await page.getByTestId(`person-${ids.lena}`).click();
    await expect(page.getByTestId('chat-page-name').textContent()).resolves.toBe('Acme Shop');
    expect(await page.getByTestId(`person-${ids.lena}`).getAttribute('aria-pressed')).toBe('true');
    expect(new URL(page.url()).searchParams.get('page')).toBe(ids.acme);
  });

  it('shows the welcome screen with the greeting for this person, the ice breakers instead of Get Started', async () => {
    await visible(page.getByTestId('welcome-greeting'));
    expect(await page.getByTestId('welcome-greeting').textContent()).toBe(
      'Hi Lena! Welcome to Acme. Ask us anything about your orders.',
    );
    expect(await page.getByTestId('ice-breaker').allTextContents()).toEqual([
      'Where is my order?',
      'Do you ship abroad?',
    ]);
    // Messenger shows a page's ice breakers in place of Get Started, and lets the person type.
    expect(await page.getByTestId('get-started').isVisible()).toBe(false);
    expect(await page.getByTestId('composer').isVisible()).toBe(true);
    expect(await messages().count()).toBe(0);
  });

  it('shows Get Started, and no composer, once the page has no ice breakers', async () => {
    const profile = `${emulator.url}/v25.0/me/messenger_profile?access_token=${encodeURIComponent(ids.acmeToken)}`;
    const removed = await fetch(profile, {
      method: 'DELETE',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fields: ['ice_breakers'] }),
    });
    expect(removed.status).toBe(200);
    await visible(page.getByTestId('get-started'));
    expect(await page.getByTestId('ice-breaker').count()).toBe(0);
    expect(await page.getByTestId('composer').isVisible()).toBe(false);
  });

  it('taps Get Started, shows the typing indicator, then the bot’s greeting and quick replies', async () => {
    await page.getByTestId('get-started').click();
    await visible(fromPerson('Get Started'));
    await visible(page.getByTestId('typing-indicator'));
    await botGot('the Get Started postback', (e) => (e.postback as { payload?: string })?.payload === 'GET_STARTED');

    await visible(quickReplies().first());
    expect(await quickReplies().allTextContents()).toEqual(['Order status', 'Browse mugs', 'Talk to a person']);
    await page.getByTestId('typing-indicator').waitFor({ state: 'hidden' });
    await visible(fromPage("Hi! I'm the Acme assistant."));
    expect(await page.getByTestId('welcome').count()).toBe(0);
    expect(await page.getByTestId('composer').isVisible()).toBe(true);
  });

  it('taps a quick reply: the pills vanish and the bot answers naming the choice', async () => {
    await quickReplies().filter({ hasText: 'Order status' }).click();
    await page.getByTestId('quick-replies').waitFor({ state: 'hidden' });
    await visible(fromPerson('Order status'));
    const event = await botGot('the quick reply', (e) =>
      Boolean((e.message as { quick_reply?: unknown })?.quick_reply),
    );
    expect(event.message).toMatchObject({ text: 'Order status', quick_reply: { payload: 'ORDER_STATUS' } });
    await visible(fromPage('You chose: Order status.'));
    expect(await quickReplies().count()).toBe(0);
  });

  it('groups consecutive bubbles and marks only the person’s last one, as seen once the bot read it', async () => {
    const rows = await messages().evaluateAll((nodes) =>
      nodes.map(
        (n) =>
          `${n.getAttribute('data-from')}:${n.classList.contains('row--first') ? 'F' : ''}${n.classList.contains('row--last') ? 'L' : ''}`,
      ),
    );
    expect(rows).toEqual(['person:FL', 'page:F', 'page:L', 'person:FL', 'page:FL']);
    const marks = page.getByTestId('message-status');
    expect(await marks.count()).toBe(1);
    expect(await fromPerson('Order status').getByTestId('message-status').getAttribute('data-status')).toBe('read');
  });

  it('marks the page’s messages read while the conversation is visible', async () => {
    await botGot('a read receipt', (e) => 'read' in e);
    const { items } = await client().conversation(ids.acme, ids.psid);
    expect(items.filter((i) => i.from === 'page').map((i) => i.status)).toEqual(['read', 'read', 'read']);
  });

  it('opens the persistent menu from the composer; its postback brings a carousel of cards', async () => {
    await page.getByTestId('menu-button').click();
    const menu = page.getByTestId('persistent-menu');
    await visible(menu);
    expect(await menu.getByTestId('menu-item').allTextContents()).toEqual(['Browse mugs', 'Start over', 'Help centre']);
    const help = menu.getByTestId('menu-item').filter({ hasText: 'Help centre' });
    expect(await help.getAttribute('target')).toBe('_blank');
    expect(await help.getAttribute('href')).toBe('https://example.com/help');

    await menu.getByTestId('menu-item').filter({ hasText: 'Browse mugs' }).click();
    await menu.waitFor({ state: 'hidden' });
    await visible(fromPerson('Browse mugs'));
    await botGot('the menu postback', (e) => (e.postback as { payload?: string })?.payload === 'MUGS');
    const carousel = page.getByTestId('carousel');
    await visible(carousel);
    expect(await carousel.getByTestId('card-title').allTextContents()).toEqual(['Blue mug', 'Red mug', 'Green mug']);
    await visible(quickReplies().filter({ hasText: 'No, thanks' }));
    const details = carousel.getByTestId('url-button').first();
    expect(await details.getAttribute('target')).toBe('_blank');
    expect(await details.getAttribute('href')).toBe('https://example.com/mugs/buy_blue');
    // Every card picture has loaded (served by the bot), so the screenshot shows them.
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll('.card img')).every((img) => (img as HTMLImageElement).naturalWidth > 0),
    );
  });

  it('saves a screenshot of the conversation with cards and quick replies', async () => {
    await page.locator('#thread').evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await page.mouse.move(0, 0);
    const png = await page.screenshot({ animations: 'disabled' });
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    mkdirSync(new URL('../../test-results/', import.meta.url), { recursive: true });
    writeFileSync(new URL('../../test-results/emulator-chat.png', import.meta.url), png);
    if (process.env.UPDATE_DOCS_SCREENSHOT === '1')
      writeFileSync(new URL('../../docs/emulator-chat.png', import.meta.url), png);
  });

  it('sends a postback from a card button; the next message removes the quick replies', async () => {
    const red = page.getByTestId('card').filter({ hasText: 'Red mug' });
    await red.getByTestId('postback-button').click();
    await botGot('the card postback', (e) => (e.postback as { payload?: string })?.payload === 'BUY_RED');
    await visible(fromPage('Thanks! One red mug is in your basket.'));
    expect(await quickReplies().count()).toBe(0);
  });

  it('sends a like and an uploaded photo as the person', async () => {
    await page.getByTestId('composer-like').click();
    await visible(page.locator('[data-from="person"] [data-testid="sticker-like"]'));
    await botGot('the like sticker', (e) => (e.message as { sticker_id?: number })?.sticker_id === 369239263222822);

    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
      'base64',
    );
    await page.getByTestId('composer-file').setInputFiles({ name: 'receipt.png', mimeType: 'image/png', buffer: png });
    await visible(page.locator('[data-from="person"] [data-testid="attachment-image"]'));
    const event = await botGot('the photo', (e) => {
      const message = e.message as { attachments?: unknown; sticker_id?: unknown } | undefined;
      return Boolean(message?.attachments) && message?.sticker_id === undefined;
    });
    expect(event.message).toMatchObject({
      attachments: [{ type: 'image', payload: { url: expect.stringContaining('/_emulator/files/') } }],
    });
  });

  it('types and sends a text with the keyboard', async () => {
    await page.getByTestId('composer-input').fill('Do you have yellow mugs?');
    expect(await page.getByTestId('composer-send').isVisible()).toBe(true);
    await page.getByTestId('composer-input').press('Enter');
    await visible(fromPerson('Do you have yellow mugs?'));
    expect(await page.getByTestId('composer-input').inputValue()).toBe('');
    await botGot('the text', (e) => (e.message as { text?: string })?.text === 'Do you have yellow mugs?');
  });

  it('reacts to a page message and shows the reaction under it', async () => {
    const bubble = fromPage('Thanks! One red mug is in your basket.');
    await bubble.hover();
    await bubble.getByTestId('react-button').click();
    await bubble.getByTestId('react-love').click();
    await visible(bubble.getByTestId('reactions'));
    const event = await botGot('the reaction', (e) => 'reaction' in e);
    expect(event.reaction).toMatchObject({ action: 'react', reaction: 'love' });
  });

  it('draws a time label after a long gap, which also starts a new group', async () => {
    const t = Date.UTC(2026, 0, 1, 9);
    const text = (id: string, from: string, minutes: number) => ({
      id,
      from,
      timestamp: t + minutes * 60_000,
      message: { text: id },
    });
    const items = [
      text('a', 'page', 0),
      text('b', 'page', 1),
      text('c', 'page', 60),
      text('d', 'person', 61),
      text('e', 'person', 70),
    ];
    const rows = (await callModule('thread-model.js', 'layoutRows', items)) as {
      kind: string;
      key: string;
      first: boolean;
      last: boolean;
    }[];
    expect(
      rows.map((r) => (r.kind === 'separator' ? '|' : `${r.key}${r.first ? 'F' : ''}${r.last ? 'L' : ''}`)),
    ).toEqual(['|', 'aF', 'bL', '|', 'cFL', 'dFL', 'eFL']);
  });

  it('keeps quick replies only on the page’s last message until one is tapped', async () => {
    const ask = {
      id: 'q',
      from: 'page',
      timestamp: 1,
      message: { text: '?', quick_replies: [{ content_type: 'text', title: 'Yes', payload: 'Y' }] },
    };
    const answer = { id: 'r', from: 'person', timestamp: 2, message: { text: 'Yes' } };
    const reaction = { id: 'x', from: 'person', timestamp: 3, reaction: { mid: 'q', action: 'react', emoji: '❤️' } };
    const live = async (items: unknown[], dismissed?: string) =>
      Boolean(await callModule('thread-model.js', 'liveQuickReplies', items, dismissed));
    expect(await live([ask])).toBe(true);
    expect(await live([ask], 'q')).toBe(false);
    expect(await live([ask, answer])).toBe(false);
    expect(await live([ask, reaction])).toBe(true);
  });

  it('fills greeting placeholders and picks the person’s locale, else the default entry', async () => {
    const profile = {
      greeting: [
        { locale: 'default', text: 'Hello {{user_full_name}}' },
        { locale: 'es_ES', text: 'Hola {{user_first_name}} {{user_last_name}}' },
      ],
      ice_breakers: [{ question: 'Old format?', payload: 'OLD' }],
      persistent_menu: [
        {
          locale: 'default',
          composer_input_disabled: true,
          call_to_actions: [{ type: 'postback', title: 'Menu', payload: 'M' }],
        },
      ],
    };
    const tomas = { first_name: 'Tomás', last_name: 'Ruiz', locale: 'es_ES' };
    const ann = { first_name: 'Ann', last_name: 'Lee', locale: 'en_GB' };
    expect(await callModule('profile.js', 'greeting', profile, tomas)).toBe('Hola Tomás Ruiz');
    expect(await callModule('profile.js', 'greeting', profile, ann)).toBe('Hello Ann Lee');
    expect(await callModule('profile.js', 'iceBreakers', profile, 'en_GB')).toEqual([
      { question: 'Old format?', payload: 'OLD' },
    ]);
    expect(await callModule('profile.js', 'persistentMenu', profile, 'fr_FR')).toEqual({
      items: [{ type: 'postback', title: 'Menu', payload: 'M' }],
      inputDisabled: true,
    });
  });

  it('ran without script errors in the page or failed Send API calls in the bot', async () => {
    await bot.idle();
    expect(pageErrors).toEqual([]);
    expect(bot.errors).toEqual([]);
  });

  it('replies to a page message: the bot gets its mid in reply_to, the bubble quotes it, the bar goes', async () => {
    const { items } = await client().conversation(ids.acme, ids.psid);
    const quoted = items.find((i) => i.from === 'page' && i.message?.text === 'Here are our bestsellers:');
    expect(quoted).toBeDefined();
    const bubble = fromPage('Here are our bestsellers:');
    await bubble.hover();
    await bubble.getByTestId('reply-button').click();
    const bar = page.getByTestId('reply-bar');
    await visible(bar);
    expect(await bar.textContent()).toContain('Replying to Acme Shop');
    expect(await bar.getByTestId('reply-preview').textContent()).toBe('Here are our bestsellers:');
    expect(await focusedTestId()).toBe('composer-input');

    await page.getByTestId('composer-input').fill('Is the blue one dishwasher safe?');
    await page.getByTestId('composer-input').press('Enter');
    const event = await botGot(
      'the reply',
      (e) => (e.message as { text?: string })?.text === 'Is the blue one dishwasher safe?',
    );
    expect(event.message).toMatchObject({ reply_to: { mid: quoted?.id } });
    const quote = fromPerson('Is the blue one dishwasher safe?').getByTestId('bubble-quote');
    await visible(quote);
    expect(await quote.textContent()).toContain('You replied to Acme Shop');
    expect(await quote.textContent()).toContain('Here are our bestsellers:');
    expect(await bar.count()).toBe(0);
  });

  it('cancels a reply with Escape or the close button; the next message carries no reply_to', async () => {
    const own = fromPerson('Do you have yellow mugs?');
    await own.hover();
    await own.getByTestId('reply-button').click();
    await visible(page.getByTestId('reply-bar'));
    expect(await page.getByTestId('reply-bar').textContent()).toContain('Replying to yourself');
    await page.getByTestId('composer-input').press('Escape');
    expect(await page.getByTestId('reply-bar').count()).toBe(0);
    await page.getByTestId('composer-input').fill('Never mind');
    await page.getByTestId('composer-input').press('Enter');
    const event = await botGot('the text after Escape', (e) => (e.message as { text?: string })?.text === 'Never mind');
    expect(event.message).not.toHaveProperty('reply_to');
    expect(await fromPerson('Never mind').getByTestId('bubble-quote').count()).toBe(0);

    const greeting = fromPage("Hi! I'm the Acme assistant.");
    await greeting.hover();
    await greeting.getByTestId('reply-button').click();
    await page.getByTestId('cancel-reply').click();
    expect(await page.getByTestId('reply-bar').count()).toBe(0);
    expect(await focusedTestId()).toBe('composer-input');
  });

  it('sends a like as a reply, and offers no Reply on postbacks', async () => {
    const { items } = await client().conversation(ids.acme, ids.psid);
    const quoted = items.find((i) => i.from === 'page' && i.message?.text === 'Anything else?');
    const bubble = fromPage('Anything else?');
    await bubble.hover();
    await bubble.getByTestId('reply-button').click();
    await page.getByTestId('composer-like').click();
    const event = await botGot('the like as a reply', (e) => {
      const message = e.message as { sticker_id?: number; reply_to?: unknown } | undefined;
      return message?.sticker_id === 369239263222822 && message.reply_to !== undefined;
    });
    expect(event.message).toMatchObject({ reply_to: { mid: quoted?.id } });
    expect(await page.getByTestId('reply-bar').count()).toBe(0);
    expect(await fromPerson('Browse mugs').getByTestId('reply-button').count()).toBe(0);
    await bot.idle();
    expect(pageErrors).toEqual([]);
    expect(bot.errors).toEqual([]);
  });

  it('notes in the header the moment the 24-hour window closes, with nothing else happening', async () => {
    await client().sendText(ids.acme, ids.psid, 'One more thing');
    await visible(fromPerson('One more thing'));
    await expect.poll(headerMeta, { timeout: 5_000 }).toBe('Active now');
    // Brings the window's end to 1.5 s from now, so the page's own timer is what closes it.
    const { items } = await client().conversation(ids.acme, ids.psid);
    const written = items.findLast((i) => i.from === 'person' && i.message?.text === 'One more thing');
    if (!written) throw new Error('the message is not in the conversation');
    await client().advanceClock(written.timestamp + DAY_MS - (await client().now()) - 1_500);
    expect(await headerMeta()).toBe('Active now');
    await expect.poll(headerMeta, { timeout: 5_000 }).toBe(WINDOW_CLOSED);
  });

  it('notes in the header that the window closed when the emulator clock passes 24 hours', async () => {
    await client().sendText(ids.acme, ids.psid, 'Are you still there?');
    await page.goto(`${emulator.url}/?page=${ids.acme}&person=${ids.lena}`);
    await visible(fromPerson('Are you still there?'));
    await expect.poll(headerMeta, { timeout: 5_000 }).toBe('Active now');
    const messageCount = await messages().count();

    await client().advanceClock(DAY_MS + 60_000);
    await expect.poll(headerMeta, { timeout: 5_000 }).toBe(WINDOW_CLOSED);
    expect(await messages().count()).toBe(messageCount);
    expect(pageErrors).toEqual([]);
    expect(bot.errors).toEqual([]);
  });

  it('edits the person’s own text in the composer: the bot gets message_edit, the bubble says Edited', async () => {
    await page.getByTestId('composer-input').fill('Do you ship to Lisbon?');
    await page.getByTestId('composer-input').press('Enter');
    const own = fromPerson('Do you ship to Lisbon?');
    await visible(own);
    const messageCount = await messages().count();
    // Only the person's own typed texts: no Edit on the page's messages, postbacks or quick replies.
    expect(await fromPage('Anything else?').getByTestId('edit-button').count()).toBe(0);
    expect(await fromPerson('Browse mugs').getByTestId('edit-button').count()).toBe(0);
    expect(await fromPerson('Order status').getByTestId('edit-button').count()).toBe(0);
    expect(await own.getByTestId('edit-button').count()).toBe(1);
    // A typed text of the person's from before the clock moved on a day: its 15 minutes are long gone.
    expect(await fromPerson('Do you have yellow mugs?').getByTestId('edit-button').count()).toBe(0);

    await own.hover();
    await own.getByTestId('edit-button').click();
    const bar = page.getByTestId('edit-bar');
    await visible(bar);
    expect(await bar.textContent()).toContain('Editing message');
    expect(await page.getByTestId('composer-input').inputValue()).toBe('Do you ship to Lisbon?');
    expect(await focusedTestId()).toBe('composer-input');
    expect(await page.getByTestId('composer-like').isVisible()).toBe(false);

    await page.getByTestId('composer-input').fill('Do you ship to Porto?');
    await page.getByTestId('composer-input').press('Enter');
    const event = await botGot('the edit', (e) => 'message_edit' in e);
    const { items } = await client().conversation(ids.acme, ids.psid);
    const edited = items.find((i) => i.message?.text === 'Do you ship to Porto?');
    expect(event.message_edit).toEqual({ mid: edited?.id, text: 'Do you ship to Porto?', num_edit: 1 });
    const bubble = fromPerson('Do you ship to Porto?');
    await visible(bubble.getByTestId('edited-label'));
    expect(await bubble.getByTestId('edited-label').textContent()).toBe('Edited');
    expect(await fromPerson('Do you ship to Lisbon?').count()).toBe(0);
    expect(await messages().count()).toBe(messageCount);
    expect(await bar.count()).toBe(0);
    expect(await page.getByTestId('composer-input').inputValue()).toBe('');
    expect(pageErrors).toEqual([]);
  });

  it('cancels an edit with the close button or Escape, and shows the refusal of an edit sent after 15 minutes', async () => {
    const bubble = fromPerson('Do you ship to Porto?');
    await bubble.hover();
    await bubble.getByTestId('edit-button').click();
    await page.getByTestId('cancel-edit').click();
    expect(await page.getByTestId('edit-bar').count()).toBe(0);
    expect(await page.getByTestId('composer-input').inputValue()).toBe('');
    expect(await focusedTestId()).toBe('composer-input');
    await bubble.hover();
    await bubble.getByTestId('edit-button').click();
    await page.getByTestId('composer-input').press('Escape');
    expect(await page.getByTestId('edit-bar').count()).toBe(0);

    // Started in time, sent too late: the emulator, not the page, has the last word.
    await bubble.hover();
    await bubble.getByTestId('edit-button').click();
    await client().advanceClock(16 * 60_000);
    await expect.poll(() => bubble.getByTestId('edit-button').count(), { timeout: 5_000 }).toBe(0);
    await page.getByTestId('composer-input').fill('Do you ship to Faro?');
    await page.getByTestId('composer-input').press('Enter');
    const toast = page.getByTestId('toast').filter({ hasText: 'Not edited' });
    await visible(toast);
    expect(await toast.textContent()).toContain('409');
    expect(await toast.textContent()).toContain('15 minutes');
    expect(await fromPerson('Do you ship to Faro?').count()).toBe(0);
    expect(bot.events.filter((e) => 'message_edit' in e)).toHaveLength(1);
    expect(bot.errors).toEqual([]);
  });

  it('says in the thread while Meta blocks the page from messaging, and no more once it is unblocked', async () => {
    const banner = page.getByTestId('page-block');
    expect(await banner.isVisible()).toBe(false);
    await client().enforcePolicy(ids.acme, { action: 'block', reason: 'Too many unsolicited messages.' });
    await visible(banner);
    expect(await banner.textContent()).toBe(
      'Acme Shop can’t send messages right now: Meta blocked it from messaging. Too many unsolicited messages.',
    );
    await page.reload();
    await visible(banner);
    // Another page's thread says nothing of it.
    await page.getByTestId(`page-${ids.bikes}`).click();
    await visible(page.getByTestId('chat-page-name').filter({ hasText: 'City Bikes' }));
    expect(await banner.isVisible()).toBe(false);
    await page.getByTestId(`page-${ids.acme}`).click();
    await visible(banner);
    await client().enforcePolicy(ids.acme, { action: 'unblock' });
    await banner.waitFor({ state: 'hidden', timeout: 5_000 });
    expect(pageErrors.filter((error) => !error.includes('409'))).toEqual([]);
    // The bot heard both events, which have no sender, and had nothing to answer.
    await bot.idle();
    expect(bot.events.filter((e) => 'policy-enforcement' in e)).toHaveLength(2);
    expect(bot.errors).toEqual([]);
  });
  /** The person types and sends `text`; resolves once its bubble is in the thread. */
  const typeAndSend = async (text: string) => {
    await page.getByTestId('composer-input').fill(text);
    await page.getByTestId('composer-input').press('Enter');
    await visible(fromPerson(text));
    return fromPerson(text);
  };
  const editButtons = (bubble: Locator) => () => bubble.getByTestId('edit-button').count();
  /** The emulator's mid of the person's text `text`. */
  const midOf = async (text: string) => {
    const { items } = await client().conversation(ids.acme, ids.psid);
    const item = items.findLast((i) => i.from === 'person' && i.message?.text === text);
    if (!item) throw new Error(`no "${text}" from the person in the conversation`);
    return item;
  };

  it('takes the Edit button away when the emulator’s clock moves past 15 minutes after sending, with no reload', async () => {
    const bubble = await typeAndSend('Is the green mug in stock?');
    await expect.poll(editButtons(bubble), { timeout: 5_000 }).toBe(1);
    const messageCount = await messages().count();
    // The emulator's clock is days ahead of the browser's by now: only the emulator's time says the 15 minutes are up.
    await client().advanceClock(14 * 60_000);
    await sleep(300);
    expect(await editButtons(bubble)()).toBe(1);
    await client().advanceClock(2 * 60_000);
    await expect.poll(editButtons(bubble), { timeout: 5_000 }).toBe(0);
    expect(await messages().count()).toBe(messageCount);
  });

  it('takes the Edit button away the moment the 15 minutes end, with nothing else happening', async () => {
    const bubble = await typeAndSend('And the yellow one?');
    const { editable_until: until } = await midOf('And the yellow one?');
    if (until === undefined) throw new Error('the text carries no editable_until');
    // Brings the end of the 15 minutes to 1.5 s from now, so the page's own timer is what takes the button away.
    await client().advanceClock(until - (await client().now()) - 1_500);
    await sleep(300);
    expect(await editButtons(bubble)()).toBe(1);
    await expect.poll(editButtons(bubble), { timeout: 5_000 }).toBe(0);
  });

  it('takes the Edit button away after the fifth edit', async () => {
    await typeAndSend('Can I pick it up today');
    const { id: mid } = await midOf('Can I pick it up today');
    for (let n = 1; n <= 4; n++)
      await client().edit(ids.acme, ids.psid, { mid, text: `Can I pick it up today (${n})` });
    const bubble = fromPerson('Can I pick it up today (4)');
    await visible(bubble);
    expect(await editButtons(bubble)()).toBe(1);
    await bubble.hover();
    await bubble.getByTestId('edit-button').click();
    await page.getByTestId('composer-input').fill('Can I pick it up tomorrow?');
    await page.getByTestId('composer-input').press('Enter');
    const fifth = await botGot('the fifth edit', (e) => (e.message_edit as { num_edit?: number })?.num_edit === 5);
    expect(fifth.message_edit).toEqual({ mid, text: 'Can I pick it up tomorrow?', num_edit: 5 });
    const edited = fromPerson('Can I pick it up tomorrow?');
    await visible(edited.getByTestId('edited-label'));
    expect(await editButtons(edited)()).toBe(0);
  });

  it('cancels an edit or a reply under way when the page’s menu takes the text field away', async () => {
    const menu = (disabled: boolean) =>
      fetch(`${emulator.url}/v25.0/me/messenger_profile?access_token=${encodeURIComponent(ids.acmeToken)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          persistent_menu: [
            {
              locale: 'default',
              composer_input_disabled: disabled,
              call_to_actions: [{ type: 'postback', title: 'Browse mugs', payload: 'MUGS' }],
            },
          ],
        }),
      });
    const bubble = await typeAndSend('Do you gift wrap?');
    await bubble.hover();
    await bubble.getByTestId('edit-button').click();
    await visible(page.getByTestId('edit-bar'));

    expect((await menu(true)).status).toBe(200);
    await page.getByTestId('composer-input').waitFor({ state: 'hidden', timeout: 5_000 });
    expect(await page.getByTestId('edit-bar').count()).toBe(0);
    // A reply started then goes the same way.
    expect((await menu(false)).status).toBe(200);
    await visible(page.getByTestId('composer-input'));
    await bubble.hover();
    await bubble.getByTestId('reply-button').click();
    await visible(page.getByTestId('reply-bar'));
    expect((await menu(true)).status).toBe(200);
    await page.getByTestId('composer-input').waitFor({ state: 'hidden', timeout: 5_000 });
    expect(await page.getByTestId('reply-bar').count()).toBe(0);

    // With the field back, the composer is empty and what the person sends is a new message, not the edit.
    expect((await menu(false)).status).toBe(200);
    await visible(page.getByTestId('composer-input'));
    expect(await page.getByTestId('composer-input').inputValue()).toBe('');
    expect(await page.getByTestId('composer-like').isVisible()).toBe(true);
    await typeAndSend('Thanks!');
    await botGot('the new text', (e) => (e.message as { text?: string })?.text === 'Thanks!');
    expect(await fromPerson('Do you gift wrap?').count()).toBe(1);
    await bot.idle();
    expect(bot.events.filter((e) => (e.message_edit as { text?: string })?.text === 'Thanks!')).toEqual([]);
    expect(pageErrors.filter((error) => !error.includes('409'))).toEqual([]);
    expect(bot.errors).toEqual([]);
  });

  it("labels the thread's times by the emulator's clock: a message of its today shows its time alone", async () => {
    await client().advanceClock(3 * DAY_MS);
    await typeAndSend('Three days later');
    const label = await page.locator('.separator').last().textContent();
    // By the browser's clock it was three days ahead, and got a weekday.
    expect(label).toMatch(/^\d{1,2}:\d{2}/);
  });
  it('shows a tile naming the file where a picture the page sent cannot be loaded, not a broken image', async () => {
    const send = (message: unknown) =>
      fetch(`${emulator.url}/v25.0/me/messages?access_token=${ids.acmeToken}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ recipient: { id: ids.psid }, messaging_type: 'RESPONSE', message }),
      });
    // Port 9 refuses connections: the picture can never load.
    const unreachable = 'http://127.0.0.1:9/img';
    expect((await send({ attachment: { type: 'image', payload: { url: `${unreachable}/on-its-way.png` } } })).ok).toBe(
      true,
    );
    const card = { title: 'Forest walk', image_url: `${unreachable}/forest-walk.jpg` };
    const template = { template_type: 'generic', elements: [card] };
    expect((await send({ attachment: { type: 'template', payload: template } })).ok).toBe(true);
    const missing = page.getByTestId('picture-missing');
    await expect.poll(() => missing.count(), { timeout: 5_000 }).toBe(2);
    expect(await missing.allTextContents()).toEqual(['on-its-way.png', 'forest-walk.jpg']);
    expect(await missing.first().getAttribute('aria-label')).toBe('Picture not loaded: on-its-way.png');
    expect(await page.getByTestId('attachment-image').last().locator('img').count()).toBe(0);
    expect(await page.getByTestId('card').last().locator('img').count()).toBe(0);
  });

  /**
   * An emulator of two pages, the chat page on the first with a message sent there, which the chat list shows under its
   * name; `then` gets the second page's id, the emulator's address and that line of the list.
   */
  async function afterAMessageInTheShop(
    then: (emulator: { outlet: string; url: string }, shopPreview: () => Promise<string | null>) => Promise<void>,
  ) {
    const [shop, outlet] = ['301857392018475', '302857392018475'];
    const seeded = await startEmulator({
      verifyWebhooksOnStart: false,
      seed: {
        apps: [{ name: 'Bot', secret: 'seeded-app-secret' }],
        pages: [
          { id: shop, name: 'Seeded Shop' },
          { id: outlet, name: 'Seeded Outlet' },
        ],
        people: [{ id: '31', first_name: 'Nora' }],
      },
    });
    try {
      const shopPreview = () => page.getByTestId(`page-${shop}`).locator('.page__preview').textContent();
      await page.goto(`${seeded.url}/?page=${shop}&person=31`);
      await page.getByTestId('composer-input').fill('Before the reset');
      await page.keyboard.press('Enter');
      await expect.poll(shopPreview, { timeout: 5_000 }).toBe('You: Before the reset');
      await then({ outlet, url: seeded.url ?? '' }, shopPreview);
    } finally {
      await seeded.close();
    }
  }

  it('forgets the last messages the chat list shows once the emulator is reset to its seed', async () => {
    await afterAMessageInTheShop(async ({ outlet, url }, shopPreview) => {
      await page.getByTestId(`page-${outlet}`).click();
      await createEmulatorClient(url).reset();
      await expect.poll(shopPreview, { timeout: 5_000 }).toMatch(/^PSID \d+$/);
    });
  });

  it('forgets the last messages the chat list shows after a reset no stream of the page heard', async () => {
    await afterAMessageInTheShop(async ({ outlet, url }, shopPreview) => {
      // The next chat's stream cannot connect: nothing tells the page of the reset as it happens.
      await page.route('**/stream', (route) => route.abort());
      await page.getByTestId(`page-${outlet}`).click();
      await createEmulatorClient(url).reset();
      expect(await shopPreview()).toBe('You: Before the reset');
      // Once it connects, the stream says which emulator it is on: a new one since the page last heard.
      await page.unroute('**/stream');
      await expect.poll(shopPreview, { timeout: 15_000 }).toMatch(/^PSID \d+$/);
    });
  });

  it('opens the chat it falls back to when a restarted emulator no longer has the person chosen', async () => {
    const shop = '401857392018475';
    // People without fixed ids (as in the demo's seed) get new ones at every start; their PSIDs stay.
    const seedWith = (nora: string, omar: string) => ({
      apps: [{ name: 'Bot', secret: 'restart-app-secret' }],
      pages: [{ id: shop, name: 'Restart Shop' }],
      people: [
        { id: nora, first_name: 'Nora', psids: { [shop]: '7021938475610234' } },
        { id: omar, first_name: 'Omar', psids: { [shop]: '7021938475610235' } },
      ],
    });
    let running = await startEmulator({ verifyWebhooksOnStart: false, seed: seedWith('41', '42') });
    const port = Number(new URL(running.url ?? '').port);
    const chattingAs = () => page.locator('.chat-header__as').textContent();
    try {
      await page.goto(`${running.url}/?page=${shop}&person=42`);
      await expect.poll(chattingAs, { timeout: 5_000 }).toBe('You are Omar');
      await running.close();
      running = await startEmulator({ verifyWebhooksOnStart: false, port, seed: seedWith('51', '52') });
      await page.evaluate("window.dispatchEvent(new Event('focus'))");
      await expect.poll(() => page.getByTestId('person-51').getAttribute('aria-pressed')).toBe('true');
      await expect.poll(chattingAs, { timeout: 5_000 }).toBe('You are Nora');
      await page.getByTestId('composer-input').fill('Whose thread is this?');
      await page.getByTestId('composer-input').press('Enter');
      await visible(fromPerson('Whose thread is this?'));
    } finally {
      await running.close();
    }
  });

  it('opens the thread of the PSID a restarted emulator gives the same person, and writes there', async () => {
    const shop = '501857392018475';
    const seedWith = (psid: string) => ({
      apps: [{ name: 'Bot', secret: 'restart-app-secret' }],
      pages: [{ id: shop, name: 'Restart Shop' }],
      people: [{ id: '61', first_name: 'Nora', psids: { [shop]: psid } }],
    });
    let running = await startEmulator({ verifyWebhooksOnStart: false, seed: seedWith('8021938475610234') });
    const port = Number(new URL(running.url ?? '').port);
    try {
      await page.goto(`${running.url}/?page=${shop}&person=61`);
      await page.getByTestId('composer-input').fill('Before the restart');
      await page.getByTestId('composer-input').press('Enter');
      await visible(fromPerson('Before the restart'));
      await running.close();
      running = await startEmulator({ verifyWebhooksOnStart: false, port, seed: seedWith('8021938475610235') });
      await page.evaluate("window.dispatchEvent(new Event('focus'))");
      await expect.poll(() => fromPerson('Before the restart').count(), { timeout: 5_000 }).toBe(0);
      await page.getByTestId('composer-input').fill('After the restart');
      await page.getByTestId('composer-input').press('Enter');
      await visible(fromPerson('After the restart'));
    } finally {
      await running.close();
    }
  });

  it('names a file the person sends by its name, as Messenger does', async () => {
    const shop = '601857392018475';
    const seeded = await startEmulator({
      verifyWebhooksOnStart: false,
      seed: {
        apps: [{ name: 'Bot', secret: 'files-app-secret' }],
        pages: [{ id: shop, name: 'Files Shop' }],
        people: [{ id: '71', first_name: 'Nora' }],
      },
    });
    try {
      await page.goto(`${seeded.url}/?page=${shop}&person=71`);
      await page.getByTestId('composer-file').setInputFiles({
        name: 'Quarterly report.pdf',
        mimeType: 'application/pdf',
        buffer: Buffer.from('%PDF-1.4'),
      });
      await visible(page.getByTestId('attachment-file'));
      expect(await page.getByTestId('attachment-file').textContent()).toBe('Quarterly report.pdf');
    } finally {
      await seeded.close();
    }
  });
});
