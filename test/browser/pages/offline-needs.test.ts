import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataDir } from '#cli/data-dir';
import { DEMO_DATA_DIR } from '#cli/session';
import { chromiumForFile, signInWithInvitation } from '#support/browser';
import { embeddedApi } from '#support/embedded-api';
import { ROOT } from '#support/paths';

// The liaison's phone with the server really gone (closed, every connection dropped; not an emulated
// offline): needs.html reopens from the service worker, signed in, with its last data and the offline
// line; several needs wait in the outbox; the server comes back on the same port and data, and each
// arrives exactly once with no touch. A new service worker, taken while needs wait, loses none.

const api = embeddedApi(loadDataDir(DEMO_DATA_DIR), 'offline-needs-');
const chromium = chromiumForFile();
const SHOTS = '/tmp/shots-offline';
let liaisonToken: string;
let secondBuild: string;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  liaisonToken = await api.token({ role: 'liaison', county: 'chunan', sub: 'liaison-chunan' });
  // A second build of the pages: the same files and a worker that differs (and says which it is).
  secondBuild = mkdtempSync(join(tmpdir(), 'pages-v2-'));
  cpSync(join(ROOT, 'pages'), secondBuild, { recursive: true });
  const worker = readFileSync(join(secondBuild, 'sw.js'), 'utf8');
  writeFileSync(
    join(secondBuild, 'sw.js'),
    `${worker}\nself.addEventListener('message', (e) => { if (e.data?.type === 'BUILD') e.ports[0]?.postMessage(2); });\n`,
  );
});

afterAll(() => {
  if (secondBuild) rmSync(secondBuild, { recursive: true, force: true });
});

