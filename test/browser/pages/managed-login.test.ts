import { createHash } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumForFile } from '#support/browser';
import { httpServer } from '#support/embedded-api';

// The pages as deployed: runtime-config.json names Cognito's managed login, and /signin signs in with
// the authorization code grant and PKCE. Cognito and the API Gateway have no local equivalent for a
// browser, so the test stands in for their HTTPS endpoints and checks what the page sends them.

const DOMAIN = 'https://rounds-test.auth.cn-north-1.amazoncognito.com';
const API = 'https://api.example.test';
const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': '*',
  'access-control-allow-methods': 'GET,POST,OPTIONS',
};
const http = httpServer('managed-login-');
const chromium = chromiumForFile();

const jwt = (claims: Record<string, unknown>) =>
  `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
const accessToken = (n: number) =>
  jwt({
    username: 'u-wangfang',
    sub: 'uuid-1',
    role: 'liaison',
    county: 'chunan',
    token_use: 'access',
    n,
    exp: Math.floor(Date.now() / 1000) + 3600,
  });

interface Seen {
  authorize?: URL;
  tokenForms: URLSearchParams[];
  /** The access tokens handed out, in order. */
  issued: string[];
  api: { url: string; authorization?: string }[];
}

async function deployedPage(): Promise<{ page: Page; seen: Seen }> {
  const context = await chromium.browser.newContext({
    locale: 'zh-CN',
    viewport: { width: 390, height: 844 },
    isMobile: true,
  });
  const page = await context.newPage();
  const seen: Seen = { tokenForms: [], issued: [], api: [] };
  await context.route(`${http.server.url}/runtime-config.json`, (route) =>
    route.fulfill({
      json: {
        region: 'cn-north-1',
        apiUrl: API,
        userPoolId: 'cn-north-1_test',
        userPoolClientId: 'pages-client',
        userPoolDomain: DOMAIN,
        signInRedirect: `${http.server.url}/signin`,
        signOutRedirect: `${http.server.url}/`,
        scopes: 'openid profile rounds/api',
        apiToken: 'access_token',
      },
    }),
  );
  await context.route(`${DOMAIN}/oauth2/authorize**`, (route) => {
    seen.authorize = new URL(route.request().url());
    // Managed login: the person signs in, Cognito returns to the callback with a code.
    const back = `${http.server.url}/signin?code=the-code&state=${seen.authorize.searchParams.get('state')}`;
    return route.fulfill({ status: 302, headers: { location: back } });
  });
  await context.route(`${DOMAIN}/oauth2/token`, (route) => {
    const form = new URLSearchParams(route.request().postData() ?? '');
    seen.tokenForms.push(form);
    seen.issued.push(accessToken(seen.tokenForms.length));
    return route.fulfill({
      headers: CORS,
      json: {
        access_token: seen.issued.at(-1),
        id_token: jwt({ name: '王芳', 'cognito:username': 'u-wangfang', 'custom:role': 'liaison' }),
        ...(form.get('grant_type') === 'authorization_code' ? { refresh_token: 'the-refresh-token' } : {}),
        expires_in: 3600,
        token_type: 'Bearer',
      },
    });
  });
  await context.route(`${API}/**`, (route) => {
    const request = route.request();
    if (request.method() === 'OPTIONS') return route.fulfill({ status: 204, headers: CORS });
    seen.api.push({ url: request.url(), authorization: request.headers().authorization });
    const path = new URL(request.url()).pathname;
    const body =
      path === '/counties'
        ? {
            items: [
              {
                id: 'chunan',
                name: { zh: '淳安县', en: 'Chun’an' },
                towns: [{ id: 'qiandaohu', name: { zh: '千岛湖镇', en: 'Qiandaohu' } }],
              },
            ],
          }
        : { items: [] };
    return route.fulfill({ headers: CORS, json: body });
  });
  await context.route(`${DOMAIN}/logout**`, (route) =>
    route.fulfill({ contentType: 'text/html', body: 'signed out' }),
  );
  return { page, seen };
}

describe('signing in through Cognito managed login (runtime-config.json)', () => {
  it('sends the browser to managed login with PKCE, exchanges the code with its verifier and lands on the role’s page', async () => {
    const { page, seen } = await deployedPage();
    await page.goto(`${http.server.url}/signin`);
    await page.locator('#managed').waitFor();
    expect(await page.locator('#sign-in').isHidden()).toBe(true);

    await page.getByRole('button', { name: '前往登录' }).click();
    await page.waitForURL(`${http.server.url}/needs.html`);

    const authorize = seen.authorize!.searchParams;
    expect(Object.fromEntries(authorize)).toMatchObject({
      response_type: 'code',
      client_id: 'pages-client',
      redirect_uri: `${http.server.url}/signin`,
      scope: 'openid profile rounds/api',
      code_challenge_method: 'S256',
      lang: 'zh-CN',
    });
    const form = seen.tokenForms[0]!;
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('code')).toBe('the-code');
    expect(form.get('client_id')).toBe('pages-client');
    expect(form.get('redirect_uri')).toBe(`${http.server.url}/signin`);
    // The verifier sent with the code is the one whose S256 challenge went to /authorize.
    const verifier = form.get('code_verifier')!;
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(createHash('sha256').update(verifier).digest('base64url')).toBe(authorize.get('code_challenge'));

    const bar = page.locator('#session-bar');
    await expect.poll(() => bar.textContent()).toContain('淳安县');
    expect(await bar.textContent()).toContain('王芳');
    expect(await bar.textContent()).toContain('县科协联络员');
    expect(seen.api[0]).toEqual({ url: `${API}/counties`, authorization: `Bearer ${seen.issued[0]}` });

    // Renewal uses the refresh token; the new access token is what the API gets next.
    await page.evaluate(() => {
      const session = JSON.parse(localStorage.getItem('session.v1') as string);
      localStorage.setItem(
        'session.v1',
        JSON.stringify({ ...session, expiresAt: new Date(Date.now() + 60_000).toISOString() }),
      );
    });
    await page.reload();
    await expect.poll(() => seen.tokenForms.length).toBe(2);
    expect(Object.fromEntries(seen.tokenForms[1]!)).toEqual({
      client_id: 'pages-client',
      grant_type: 'refresh_token',
      refresh_token: 'the-refresh-token',
    });
    await expect
      .poll(() => page.evaluate(() => JSON.parse(localStorage.getItem('session.v1') as string).refreshToken))
      .toBe('the-refresh-token');

    // The page opened before still has calls under way with its own token; let them finish first,
    // so that every call counted below is the reopened page's.
    await page.waitForLoadState('networkidle');

    // Offline for a day: the access token ended long ago, the refresh token (30 days) has not. The page
    // opens signed in, renews first, and the API gets only the new token.
    await page.evaluate(() => {
      const session = JSON.parse(localStorage.getItem('session.v1') as string);
      localStorage.setItem(
        'session.v1',
        JSON.stringify({ ...session, expiresAt: new Date(Date.now() - 24 * 3600_000).toISOString() }),
      );
    });
    const calls = seen.api.length;
    await page.reload();
    await expect.poll(() => seen.tokenForms.length).toBe(3);
    expect(new URL(page.url()).pathname).toBe('/needs.html');
    await expect.poll(() => seen.api.length).toBeGreaterThan(calls);
    expect(seen.api.slice(calls).map((c) => c.authorization)).toEqual(
      seen.api.slice(calls).map(() => `Bearer ${seen.issued[2]}`),
    );

    await page.locator('#session-bar').getByRole('button', { name: '退出登录' }).click();
    await page.waitForURL(`${DOMAIN}/logout**`);
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({
      client_id: 'pages-client',
      logout_uri: `${http.server.url}/`,
    });
    await page.context().close();
  });

  it('refuses a callback whose state this browser did not send, and exchanges nothing', async () => {
    const { page, seen } = await deployedPage();

    await page.goto(`${http.server.url}/signin?code=stolen&state=not-ours`);

    await expect.poll(() => page.locator('#managed-message').textContent()).toContain('登录没有完成');
    expect(seen.tokenForms).toEqual([]);
    expect(await page.evaluate(() => localStorage.getItem('session.v1'))).toBeNull();
    await page.context().close();
  });
});
