import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium (apt-get install chromium); Playwright's own browser download cannot be reached here. */
export const CHROMIUM = '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM);

/** Flags for a headless run on a closed network: no background calls home, no sandbox as root. */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

/** Says why browser tests are skipped, so a green run without Chromium is not mistaken for a browser check. */
export function warnIfNoChromium(suite: string): void {
  if (!HAS_CHROMIUM) console.warn(`Skipping ${suite}: ${CHROMIUM} not found (apt-get install -y chromium).`);
}
