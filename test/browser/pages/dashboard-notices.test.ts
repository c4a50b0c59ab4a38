/**
 * The coordinator dashboard's notices in Chromium, at 390×844: an alert still open (an offer refused
 * with nobody left for its needs) says what to do and links to the plan page's hand placement; each
 * failed message names its recipient, what it was about and why, in words, with a resend button that
 * puts it back in the queue. Names only, never ids or raw status words.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { keys } from '#schemas/keys';
import type { StoredMessage } from '#store/outbox';
import { chromiumForFile, overflowsSideways, SHOTS, signInWithInvitation } from '#support/browser';
import { embeddedApi } from '#support/embedded-api';
import { SMALL_CATALOG } from '#support/small-catalog';

const SEASON = '2026-Q4';
const api = embeddedApi(SMALL_CATALOG, 'dashboard-notices-');
const chromium = chromiumForFile();
let refused: { societyId: string; countyId: string; needIds: string[] };

const failed = (fields: Partial<StoredMessage> & Pick<StoredMessage, 'id'>): StoredMessage => ({
  season: SEASON,
  audience: 'society',
  medium: 'webhook',
  to: 'https://oapi.dingtalk.com/robot/send?access_token=x',
  subject: '【2026-Q4 科技服务】山溪县东村镇 邀请',
  body: 'body',
  createdAt: '2026-10-05T02:00:00.000Z',
  notBefore: '2026-10-05T02:00:00.000Z',
  status: 'failed',
  attempts: 1,
  failedAt: '2026-10-05T02:01:00.000Z',
  ...fields,
});

beforeAll(async () => {
  expect((await api.runner.run({ season: SEASON, autoAccept: true })).status).toBe('SUCCEEDED');
  // One accepted offer becomes the refused one the round alerted about: its needs have no society.
  const { offers } = await api.store.seasonItems(SEASON);
  const offer = offers.find((o) => o.status === 'accepted')!;
  refused = offer;
  const { documents, tableName } = await import('#commons/clients');
  await documents().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.offer(SEASON, offer.countyId, offer.societyId),
      UpdateExpression: 'SET #status = :declined, attempt = :three, alert = :alert',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':declined': 'declined',
        ':three': 3,
        ':alert': { reason: 'tries-exhausted', needIds: offer.needIds, at: '2026-10-06T02:00:00.000Z' },
      },
    }),
  );
  for (const m of [
    failed({
      id: 'm-signature',
      kind: 'offer',
      societyId: 'nongxue',
      recipient: { kind: 'society', id: 'nongxue' },
      lastError: 'errcode 310000',
      lastErrorCode: 'signature',
    }),
    failed({
      id: 'm-liaisons',
      audience: 'liaison',
      kind: 'accepted',
      countyId: 'linhe',
      lastErrorCode: 'no-contact',
      attempts: 3,
    }),
  ])
    await api.put({ ...keys.outbox(m.season, m.id), type: 'message', ...m });
}, 180_000);

describe('the dashboard’s alerts and failed messages', () => {
  it('at 390×844: says what to do with names only, and a resend puts the message back in the queue', async () => {
    const context = await chromium.browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.addInitScript(() => localStorage.setItem('lang', 'zh'));
    await signInWithInvitation(page, api, { role: 'coordinator' }, '/dashboard.html');
    await page.fill('#season', SEASON);
    await page.click('#access button[type="submit"]');
    await page.locator('#alert-list li').first().waitFor();
    await page.locator('#failed-list li').nth(1).waitFor();

    const county = SMALL_CATALOG.counties.find((c) => c.id === refused.countyId)!;
    const society = SMALL_CATALOG.societies.find((s) => s.id === refused.societyId)!;
    const alert = (await page.locator('#alert-list li').first().innerText()).replace(/\s+/g, ' ');
    expect(alert).toContain(county.name.zh);
    expect(alert).toContain(`${refused.needIds.length} 项需求已先后请 3 个学会对接，均婉拒或未答复`);
    expect(alert).toContain(`最后一个：${society.name.zh}`);
    expect(alert).toContain('请在计划审核页把它们安排到其他学会');
    expect(await page.locator('#alert-list a').first().getAttribute('href')).toBe(
      `/plan.html?season=${SEASON}#unassigned`,
    );

    const items = await page.locator('#failed-list li').allInnerTexts();
    const signature = items.find((text) => text.includes('山溪农学会'))!;
    expect(signature).toContain('内容：对接邀请');
    expect(signature).toContain('原因：机器人签名不对：请核对加签密钥');
    expect(signature).toContain('10月5日 10:01 发送失败，已尝试 1 次');
    const liaisons = items.find((text) => text.includes('临河县联络员'))!;
    expect(liaisons).toContain('原因：没有联系方式');
    expect(await page.locator('#fix-contact-first a').getAttribute('href')).toBe('/catalog.html');

    // Names only: no id, no raw status or error code anywhere on the page.
    const text = await page.locator('main').innerText();
    const ids = [
      ...SMALL_CATALOG.counties.flatMap((c) => [c.id, ...c.towns.map((t) => t.id)]),
      ...SMALL_CATALOG.societies.map((s) => s.id),
      ...SMALL_CATALOG.needs.map((n) => n.id),
      'm-signature',
      'm-liaisons',
    ];
    const raw = ['failed', 'declined', 'tries-exhausted', 'no-contact', 'signature', 'errcode'];
    for (const word of [...ids, ...raw]) {
      expect(new RegExp(`(^|[^A-Za-z0-9-])${word}($|[^A-Za-z0-9-])`).test(text), word).toBe(false);
    }
    expect(await overflowsSideways(page)).toBe(false);
    await page.screenshot({ path: `${SHOTS}/dashboard-notices-phone.png`, fullPage: true });

    await page
      .locator('#failed-list li', { hasText: '山溪农学会' })
      .getByRole('button', { name: '重新发送' })
      .click();
    await page.locator('#status', { hasText: '已重新排队' }).waitFor();
    expect(await page.locator('#failed-list li').count()).toBe(1);
    const { getMessage } = await import('#store/outbox-review');
    expect(await getMessage<StoredMessage>(SEASON, 'm-signature')).toMatchObject({
      status: 'queued',
      attempts: 0,
    });
    await context.close();
  });
});
