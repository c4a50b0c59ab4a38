import type { BrowserContext, Page } from 'playwright-core';
import qrcode from 'qrcode-generator';
import { describe, expect, it } from 'vitest';
import { loadDataDir } from '#cli/data-dir';
import { DEMO_DATA_DIR } from '#cli/session';
import { localInvitation } from '#local/invitations';
import { chromiumForFile, SHOTS } from '#support/browser';
import { embeddedApi } from '#support/embedded-api';

// Sessions that last in the field, in headless Chromium at phone size against the local HTTP
// adapter on DynamoDB Local: the link's code leaves the address bar and history before anything
// loads and is sent in a POST body; opening another person's link while signed in asks first; a
// token that ran out while the phone was offline is renewed with the device's credential instead of
// sending the person to /signin; 添加设备 shows a QR code that signs in a second browser; signing
// out ends the device on the server; a signed-out person asks for a fresh link. Screenshots: /tmp/shots.

const api = embeddedApi(loadDataDir(DEMO_DATA_DIR), 'device-sessions-');
const chromium = chromiumForFile();
const PHONE = { width: 390, height: 844 };

async function phone(): Promise<BrowserContext> {
  return chromium.browser.newContext({ locale: 'zh-CN', viewport: PHONE, isMobile: true, hasTouch: true });
}

const liaison = (name: string) =>
  localInvitation(api.dataDir, { role: 'liaison', county: 'chunan', name }, api.server.url);

const stored = (page: Page) => page.evaluate(() => JSON.parse(localStorage.getItem('session.v1') ?? 'null'));

/** The modules of the QR code qrcode-generator makes of `text`, as the page's SVG path draws them. */
function qrPath(text: string): string {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  let d = '';
  for (let row = 0; row < qr.getModuleCount(); row++)
    for (let col = 0; col < qr.getModuleCount(); col++)
      if (qr.isDark(row, col)) d += `M${col + 4} ${row + 4}h1v1h-1z`;
  return d;
}

