import { mkdirSync, readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataDir } from '#cli/data-dir';
import { DEMO_DATA_DIR } from '#cli/session';
import type { localInvitation } from '#local/invitations';
import { chromiumForFile, signInWithInvitation } from '#support/browser';
import { embeddedApi } from '#support/embedded-api';
import { withExif } from '#support/exif-app1';
import type { Store } from '#support/store';

// The team's and the liaison's pages in the field, on a phone, against the real local server:
// photos and a visit report made while the server is really closed arrive once, the report naming
// its photos, when it is back; the visit date is proposed by one side and confirmed by the other,
// and lands in the phone's calendar as a file.

const SEASON = '2027-Q1';
const SHOTS = '/tmp/shots-fieldui';
const api = embeddedApi(loadDataDir(DEMO_DATA_DIR), 'field-visit-');
const chromium = chromiumForFile();
let offers: Awaited<ReturnType<Store['offersWaiting']>>;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  void api.runner.run({ season: SEASON, autoAccept: false, offerTimeoutSeconds: 600 });
  offers = await api.store.offersWaiting(SEASON);
});

/** A phone signed in with an invitation link, on the page its role lands on. */
async function phone(who: Parameters<typeof localInvitation>[1], landing: string): Promise<Page> {
  const context = await chromium.browser.newContext({
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    acceptDownloads: true,
  });
  const page = await context.newPage();
  await signInWithInvitation(page, api, who, landing);
  return page;
}

/** The team accepts its offer on its page; the visit's card and report form appear. */
async function acceptOn(page: Page, offer: (typeof offers)[number]): Promise<void> {
  await page.locator(`[data-offer="${offer.id}"] button[data-action="accept"]`).click();
  await page.locator(`form.report[data-visit="${offer.visitId}"]`).waitFor();
}

/** A camera photo made in the page (a canvas), with the EXIF a phone writes. */
async function cameraPhoto(page: Page, hue: number): Promise<Buffer> {
  const base64 = await page.evaluate(async (h) => {
    const canvas = new (
      globalThis as unknown as {
        OffscreenCanvas: new (
          w: number,
          h: number,
        ) => {
          getContext(k: string): Record<string, unknown> & {
            fillRect(...a: number[]): void;
            fillStyle: string;
          };
          convertToBlob(o: object): Promise<Blob>;
        };
      }
    ).OffscreenCanvas(1600, 1200);
    const g = canvas.getContext('2d');
    for (let i = 0; i < 60; i++) {
      g.fillStyle = `hsl(${h + i}, 50%, ${20 + (i % 40)}%)`;
      g.fillRect(i * 27, 0, 27, 1200);
    }
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
    return (new Uint8Array(await blob.arrayBuffer()) as Uint8Array & { toBase64(): string }).toBase64();
  }, hue);
  return withExif(Buffer.from(base64, 'base64'), {
    dateTimeOriginal: '2027:01:20 10:15:00',
    offsetTimeOriginal: '+08:00',
    lat: 29.6,
    lng: 118.55,
  });
}

const coordinator = { role: 'coordinator' as const, sub: 'coordinator-field' };

describe('the team in the field', () => {
  it('files a report with two photos while the server is closed; when it is back each arrives once, the report naming its photos', async () => {
    const offer = offers[0]!;
    const page = await phone({ role: 'team', society: offer.societyId }, '/team.html');
    await acceptOn(page, offer);
    // A returning visit: the page under its service worker, as at every later opening.
    await page.evaluate('navigator.serviceWorker.ready.then(() => true)');
    await page.reload();
    const form = page.locator(`form.report[data-visit="${offer.visitId}"]`);
    await form.waitFor();
    const photos = [await cameraPhoto(page, 80), await cameraPhoto(page, 30)];

    await api.stopServer();
    await page.reload();
    await form.waitFor();
    await expect
      .poll(() => page.locator('#offline-line').textContent())
      .toMatch(/^离线 · 显示的是 \d\d:\d\d 的数据$/);

    await form
      .locator('input[name="photo-gallery"]')
      .setInputFiles(
        photos.map((buffer, i) => ({ name: `IMG_000${i + 1}.jpg`, mimeType: 'image/jpeg', buffer })),
      );
    const queued = form.locator('figure.photo.queued');
    await expect.poll(() => queued.count()).toBe(2);
    for (const theme of ['talent', 'industry', 'literacy', 'advice', 'grassroots'])
      await form.locator(`textarea[name="answer-${theme}"]`).fill(`${theme}：田间查看水稻长势`);
    for (const box of await form.locator('figure.photo.queued input[type="checkbox"]').all())
      await box.check();
    await form.getByRole('button', { name: '提交报告' }).click();
    await form.locator('.held', { hasText: '报告将在所选照片上传后自动发送' }).waitFor();
    expect(await queued.first().textContent()).toContain('待发送');
    await expect.poll(() => page.locator('#outbox-badge').textContent()).toBe('待发送 2');
    await form.locator('.report-photos').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/team-photos-offline.png` });

    await api.restartServer();
    // No touch: the photos go first, then the report with their ids.
    const { reportVersions } = await import('#store/visit-log');
    await expect.poll(() => reportVersions(offer.visitId), { timeout: 60_000 }).toHaveLength(1);
    const visit = (await api.call('GET', `/visits/${encodeURIComponent(offer.visitId)}`, { as: coordinator }))
      .body as unknown as {
      attachments: { id: string; contentType: string; takenAt?: string; location?: object }[];
    };
    expect(visit.attachments).toHaveLength(2);
    expect(visit.attachments[0]).toMatchObject({
      contentType: 'image/jpeg',
      takenAt: '2027-01-20T02:15:00.000Z',
      location: { lat: 29.6, lng: 118.55 },
    });
    const [version] = await reportVersions(offer.visitId);
    expect([...((version as { attachmentIds?: string[] }).attachmentIds ?? [])].sort()).toEqual(
      visit.attachments.map((a) => a.id).sort(),
    );
    // The strip now shows the stored photos from their signed URLs.
    await expect.poll(() => form.locator('figure.photo:not(.queued) img').count()).toBe(2);
    await expect
      .poll(() =>
        form
          .locator('figure.photo:not(.queued) img')
          .first()
          .evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
      )
      .toBeGreaterThan(0);
    await expect.poll(() => page.locator('#outbox-badge').isHidden()).toBe(true);
    // The filed report folds away; open it to see its photos.
    await page.locator(`article[data-visit="${offer.visitId}"] summary`, { hasText: /^走访报告$/ }).click();
    // Still ticked for the report, now by their stored ids.
    expect(await form.locator('figure.photo:not(.queued) input[type="checkbox"]:checked').count()).toBe(2);
    await form.locator('.report-photos').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/team-photos-online.png` });
    // Sent again unchanged, now that its photos have ids: the same report, not a second version.
    await form.getByRole('button', { name: '提交报告' }).click();
    await page.locator('#status', { hasText: '此前已提交（第 1 版）' }).waitFor();
    expect(await reportVersions(offer.visitId)).toHaveLength(1);
    await page.context().close();
  }, 180_000);
});

