import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataDir } from '#cli/data-dir';
import { DEMO_DATA_DIR } from '#cli/session';
import { chromiumForFile, signInWithInvitation } from '#support/browser';
import { embeddedApi } from '#support/embedded-api';

// The liaisons' form in Debian's headless Chromium, served by the local HTTP adapter on DynamoDB
// Local: Chinese by default, checked in the browser, a draft that outlives the tab, and a submission
// that loses the network and is retried with the same Idempotency-Key into exactly one need.

const api = embeddedApi(loadDataDir(DEMO_DATA_DIR), 'needs-form-');
const chromium = chromiumForFile();
let liaisonToken: string;

beforeAll(async () => {
  liaisonToken = await api.token({ role: 'liaison', county: 'chunan', sub: 'liaison-chunan' });
});

/** A phone-sized page in a fresh context (its own localStorage), signed in with a liaison's invitation link. */
async function signedInPage(): Promise<Page> {
  const context = await chromium.browser.newContext({
    locale: 'zh-CN',
    viewport: { width: 390, height: 844 },
    isMobile: true,
  });
  const page = await context.newPage();
  await signInWithInvitation(page, api, { role: 'liaison', county: 'chunan' }, '/needs.html');
  await page.locator('#townId option[value="qiandaohu"]').waitFor({ state: 'attached' });
  return page;
}

async function fillNeed(page: Page, title: string): Promise<void> {
  await page.locator('#townId').selectOption({ label: '千岛湖镇' });
  await page.locator('label[for="theme-industry"]').click();
  await page.locator('#field').fill('茶叶');
  await page.locator('#title').fill(title);
  await page.locator('#detail').fill('春茶采摘期短，希望专家指导机采与加工工艺。');
  await page.locator('label[for="urgency-high"]').click();
}

async function needsTitled(title: string): Promise<{ id: string; title: string; status: string }[]> {
  const found: { id: string; title: string; status: string }[] = [];
  let cursor: string | undefined;
  do {
    const res = await fetch(
      `${api.server.url}/needs?countyId=chunan&limit=100${cursor ? `&cursor=${cursor}` : ''}`,
      {
        headers: { authorization: `Bearer ${liaisonToken}` },
      },
    );
    const body = (await res.json()) as {
      items: { id: string; title: string; status: string }[];
      cursor?: string;
    };
    found.push(...body.items.filter((n) => n.title === title));
    cursor = body.cursor;
  } while (cursor);
  return found;
}

