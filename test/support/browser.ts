import { mkdirSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

/** Debian's Chromium, headless, with no network of its own (this machine has none to reach). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-gpu',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Where the browser tests leave their screenshots, to look at after a run. */
export const SHOTS = '/tmp/shots';

/** Chromium for one test file: launched before the file's tests, closed after them. */
export function chromiumForFile(): { browser: Browser } {
  const chromium = {} as { browser: Browser };
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    chromium.browser = await launchChromium();
  });
  afterAll(async () => {
    await chromium.browser?.close();
  });
  return chromium;
}
