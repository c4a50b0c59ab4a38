/**
 * The association's report in Chromium: the dashboard takes a year and opens the year's report; a
 * season with no plan shows its own figures, never the season shown before; the report page shows
 * the API's paragraph, charts, tables and typical cases, and prints on A4 with no navigation (the
 * PDF and its pages as images are left in /tmp/shots-report to look at); the team's report form
 * names experts from the society's roster and activities.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataDir } from '#cli/data-dir';
import { DEMO_DATA_DIR } from '#cli/session';
import type { LocalClaims } from '#local/tokens';
import { THEMES } from '#schemas/primitives';
import { fileSeasonVisit, uploadPhoto } from '#support/association-seasons';
import { chromiumForFile, signInWithInvitation } from '#support/browser';
import { embeddedApi } from '#support/embedded-api';

const SHOTS = '/tmp/shots-report';
const PLANNED = '2026-Q4';
const demo = loadDataDir(DEMO_DATA_DIR);
const api = embeddedApi(demo, 'association-report-page-');
const chromium = chromiumForFile();
const coordinator: LocalClaims = { role: 'coordinator', sub: 'coordinator-wang' };
let teamOffer: { visitId: string; societyId: string; needIds: string[] };

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  await api.runner.run({ season: PLANNED, autoAccept: true }, { name: `${PLANNED}-1` });
  const { offers } = await api.store.seasonItems(PLANNED);
  teamOffer = offers.find((o) => o.status === 'accepted') as typeof teamOffer;
  // The year's earlier seasons, reported with their experts and the people reached; Q3 has no plan.
  await fileSeasonVisit('2026-Q1', 'chunan', 'fenkou', 12, [
    {
      societyId: 'nongxue',
      needs: [
        { id: 'r-1', outcome: 'resolved' },
        { id: 'r-2', outcome: 'partial' },
      ],
      cooperations: 1,
      experts: [
        { name: '王建国', title: '研究员' },
        { name: '李明', academician: true },
      ],
      participants: 60,
      visitDate: '2026-03-12',
    },
  ]);
  await fileSeasonVisit('2026-Q2', 'jiande', 'yangxi', 9, [
    {
      societyId: 'chaye',
      needs: [{ id: 'r-3', outcome: 'resolved' }],
      cooperations: 2,
      experts: [{ name: '赵敏', title: '高级农艺师' }],
      participants: 35,
      visitDate: '2026-05-20',
    },
  ]);
  await fileSeasonVisit('2026-Q3', 'tonglu', 'fuchunjiang', 7, [
    {
      societyId: 'nongxue',
      needs: [{ id: 'r-4', outcome: 'resolved' }],
      experts: [{ name: '王建国', title: '研究员' }],
      participants: 48,
      visitDate: '2026-08-13',
    },
  ]);
  // A photo as a phone would send it (a JPEG), drawn by Chromium.
  const painter = await chromium.browser.newPage({ viewport: { width: 640, height: 400 } });
  await painter.setContent(
    '<body style="margin:0;background:linear-gradient(#9cc7a4,#3d7a4a);font:32px sans-serif;color:#fff;display:flex;align-items:center;justify-content:center;height:400px">茶园现场指导</body>',
  );
  const jpeg = await painter.screenshot({ type: 'jpeg', quality: 80 });
  await painter.close();
  const photo = await uploadPhoto(api, '2026-Q1.chunan', jpeg, 'image/jpeg', '专家在茶园');
  for (const [visit, caption, attachmentId] of [
    ['2026-Q1.chunan', '为茶农讲解茶园病虫害绿色防控技术', photo],
    ['2026-Q3.tonglu', '开展农民科学素质讲座并现场指导果树修剪', undefined],
  ] as const) {
    const marked = await api.call('POST', `/visits/${visit}/highlight`, {
      as: coordinator,
      body: { caption, ...(attachmentId ? { attachmentId } : {}) },
    });
    expect(marked.status).toBe(200);
  }
}, 240_000);

/** A fresh browser signed in with an invitation link, then on `path`, in Chinese. */
async function openAs(who: Parameters<typeof signInWithInvitation>[2], landing: string, path: string) {
  const context = await chromium.browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.addInitScript(() => localStorage.setItem('lang', 'zh'));
  await signInWithInvitation(page, api, who, landing);
  if (path !== landing) await page.goto(`${api.server.url}${path}`);
  return page;
}
const inPage = <T>(page: Page, expression: string) => page.evaluate(expression) as Promise<T>;
const figure = (page: Page, key: string) => page.locator(`#funnel [data-figure="${key}"]`).textContent();

