import { join } from 'node:path';
import type { Page, Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumForFile, SHOTS, signInWithInvitation } from '#support/browser';
import { embeddedApi } from '#support/embedded-api';
import { SMALL_CATALOG } from '#support/small-catalog';

// The users page in headless Chromium on the local HTTP adapter and DynamoDB Local, at phone size:
// a team member's society and a liaison's county are chosen by name from lists that wait for the
// API (正在载入…, then the names; 重试 when a list fails), never typed as ids; the API's refusals name
// the fields in words.

const api = embeddedApi(SMALL_CATALOG, 'users-page-');
const chromium = chromiumForFile();

/** Holds every GET /societies until `release()`; `fail` answers them 503 instead. */
function societiesGate(page: Page) {
  const held: Route[] = [];
  let mode: 'hold' | 'fail' | 'pass' = 'hold';
  const gate = {
    async install() {
      await page.route(/\/societies(\?.*)?$/, async (route) => {
        if (mode === 'pass') return route.continue();
        if (mode === 'fail')
          return route.fulfill({
            status: 503,
            contentType: 'application/json',
            body: JSON.stringify({ error: { code: 'unavailable', message: '服务暂不可用 / unavailable' } }),
          });
        held.push(route);
      });
    },
    heldCount: () => held.length,
    fail() {
      mode = 'fail';
    },
    async release() {
      mode = 'pass';
      for (const route of held.splice(0)) await route.continue();
    },
  };
  return gate;
}

async function openUsers(gateMode?: 'fail'): Promise<{ page: Page; gate: ReturnType<typeof societiesGate> }> {
  const context = await chromium.browser.newContext({
    locale: 'zh-CN',
    viewport: { width: 390, height: 844 },
    isMobile: true,
  });
  const page = await context.newPage();
  await signInWithInvitation(page, api, { role: 'coordinator', name: '王协调' }, /dashboard/);
  const gate = societiesGate(page);
  await gate.install();
  if (gateMode === 'fail') gate.fail();
  await page.goto(`${api.server.url}/users.html`);
  return { page, gate };
}

describe('the users page', () => {
  it("chooses a team member's society by name from a list that waits for the API, never a box for an id", async () => {
    const { page, gate } = await openUsers();
    await page.locator('#role').selectOption('team');
    await expect.poll(() => gate.heldCount()).toBeGreaterThan(0);
    // While the list is on its way: a disabled select saying 正在载入…, no text box.
    const society = page.locator('#society');
    expect(await society.evaluate((node) => node.tagName)).toBe('SELECT');
    expect(await society.isDisabled()).toBe(true);
    expect(await society.textContent()).toContain('正在载入…');
    expect(await page.locator('input#society').count()).toBe(0);
    expect(await page.getByText('学会编号').count()).toBe(0);

    await gate.release();
    await expect.poll(() => society.isDisabled()).toBe(false);
    expect(await society.locator('option').allTextContents()).toEqual(expect.arrayContaining(['山溪农学会']));
    await society.selectOption({ label: '山溪农学会' });
    await page.locator('#name').fill('周团队');
    await page.getByRole('button', { name: '创建并生成邀请' }).click();
    const card = page.locator('#invitations .invitation', { hasText: '周团队' });
    await card.waitFor();
    expect(await card.textContent()).toContain('山溪农学会');
    expect(await page.locator('#users tbody tr', { hasText: '周团队' }).textContent()).toContain(
      '山溪农学会',
    );
    await page.screenshot({ path: join(SHOTS, 'users-team-390.png'), fullPage: true });
  });

  it('says when the society list fails, and 重试 brings it', async () => {
    const { page, gate } = await openUsers('fail');
    await page.locator('#role').selectOption('team');
    const failed = page.locator('#society-row .list-failed');
    await expect.poll(() => failed.isVisible()).toBe(true);
    expect(await failed.textContent()).toContain('学会列表未能载入');
    expect(await page.locator('#society').isDisabled()).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'users-societies-failed-390.png') });

    await gate.release();
    await failed.getByRole('button', { name: '重试' }).click();
    await expect.poll(() => page.locator('#society').isDisabled()).toBe(false);
    expect(await failed.isVisible()).toBe(false);
    expect(await page.locator('#society option').allTextContents()).toContain('山溪农学会');
  });

  it('names the fields of a refusal in words: 「手机号」, never 「phone」', async () => {
    const { page, gate } = await openUsers();
    await gate.release();
    await page.locator('#role').selectOption('liaison');
    await page.locator('#county').selectOption({ label: '山溪县' });
    await page.locator('#name').fill('钱联络');
    await page.locator('#phone').fill('12');
    await page.getByRole('button', { name: '创建并生成邀请' }).click();
    const phoneError = page.locator('.error[data-for="phone"]');
    await expect.poll(() => phoneError.textContent()).toContain('「手机号」');
    const form = (await page.locator('#user-form').textContent()) ?? '';
    expect(form).not.toMatch(/「(phone|county|society|name|email|role)」/);
  });
});
