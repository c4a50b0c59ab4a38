import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import qrcode from 'qrcode-generator';
import { describe, expect, it } from 'vitest';
import { loadDataDir } from '#cli/data-dir';
import { DEMO_DATA_DIR } from '#cli/session';
import { localInvitation } from '#local/invitations';
import { BUILT_IN_COORDINATOR } from '#schemas/users';
import { chromiumForFile, SHOTS, signInWithInvitation } from '#support/browser';
import { embeddedApi } from '#support/embedded-api';

// Sign-in by invitation end to end, in headless Chromium at phone size against the local HTTP adapter on DynamoDB
// Local: a coordinator signs in with the link `npm start` prints, invites liaisons for 淳安 on the
// users page; a liaison opens the link in another browser and submits a need without ever seeing a
// token; the typed code works the same; a used invitation is refused in Chinese; a revoked liaison's
// next request is 401 and the page returns to /signin with the draft kept. Screenshots: /tmp/shots.

const api = embeddedApi(loadDataDir(DEMO_DATA_DIR), 'signin-e2e-');
const chromium = chromiumForFile();
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1366, height: 900 };
const stamp = Date.now().toString(36);

async function phone(): Promise<BrowserContext> {
  const context = await chromium.browser.newContext({
    locale: 'zh-CN',
    viewport: PHONE,
    isMobile: true,
    hasTouch: true,
  });
  // window.print() opens no dialog in a test; the sheet is read with print media instead.
  await context.addInitScript({ content: 'window.print = () => {};' });
  return context;
}

/** Nothing a person sees or can read out of the page mentions a token. */
async function expectNoTokenMentioned(page: Page): Promise<void> {
  const mentions = (await page.evaluate(`(() => {
    const found = [];
    const said = (text) => /令牌|token/i.test(text);
    if (said(document.body.innerText)) found.push('text: ' + document.body.innerText);
    if (said(document.title)) found.push('title: ' + document.title);
    for (const node of document.querySelectorAll('*'))
      for (const name of ['placeholder', 'title', 'aria-label', 'value', 'id', 'name', 'data-t'])
        if (said(node.getAttribute(name) ?? '')) found.push(node.tagName + ' ' + name + '=' + node.getAttribute(name));
    return found;
  })()`)) as string[];
  expect(mentions, page.url()).toEqual([]);
}

async function fillNeed(page: Page, title: string): Promise<void> {
  await page.locator('#townId option[value="qiandaohu"]').waitFor({ state: 'attached' });
  await page.locator('#townId').selectOption({ label: '千岛湖镇' });
  await page.locator('label[for="theme-industry"]').click();
  await page.locator('#field').fill('茶叶');
  await page.locator('#title').fill(title);
  await page.locator('label[for="urgency-high"]').click();
}

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

interface Issued {
  name: string;
  url: string;
  code: string;
}

let coordinator: Page;
let liaisonA: Page;
const issued: Issued[] = [];

async function inviteLiaison(name: string): Promise<Issued> {
  const page = coordinator;
  await page.locator('#role').selectOption('liaison');
  await page.locator('#county').selectOption({ label: '淳安县' });
  await page.locator('#name').fill(name);
  await page.getByRole('button', { name: '创建并生成邀请' }).click();
  const card = page.locator('#invitations .invitation', { hasText: name });
  await card.waitFor();
  expect(await card.textContent()).toContain('淳安县');
  expect(await card.textContent()).toMatch(/有效期至 \d{4}-\d\d-\d\d \d\d:\d\d（北京时间）/);
  const url = (await card.locator('a.invitation-url').getAttribute('href')) as string;
  const code = (await card.locator('[data-code]').getAttribute('data-code')) as string;
  expect(url).toBe(`${api.server.url}/signin#code=${code}`);
  // The QR code drawn in the page is the link's.
  expect(await card.locator('svg.qr path').getAttribute('d')).toBe(qrPath(url));
  return { name, url, code };
}

