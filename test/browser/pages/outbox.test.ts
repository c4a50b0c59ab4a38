import type { Page, Request, Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumForFile } from '#support/browser';
import { httpServer } from '#support/embedded-api';

// pages/lib/outbox.js and lib/outbox-view.js in Chromium, served by the local HTTP adapter: items kept
// in IndexedDB, each with its own Idempotency-Key, sent by themselves once the API answers, refusals
// shown with the server's words, a photo in two steps, and every tab told. The API's answers are the
// test's (page.route); the whole flow against the real server is in offline-needs.test.ts.

const http = httpServer('outbox-');
const chromium = chromiumForFile();
const SESSION = {
  token: 'session-token-of-the-test',
  expiresAt: new Date(Date.now() + 6 * 3600_000).toISOString(),
  user: { id: 'u-liaison', name: '测试联络员', role: 'liaison', county: 'chunan', status: 'active' },
};

interface Item {
  id: string;
  kind: string;
  key: string;
  state: string;
  receipt?: string;
  error?: { zh: string; en: string };
  attempts: number;
}
type Outbox = {
  enqueue(spec: Record<string, unknown>): Promise<Item>;
  list(): Promise<Item[]>;
  retry(id: string): Promise<void>;
  discard(id: string): Promise<void>;
  flush(): Promise<void>;
};