describe('the dashboard', () => {
  it('shows a season with no plan under its own figures, clearing the season shown before', async () => {
    const q4 = (await api.call('GET', `/seasons/${PLANNED}/report`, { as: coordinator })).body;
    const q3 = (await api.call('GET', '/seasons/2026-Q3/report', { as: coordinator })).body;
    expect(q3.total.collected).not.toBe(q4.total.collected);
    const page = await openAs({ role: 'coordinator', name: '王协调' }, '/dashboard.html', '/dashboard.html');
    await page.fill('#season', PLANNED);
    await page.click('#access button[type="submit"]');
    await page.locator('#plan tbody tr').first().waitFor();
    expect(await figure(page, 'collected')).toBe(String(q4.total.collected));

    await page.fill('#season', '2026-Q3');
    await page.click('#access button[type="submit"]');
    await page.locator('#status', { hasText: '本季尚无计划' }).waitFor();
    await page
      .locator(`#funnel [data-figure="collected"]`, { hasText: String(q3.total.collected) })
      .waitFor();
    expect(await figure(page, 'collected')).toBe(String(q3.total.collected));
    expect(await page.locator('#plan-section').isHidden()).toBe(true);
    expect(await page.locator('#plan tbody tr').count()).toBe(0);
    await page.context().close();
  });

  it('takes a year, offers its seasons and opens the year’s report', async () => {
    const page = await openAs({ role: 'coordinator', name: '王协调' }, '/dashboard.html', '/dashboard.html');
    await page.fill('#season', '2026');
    await page.click('#access button[type="submit"]');
    const yearReport = page.locator('#year-seasons a[href="/report.html?from=2026-Q1&to=2026-Q4"]');
    await yearReport.waitFor();
    expect(await page.locator('#year-seasons button').count()).toBe(4);
    expect(await page.locator('#status').textContent()).toContain('2026年');
    // A season that is neither a season nor a year is refused in both languages' words, naming the box.
    await page.fill('#season', '26年');
    await page.click('#access button[type="submit"]');
    expect(await page.locator('#status').textContent()).toContain('季度：请填写季度');
    expect(await page.getAttribute('#season', 'aria-invalid')).toBe('true');
    // The report's range picker: 去年 names last year's four seasons.
    await page.selectOption('#report-choice', 'lastYear');
    const year = Number((await inPage<string>(page, 'new Date().toISOString()')).slice(0, 4));
    expect(await page.getAttribute('#report-link', 'href')).toBe(
      `/report.html?from=${year - 1}-Q1&to=${year - 1}-Q4`,
    );
    await page.fill('#season', '2026');
    await page.click('#access button[type="submit"]');
    await yearReport.click();
    await page.waitForURL(/\/report\.html\?from=2026-Q1&to=2026-Q4/);
    await page.locator('#report').waitFor();
    await page.context().close();
  });
});