describe('the needs form', () => {
  it('is in Chinese by default, and switches to English', async () => {
    const page = await signedInPage();

    await expect.poll(() => page.locator('h1').textContent()).toBe('乡镇需求填报');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await page.locator('label[for="theme-talent"]').textContent()).toContain('人才引智');
    expect(await page.locator('#countyId').isDisabled()).toBe(true);
    expect(await page.locator('#countyId option:checked').textContent()).toBe('淳安县');

    await page.locator('#lang').click();
    expect(await page.locator('h1').textContent()).toBe('Town needs');
    expect(await page.locator('label[for="theme-talent"]').textContent()).toContain('Talent');
    await page.context().close();
  });

  it('checks the form in the browser with the API’s schemas and sends nothing while it is invalid', async () => {
    const page = await signedInPage();
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST') posts.push(request.url());
    });

    await page.getByRole('button', { name: '提交需求' }).click();

    await expect.poll(() => page.locator('.error[data-for="title"]').textContent()).toContain('必须填写');
    expect(await page.locator('.error[data-for="townId"]').textContent()).toMatch(/乡镇/);
    expect(await page.locator('#title').getAttribute('aria-invalid')).toBe('true');
    expect(posts).toEqual([]);

    await page.locator('#lang').click();
    await page.getByRole('button', { name: 'Submit' }).click();
    await expect.poll(() => page.locator('.error[data-for="title"]').textContent()).toContain('is required');
    expect(posts).toEqual([]);
    await page.context().close();
  });

  it('keeps a draft when the tab is closed', async () => {
    const page = await signedInPage();
    const context = page.context();
    await fillNeed(page, '草稿：林下中药材种植');
    await page.close();

    const reopened = await context.newPage();
    await reopened.goto(`${api.server.url}/needs.html`);
    await reopened.locator('#townId option[value="qiandaohu"]').waitFor({ state: 'attached' });
    await expect.poll(() => reopened.locator('#title').inputValue()).toBe('草稿：林下中药材种植');
    expect(await reopened.locator('#townId').inputValue()).toBe('qiandaohu');
    expect(await reopened.locator('#theme-industry').isChecked()).toBe(true);
    expect(await reopened.locator('#urgency-high').isChecked()).toBe(true);
    await context.close();
  });

  it('submits in Chinese, loses the network after the server got it, retries with the same key: one need', async () => {
    const page = await signedInPage();
    const title = `茶园机采技术指导 ${Date.now()}`;
    await fillNeed(page, title);
    const keys: string[] = [];
    await page.route(
      (url) => url.pathname === '/needs',
      async (route) => {
        const request = route.request();
        if (request.method() !== 'POST') return route.continue();
        keys.push(request.headers()['idempotency-key'] ?? '');
        if (keys.length === 1) {
          // The request reaches the server, which creates the need; the answer never reaches the phone.
          const response = await route.fetch();
          expect(response.status()).toBe(201);
          return route.abort('internetdisconnected');
        }
        return route.continue();
      },
    );

    await page.getByRole('button', { name: '提交需求' }).click();

    await expect.poll(() => page.locator('#sent').textContent(), { timeout: 40_000 }).toContain('已送达');
    expect(keys.length).toBeGreaterThanOrEqual(2);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^[\x21-\x7e]{8,128}$/);
    expect(await needsTitled(title)).toHaveLength(1);
    const item = page.locator('#needs li', { hasText: title });
    await expect.poll(() => item.count()).toBe(1);
    expect(await item.locator('.status').textContent()).toBe('待解决');
    // Named by its title and town, with the receipt, never the internal id alone.
    const [need] = await needsTitled(title);
    const sent = (await page.locator('#sent').textContent()) ?? '';
    expect(sent).toContain(`「${title}」（千岛湖镇）`);
    expect(sent).toContain(`回执号 ${need?.id}`);
    // The form is ready for the next need at once: the town kept, the rest cleared.
    expect(await page.locator('#title').inputValue()).toBe('');
    expect(await page.locator('#townId').inputValue()).toBe('qiandaohu');
    await page.context().close();
  });

  it('shows the five questions as the season words them, not a wording of its own', async () => {
    const { seasonOfInstant } = await import('#schemas/shanghai-time');
    const { DEFAULT_QUESTIONS } = await import('#schemas/questions');
    const season = seasonOfInstant(new Date());
    const page = await signedInPage();
    const hint = page.locator('#theme small[data-hint="talent"]');
    await expect.poll(() => hint.textContent()).toBe(DEFAULT_QUESTIONS.talent.zh);
    await page.context().close();

    const wording = Object.fromEntries(
      Object.entries(DEFAULT_QUESTIONS).map(([theme, text]) => [
        theme,
        { zh: `【本季】${text.zh}`, en: text.en },
      ]),
    );
    const put = await api.call('PUT', `/seasons/${season}/questions`, {
      as: { role: 'coordinator', sub: 'coordinator-wang' },
      body: wording,
    });
    expect(put.status).toBe(200);
    const again = await signedInPage();
    await expect
      .poll(() => again.locator('#theme small[data-hint="talent"]').textContent())
      .toBe(`【本季】${DEFAULT_QUESTIONS.talent.zh}`);
    await again.context().close();
  });

  it('holds a submission made offline and sends it once when the phone is back online', async () => {
    const page = await signedInPage();
    const context = page.context();
    const title = `离线提交 ${Date.now()}`;
    await fillNeed(page, title);

    await context.setOffline(true);
    await page.getByRole('button', { name: '提交需求' }).click();
    // The item waits right under the button; the form stays free for the next need.
    const waiting = page.locator('#outbox .outbox-item', { hasText: title });
    await expect.poll(() => waiting.getAttribute('data-state')).toBe('waiting');
    // The outbox may be trying it at this moment (正在发送…); offline, it is back to waiting at once.
    await expect.poll(() => waiting.textContent()).toContain('待发送');
    expect(await page.locator('#title').isDisabled()).toBe(false);
    await expect.poll(() => page.locator('#outbox-badge').textContent()).toBe('待发送 1');
    expect(await needsTitled(title)).toHaveLength(0);

    await context.setOffline(false);
    await expect.poll(() => page.locator('#sent').textContent(), { timeout: 40_000 }).toContain('已送达');
    expect(await waiting.getAttribute('data-state')).toBe('sent');
    expect(await needsTitled(title)).toHaveLength(1);
    await context.close();
  });

  it('lists the liaison’s needs with their status and withdraws one', async () => {
    const page = await signedInPage();
    const title = `待撤回 ${Date.now()}`;
    await fillNeed(page, title);
    await page.getByRole('button', { name: '提交需求' }).click();
    const item = page.locator('#needs li', { hasText: title });
    await expect.poll(() => item.count()).toBe(1);

    page.once('dialog', (dialog) => dialog.accept());
    await item.getByRole('button', { name: '撤回' }).click();

    await expect
      .poll(() => page.locator('#needs li', { hasText: title }).locator('.status').textContent())
      .toBe('已撤回');
    expect((await needsTitled(title))[0]?.status).toBe('withdrawn');
    await page.context().close();
  });
});

