import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataDir } from '#cli/data-dir';
import { DEMO_DATA_DIR } from '#cli/session';
import type { LocalClaims } from '#local/tokens';
import { FIGURE_KEYS, FIGURE_LABELS, FUNNEL_KEYS } from '#schemas/labels';
import { THEMES } from '#schemas/primitives';
import { chromiumForFile, SHOTS, signInWithInvitation } from '#support/browser';
import { embeddedApi } from '#support/embedded-api';

const SEASON = '2026-Q4';
const SIZES = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1366, height: 900 },
] as const;
const demo = loadDataDir(DEMO_DATA_DIR);
const api = embeddedApi(demo, 'results-pages-');
const chromium = chromiumForFile();
/** Words the API stores that a person must never read (Chinese pages). */
const RAW_WORDS = [
  'offered',
  'accepted',
  'declined',
  'expired',
  'reassigned',
  'running',
  'planned',
  'completed',
  'resolved',
  'partial',
  'unresolved',
  'open',
  'withdrawn',
  'round-state-machine',
  'arn:',
];

let visitId: string;
let reporter: string;

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies of the API
type Json = any;
async function call(method: string, path: string, claims: LocalClaims, body?: unknown): Promise<Json> {
  const res = await fetch(`${api.server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${await api.token(claims)}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const type = res.headers.get('content-type') ?? '';
  return type.startsWith('application/json') ? res.json() : Buffer.from(await res.arrayBuffer());
}
const coordinator: LocalClaims = { role: 'coordinator', sub: 'coordinator-wang' };

beforeAll(async () => {
  // Named as POST /rounds names it (as npm start does), so the start button finds it.
  await api.runner.run({ season: SEASON, autoAccept: true }, { name: `${SEASON}-1` });
  // One visit is reported: several needs assigned, one town visited.
  const { offers } = await api.store.seasonItems(SEASON);
  const offer = [...offers]
    .filter((o) => o.status === 'accepted')
    .sort((a, b) => b.needIds.length - a.needIds.length)[0]!;
  visitId = offer.visitId;
  reporter = offer.societyId;
  const filed = await call(
    'POST',
    `/visits/${visitId}/report`,
    { role: 'team', society: reporter, sub: 'lead' },
    {
      visitDate: '2026-10-20',
      answers: Object.fromEntries(
        THEMES.map((theme) => [theme, `${theme}：已与镇干部和种植大户座谈，形成对接清单。`]),
      ),
      outcomes: offer.needIds.map((needId, i) => ({ needId, outcome: i === 0 ? 'resolved' : 'partial' })),
      cooperations: [{ title: '山核桃林下套种技术指导', partner: '镇农业服务中心' }],
    },
  );
  expect(filed.version).toBe(1);
}, 180_000);

const LANDING = { coordinator: '/dashboard.html', team: '/team.html', liaison: '/needs.html' } as const;

/** A fresh browser of this size signed in with an invitation link, then on `path`, in Chinese. */
async function openAs(
  who: { role: 'coordinator' | 'team' | 'liaison'; society?: string; county?: string },
  path: string,
  size: (typeof SIZES)[number],
): Promise<Page> {
  const context = await chromium.browser.newContext({ viewport: { width: size.width, height: size.height } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.addInitScript(() => localStorage.setItem('lang', 'zh'));
  await signInWithInvitation(page, api, who, LANDING[who.role]);
  if (path !== LANDING[who.role]) await page.goto(`${api.server.url}${path}`);
  return page;
}

/**
 * Raw ids and status words visible on the page (its rendered text, not attributes). Notifications
 * carry an English line after the Chinese one, whose plain words ("offered") are not status keys;
 * ids are looked for there too.
 */
async function rawWordsOn(page: Page): Promise<string[]> {
  const text = await inPage<string>(page, 'document.body.innerText');
  const withoutMessages = await inPage<string>(
    page,
    `(() => { const copy = document.body.cloneNode(true); copy.querySelectorAll('.message').forEach((m) => m.remove()); document.body.append(copy); const t = copy.innerText; copy.remove(); return t; })()`,
  );
  const ids = [
    ...demo.counties.flatMap((c) => [c.id, ...c.towns.map((t) => t.id)]),
    ...demo.societies.map((s) => s.id),
    ...demo.needs.map((n) => n.id),
    visitId,
  ];
  const found = (words: string[], where: string) =>
    [...new Set(words)].filter((word) =>
      new RegExp(`(^|[^A-Za-z0-9-])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z0-9-])`).test(
        where,
      ),
    );
  // An e-mail address is a contact to write to, not an id standing in for a name.
  const withoutEmails = text.replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, '');
  return [...found(ids, withoutEmails), ...found(RAW_WORDS, withoutMessages)];
}

/** Runs an expression in the page (a string: the browser's globals are not this program's). */
const inPage = <T>(page: Page, expression: string) => page.evaluate(expression) as Promise<T>;

/** The font size as rendered, in CSS pixels (an SVG's text scaled with its viewBox counts scaled). */
function renderedFontSizes(page: Page, selector: string): Promise<{ text: string; px: number }[]> {
  return inPage(
    page,
    `[...document.querySelectorAll(${JSON.stringify(selector)})].map((node) => {
      const size = Number.parseFloat(getComputedStyle(node).fontSize);
      const ctm = node instanceof SVGGraphicsElement ? node.getScreenCTM() : null;
      return { text: node.textContent ?? '', px: size * (ctm ? Math.hypot(ctm.a, ctm.b) : 1) };
    })`,
  );
}

/** Labels of the per-county chart that stick out of it or are clipped inside their box (cut off). */
const cutOffChartLabels = (page: Page) =>
  inPage<string[]>(
    page,
    `(() => {
      const chart = document.querySelector('#chart').getBoundingClientRect();
      return [...document.querySelectorAll('#chart .label, #chart text')]
        .filter((label) => {
          const box = label.getBoundingClientRect();
          const clipped = label.scrollWidth > label.clientWidth + 1 && getComputedStyle(label).overflow !== 'visible';
          return box.left < chart.left - 0.5 || box.right > chart.right + 0.5 || clipped;
        })
        .map((label) => label.textContent);
    })()`,
  );

/** Each county cell of the plan: its width and font size. */
const countyCells = (page: Page) =>
  inPage<{ text: string; width: number; font: number }[]>(
    page,
    `[...document.querySelectorAll('#plan tbody tr td:first-child')].map((td) => ({
      text: td.textContent,
      width: td.getBoundingClientRect().width,
      font: Number.parseFloat(getComputedStyle(td).fontSize),
    }))`,
  );

/** How far the page scrolls sideways (0: it fits the screen). */
const sidewaysScroll = (page: Page) =>
  inPage<number>(page, 'document.documentElement.scrollWidth - window.innerWidth');

describe('the coordinator dashboard', () => {
  for (const size of SIZES) {
    it(`at ${size.width} px: the funnel shows the report’s figures, names only, readable labels and cells`, async () => {
      const page = await openAs({ role: 'coordinator' }, '/dashboard.html', size);
      await page.fill('#season', SEASON);
      await page.click('#access button[type="submit"]');
      await page.locator('#plan tbody tr').first().waitFor();
      await page.locator('#funnel [data-figure="visited"]').waitFor();

      // One label, one number: the funnel's figures are the API's (and so the CSV's and XLSX's).
      const report = await call('GET', `/seasons/${SEASON}/report`, coordinator);
      // 已走访 is towns visited (1 here), as in the API, CSV and XLSX — not the visited town's needs.
      expect(await page.locator('#funnel [data-figure="visited"]').textContent()).toBe(
        String(report.total.visited),
      );
      for (const key of FUNNEL_KEYS) {
        expect(await page.locator(`#funnel [data-figure="${key}"]`).textContent(), key).toBe(
          String(report.total[key]),
        );
      }
      expect(report.total.visited).toBe(1);
      expect(await page.locator('#funnel').textContent()).toContain('本次走访涉及需求');

      expect(await rawWordsOn(page)).toEqual([]);
      const planText = await page.locator('#plan').textContent();
      expect(planText).toContain(demo.societies.find((s) => s.id === reporter)!.name.zh);
      expect(planText).not.toContain(reporter);

      for (const label of await renderedFontSizes(page, '#funnel .label, #funnel text')) {
        expect(label.px, `funnel label ${label.text}`).toBeGreaterThanOrEqual(12);
      }
      for (const label of await renderedFontSizes(page, '#chart text, #chart .label')) {
        expect(label.px, `chart label ${label.text}`).toBeGreaterThanOrEqual(12);
      }
      // Chart labels inside the chart: none cut off at either edge.
      const cut = await cutOffChartLabels(page);
      expect(cut).toEqual([]);
      // County names never wrap a character per line: each county cell is at least two characters wide.
      const cells = await countyCells(page);
      expect(cells.length).toBe(4);
      for (const cell of cells) expect(cell.width, cell.text ?? '').toBeGreaterThanOrEqual(2 * cell.font);
      const overflow = await sidewaysScroll(page);
      expect(overflow, 'the page scrolls sideways').toBeLessThanOrEqual(0);

      await page.screenshot({ path: `${SHOTS}/dashboard-${size.name}.png`, fullPage: true });
      await page.context().close();
    });
  }

  it('shows in CSV and XLSX the same totals as the API and the funnel, under the same labels', async () => {
    const report = await call('GET', `/seasons/${SEASON}/report`, coordinator);
    const csv = (await call('GET', `/seasons/${SEASON}/report?format=csv`, coordinator)) as Buffer;
    const xlsx = (await call('GET', `/seasons/${SEASON}/report?format=xlsx`, coordinator)) as Buffer;

    const lines = csv.toString('utf8').slice(1).trimEnd().split('\r\n');
    const labels = FIGURE_KEYS.map((k) => FIGURE_LABELS[k].zh);
    expect(lines[0]!.split(',').slice(2, 2 + labels.length)).toEqual(labels);
    expect(
      lines
        .at(-1)!
        .split(',')
        .slice(2, 2 + labels.length)
        .map(Number),
    ).toEqual(FIGURE_KEYS.map((k) => report.total[k]));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx as unknown as ArrayBuffer);
    const summary = workbook.getWorksheet('县汇总')!;
    expect((summary.getRow(1).values as unknown[]).slice(3, 3 + labels.length)).toEqual(labels);
    expect((summary.getRow(summary.rowCount).values as unknown[]).slice(3, 3 + labels.length)).toEqual(
      FIGURE_KEYS.map((k) => report.total[k]),
    );
    // The funnel's labels are these labels.
    const page = await openAs({ role: 'coordinator' }, '/dashboard.html', SIZES[1]);
    await page.locator('#funnel [data-figure="visited"]').waitFor();
    const funnelLabels = await page.locator('#funnel .funnel-row .label').allTextContents();
    expect(funnelLabels).toEqual(FUNNEL_KEYS.map((k) => FIGURE_LABELS[k].zh));
    await page.context().close();
  });

  it('says what the start button did, in Chinese, without an execution ARN', async () => {
    const page = await openAs({ role: 'coordinator' }, '/dashboard.html', SIZES[0]);
    await page.fill('#season', SEASON);
    await page.click('#start');
    const status = page.locator('#status');
    await status.filter({ hasText: '轮次' }).waitFor();

    expect(await status.textContent()).toBe('2026 年第四季度轮次已完成，未重复启动');
    expect(await status.textContent()).not.toMatch(/arn:|2026-Q4-1/);
    await page.context().close();
  });
});

