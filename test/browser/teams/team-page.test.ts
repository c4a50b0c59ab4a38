import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataDir } from '#cli/data-dir';
import { DEMO_DATA_DIR } from '#cli/session';
import type { localInvitation } from '#local/invitations';
import { DEFAULT_QUESTION_TEXT } from '#schemas/labels';
import { chromiumForFile, signInWithInvitation } from '#support/browser';
import { embeddedApi } from '#support/embedded-api';
import type { Store } from '#support/store';

const SEASON = '2027-Q1';
const api = embeddedApi(loadDataDir(DEMO_DATA_DIR), 'team-page-');
const chromium = chromiumForFile();
let offers: Awaited<ReturnType<Store['offersWaiting']>>;

beforeAll(async () => {
  // The round runs in the background; its offers wait (10 minutes) for the teams.
  void api.runner.run({ season: SEASON, autoAccept: false, offerTimeoutSeconds: 600 });
  offers = await api.store.offersWaiting(SEASON);
});

/** A fresh browser signed in with an invitation link, on the page the role lands on. */
async function signedIn(wanted: Parameters<typeof localInvitation>[1], landing: string): Promise<Page> {
  const page = await (await chromium.browser.newContext()).newPage();
  await signInWithInvitation(page, api, wanted, landing);
  return page;
}

const openTeamPage = (societyId: string) => signedIn({ role: 'team', society: societyId }, '/team.html');