describe('this season’s visit on the liaison’s page', () => {
  it('shows the town, the societies by name, the visit date, the team’s contact and a link to the visit', async () => {
    const page = await signedInPage();
    const asked: string[] = [];
    // The county's visit this season, as GET /visits/{id} answers it once planned and a date proposed.
    await page.route(
      (url) => /^\/visits\/\d{4}-Q[1-4]\.chunan$/.test(url.pathname),
      (route) => {
        const id = decodeURIComponent(new URL(route.request().url()).pathname.split('/').pop() ?? '');
        asked.push(id);
        return route.fulfill({
          json: {
            id,
            season: id.split('.')[0],
            county: { id: 'chunan', name: { zh: '淳安县', en: 'Chun’an' } },
            town: { id: 'fenkou', name: { zh: '汾口镇', en: 'Fenkou' } },
            offers: [
              {
                id: `${id}.zj-agri`,
                society: {
                  id: 'zj-agri',
                  name: { zh: '省农学会', en: 'Agricultural Society' },
                  contact: { name: '王老师', phone: '+86 138 0000 0000' },
                },
                needIds: [],
                status: 'accepted',
                attempt: 1,
              },
              {
                id: `${id}.zj-tea`,
                society: { id: 'zj-tea', name: { zh: '茶叶学会', en: 'Tea Society' } },
                needIds: [],
                status: 'declined',
                attempt: 1,
              },
            ],
            schedule: { date: '2026-12-18', time: '09:30', status: 'proposed', proposedBy: 'team' },
          },
        });
      },
    );
    await page.reload();
    const card = page.locator('#visit');
    await expect.poll(() => card.isVisible()).toBe(true);
    await expect.poll(() => card.textContent()).toContain('汾口镇');
    const text = (await card.textContent()) ?? '';
    expect(text).toContain('本季走访');
    expect(text).toContain('省农学会（已接受）');
    expect(text).not.toContain('茶叶学会');
    expect(text).toContain('2026-12-18 09:30 （待确认）');
    expect(text).toContain('王老师');
    expect(text).not.toMatch(/zj-agri|fenkou/);
    expect(await card.locator('a[href^="tel:"]').getAttribute('href')).toBe('tel:+8613800000000');
    expect(await card.locator('a.visit-link').getAttribute('href')).toBe(`/visit.html?id=${asked[0]}`);
    await card.scrollIntoViewIfNeeded();
    await page.screenshot({ path: '/tmp/shots-offline/needs-visit-card.png' });
    await page.context().close();
  });
});