/** A page of this origin that loads the outbox (and its view) as `window.outbox`, signed in. */
async function outboxPage(page: Page): Promise<void> {
  await page.route(`${http.server.url}/blank`, (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><html lang="zh-CN"><body><header class="bar"><button id="lang">English</button></header>
<div id="box"></div><script type="module">
import * as outbox from '/lib/outbox.js'; import * as view from '/lib/outbox-view.js';
view.mountOutboxList(document.getElementById('box')); view.mountOutboxBadge();
window.outbox = outbox;</script></body></html>`,
    }),
  );
  await page.addInitScript((session) => localStorage.setItem('session.v1', JSON.stringify(session)), SESSION);
  await page.goto(`${http.server.url}/blank`);
  await page.waitForFunction(() => 'outbox' in globalThis);
}

async function freshPage(): Promise<Page> {
  const context = await chromium.browser.newContext({ viewport: { width: 390, height: 844 } });
  return context.newPage();
}

const ob = <T>(page: Page, fn: (outbox: Outbox, arg: unknown) => Promise<T>, arg?: unknown): Promise<T> =>
  page.evaluate(
    ([source, a]) => {
      const run = new Function('outbox', 'arg', `return (${source})(outbox, arg);`);
      return run((globalThis as unknown as { outbox: Outbox }).outbox, a);
    },
    [fn.toString(), arg] as const,
  ) as Promise<T>;

const items = (page: Page) => ob(page, (o) => o.list());
const need = (n: number) => ({
  kind: 'need',
  path: '/needs',
  body: {
    countyId: 'chunan',
    townId: 'fenkou',
    theme: 'industry',
    field: '茶叶',
    title: `需求 ${n}`,
    urgency: 'normal',
  },
  label: { zh: `需求 ${n}`, en: `Need ${n}` },
});

/** The API as the test plays it: unreachable until `up`, then each request answered by `answer`. */
function playApi(page: Page, answer: (request: Request) => { status: number; json: unknown }) {
  const state = { up: false, seen: [] as { path: string; key?: string; authorization?: string }[] };
  page.route(`${http.server.url}/needs**`, (route: Route) => {
    if (!state.up) return route.abort('connectionrefused');
    const request = route.request();
    state.seen.push({
      path: new URL(request.url()).pathname,
      key: request.headers()['idempotency-key'],
      authorization: request.headers().authorization,
    });
    const { status, json } = answer(request);
    return route.fulfill({ status, json });
  });
  return state;
}

describe('the outbox', () => {
  it('keeps many items while the API is unreachable, each with its own key, and sends them by itself once it answers', async () => {
    const page = await freshPage();
    const api = playApi(page, (request) => ({
      status: 201,
      json: { id: `need-${request.headers()['idempotency-key']?.slice(0, 6)}`, ...request.postDataJSON() },
    }));
    await outboxPage(page);

    for (const n of [1, 2, 3])
      await ob(page, (o, spec) => o.enqueue(spec as Record<string, unknown>), need(n));
    await expect
      .poll(async () => (await items(page)).map((i) => i.state))
      .toEqual(['waiting', 'waiting', 'waiting']);
    // The oldest was tried and found no server; the others wait behind it rather than fail alike.
    await expect.poll(async () => (await items(page))[0]?.attempts).toBeGreaterThan(0);
    const keys = (await items(page)).map((i) => i.key);
    expect(new Set(keys).size).toBe(3);
    await expect.poll(() => page.locator('#outbox-badge').textContent()).toBe('待发送 3');
    expect(await page.locator('.outbox-item').first().textContent()).toContain('待发送');

    // No click: the backoff's next try finds the API answering.
    api.up = true;
    await expect
      .poll(async () => (await items(page)).map((i) => i.state), { timeout: 40_000 })
      .toEqual(['sent', 'sent', 'sent']);
    expect(api.seen.map((s) => s.key).sort()).toEqual([...keys].sort());
    expect(api.seen.every((s) => s.authorization === `Bearer ${SESSION.token}`)).toBe(true);
    const sent = await items(page);
    expect(sent.map((i) => i.receipt)).toEqual(keys.map((k) => `need-${k.slice(0, 6)}`));
    await expect.poll(() => page.locator('#outbox-badge').isHidden()).toBe(true);
    expect(await page.locator('.outbox-item').first().textContent()).toContain(
      `已送达 · 回执号 ${sent[2]?.receipt}`,
    );
    await page.context().close();
  });

  it('shows a refusal with the server’s bilingual message and does not retry it by itself; retry resends the same key; discard forgets', async () => {
    const page = await freshPage();
    let refuse = true;
    const api = playApi(page, () =>
      refuse
        ? {
            status: 409,
            json: { error: { code: 'conflict', message: '这条需求已撤回 / This need has been withdrawn' } },
          }
        : { status: 200, json: { id: 'need-ok' } },
    );
    api.up = true;
    await outboxPage(page);

    const item = await ob(page, (o, spec) => o.enqueue(spec as Record<string, unknown>), need(1));
    await expect.poll(async () => (await items(page))[0]?.state).toBe('failed');
    const failed = (await items(page))[0] as Item;
    expect(failed.error).toMatchObject({ zh: '这条需求已撤回', en: 'This need has been withdrawn' });
    await expect.poll(() => page.locator('.outbox-failed').textContent()).toContain('失败：这条需求已撤回');
    await ob(page, (o) => o.flush());
    expect(api.seen).toHaveLength(1);

    refuse = false;
    await ob(page, (o, id) => o.retry(id as string), item.id);
    await expect.poll(async () => (await items(page))[0]?.state).toBe('sent');
    expect(api.seen.map((s) => s.key)).toEqual([item.key, item.key]);

    await ob(page, (o, id) => o.discard(id as string), item.id);
    expect(await items(page)).toEqual([]);
    await expect.poll(() => page.locator('.outbox-item').count()).toBe(0);
    await page.context().close();
  });

  it('keeps waiting items through a closed tab and sends them at the next opening', async () => {
    const page = await freshPage();
    const context = page.context();
    const api = playApi(page, () => ({ status: 201, json: { id: 'need-later' } }));
    await outboxPage(page);
    const item = await ob(page, (o, spec) => o.enqueue(spec as Record<string, unknown>), need(7));
    await expect.poll(async () => (await items(page))[0]?.attempts).toBeGreaterThan(0);
    await page.close();

    const reopened = await context.newPage();
    const again = playApi(reopened, () => ({ status: 201, json: { id: 'need-later' } }));
    again.up = true;
    await outboxPage(reopened);
    await expect.poll(async () => (await items(reopened))[0]?.state).toBe('sent');
    expect(again.seen.map((s) => s.key)).toEqual([item.key]);
    expect(api.seen).toEqual([]);
    await context.close();
  });

  it('tells every open tab of a change', async () => {
    const page = await freshPage();
    playApi(page, () => ({ status: 201, json: {} }));
    await outboxPage(page);
    const other = await page.context().newPage();
    playApi(other, () => ({ status: 201, json: {} }));
    await outboxPage(other);

    await ob(page, (o, spec) => o.enqueue(spec as Record<string, unknown>), need(1));
    await expect.poll(() => other.locator('#outbox-badge').textContent()).toBe('待发送 1');
    await expect.poll(() => other.locator('.outbox-item').count()).toBe(1);
    await page.context().close();
  });

  it('sends a photo in two steps: the JSON with its key, then the form’s fields and the file, with no bearer token', async () => {
    const page = await freshPage();
    const firsts: { key?: string; body: unknown }[] = [];
    const uploads: { authorization?: string; body: string; contentType?: string }[] = [];
    let uploadUp = false;
    await page.route(`${http.server.url}/visits/2026-Q4.chunan/attachments`, (route) => {
      const request = route.request();
      firsts.push({ key: request.headers()['idempotency-key'], body: request.postDataJSON() });
      return route.fulfill({
        status: 201,
        json: {
          attachment: { id: 'att-1' },
          upload: {
            url: `${http.server.url}/upload-here`,
            fields: { key: 'k/att-1', policy: 'p', signature: 's' },
          },
        },
      });
    });
    await page.route(`${http.server.url}/upload-here`, (route) => {
      if (!uploadUp) return route.abort('connectionrefused');
      const request = route.request();
      uploads.push({
        authorization: request.headers().authorization,
        body: request.postDataBuffer()?.toString('latin1') ?? '',
        contentType: request.headers()['content-type'],
      });
      return route.fulfill({ status: 204, body: '' });
    });
    await outboxPage(page);

    await page.evaluate(() => {
      const o = (globalThis as unknown as { outbox: Outbox }).outbox;
      const blob = new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9])], {
        type: 'image/jpeg',
      });
      return o.enqueue({
        kind: 'attachment',
        path: '/visits/2026-Q4.chunan/attachments',
        body: { contentType: 'image/jpeg', size: blob.size, caption: '查看水稻长势' },
        blob,
        label: { zh: '照片：查看水稻长势', en: 'Photo' },
      });
    });
    // The upload is unreachable: the item waits and its retry re-sends the first step with the same key.
    await expect.poll(() => firsts.length).toBeGreaterThanOrEqual(1);
    await expect.poll(async () => (await items(page))[0]?.state).toBe('waiting');
    uploadUp = true;
    await ob(page, (o) => o.flush());
    await expect.poll(async () => (await items(page))[0]?.state).toBe('sent');
    expect(new Set(firsts.map((f) => f.key)).size).toBe(1);
    expect(firsts[0]?.body).toEqual({ contentType: 'image/jpeg', size: 9, caption: '查看水稻长势' });
    expect(uploads).toHaveLength(1);
    expect(uploads[0]?.authorization).toBeUndefined();
    expect(uploads[0]?.contentType).toMatch(/^multipart\/form-data/);
    const body = uploads[0]?.body ?? '';
    const order = ['name="key"', 'name="policy"', 'name="signature"', 'name="file"'].map((n) =>
      body.indexOf(n),
    );
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect((await items(page))[0]?.receipt).toBe('att-1');
    await page.context().close();
  });
});