describe('the visit date', () => {
  it('is proposed by the liaison, confirmed by the team, and handed to the phone as a calendar file', async () => {
    const offer = offers[1]!;
    const team = await phone({ role: 'team', society: offer.societyId }, '/team.html');
    await acceptOn(team, offer);

    const liaison = await phone({ role: 'liaison', county: offer.countyId }, '/needs.html');
    await liaison.goto(`${api.server.url}/visit.html?id=${encodeURIComponent(offer.visitId)}`);
    const card = liaison.locator(`[data-schedule="${offer.visitId}"]`);
    await card.waitFor();
    const day = new Date(Date.now() + 10 * 24 * 3600_000).toLocaleDateString('sv-SE', {
      timeZone: 'Asia/Shanghai',
    });
    await card.locator('input[name="schedule-date"]').fill(day);
    await card.locator('input[name="schedule-time"]').fill('09:30');
    await card.locator('input[name="schedule-note"]').fill('在镇政府门口集合');
    await card.locator('button[data-action="propose-date"]').click();
    const proposed = liaison.locator(`[data-schedule="${offer.visitId}"][data-status="proposed"]`);
    await proposed.waitFor({ timeout: 30_000 });
    expect(await proposed.locator('.schedule-status').textContent()).toContain('待对方确认');
    // The side that proposed has nothing to confirm.
    expect(await proposed.locator('button[data-action="confirm-date"]').count()).toBe(0);
    await liaison.screenshot({ path: `${SHOTS}/visit-schedule-proposed.png` });

    await team.reload();
    const teamCard = team.locator(`[data-schedule="${offer.visitId}"]`);
    await teamCard.locator('button[data-action="confirm-date"]').click();
    const agreed = team.locator(`[data-schedule="${offer.visitId}"][data-status="confirmed"]`);
    await agreed.waitFor({ timeout: 30_000 });
    const [, month, date] = day.split('-').map(Number);
    expect(await agreed.locator('.schedule-status').textContent()).toContain(`已约定 ${month}月${date}日`);
    expect(await agreed.locator('.schedule-status').textContent()).toContain('09:30');
    // The agreed day is the report form's default.
    expect(
      await team.locator(`form.report[data-visit="${offer.visitId}"] input[name="visitDate"]`).inputValue(),
    ).toBe(day);

    const link = agreed.locator('a[data-action="calendar"]');
    await expect.poll(() => link.getAttribute('href')).toMatch(/^blob:/);
    const [download] = await Promise.all([team.waitForEvent('download'), link.click()]);
    const ics = readFileSync((await download.path()) as string, 'utf8');
    expect(ics).toMatch(/^BEGIN:VCALENDAR/);
    expect(ics).toContain('BEGIN:VEVENT');
    expect(download.suggestedFilename()).toBe(`visit-${day}.ics`);
    // What the page fetched for the link: the server's calendar, as text/calendar.
    const served = await api.call('GET', `/visits/${encodeURIComponent(offer.visitId)}/calendar.ics`, {
      as: coordinator,
    });
    expect(served.headers.get('content-type')).toMatch(/^text\/calendar/);
    // The same event (DTSTAMP is the moment each was written).
    const event = (text: string) => text.replace(/^DTSTAMP:.*$/m, '');
    expect(event(ics)).toBe(event(String(served.body)));
    expect(ics).toContain('DTSTART;TZID=Asia/Shanghai:');
    await agreed.scrollIntoViewIfNeeded();
    await team.screenshot({ path: `${SHOTS}/team-schedule-agreed.png` });
    // Offline, the card still shows the agreed date and the calendar file kept from before.
    await api.stopServer();
    await team.reload();
    await agreed.waitFor();
    await team.locator('#offline-line').waitFor();
    await agreed.scrollIntoViewIfNeeded();
    await team.screenshot({ path: `${SHOTS}/team-schedule-offline.png` });
    await api.restartServer();
    await team.context().close();
    await liaison.context().close();
  }, 180_000);
});