describe('the visit page', () => {
  for (const size of SIZES) {
    it(`at ${size.width} px: the town, five questions, needs with societies and outcomes, the report and the log, in names`, async () => {
      const page = await openAs({ role: 'coordinator' }, `/visit.html?id=${visitId}`, size);
      await page.locator('#reports article').first().waitFor();

      const [season, countyId] = visitId.split('.') as [string, string];
      const county = demo.counties.find((c) => c.id === countyId)!;
      expect(season).toBe(SEASON);
      expect(await page.locator('#summary').textContent()).toContain(county.name.zh);
      expect(await page.locator('#questions article').count()).toBe(5);
      expect(await page.locator('#reports').textContent()).toContain('已与镇干部和种植大户座谈');
      expect(await page.locator('#reports').textContent()).toContain('山核桃林下套种技术指导');
      const needsText = await page.locator('#needs').textContent();
      expect(needsText).toContain(demo.societies.find((s) => s.id === reporter)!.name.zh);
      expect(needsText).toContain('已解决');
      expect(await page.locator('#log').textContent()).toContain('系统（轮次）');
      expect(await rawWordsOn(page)).toEqual([]);
      const overflow = await sidewaysScroll(page);
      expect(overflow, 'the page scrolls sideways').toBeLessThanOrEqual(0);

      await page.screenshot({ path: `${SHOTS}/visit-${size.name}.png`, fullPage: true });
      await page.context().close();
    });
  }

  it('is linked from the dashboard’s plan and from the team page’s visit', async () => {
    const dashboard = await openAs({ role: 'coordinator' }, '/dashboard.html', SIZES[1]);
    await dashboard.fill('#season', SEASON);
    await dashboard.click('#access button[type="submit"]');
    await dashboard.locator(`#plan a[href="/visit.html?id=${visitId}"]`).waitFor();
    await dashboard.context().close();

    const team = await openAs({ role: 'team', society: reporter }, '/team.html', SIZES[0]);
    await team.locator(`a[href="/visit.html?id=${visitId}"]`).first().waitFor();
    expect(await rawWordsOn(team)).toEqual([]);
    await team.screenshot({ path: `${SHOTS}/team-phone.png`, fullPage: true });
    await team.context().close();
  });

  it('the front page’s plan and the liaison’s needs page show names and words only', async () => {
    const front = await openAs({ role: 'coordinator' }, '/', SIZES[0]);
    await front.locator('#plan tbody tr').first().waitFor();
    expect(await front.locator('#status').textContent()).toBe('2026 年第四季度 · 已完成');
    expect(await rawWordsOn(front)).toEqual([]);
    await front.context().close();

    const countyId = visitId.split('.')[1]!;
    const needs = await openAs({ role: 'liaison', county: countyId }, '/needs.html', SIZES[0]);
    await needs.locator('#needs li').first().waitFor();
    expect(await rawWordsOn(needs)).toEqual([]);
    await needs.screenshot({ path: `${SHOTS}/needs-phone.png`, fullPage: true });
    await needs.context().close();
  });
});