describe('the report page', () => {
  it('shows the API’s paragraph, charts, tables per season and county, and the typical cases; prints on A4', async () => {
    const json = (await api.call('GET', '/reports?from=2026-Q1&to=2026-Q4', { as: coordinator })).body;
    expect(json.cases).toHaveLength(2);
    const page = await openAs(
      { role: 'coordinator', name: '王协调' },
      '/dashboard.html',
      '/report.html?from=2026-Q1&to=2026-Q4',
    );
    await page.locator('#report').waitFor();
    expect(await page.locator('#title').textContent()).toBe('2026年山区科技服务工作报告');
    expect(await page.locator('#summary').textContent()).toBe(json.summary.zh);
    expect(json.summary.zh).toMatch(/^2026年，共征集山区\d县需求\d+项/);
    // The charts are images of the server's SVG, drawn (they have a size).
    for (const id of ['#funnel', '#seasons-chart']) {
      await expect
        .poll(() =>
          page.locator(id).evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
        )
        .toBeGreaterThan(0);
    }
    expect(await page.locator('#season-table tbody tr').count()).toBe(4);
    expect(await page.locator('#county-tables table').count()).toBe(1 + json.counties.length);
    // The first case's photo is shown (loaded), the second case has none.
    expect(await page.locator('#cases figure.case').first().locator('img').count()).toBe(1);
    await expect
      .poll(() =>
        page
          .locator('#cases img')
          .first()
          .evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
      )
      .toBe(640);
    expect(await page.locator('#cases figcaption').allTextContents()).toEqual(
      json.cases.map((c: { sentence: string }) => c.sentence),
    );
    const text = await inPage<string>(page, 'document.body.innerText');
    for (const id of ['chunan', 'jiande', 'tonglu', 'nongxue', 'chaye', 'fenkou', '2026-Q1.chunan']) {
      expect(text).not.toMatch(new RegExp(`(^|[^A-Za-z0-9-])${id.replace('.', '\\.')}($|[^A-Za-z0-9-])`));
    }
    await page.screenshot({ path: `${SHOTS}/report-screen.png`, fullPage: true });

    // English: the paragraph and the charts' words switch.
    await page.click('#lang');
    expect(await page.locator('#summary').textContent()).toBe(json.summary.en);
    expect(decodeURIComponent((await page.getAttribute('#funnel', 'src')) ?? '')).toContain(
      'Needs collected',
    );
    await page.click('#lang');

    // Print: no navigation, form or session bar; sections start on new pages; A4.
    await page.emulateMedia({ media: 'print' });
    const hidden = await inPage<string[]>(
      page,
      `['header', '#range', '#session-bar', '#status'].filter((s) => document.querySelector(s) && getComputedStyle(document.querySelector(s)).display !== 'none')`,
    );
    expect(hidden).toEqual([]);
    expect(
      await inPage<string>(page, `getComputedStyle(document.getElementById('cases-section')).breakBefore`),
    ).toBe('page');
    const pdf = await page.pdf({
      path: `${SHOTS}/report-2026.pdf`,
      preferCSSPageSize: true,
      printBackground: true,
    });
    // A4 is 595 × 842 points; the report runs over several pages.
    const source = pdf.toString('latin1');
    expect(source).toMatch(/\/MediaBox \[0 0 59[45](\.\d+)? 84[12](\.\d+)?\]/);
    expect((source.match(/\/Type \/Page\b/g) ?? []).length).toBeGreaterThanOrEqual(4);
    if (existsSync('/usr/bin/pdftoppm')) {
      for (const old of readdirSync(SHOTS).filter((f) => f.startsWith('report-2026-page')))
        rmSync(`${SHOTS}/${old}`);
      execFileSync('/usr/bin/pdftoppm', [
        '-png',
        '-r',
        '70',
        `${SHOTS}/report-2026.pdf`,
        `${SHOTS}/report-2026-page`,
      ]);
      expect(
        readdirSync(SHOTS).filter((f) => f.startsWith('report-2026-page')).length,
      ).toBeGreaterThanOrEqual(4);
    }
    expect(readFileSync(`${SHOTS}/report-2026.pdf`).subarray(0, 5).toString()).toBe('%PDF-');
    await page.context().close();
  });

  it('refuses an unreadable range on the page, naming the box, and asks nothing of the server', async () => {
    const page = await openAs(
      { role: 'coordinator', name: '王协调' },
      '/dashboard.html',
      '/report.html?from=2026-Q1&to=2026-Q4',
    );
    await page.locator('#report').waitFor();
    await page.selectOption('#choice', 'custom');
    await page.fill('#from', '2026-Q5');
    await page.click('#range button[type="submit"]');
    expect(await page.locator('#status').textContent()).toContain('起始季度：请填写季度');
    expect(await page.getAttribute('#from', 'aria-invalid')).toBe('true');
    // from after to: the API's bilingual refusal, and no other range's figures left under it.
    await page.fill('#from', '2026-Q4');
    await page.fill('#to', '2026-Q1');
    await page.click('#range button[type="submit"]');
    await page.locator('#status', { hasText: '晚于' }).waitFor();
    expect(await page.locator('#report').isHidden()).toBe(true);
    await page.context().close();
  });
});

