import type { Page, Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumForFile } from '#support/browser';
import { httpServer } from '#support/embedded-api';

// pages/lib/api-client.js in Chromium, served by the local HTTP adapter: the API's base URL from
// runtime-config.json (AWS) or the page's origin (local), the session's bearer token, the API's
// bilingual errors, and a 401 that saves drafts and opens /signin. No database: API answers that
// matter here are the adapter's own (a refused token) or fulfilled by the test.

const http = httpServer('api-client-');
const chromium = chromiumForFile();
const SESSION = {
  token: 'session-token-of-the-test',
  expiresAt: new Date(Date.now() + 6 * 3600_000).toISOString(),
  user: { id: 'u-test', name: '测试联络员', role: 'liaison', county: 'chunan', status: 'active' },
};

/** A page of the site with a session in localStorage and the client loaded; `config` answers /runtime-config.json. */
async function pageWith(config: 'missing' | Record<string, unknown>): Promise<Page> {
  const context = await chromium.browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  if (config !== 'missing')
    await page.route(`${http.server.url}/runtime-config.json`, (route) => route.fulfill({ json: config }));
  // A page of this origin that loads only the client, as `window.client`.
  await page.route(`${http.server.url}/blank`, (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><script type="module">import * as client from '/lib/api-client.js'; window.client = client;</script>`,
    }),
  );
  await page.goto(`${http.server.url}/blank`);
  await page.waitForFunction(() => 'client' in globalThis);
  await page.evaluate((session) => localStorage.setItem('session.v1', JSON.stringify(session)), SESSION);
  return page;
}

interface Client {
  api(method: string, path: string): Promise<unknown>;
  onBeforeSignIn(save: () => void): void;
}

const callCounties = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { client: Client }).client.api('GET', '/counties'));

describe('the API client', () => {
  it('sends requests to runtime-config’s apiUrl, with the session’s bearer token', async () => {
    const page = await pageWith({ apiUrl: 'https://api.example.test/prod/', region: 'cn-north-1' });
    const seen: { url: string; authorization?: string }[] = [];
    await page.route('https://api.example.test/**', (route: Route) => {
      const request = route.request();
      const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*' };
      if (request.method() === 'OPTIONS') return route.fulfill({ status: 204, headers: cors });
      seen.push({ url: request.url(), authorization: request.headers().authorization });
      return route.fulfill({ json: { items: [] }, headers: cors });
    });

    expect(await callCounties(page)).toEqual({ items: [] });

    expect(seen).toEqual([
      { url: 'https://api.example.test/prod/counties', authorization: `Bearer ${SESSION.token}` },
    ]);
    await page.context().close();
  });

  it.each([
    ['there is no runtime-config.json (locally)', 'missing' as const],
    ['runtime-config.json has no apiUrl', { userPoolId: 'x' }],
    ['runtime-config.json has an empty apiUrl', { apiUrl: ' ' }],
  ])('uses the page’s own origin when %s', async (_, config) => {
    const page = await pageWith(config);
    const urls: string[] = [];
    page.on('request', (request) => urls.push(request.url()));
    // The adapter refuses the test's token: the 401 proves the request reached this origin's API.
    await callCounties(page).catch(() => {});
    await page.waitForURL(/\/signin/);

    expect(urls).toContain(`${http.server.url}/counties`);
    await page.context().close();
  });

  it('turns the API’s bilingual error into the page’s language, keeping both and the fields', async () => {
    const page = await pageWith('missing');
    await page.route(`${http.server.url}/counties`, (route) =>
      route.fulfill({
        status: 400,
        json: {
          error: {
            code: 'invalid',
            message: '输入有误：county / invalid input: county',
            fields: [{ path: 'county', message: 'x / y', zh: '没有这个县', en: 'no such county' }],
          },
        },
      }),
    );
    const caught = (lang: string) =>
      page.evaluate(async (lang) => {
        localStorage.setItem('lang', lang);
        try {
          await (globalThis as unknown as { client: Client }).client.api('GET', '/counties');
          return null;
        } catch (error) {
          const { name, message, status, zh, en, fields } = error as Record<string, unknown>;
          return { name, message, status, zh, en, fields };
        }
      }, lang);

    expect(await caught('zh')).toEqual({
      name: 'ApiError',
      message: '输入有误：county',
      status: 400,
      zh: '输入有误：county',
      en: 'invalid input: county',
      fields: [{ path: 'county', message: 'x / y', zh: '没有这个县', en: 'no such county' }],
    });
    expect((await caught('en'))?.message).toBe('invalid input: county');
    await page.context().close();
  });

  it('on a 401 saves the drafts, ends the session and opens /signin with the way back', async () => {
    const page = await pageWith('missing');
    await page.evaluate(() =>
      (globalThis as unknown as { client: Client }).client.onBeforeSignIn(() =>
        localStorage.setItem('draft-of-the-test', 'kept'),
      ),
    );

    await callCounties(page).catch(() => {});
    await page.waitForURL(/\/signin/);

    const url = new URL(page.url());
    expect(url.pathname).toBe('/signin');
    expect(url.searchParams.get('return')).toBe('/blank');
    expect(url.searchParams.get('reason')).toBe('refused');
    expect(await page.evaluate(() => localStorage.getItem('draft-of-the-test'))).toBe('kept');
    expect(await page.evaluate(() => localStorage.getItem('session.v1'))).toBeNull();
    await page.context().close();
  });
});

describe('the local server’s page paths', () => {
  it('serves /signin and /users as pages to a browser, while /users stays the API for the client', async () => {
    const html = { accept: 'text/html,application/xhtml+xml' };
    const signin = await fetch(`${http.server.url}/signin`, { headers: html });
    const usersPage = await fetch(`${http.server.url}/users`, { headers: html });
    const usersApi = await fetch(`${http.server.url}/users`, { headers: { accept: 'application/json' } });
    const withToken = await fetch(`${http.server.url}/users`, {
      headers: { ...html, authorization: 'Bearer x' },
    });

    expect(signin.status).toBe(200);
    expect(await signin.text()).toContain('用邀请登录');
    expect(usersPage.status).toBe(200);
    expect(await usersPage.text()).toMatch(/<title[^>]*>用户与邀请/);
    expect(usersApi.status).toBe(401);
    expect(withToken.status).toBe(401);
    expect(withToken.headers.get('content-type')).toContain('application/json');
  });
});
