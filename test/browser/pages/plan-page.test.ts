import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DataSet, Society } from '#schemas/index';
import { chromiumForFile, overflowsSideways, SHOTS, signInWithInvitation } from '#support/browser';
import { embeddedApi } from '#support/embedded-api';
import { BAMBOO_SOCIETY, REVIEW_COUNTIES } from '#support/review-catalog';
import { until as untilWithin } from '#support/until';

const until = <T>(what: string, probe: () => Promise<T | undefined | false>) =>
  untilWithin(what, probe, 60_000);

// The round waits for the coordinator here (vitest.config sets AUTO_APPROVE=1).
process.env.AUTO_APPROVE = '0';
const SEASON = '2026-Q4';
const AT = '2026-10-02T02:00:00.000Z';
const tea = (n: number): Society => ({
  id: `tea-${n}`,
  name: { zh: `茶叶学会${n}`, en: `Tea society ${n}` },
  themes: ['talent', 'advice', 'grassroots'],
  fields: ['tea'],
  capacityPerSeason: 2,
});
const NEEDS = [
  ['n-a1-1', 'aaa', 'a1', 'talent', 'tea', 'high', '茶园缺技术员'],
  ['n-a1-2', 'aaa', 'a1', 'industry', 'bamboo', 'normal', '竹笋加工保鲜'],
  ['n-a1-4', 'aaa', 'a1', 'grassroots', 'tea', 'normal', '村科协茶艺培训'],
  ['n-a2-1', 'aaa', 'a2', 'advice', 'tea', 'normal', '茶旅规划建议'],
  ['n-b1-1', 'bbb', 'b1', 'industry', 'bamboo', 'high', '竹材烘干设备'],
  ['n-b1-2', 'bbb', 'b1', 'grassroots', 'tea', 'high', '茶农合作社组建'],
  ['n-b2-1', 'bbb', 'b2', 'talent', 'tea', 'normal', '制茶师傅引进'],
] as const;
const DATA: DataSet = {
  counties: REVIEW_COUNTIES,
  societies: [tea(1), tea(2), tea(3), BAMBOO_SOCIETY],
  needs: NEEDS.map(([id, countyId, townId, theme, field, urgency, title]) => ({
    id,
    countyId,
    townId,
    theme,
    field,
    title,
    urgency,
    submittedAt: AT,
  })),
  visits: [],
};
/** Ids and stored words a person must never read on the Chinese page. */
const RAW = [
  'tea-',
  'bamboo',
  'aaa',
  'bbb',
  'n-a1',
  'n-b1',
  'awaiting-approval',
  'offered',
  'proposed',
  'pin',
  'exclusion',
];

const api = embeddedApi(DATA, 'plan-page-');
const chromium = chromiumForFile();

beforeAll(async () => {
  const started = await api.call('POST', '/rounds', {
    as: { role: 'coordinator', sub: 'coordinator-wang' },
    body: { season: SEASON },
  });
  expect(started.status).toBe(202);
  await until('the round awaiting approval', async () => {
    const round = await api.store.getRound(SEASON);
    return round?.approvalToken && round.status === 'awaiting-approval' ? round : undefined;
  });
}, 180_000);

async function signedIn(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await signInWithInvitation(page, api, { role: 'coordinator', name: '王协调' }, /dashboard/);
  return page;
}

async function planPage(page: Page): Promise<void> {
  await page.goto(`${api.server.url}/plan?season=${SEASON}`);
  await page.locator('#visit-list .card').first().waitFor();
}

const bodyText = (page: Page) =>
  page
    .locator('main')
    .textContent()
    .then((t) => t ?? '');
const societiesOf = (page: Page) =>
  page
    .locator('#visit-list .society-needs li[data-society]')
    .evaluateAll((nodes) =>
      nodes.map((n) => (n as unknown as { dataset: { society: string } }).dataset.society),
    );

