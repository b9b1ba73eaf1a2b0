/**
 * The whole product in a browser: a person chats in the emulator's chat page (Debian's Chromium) with the gateway
 * running the demo flow assistant. Skipped when /usr/bin/chromium is absent (apt-get install chromium).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, PAGE_ID, PSID, startHarness } from '../support/gateway-harness.ts';
import { HAS_CHROMIUM, launchChromium, warnIfNoChromium } from './support/chromium.ts';

warnIfNoChromium('the demo browser test');

describe.skipIf(!HAS_CHROMIUM)('the demo assistant in the chat page (Chromium)', () => {
  let h: Harness;
  let browser: Browser;
  let page: Page;
  const fromPage = (text: string) => page.locator('[data-testid="message"][data-from="page"]', { hasText: text });

  beforeAll(async () => {
    h = await startHarness({
      database: 'sqlite',
      assistant: { type: 'flow', path: 'assistants/shop-support.en.yaml' },
      settings: { delay_between_messages_ms: 300, typing_indicators: true },
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('taps Get Started, answers with a quick reply and an order number, and sees the assistant answer', async () => {
    const personId = h.emulator.state.psids.get(PSID)?.person_id as string;
    await page.goto(`${h.emulator.url}/?page=${PAGE_ID}&person=${personId}`);
    await page.getByTestId('get-started').click();
    await fromPage("I'm Maple").waitFor({ timeout: 10_000 });
    const orderStatus = page.getByTestId('quick-reply').filter({ hasText: 'Order status' });
    await orderStatus.waitFor({ timeout: 10_000 });
    await orderStatus.click();
    await fromPage('order number').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('quick-reply').count()).toBe(0);

    await page.getByTestId('composer-input').fill('It is 204518');
    await page.getByTestId('composer-input').press('Enter');
    await fromPage('Order 204518 has left our workshop').waitFor({ timeout: 15_000 });
    await page.getByTestId('quick-reply').filter({ hasText: 'Talk to a person' }).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: 'test-results/demo-assistant.png' });
  });
});
