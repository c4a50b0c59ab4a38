import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DataSet } from '#schemas/index';
import { chromiumForFile, SHOTS, signInWithInvitation } from '#support/browser';
import { embeddedApi } from '#support/embedded-api';
import { REVIEW_COUNTIES } from '#support/review-catalog';
import { until } from '#support/until';

// The round waits for the coordinator here (vitest.config sets AUTO_APPROVE=1).
process.env.AUTO_APPROVE = '0';
const SEASON = '2026-Q4';
const AT = '2026-10-02T02:00:00.000Z';
/** 乙县's needs are all on bamboo, and no society works on bamboo: its visit has nobody. */
const DATA: DataSet = {
  counties: REVIEW_COUNTIES,
  societies: [
    {
      id: 'tea-1',
      name: { zh: '茶叶学会', en: 'Tea society' },
      themes: ['talent'],
      fields: ['tea'],
      capacityPerSeason: 2,
    },
  ],
  needs: [
    ['n-a1-1', 'aaa', 'a1', 'talent', 'tea', '茶园缺技术员'],
    ['n-b1-1', 'bbb', 'b1', 'industry', 'bamboo', '竹材烘干设备'],
    ['n-b1-2', 'bbb', 'b1', 'industry', 'bamboo', '竹笋加工保鲜'],
  ].map(([id, countyId, townId, theme, field, title]) => ({
    id: id as string,
    countyId: countyId as string,
    townId: townId as string,
    theme: theme as 'talent',
    field: field as string,
    title: title as string,
    urgency: 'high' as const,
    submittedAt: AT,
  })),
  visits: [],
};

const api = embeddedApi(DATA, 'plan-warning-');
const chromium = chromiumForFile();

beforeAll(async () => {
  const started = await api.call('POST', '/rounds', {
    as: { role: 'coordinator', sub: 'coordinator-wang' },
    body: { season: SEASON },
  });
  expect(started.status).toBe(202);
  await until(
    'the round awaiting approval',
    async () => {
      const round = await api.store.getRound(SEASON);
      return round?.approvalToken && round.status === 'awaiting-approval' ? round : undefined;
    },
    60_000,
  );
}, 180_000);

describe('approving a plan that sends nobody to a county', () => {
  it('names the visit, and approves only once the coordinator says they know', async () => {
    const context = await chromium.browser.newContext({
      locale: 'zh-CN',
      viewport: { width: 390, height: 844 },
    });
    const page = await context.newPage();
    await signInWithInvitation(page, api, { role: 'coordinator', name: '王协调' }, /dashboard/);
    await page.goto(`${api.server.url}/plan?season=${SEASON}`);
    const warning = page.locator('#approve-warning');
    await expect.poll(() => warning.textContent()).toContain('1 个县的走访没有任何学会承接');
    expect(await warning.textContent()).toContain('乙县 · 乙一镇：2 项需求都没有学会，批准后本季无人前往');
    const approve = page.locator('#approve');
    expect(await approve.isDisabled()).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'plan-approve-warning.png'), fullPage: true });

    await warning.getByRole('checkbox').check();
    expect(await approve.isDisabled()).toBe(false);
    await approve.click();
    await expect.poll(() => page.locator('#round-status').textContent()).toContain('已批准');
    expect(await warning.isHidden()).toBe(true);

    // The dashboard keeps it on the list of what needs the coordinator, with the way to place its needs.
    await page.goto(`${api.server.url}/dashboard.html`);
    await page.locator('#season').fill(SEASON);
    await page.locator('#season').press('Enter');
    const alerts = page.locator('#alert-list');
    await expect
      .poll(() => alerts.textContent())
      .toContain('乙县乙一镇：本季走访没有任何学会承接（2 项需求），无人前往。');
    expect(await alerts.getByRole('link', { name: '去安排' }).first().getAttribute('href')).toBe(
      `/plan.html?season=${SEASON}#unassigned`,
    );
    await page.screenshot({ path: join(SHOTS, 'dashboard-bare-visit.png'), fullPage: true });
    await context.close();
  });
});