describe('signing in by invitation', () => {
  it('a coordinator signs in with the npm start link and lands on the dashboard, signed in by name', async () => {
    // What cli/start.ts prints after `Listening on`: the built-in coordinator's one-time link.
    const { invitation } = await localInvitation(
      api.dataDir,
      { role: 'coordinator', name: BUILT_IN_COORDINATOR.name },
      api.server.url,
    );
    coordinator = await (await phone()).newPage();

    await coordinator.goto(invitation.url);

    await coordinator.waitForURL(`${api.server.url}/dashboard.html`);
    const bar = coordinator.locator('#session-bar');
    await expect.poll(() => bar.textContent()).toContain('协调人');
    expect(await bar.textContent()).toContain('市科协协调人');
    expect(await bar.getByRole('button', { name: '退出登录' }).isVisible()).toBe(true);
    await expectNoTokenMentioned(coordinator);
  });

  it('the coordinator invites two liaisons for 淳安 on the users page, each with link, QR code, code and expiry', async () => {
    await coordinator.locator('#session-bar').getByRole('link', { name: '用户与邀请' }).click();
    await coordinator.waitForURL(`${api.server.url}/users.html`);
    await coordinator.locator('#county option').first().waitFor({ state: 'attached' });

    issued.push(await inviteLiaison('王芳'));
    issued.push(await inviteLiaison('李强'));

    const rows = coordinator.locator('#users tbody tr', { hasText: '淳安县' });
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.first().textContent()).toMatch(/县科协联络员.*淳安县.*在用/);
    await expectNoTokenMentioned(coordinator);
    await coordinator.screenshot({ path: join(SHOTS, 'users-390.png'), fullPage: true });
  });

  it('the users page’s title bar shows its language button, white on the green, and it switches the page', async () => {
    const colours = (await coordinator.evaluate(`(() => {
      const button = document.getElementById('lang');
      return [getComputedStyle(button).color, getComputedStyle(button.closest('.bar')).backgroundColor];
    })()`)) as [string, string];

    expect(colours).toEqual(['rgb(255, 255, 255)', 'rgb(11, 110, 79)']);
    await coordinator.locator('#lang').click();
    expect(await coordinator.locator('h1').textContent()).toBe('Users and invitations');
    await coordinator.locator('#lang').click();
    expect(await coordinator.locator('h1').textContent()).toBe('用户与邀请');
  });

  it('a liaison opens the invitation link in another browser and submits a need without seeing a token', async () => {
    liaisonA = await (await phone()).newPage();
    await liaisonA.goto(issued[0]!.url);

    await liaisonA.waitForURL(`${api.server.url}/needs.html`);
    const bar = liaisonA.locator('#session-bar');
    await expect.poll(() => bar.textContent()).toContain('淳安县');
    expect(await bar.textContent()).toContain(issued[0]!.name);
    expect(await bar.textContent()).toContain('县科协联络员');
    // The code left the address bar with the link.
    expect(liaisonA.url()).not.toContain('code=');
    await fillNeed(liaisonA, `茶园机采技术指导 ${stamp}`);
    await liaisonA.getByRole('button', { name: '提交需求' }).click();
    await expect.poll(() => liaisonA.locator('#sent').textContent()).toContain('已送达');
    await expectNoTokenMentioned(liaisonA);
  });

  it('the typed code signs in the same way, in lower case with spaces and dashes', async () => {
    const page = await (await phone()).newPage();
    await page.goto(`${api.server.url}/signin`);
    await expectNoTokenMentioned(page);
    const code = issued[1]!.code.toLowerCase();

    await page.locator('#code').fill(`${code.slice(0, 3)} ${code.slice(3, 6)}-${code.slice(6)}`);
    await page.getByRole('button', { name: '登录', exact: true }).click();

    await page.waitForURL(`${api.server.url}/needs.html`);
    await expect.poll(() => page.locator('#session-bar').textContent()).toContain(issued[1]!.name);
    await fillNeed(page, `林下中药材种植 ${stamp}`);
    await page.getByRole('button', { name: '提交需求' }).click();
    await expect.poll(() => page.locator('#sent').textContent()).toContain('已送达');
    await expectNoTokenMentioned(page);
    await page.context().close();
  });

  it('a used invitation is refused in Chinese, saying to ask the coordinator for a new one', async () => {
    const page = await (await phone()).newPage();

    await page.goto(issued[0]!.url);

    await expect.poll(() => page.locator('#message').textContent()).toContain('这份邀请已经用过');
    expect(await page.locator('#message').textContent()).toContain('请联系市科协协调人，索取新的邀请');
    expect(new URL(page.url()).pathname).toBe('/signin');
    expect(await page.evaluate(() => localStorage.getItem('session.v1'))).toBeNull();
    await expectNoTokenMentioned(page);
    await page.locator('#lang').click();
    expect(await page.locator('#message').textContent()).toContain('this invitation was used already');
    await page.context().close();
  });

  it('after the coordinator revokes the liaison, the next request is 401 and the page returns to /signin, the need kept on the device', async () => {
    const title = `撤销后的草稿 ${stamp}`;
    await fillNeed(liaisonA, title);
    coordinator.once('dialog', (dialog) => dialog.accept());
    const row = coordinator.locator('#users tbody tr', { hasText: issued[0]!.name });
    await row.getByRole('button', { name: '撤销' }).click();
    await expect.poll(() => row.getAttribute('data-status')).toBe('revoked');
    const statuses: number[] = [];
    liaisonA.on('response', (response) => {
      if (new URL(response.url()).pathname === '/needs') statuses.push(response.status());
    });

    await liaisonA.getByRole('button', { name: '提交需求' }).click();

    await liaisonA.waitForURL(/\/signin\?/);
    expect(statuses[0]).toBe(401);
    const url = new URL(liaisonA.url());
    expect(url.searchParams.get('return')).toBe('/needs.html');
    await expect.poll(() => liaisonA.locator('#notice').textContent()).toContain('已保存在本机');
    // The need waits in the device's outbox for this person's next sign-in (lib/outbox.js).
    // A string, so the test runner leaves the page's own import() alone.
    const waiting = await liaisonA.evaluate(`(async () => {
      const outbox = await import('/lib/outbox.js');
      return (await outbox.list()).map((item) => ({ title: item.body?.title, state: item.state }));
    })()`);
    expect(waiting).toContainEqual({ title, state: 'waiting' });
    expect(await liaisonA.evaluate(() => localStorage.getItem('session.v1'))).toBeNull();
    await expectNoTokenMentioned(liaisonA);
    await liaisonA.context().close();
  });

  it('renews a session before it ends, with the device’s own credential', async () => {
    const page = await (await phone()).newPage();
    await signInWithInvitation(page, api, { role: 'liaison', county: 'chunan', name: '赵敏' }, '/needs.html');
    const soon = new Date(Date.now() + 5 * 60_000).toISOString();
    await page.evaluate((at) => {
      const session = JSON.parse(localStorage.getItem('session.v1') as string);
      localStorage.setItem('session.v1', JSON.stringify({ ...session, expiresAt: at }));
    }, soon);
    const renewed = page.waitForResponse((r) => new URL(r.url()).pathname === '/session/refresh');

    await page.reload();

    expect((await renewed).status()).toBe(200);
    await expect
      .poll(async () =>
        Date.parse(await page.evaluate(() => JSON.parse(localStorage.getItem('session.v1')!).expiresAt)),
      )
      .toBeGreaterThan(Date.parse(soon) + 3600_000);
    await page.context().close();
  });

  it('prints one county’s liaisons’ invitations as a sheet of cards, one per person', async () => {
    for (const name of ['张伟', '陈静', '刘洋']) await inviteLiaison(name);
    await coordinator.locator('#print-county').selectOption({ label: '淳安县' });
    coordinator.once('dialog', (dialog) => dialog.accept());
    await coordinator.getByRole('button', { name: '生成并打印' }).click();
    const cards = coordinator.locator('#sheet .sheet-card');
    await cards.first().waitFor();
    const active = coordinator.locator('#users tbody tr[data-status="active"]', { hasText: '淳安县' });
    const liaisons = await active.filter({ hasText: '县科协联络员' }).count();
    expect(await cards.count()).toBe(liaisons);
    const card = cards.filter({ hasText: issued[1]!.name });
    expect(await card.textContent()).toMatch(/淳安县.*邀请码 [2-9A-HJ-NP-Z]{5} [2-9A-HJ-NP-Z]{5}/);
    expect(await card.textContent()).toContain('用手机相机扫描二维码即可登录');
    // Re-invited for the sheet: the card's code is new, and its QR code is the link of that code.
    const code = (await card.locator('[data-code]').getAttribute('data-code')) as string;
    expect(code).not.toBe(issued[1]!.code);
    expect(await card.locator('svg.qr path').getAttribute('d')).toBe(
      qrPath(`${api.server.url}/signin#code=${code}`),
    );

    await coordinator.emulateMedia({ media: 'print' });
    expect(await coordinator.locator('main').isVisible()).toBe(false);
    expect(await coordinator.locator('#session-bar').isVisible()).toBe(false);
    expect(await card.isVisible()).toBe(true);
    await coordinator.screenshot({ path: join(SHOTS, 'sheet-print-390.png'), fullPage: true });
    await coordinator.setViewportSize(DESKTOP);
    await coordinator.screenshot({ path: join(SHOTS, 'sheet-print-1366.png'), fullPage: true });
    // An A4 page at 96 dpi.
    await coordinator.setViewportSize({ width: 794, height: 1123 });
    await coordinator.evaluate('window.scrollTo(0, 0)');
    await coordinator.screenshot({ path: join(SHOTS, 'sheet-print-a4.png'), fullPage: true });
    // Printed on A4: six cards a page.
    const pdf = await coordinator.pdf({ format: 'A4', printBackground: true });
    writeFileSync(join(SHOTS, 'sheet.pdf'), pdf);
    const pdfPages = pdf.toString('latin1').match(/\/Type\s*\/Page\b(?!s)/g)?.length;
    expect(pdfPages).toBe(Math.ceil(liaisons / 6));
    await coordinator.emulateMedia({ media: 'screen' });
    await coordinator.setViewportSize(DESKTOP);
    await coordinator.screenshot({ path: join(SHOTS, 'users-1366.png'), fullPage: true });
  });

  it('explains a rate-limited sign-in (429) in Chinese', async () => {
    const page = await (await phone()).newPage();
    await page.goto(`${api.server.url}/signin`);
    await page.screenshot({ path: join(SHOTS, 'signin-390.png') });
    const messages: string[] = [];
    for (let i = 0; i < 25; i++) {
      await page.locator('#code').fill('ZZZZZZZZZZ');
      const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/session');
      await page.getByRole('button', { name: '登录', exact: true }).click();
      const status = (await answered).status();
      await expect.poll(() => page.locator('#message').textContent()).not.toBe('正在登录…');
      messages.push((await page.locator('#message').textContent()) ?? '');
      if (status === 429) break;
    }
    expect(messages[0]).toContain('邀请码不正确');
    expect(messages.at(-1)).toMatch(/尝试次数过多，请 \d+ 秒后再试/);
    expect(await page.getByRole('button', { name: '登录', exact: true }).isDisabled()).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'signin-429-390.png') });
    await page.setViewportSize(DESKTOP);
    await page.screenshot({ path: join(SHOTS, 'signin-1366.png') });
    await page.context().close();
  });
});