describe('the team page', () => {
  it('shows the society’s offer in Chinese, switches to English and back', async () => {
    const offer = offers[0]!;
    const page = await openTeamPage(offer.societyId);

    const card = page.locator(`[data-offer="${offer.id}"]`);
    await card.waitFor();
    expect(await page.locator('#offers-section h2').textContent()).toBe('待答复的邀请');
    expect(await card.textContent()).toContain('2027 年第一季度');
    expect(await card.locator('button[data-action="accept"]').textContent()).toBe('接受');

    await page.click('#lang');
    expect(await page.locator('#offers-section h2').textContent()).toBe('Offers awaiting your answer');
    expect(await card.locator('button[data-action="decline"]').textContent()).toBe('Decline');
    await page.click('#lang');
    expect(await page.locator('#offers-section h2').textContent()).toBe('待答复的邀请');
    expect(await page.locator('#messages').textContent()).toContain('邀请');
    await page.context().close();
  });

  it('declines only after a confirm step, with a reason', async () => {
    const offer = offers[1]!;
    const page = await openTeamPage(offer.societyId);
    const card = page.locator(`[data-offer="${offer.id}"]`);
    await card.waitFor();

    // 婉拒 only opens the reason and its confirm; nothing is queued yet, and 取消 takes it back.
    await card.locator('button[data-action="decline"]').click();
    const confirm = card.getByRole('button', { name: '确认婉拒' });
    await confirm.waitFor();
    await card.getByRole('button', { name: '取消' }).click();
    expect(await confirm.isVisible()).toBe(false);
    expect(await card.locator('button[data-action="accept"]').isVisible()).toBe(true);

    await card.locator('button[data-action="decline"]').click();
    await confirm.click();
    expect(await card.locator('.decline-box .error').textContent()).toBe('请填写婉拒理由');
    expect(
      (await api.store.getOffer(offer.season, offer.countyId, offer.societyId))?.decision,
    ).toBeUndefined();

    await card.locator('textarea[name="reason"]').fill('本季专家外出');
    await confirm.click();

    await page.locator('#status', { hasText: '已婉拒' }).waitFor();
    expect((await api.store.getOffer(offer.season, offer.countyId, offer.societyId))?.decision).toBe(
      'decline',
    );
    expect(await page.locator(`#offers [data-offer="${offer.id}"]`).count()).toBe(0);
    await page.context().close();
  });

  it('accepts, keeps the report draft across a reload, and files it once when the first response is lost, retrying by itself', async () => {
    const offer = offers[0]!;
    const page = await openTeamPage(offer.societyId);
    await page.locator(`[data-offer="${offer.id}"] button[data-action="accept"]`).click();
    const form = page.locator(`form.report[data-visit="${offer.visitId}"]`);
    await form.waitFor();
    await page.locator('#status', { hasText: '已接受，感谢！' }).waitFor();
    // The visit's five questions in the wording it was framed with (the season's, here the default).
    const wording = page.locator('.question-text');
    await wording.first().waitFor({ state: 'attached' });
    expect(await wording.first().textContent()).toBe(DEFAULT_QUESTION_TEXT.talent.zh);
    // No dead ends for a team: no coordinator's link, no lone load button.
    expect(await page.locator('a[href="/dashboard.html"]').count()).toBe(0);
    expect(await page.getByRole('button', { name: '载入' }).count()).toBe(0);

    for (const theme of ['talent', 'industry', 'literacy', 'advice', 'grassroots']) {
      await form.locator(`textarea[name="answer-${theme}"]`).fill(`${theme}：已与镇干部座谈`);
    }
    const firstNeed = offer.needIds[0]!;
    await form.locator(`select[name="outcome-${firstNeed}"]`).selectOption('resolved');
    await form.getByRole('button', { name: '添加合作' }).click();
    await form.locator('input[name="coop-title-0"]').fill('茶园病虫害绿色防控');
    await form.locator('input[name="coop-partner-0"]').fill('镇农业服务中心');

    // The draft survives a reload (poor signal, a closed tab).
    await page.reload();
    const again = page.locator(`form.report[data-visit="${offer.visitId}"]`);
    await again.waitFor();
    expect(await again.locator('textarea[name="answer-advice"]').inputValue()).toBe('advice：已与镇干部座谈');
    expect(await again.locator(`select[name="outcome-${firstNeed}"]`).inputValue()).toBe('resolved');
    expect(await again.locator('input[name="coop-partner-0"]').inputValue()).toBe('镇农业服务中心');

    // The first submission reaches the server, but its response is lost on the way back.
    const keys: string[] = [];
    let lost = false;
    await page.route('**/visits/*/report', async (route) => {
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      if (!lost) {
        lost = true;
        await route.fetch();
        await route.abort('failed');
      } else await route.continue();
    });
    await again.getByRole('button', { name: '提交报告' }).click();
    // No second click: the outbox sends it again by itself, with the same key; the server files it once.
    const line = page.locator(`article[data-visit="${offer.visitId}"] > .outbox-near .outbox-item`);
    await line.filter({ hasText: '已送达 · 回执号 v1' }).waitFor();
    expect(keys.length).toBeGreaterThanOrEqual(2);
    expect(new Set(keys).size).toBe(1);
    expect(await page.locator('text=网络不佳').count()).toBe(0);

    const { reportVersions } = await import('#store/visit-log');
    expect(await reportVersions(offer.visitId)).toHaveLength(1);
    expect((await reportVersions(offer.visitId))[0]).toMatchObject({
      societyId: offer.societyId,
      cooperations: [{ title: '茶园病虫害绿色防控', partner: '镇农业服务中心' }],
    });
    expect((await api.store.getNeed(firstNeed))?.status).toBe('resolved');

    // Sent again unchanged: the same key, still one version. Edited: a new key, a second version.
    // Once filed the form folds away under its summary.
    await page.locator('summary', { hasText: /^走访报告$/ }).click();
    const form2 = page.locator(`form.report[data-visit="${offer.visitId}"]`);
    await form2.getByRole('button', { name: '提交报告' }).click();
    await page.locator('#status', { hasText: '此前已提交（第 1 版）' }).waitFor();
    expect(new Set(keys).size).toBe(1);
    await form2.locator('textarea[name="answer-advice"]').fill('advice：补充了专家建议');
    await form2.getByRole('button', { name: '提交报告' }).click();
    await page
      .locator(`article[data-visit="${offer.visitId}"] > .outbox-near .outbox-item`, { hasText: '回执号 v2' })
      .waitFor();
    expect(new Set(keys).size).toBe(2);
    expect(await reportVersions(offer.visitId)).toHaveLength(2);
    await page.context().close();
  });
});

describe('the coordinator dashboard', () => {
  it('shows the plan with offer status, the funnel and the per-county chart, in Chinese then English', async () => {
    const page = await signedIn({ role: 'coordinator' }, '/dashboard.html');
    await page.fill('#season', SEASON);
    await page.click('button[type="submit"]');

    await page.locator('#plan tbody tr').first().waitFor();
    expect(await page.locator('#plan tbody tr').count()).toBe(4);
    // The declined offer: moved on (已改派) or, with no society left, still declined (已婉拒).
    expect(await page.locator('#plan').textContent()).toMatch(/已改派|已婉拒/);
    expect(await page.locator('#plan').textContent()).toContain('已接受');
    const { loadSeasonReport } = await import('#services/report-season');
    const report = await loadSeasonReport(SEASON);
    expect(await page.locator('#funnel [data-figure="collected"]').textContent()).toBe(
      String(report.total.collected),
    );
    expect(await page.locator('#funnel [data-figure="handled"]').textContent()).toBe(
      String(report.total.handled),
    );
    expect(await page.locator('#chart .county-bars').count()).toBe(4);

    await page.click('#lang');
    expect(await page.locator('#figures h2').first().textContent()).toBe('Funnel');
    expect(await page.locator('#plan').textContent()).toMatch(/Reassigned|Declined/);
    await page.context().close();
  });
});