/** A phone-sized page signed in as Chun'an's liaison, its service worker active (every file precached). */
async function signedInPhone(): Promise<Page> {
  const context = await chromium.browser.newContext({
    locale: 'zh-CN',
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const page = await context.newPage();
  await signInWithInvitation(page, api, { role: 'liaison', county: 'chunan' }, '/needs.html');
  await page.locator('#townId option[value="qiandaohu"]').waitFor({ state: 'attached' });
  await page.evaluate('navigator.serviceWorker.ready.then(() => true)');
  // A returning visit: the page now under the worker's control, as on every later opening.
  await page.reload();
  await page.locator('#townId option[value="qiandaohu"]').waitFor({ state: 'attached' });
  expect(await page.evaluate('Boolean(navigator.serviceWorker.controller)')).toBe(true);
  await expect.poll(() => page.locator('#list-status').textContent()).not.toBe('加载中…');
  return page;
}

async function fillNeed(page: Page, title: string): Promise<void> {
  await page.locator('#townId').selectOption({ label: '千岛湖镇' });
  await page.locator('label[for="theme-industry"]').click();
  await page.locator('#field').fill('茶叶');
  await page.locator('#title').fill(title);
  await page.locator('label[for="urgency-normal"]').click();
}

async function needsTitled(title: string): Promise<{ id: string; title: string }[]> {
  const found: { id: string; title: string }[] = [];
  let cursor: string | undefined;
  do {
    const res = await fetch(
      `${api.server.url}/needs?countyId=chunan&limit=100${cursor ? `&cursor=${cursor}` : ''}`,
      { headers: { authorization: `Bearer ${liaisonToken}` } },
    );
    const body = (await res.json()) as { items: { id: string; title: string }[]; cursor?: string };
    found.push(...body.items.filter((n) => n.title === title));
    cursor = body.cursor;
  } while (cursor);
  return found;
}

const states = (page: Page) =>
  page
    .locator('#outbox .outbox-item')
    .evaluateAll((items) => items.map((li) => li.getAttribute('data-state')));

describe('needs.html with the server gone', () => {
  it('reopens signed in with its last data, queues three needs, and each arrives once when the server is back', async () => {
    const page = await signedInPhone();
    const postsSeen: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/needs') postsSeen.push(r.url());
    });

    await api.stopServer();
    await page.reload();
    await page.locator('#townId option[value="qiandaohu"]').waitFor({ state: 'attached' });
    // Signed in (the bar, not /signin), with the data kept from the last visit, and it says so.
    expect(new URL(page.url()).pathname).toBe('/needs.html');
    await expect.poll(() => page.locator('#session-bar').isVisible()).toBe(true);
    await expect
      .poll(() => page.locator('#offline-line').textContent())
      .toMatch(/^离线 · 显示的是 \d\d:\d\d 的数据$/);
    await expect.poll(() => page.locator('#list-status').textContent()).toBe('离线，显示的是本机保存的列表');
    await page.screenshot({ path: `${SHOTS}/needs-offline-reopened.png`, fullPage: false });

    // The page by its other addresses opens too, with no server at all.
    for (const path of ['/needs', '/needs.html?from=home-screen']) {
      const other = await page.context().newPage();
      await other.goto(`${api.server.url}${path}`);
      await expect.poll(() => other.locator('h1').textContent()).toBe('乡镇需求填报');
      await other.close();
    }

    const stamp = Date.now();
    const titles = [1, 2, 3].map((n) => `离线走访记录 ${n} · ${stamp}`);
    for (const title of titles) {
      await fillNeed(page, title);
      await page.getByRole('button', { name: '提交需求' }).click();
      // Ready for the next one at once: the town kept, the title cleared, nothing disabled.
      await expect.poll(() => page.locator('#title').inputValue()).toBe('');
      expect(await page.locator('#townId').inputValue()).toBe('qiandaohu');
      expect(await page.locator('#send').isDisabled()).toBe(false);
    }
    await expect.poll(() => states(page)).toEqual(['waiting', 'waiting', 'waiting']);
    await expect.poll(() => page.locator('#outbox-badge').textContent()).toBe('待发送 3');
    expect(await page.locator('#sent').textContent()).toContain(`已保存在本机：「${titles[2]}」（千岛湖镇）`);
    // The status sits right by the button, in sight on a phone.
    const button = await page.locator('#send').boundingBox();
    const outbox = await page.locator('#outbox').boundingBox();
    expect(outbox && button && outbox.y - (button.y + button.height)).toBeLessThan(120);
    await page.locator('#send').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/needs-offline-three-waiting.png` });

    await api.restartServer();
    // No click: the outbox finds the server on its next try.
    await expect.poll(() => states(page), { timeout: 50_000 }).toEqual(['sent', 'sent', 'sent']);
    for (const title of titles) expect(await needsTitled(title)).toHaveLength(1);
    const texts = await page.locator('#outbox .outbox-item').allTextContents();
    for (const text of texts) expect(text).toMatch(/已送达 · 回执号 \S+/);
    await expect.poll(() => page.locator('#outbox-badge').isHidden()).toBe(true);
    await expect.poll(() => page.locator('#offline-line').isHidden()).toBe(true);
    expect(postsSeen.length).toBeGreaterThanOrEqual(3);
    await page.locator('#send').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/needs-delivered.png` });
    await page.context().close();
  }, 150_000);

  it('takes a new service worker while needs wait, and loses none', async () => {
    const page = await signedInPhone();
    // The API answers nothing for the needs while the new version arrives.
    const needsPath = (url: URL) => url.pathname === '/needs';
    await page.route(needsPath, (route) =>
      route.request().method() === 'POST' ? route.abort('connectionrefused') : route.continue(),
    );
    const stamp = Date.now();
    const titles = [1, 2].map((n) => `更新前排队 ${n} · ${stamp}`);
    for (const title of titles) {
      await fillNeed(page, title);
      await page.getByRole('button', { name: '提交需求' }).click();
      await expect.poll(() => page.locator('#title').inputValue()).toBe('');
    }
    await expect.poll(() => states(page)).toEqual(['waiting', 'waiting']);

    // The server is replaced by one serving a new build; the page finds the new worker waiting.
    await api.stopServer();
    await api.restartServer({ pagesDir: secondBuild });
    await page.evaluate('navigator.serviceWorker.getRegistration().then((r) => r?.update())');
    await page.locator('#update-line').waitFor({ timeout: 30_000 });
    expect(await page.locator('#update-line').textContent()).toBe('有新版本刷新');
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: `${SHOTS}/needs-update-offered.png` });
    expect(await states(page)).toEqual(['waiting', 'waiting']);

    await page.unroute(needsPath);
    await Promise.all([page.waitForEvent('load'), page.locator('#update-reload').click()]);
    // The controlling worker's build, asked through a message channel (the second build answers 2).
    const build = () =>
      page.evaluate(`new Promise((resolve) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = (event) => resolve(event.data);
        navigator.serviceWorker.controller?.postMessage({ type: 'BUILD' }, [channel.port2]);
        setTimeout(() => resolve(null), 2000);
      })`);
    await expect.poll(build).toBe(2);
    await expect.poll(() => states(page), { timeout: 50_000 }).toEqual(['sent', 'sent']);
    for (const title of titles) expect(await needsTitled(title)).toHaveLength(1);
    await page.context().close();
  }, 150_000);
});