describe('the team’s report form', () => {
  it('names experts from the society’s roster or anew, with titles and 院士, and the activities’ people', async () => {
    // An earlier report of this society named two experts: the roster offers them.
    const team = { role: 'team', society: teamOffer.societyId, sub: 'lead' } as const;
    const first = await api.call('POST', `/visits/${teamOffer.visitId}/report`, {
      as: team,
      body: {
        visitDate: '2026-10-12',
        answers: Object.fromEntries(THEMES.map((t) => [t, '座谈'])),
        outcomes: [],
        cooperations: [],
        experts: [
          { name: '孙立', title: '教授' },
          { name: '周院士', academician: true },
        ],
      },
    });
    expect(first.status).toBe(201);
    const page = await openAs(
      { role: 'team', society: teamOffer.societyId, name: '学会联络人' },
      '/team.html',
      '/team.html',
    );
    const form = page.locator(`form.report[data-visit="${teamOffer.visitId}"]`);
    await form.waitFor({ state: 'attached' });
    await page.locator(`details:has(form.report[data-visit="${teamOffer.visitId}"]) > summary`).click();
    // The draft starts from the last report: both experts; remove them, then pick one from the roster.
    expect(await form.locator('input[name="expert-name-1"]').inputValue()).toBe('周院士');
    await form.getByRole('button', { name: '删除' }).first().click();
    await form.getByRole('button', { name: '删除' }).first().click();
    const roster = form.locator('select[name="expert-roster"]');
    await roster.waitFor();
    await roster.selectOption('周院士');
    expect(await form.locator('input[name="expert-academician-0"]').isChecked()).toBe(true);
    await form.getByRole('button', { name: '添加专家' }).click();
    await form.locator('input[name="expert-name-1"]').fill('陈晓');
    await form.locator('input[name="expert-title-1"]').fill('高级工程师');
    await form.getByRole('button', { name: '添加活动' }).click();
    await form.locator('select[name="activity-kind-0"]').selectOption('field-guidance');
    await form.locator('input[name="activity-participants-0"]').fill('42');
    for (const theme of THEMES) await form.locator(`textarea[name="answer-${theme}"]`).fill(`${theme}：座谈`);
    await form.screenshot({ path: `${SHOTS}/team-report-people.png` });
    await form.getByRole('button', { name: '提交报告' }).click();
    // The report goes through the device's outbox and arrives by itself (lib/outbox.js).
    const { reportVersions } = await import('#store/visit-log');
    await expect
      .poll(async () => (await reportVersions(teamOffer.visitId)).length, { timeout: 20_000 })
      .toBe(2);
    const latest = (await reportVersions(teamOffer.visitId)).at(-1);
    expect(latest).toMatchObject({
      version: 2,
      experts: [
        { name: '周院士', academician: true },
        { name: '陈晓', title: '高级工程师' },
      ],
      activities: [{ kind: 'field-guidance', participants: 42 }],
    });
    await page.context().close();
  });
});
