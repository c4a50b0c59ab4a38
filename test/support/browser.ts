import { mkdirSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { localInvitation } from '#local/invitations';
import type { LocalHttpServer } from './embedded-api.ts';

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
  const launched = {} as { browser: Browser };
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    launched.browser = await launchChromium();
  });
  afterAll(async () => {
    await launched.browser?.close();
  });
  return launched;
}

/**
 * Opens a one-time invitation link for `who` in `page`, as the person it was sent to would, and waits
 * for the page the role lands on (a path of the server, or a pattern).
 */
export async function signInWithInvitation(
  page: Page,
  http: LocalHttpServer,
  who: Parameters<typeof localInvitation>[1],
  landing: string | RegExp,
): Promise<void> {
  const { invitation } = await localInvitation(http.dataDir, who, http.server.url);
  await page.goto(invitation.url);
  await page.waitForURL(typeof landing === 'string' ? `${http.server.url}${landing}` : landing);
}

/** Whether the page scrolls sideways (runs in the browser, so the DOM is reached through globalThis). */
export const overflowsSideways = (page: Page) =>
  page.evaluate(() => {
    const root = (
      globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }
    ).document.documentElement;
    return root.scrollWidth > root.clientWidth + 1;
  });