describe('sessions that last in the field', () => {
  it('takes the code out of the address bar and history, and signs in with a POST of it', async () => {
    const { invitation } = await liaison('钱芳');
    const page = await (await phone()).newPage();
    const code = invitation.code as string;
    const seen: string[] = [];
    page.on('request', (r) => seen.push(`${r.method()} ${r.url()} ${r.postData() ?? ''}`));

    await page.goto(invitation.url);
    await page.waitForURL(`${api.server.url}/needs.html`);

    const sent = seen.filter((line) => line.includes(code));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/^POST .*\/session \{"invitation":/);
    expect((await stored(page)) ?? {}).toHaveProperty('deviceToken');
    // Back from the landing page, entry by entry: none of the history holds the code.
    const back: string[] = [];
    for (let i = 0; i < 5; i++) {
      const before = page.url();
      await page.goBack().catch(() => null);
      if (page.url() === before) break;
      back.push(page.url());
    }
    expect(back.filter((url) => url.includes(code))).toEqual([]);
    await page.context().close();
  });

  it('asks before an invitation link switches this browser to someone else, and does only when told', async () => {
    const page = await (await phone()).newPage();
    await page.goto((await liaison('孙丽')).invitation.url);
    await page.waitForURL(`${api.server.url}/needs.html`);
    const first = await stored(page);
    const other = await liaison('周强');

    await page.goto(other.invitation.url);

    const ask = page.locator('#switch');
    await ask.waitFor();
    expect(await page.locator('#switch-text').textContent()).toContain('你已作为 孙丽 · 县科协联络员 登录');
    expect(page.url()).not.toContain('code=');
    await page.screenshot({ path: `${SHOTS}/signin-switch-account-390.png` });
    await page.getByRole('button', { name: '保持当前登录' }).click();
    await page.waitForURL(`${api.server.url}/needs.html`);
    expect((await stored(page)).user.name).toBe('孙丽');

    // The same link again (still unused), and this time the switch.
    await page.goto(other.invitation.url);
    const signedOut = page.waitForResponse((r) => new URL(r.url()).pathname === '/session/sign-out');
    await page.getByRole('button', { name: '换成这个链接的账号' }).click();
    expect((await signedOut).status()).toBe(200);
    await page.waitForURL(`${api.server.url}/needs.html`);
    expect((await stored(page)).user.name).toBe('周强');
    // The first account's device session ended on the server.
    const refused = await fetch(`${api.server.url}/session/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ deviceToken: first.deviceToken }),
    });
    expect(refused.status).toBe(401);
    await page.context().close();
  });

  it('opens signed in after the token ran out offline, renewing it with the device credential', async () => {
    const page = await (await phone()).newPage();
    await page.goto((await liaison('吴刚')).invitation.url);
    await page.waitForURL(`${api.server.url}/needs.html`);
    // Days later: the 12-hour token has long ended, the device credential has not.
    await page.evaluate(() => {
      const session = JSON.parse(localStorage.getItem('session.v1') as string);
      localStorage.setItem(
        'session.v1',
        JSON.stringify({ ...session, expiresAt: '2020-01-01T00:00:00.000Z' }),
      );
    });
    const renewed = page.waitForResponse((r) => new URL(r.url()).pathname === '/session/refresh');

    await page.reload();

    expect((await renewed).status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/needs.html');
    await expect.poll(async () => Date.parse((await stored(page)).expiresAt)).toBeGreaterThan(Date.now());
    await expect.poll(() => page.locator('#session-bar').textContent()).toContain('吴刚');
    await page.context().close();
  });

  it('adds another device with the QR code shown on the signed-in one', async () => {
    const page = await (await phone()).newPage();
    await page.goto((await liaison('郑洁')).invitation.url);
    await page.waitForURL(`${api.server.url}/needs.html`);

    await page.getByRole('button', { name: '添加设备' }).click();

    const dialog = page.locator('#device-code');
    await dialog.locator('svg.qr').waitFor();
    const code = ((await dialog.locator('#device-code-text').textContent()) ?? '').replace(/\s/g, '');
    expect(code).toMatch(/^[2-9A-HJ-NP-Z]{10}$/);
    const url = `${api.server.url}/signin#code=${code}`;
    expect(await dialog.locator('svg.qr path').getAttribute('d')).toBe(qrPath(url));
    expect(await dialog.textContent()).toMatch(/10 分钟内有效/);
    await page.screenshot({ path: `${SHOTS}/add-device-qr-390.png` });

    const second = await (await phone()).newPage();
    await second.goto(url);
    await second.waitForURL(`${api.server.url}/needs.html`);
    expect((await stored(second)).user.name).toBe('郑洁');
    await second.context().close();
    await page.context().close();
  });

  it('signing out ends this device on the server', async () => {
    const page = await (await phone()).newPage();
    await page.goto((await liaison('王静')).invitation.url);
    await page.waitForURL(`${api.server.url}/needs.html`);
    const { deviceToken } = await stored(page);
    await page.locator('#session-bar').getByRole('button', { name: '退出登录' }).click();
    await page.waitForURL(/\/signin\?reason=signed-out/);
    const refused = await fetch(`${api.server.url}/session/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ deviceToken }),
    });
    expect(refused.status).toBe(401);
    await page.context().close();
  });

  it('a signed-out person asks for a fresh link with their mobile number and reads the same answer as anyone', async () => {
    const page = await (await phone()).newPage();
    await page.goto(`${api.server.url}/signin`);
    await page.locator('#contact').fill('139 1234 5678');
    await page.getByRole('button', { name: '发送登录链接' }).click();
    await expect
      .poll(() => page.locator('#link-message').textContent())
      .toContain('新的登录链接已发送到那里');
    await page.locator('#lang').click();
    expect(await page.locator('#link-message').textContent()).toContain('a new sign-in link has been sent');
    await page.context().close();
  });
});