describe('the plan review page', () => {
  it('on a phone: names and words, an exclusion re-planned with its cost, approval, then a 409 in words', async () => {
    const context = await chromium.browser.newContext({
      locale: 'zh-CN',
      viewport: { width: 390, height: 844 },
      isMobile: true,
    });
    const page = await signedIn(context);
    // The dashboard's coordinator nav links the page.
    expect(await page.locator('nav.pages a[href="/plan.html"]').textContent()).toBe('计划审核');
    await planPage(page);

    const text = await bodyText(page);
    expect(await page.locator('#round-status').textContent()).toContain('计划待协调人批准');
    for (const name of [
      '甲县 · 甲一镇',
      '乙县 · 乙一镇',
      '茶叶学会',
      '竹业学会',
      '茶园缺技术员',
      '竹材烘干设备',
    ])
      expect(text).toContain(name);
    expect(text).toContain('待解决需求');
    // The plan under review reads proposed, and each visit says it has no date yet.
    expect(text).toContain('拟派（待批准，未发出）');
    expect(text).toContain('走访日期：尚未约定日期');
    for (const raw of RAW) expect(text, raw).not.toContain(raw);
    expect(await page.locator('#approve-what').textContent()).toMatch(/将向 \d+ 个学会发出 \d+ 份邀请/);
    expect(await societiesOf(page)).toContain('竹业学会');
    expect(await overflowsSideways(page)).toBe(false);
    await page.screenshot({ path: join(SHOTS, 'plan-phone-before.png'), fullPage: true });

    // Lock 乙县 to 乙二镇: re-planned there, said to be the coordinator's choice; then take it back.
    const bLocked = page.locator('#visit-list .card', { hasText: '乙县' });
    await bLocked.locator('select[name="town"]').selectOption({ label: '乙二镇' });
    await bLocked.locator('button[data-action="lockTown"]').click();
    await page.locator('#apply').click();
    await expect.poll(() => page.locator('#visit-list').textContent()).toContain('乙县 · 乙二镇');
    expect(await page.locator('#visit-list').textContent()).toContain('协调人锁定了这个乡镇');
    expect(await page.locator('#cost-list').textContent()).toContain(
      '乙县 锁定走访 乙二镇：少覆盖 2 项需求（紧急 2）、多覆盖 2 项（一般 2），紧急度合计少 2',
    );
    await page.locator('#draft-list li', { hasText: '乙二镇' }).getByRole('button', { name: '删除' }).click();

    // Exclude 竹业学会 everywhere from 乙县's card, apply: re-planned at once, its cost in words.
    const b = page.locator('#visit-list .card', { hasText: '乙县' });
    await b.locator('select[name="society"]').selectOption({ label: '竹业学会' });
    await b.locator('button[data-action="excludeAll"]').click();
    expect(await page.locator('#draft-list').textContent()).toContain('竹业学会 本季不参加任何走访');
    await page.locator('#apply').click();
    await expect.poll(() => page.locator('#apply-result').textContent()).toContain('已重新规划');
    const cost = await page.locator('#cost-list').textContent();
    expect(cost).toContain('竹业学会 本季不参加任何走访');
    expect(cost).toContain('竹业学会 本季不参加任何走访：少覆盖 1 项需求（紧急 1），紧急度合计 3');
    expect(await page.locator('#visit-list').textContent()).toContain('乙县 · 乙一镇');
    expect(await societiesOf(page)).not.toContain('竹业学会');
    expect(await page.locator('#visit-list').textContent()).toContain('能承接的学会被调整排除');
    for (const raw of RAW) expect(await bodyText(page), raw).not.toContain(raw);
    expect(await overflowsSideways(page)).toBe(false);
    await page.screenshot({ path: join(SHOTS, 'plan-phone-replanned.png'), fullPage: true });

    // Approve: the status says so; an override after it is refused in words, both languages.
    await page.locator('#approve').click();
    await expect.poll(() => page.locator('#round-status').textContent()).toContain('已批准');
    expect(await page.locator('#approve-result').textContent()).toMatch(/已批准：\d+ 份邀请正在发出/);
    // Who approved, by name; the approval sentence now says what went out.
    expect(await page.locator('#round-status').textContent()).toContain('王协调');
    expect(await page.locator('#approve-what').textContent()).toMatch(/已向 \d+ 个学会发出 \d+ 份邀请/);
    expect(await page.locator('#approve').isHidden()).toBe(true);
    await page.locator('#apply').click();
    await expect.poll(() => page.locator('#apply-result .error-box').textContent()).toContain('已批准');
    expect(await page.locator('#apply-result .error-box').textContent()).toContain('approved already');
    expect(await bodyText(page)).not.toMatch(/u-[a-z0-9]{6,}/);
    expect(await overflowsSideways(page)).toBe(false);
    await page.screenshot({ path: join(SHOTS, 'plan-phone-approved.png'), fullPage: true });
    // The English switch: the same page in English, names in English.
    await page.locator('#lang').click();
    await expect.poll(() => page.locator('#round-status').textContent()).toContain('Approved');
    expect(await page.locator('#visit-list').textContent()).toContain('County B · B one');
    expect(await page.locator('#cost-list').textContent()).toContain(
      'Bamboo society on no visit this season',
    );
    await page.screenshot({ path: join(SHOTS, 'plan-phone-english.png'), fullPage: true });
    await context.close();
  });

  it('on a desktop: the unassigned needs with their reason; placing one succeeds, a stale page on a full society shows 409', async () => {
    const context = await chromium.browser.newContext({
      locale: 'zh-CN',
      viewport: { width: 1366, height: 900 },
    });
    const page = await signedIn(context);
    await planPage(page);
    const stale = await context.newPage();
    await planPage(stale);
    const list = page.locator('#unassigned-list');
    await expect.poll(() => list.textContent()).toContain('竹材烘干设备');
    const drying = list.locator('.card', { hasText: '竹材烘干设备' });
    expect(await drying.textContent()).toContain('乙县 · 乙一镇');
    // Its reason in words: the one competent society with capacity left is excluded this season.
    expect(await drying.textContent()).toContain('尚有余力的对口学会已被本季调整排除；仍可手工安排');
    expect(await drying.locator('select[name="candidate"]').textContent()).toContain(
      '竹业学会（余力 1 次，已被本季调整排除）',
    );
    for (const raw of RAW) expect(await list.textContent(), raw).not.toContain(raw);

    await drying
      .locator('select[name="candidate"]')
      .selectOption({ label: '竹业学会（余力 1 次，已被本季调整排除）' });
    await drying.getByRole('button', { name: '安排' }).click();
    await expect
      .poll(() => page.locator('#unassigned-list .ok-box').textContent())
      .toContain('已安排 竹业学会');
    const bCard = page.locator('#visit-list .card', { hasText: '乙县' });
    await expect.poll(() => bCard.locator('li[data-society="竹业学会"]').count()).toBe(1);
    // 竹业学会 is full now: the other bamboo need says so by name, and offers the societies with
    // capacity left that do other work, each marked 不对口 with what it works on.
    const other = page.locator('#unassigned-list .card', { hasText: '竹笋加工保鲜' });
    await expect.poll(() => other.textContent()).toContain('对口的学会：竹业学会本季已满');
    const others = other.locator('select[name="candidate"] optgroup[label="其他尚有余力的学会"] option');
    expect(await others.count()).toBeGreaterThan(0);
    expect(await others.first().textContent()).toMatch(/（余力 \d+ 次，不对口：擅长 [^）]+）/);
    expect(await overflowsSideways(page)).toBe(false);
    await page.screenshot({ path: join(SHOTS, 'plan-desktop.png'), fullPage: true });

    // The page opened before: it still offers 竹业学会 for the other need, and the API refuses (409).
    const staleCard = stale.locator('#unassigned-list .card', { hasText: '竹笋加工保鲜' });
    await staleCard.getByRole('button', { name: '安排' }).click();
    await expect.poll(() => staleCard.locator('.error-box').textContent()).toContain('已无余力');
    await stale.screenshot({ path: join(SHOTS, 'plan-desktop-409.png'), fullPage: true });
    await context.close();
  });
});
