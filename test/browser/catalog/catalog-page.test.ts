import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumForFile, overflowsSideways, SHOTS, signInWithInvitation } from '#support/browser';
import { embeddedApi } from '#support/embedded-api';
import { SMALL_CATALOG } from '#support/small-catalog';

// The coordinators' catalog page in Debian's headless Chromium on the local HTTP adapter and
// DynamoDB Local, at phone (390×844) and desktop (1366×900) size: names not ids, adding and changing
// a society through the form, a refused removal showing the API's reason, a spreadsheet with an
// error per row and column, and the audit log in words. Screenshots go to /tmp/shots/.

const api = embeddedApi(SMALL_CATALOG, 'catalog-page-');
const chromium = chromiumForFile();

async function signedIn(viewport: { width: number; height: number }, isMobile: boolean): Promise<Page> {
  const context = await chromium.browser.newContext({ locale: 'zh-CN', viewport, isMobile });
  const page = await context.newPage();
  page.on('dialog', (dialog) => dialog.accept());
  await signInWithInvitation(page, api, { role: 'coordinator', name: '王协调' }, /dashboard/);
  await page.goto(`${api.server.url}/catalog.html`);
  await page.locator('#society-list .card').first().waitFor();
  return page;
}

describe('the catalog page', () => {
  it('on a phone: lists societies and counties by name, adds and changes a society, shows a refusal and the audit log in words', async () => {
    const page = await signedIn({ width: 390, height: 844 }, true);
    const societies = page.locator('#society-list');
    await expect.poll(() => societies.textContent()).toContain('山溪农学会');
    const listed = await societies.textContent();
    expect(listed).toContain('科技兴业');
    expect(listed).not.toContain('kepu');
    expect(listed).not.toContain('industry');
    expect(await page.locator('#county-list').textContent()).toContain('东村镇');
    expect(await overflowsSideways(page)).toBe(false);

    // Add a society through the form.
    await page.locator('#add-society').click();
    const form = page.locator('#society-form');
    await form.locator('input[name="id"]').fill('wurenji');
    await form.locator('input[name="name.zh"]').fill('山溪无人机学会');
    await form.locator('input[name="name.en"]').fill('Shanxi Drone Society');
    await form.locator('input[value="talent"]').check();
    await form.locator('input[name="fields"]').fill('无人机、植保');
    await form.locator('input[name="capacityPerSeason"]').fill('2');
    await form.locator('input[name="contact.email"]').fill('not-an-email');
    await form.locator('button[type="submit"]').click();
    // The API's refusal names the field, under it, in Chinese.
    await expect.poll(() => form.locator('[data-path="contact.email"] .field-error').count()).toBe(1);
    await form.locator('input[name="contact.email"]').fill('drone@example.org');
    await form.locator('button[type="submit"]').click();
    await expect.poll(() => societies.textContent()).toContain('山溪无人机学会');

    // Change its capacity: the audit log says 每季容量：2 → 3.
    await page
      .locator('#society-list .card', { hasText: '山溪无人机学会' })
      .getByRole('button', { name: '修改' })
      .click();
    await form.locator('input[name="capacityPerSeason"]').fill('3');
    await form.locator('button[type="submit"]').click();
    await expect.poll(() => page.locator('#audit-list').textContent()).toContain('每季容量：2 → 3');
    const audit = await page.locator('#audit-list').textContent();
    expect(audit).toContain('王协调');
    expect(audit).toContain('新增学会 山溪无人机学会');

    // A county with open needs cannot be removed: the card shows why.
    const linhe = page.locator('#county-list .card', { hasText: '临河县' });
    await linhe.getByRole('button', { name: '删除' }).click();
    await expect.poll(() => linhe.locator('.error-box').textContent()).toContain('老年人健康讲座');

    await page.screenshot({ path: join(SHOTS, 'catalog-phone.png'), fullPage: true });
    await page.screenshot({ path: join(SHOTS, 'catalog-phone-top.png') });
    await page.locator('#counties').screenshot({ path: join(SHOTS, 'catalog-phone-counties.png') });
    await page.locator('#questions').screenshot({ path: join(SHOTS, 'catalog-phone-questions.png') });
    await page.locator('#audit').screenshot({ path: join(SHOTS, 'catalog-phone-audit.png') });
    expect(await overflowsSideways(page)).toBe(false);
  });

  it('on a phone: a spreadsheet with bad cells lists each by row and column and changes nothing', async () => {
    const page = await signedIn({ width: 390, height: 844 }, true);
    const csv =
      '学会编号,学会名称,英文名称,主题,专业领域,容量\nguoshu,果树学会,Fruit,种果树,果树,2\nshuili,水利学会,,建言献策,水利,很多\n';
    await page
      .locator('#import-file')
      .setInputFiles({ name: '学会.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.locator('#preview').click();
    const issues = page.locator('#import-result table.issues tbody tr');
    await expect.poll(() => issues.count()).toBe(3);
    const text = await page.locator('#import-result').textContent();
    expect(text).toContain('种果树');
    expect(text).toMatch(/3\s*容量/);
    expect(text).toMatch(/3\s*英文名称/);
    expect(await page.locator('#apply').isHidden()).toBe(true);
    expect(await page.locator('#society-list').textContent()).not.toContain('果树学会');
    await page.locator('#import').screenshot({ path: join(SHOTS, 'catalog-import-errors-phone.png') });
    expect(await overflowsSideways(page)).toBe(false);
  });

  it('on a desktop: previews a good sheet, applies it, and the questions editor saves a new version', async () => {
    const page = await signedIn({ width: 1366, height: 900 }, false);
    const csv =
      '学会编号,学会名称,英文名称,主题,专业领域,容量\nguoshu,果树学会,Fruit Tree Society,科技兴业,果树,2\n';
    await page
      .locator('#import-file')
      .setInputFiles({ name: '学会.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.locator('#preview').click();
    await expect.poll(() => page.locator('#import-result').textContent()).toContain('新增：果树学会');
    await page.locator('#apply').click();
    await expect.poll(() => page.locator('#society-list').textContent()).toContain('果树学会');

    const talent = page.locator('textarea[name="talent.zh"]');
    await talent.waitFor();
    await talent.fill('镇里最缺哪方面的人才？');
    await page.locator('#questions-form button[type="submit"]').click();
    await expect.poll(() => page.locator('#q-version').textContent()).toContain('第 1 版');
    await expect.poll(() => page.locator('#audit-list').textContent()).toContain('修改五问措辞');
    expect(await page.locator('#audit-list').textContent()).toContain('镇里最缺哪方面的人才？');

    await page.screenshot({ path: join(SHOTS, 'catalog-desktop.png'), fullPage: true });
    expect(await overflowsSideways(page)).toBe(false);
  });

  it('on a phone: gives a county a contact with a robot and its secret, which the page never shows, keeps on a save and clears', async () => {
    const secret = 'SEC7f3a9c0e1b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4';
    const page = await signedIn({ width: 390, height: 844 }, true);
    const shanxi = page.locator('#county-list .card', { hasText: '山溪县' });
    await shanxi.getByRole('button', { name: '修改' }).click();
    const form = page.locator('#county-form');
    await form.locator('input[name="contact.name"]').fill('陈联络');
    await form.locator('input[name="contact.email"]').fill('shanxi-kx@example.org');
    await form.locator('input[name="contact.phone"]').fill('+86 571 5555 0101');
    await form
      .locator('input[name="contact.webhook"]')
      .fill('http://127.0.0.1:9/robot/send?access_token=abc');
    expect(await form.locator('input[name="contact.webhookSecret"]').getAttribute('type')).toBe('password');
    await form.locator('input[name="contact.webhookSecret"]').fill(secret);
    await form.locator('select[name="contact.webhookKind"]').selectOption({ label: '钉钉' });
    await form
      .locator('fieldset.contact')
      .screenshot({ path: join(SHOTS, 'catalog-phone-county-contact.png') });
    await form.locator('button[type="submit"]').click();
    await expect.poll(() => shanxi.locator('.contact-line').textContent()).toContain('陈联络');
    expect(await shanxi.locator('.contact-line').textContent()).toContain('群机器人钉钉、已加签');

    // Opened again: the secret's box is empty and says 已设置; a change to the person keeps it.
    await shanxi.getByRole('button', { name: '修改' }).click();
    const secretBox = form.locator('input[name="contact.webhookSecret"]');
    expect(await secretBox.inputValue()).toBe('');
    expect(await secretBox.getAttribute('placeholder')).toContain('已设置');
    expect(await page.content()).not.toContain(secret);
    await form.locator('input[name="contact.name"]').fill('陈主任');
    await page.screenshot({ path: join(SHOTS, 'catalog-phone-county-form.png') });
    await form.locator('button[type="submit"]').click();
    await expect.poll(() => shanxi.locator('.contact-line').textContent()).toContain('陈主任');
    expect(await shanxi.locator('.contact-line').textContent()).toContain('已加签');

    // 清除 clears it; the audit log says so in words, and nothing on the page is the secret.
    await shanxi.getByRole('button', { name: '修改' }).click();
    await form.getByLabel('清除已设置的密钥').check();
    await form.locator('button[type="submit"]').click();
    await expect.poll(() => shanxi.locator('.contact-line').textContent()).not.toContain('已加签');
    await expect.poll(() => page.locator('#audit-list').textContent()).toContain('加签密钥已清除');
    expect(await page.locator('#audit-list').textContent()).toContain('联系人：陈联络 → 陈主任');
    expect(await page.content()).not.toContain(secret);
    await page.screenshot({ path: join(SHOTS, 'catalog-phone-county-contact-page.png'), fullPage: true });
    expect(await overflowsSideways(page)).toBe(false);
  });
});
