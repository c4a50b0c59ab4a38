/**
 * The coordinators' catalog, questions and audit log through the local HTTP adapter on DynamoDB
 * Local: add and change societies and counties on the version read, the 409s
 * that name what holds a change (open needs, a waiting offer, capacity used), nothing written on bad
 * input, every change in the audit log with who and before → after; a society added through the API
 * used by the next round, and the season's wording kept by the visits framed with it.
 */
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { currentSeason } from '#domain/season';
import { keys } from '#schemas/keys';
import { DEFAULT_QUESTIONS } from '#schemas/questions';
import { embeddedApi } from '#support/embedded-api';
import type { Json } from '#support/http';
import { SMALL_CATALOG } from '#support/small-catalog';

const SEASON = currentSeason();
const api = embeddedApi(SMALL_CATALOG, 'catalog-api-');
let coordinator: string;
let otherCoordinator: string;
let liaison: string;
const putItem = (item: Record<string, unknown>) => api.put(item);

beforeAll(async () => {
  const users = await import('#store/users');
  const at = new Date().toISOString();
  for (const [id, name] of [
    ['wang', '王协调'],
    ['li', '李协调'],
  ] as const)
    await users.putNewUser({
      id,
      name,
      role: 'coordinator',
      status: 'active',
      createdAt: at,
      createdBy: 'test',
    });
  coordinator = await api.token({ role: 'coordinator', sub: 'wang' });
  otherCoordinator = await api.token({ role: 'coordinator', sub: 'li' });
  liaison = await api.token({ role: 'liaison', county: 'shanxi', sub: 'liaison-shanxi' });
});

async function call(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; ifMatch?: number | string } = {},
): Promise<{ status: number; json: Json }> {
  const { status, body } = await api.call(method, path, {
    as: options.token ?? coordinator,
    body: options.body,
    ...(options.ifMatch === undefined ? {} : { headers: { 'if-match': `"${options.ifMatch}"` } }),
  });
  return { status, json: body === '' ? undefined : body };
}

const societies = async () => (await call('GET', '/societies')).json.items as Json[];
const society = async (id: string) => (await societies()).find((s) => s.id === id);
const county = async (id: string) =>
  ((await call('GET', '/counties')).json.items as Json[]).find((c) => c.id === id);
const auditNewest = async (limit = 50) => (await call('GET', `/audit?limit=${limit}`)).json.items as Json[];
const withoutVersion = ({ version: _v, ...rest }: Json) => rest;

const DRONE_SOCIETY = {
  id: 'wurenji',
  name: { zh: '山溪无人机学会', en: 'Shanxi Drone Society' },
  themes: ['talent'],
  fields: ['无人机'],
  capacityPerSeason: 2,
  contact: { name: '赵工', phone: '+86 571 8888 0000' },
};

describe('societies', () => {
  it('lists the societies with their versions, for coordinators only', async () => {
    const list = await call('GET', '/societies');
    expect(list.status).toBe(200);
    expect(list.json.items.map((s: Json) => [s.id, s.version])).toEqual([
      ['kepu', 0],
      ['nongxue', 0],
    ]);
    expect((await call('GET', '/societies', { token: liaison })).status).toBe(403);
    const team = await api.token({ role: 'team', society: 'kepu', sub: 'lead-kepu' });
    const own = await call('GET', '/societies', { token: team });
    expect(own.json.items.map((s: Json) => s.id)).toEqual(['kepu']);
    expect((await call('POST', '/societies', { token: liaison, body: DRONE_SOCIETY })).status).toBe(403);
  });

  it('refuses a society with an unknown theme, a bad id or a duplicate field, naming each field in both languages, and writes nothing', async () => {
    const bad = await call('POST', '/societies', {
      body: { ...DRONE_SOCIETY, id: 'Bad Id', themes: ['talent', 'farming'], capacityPerSeason: -1 },
    });
    expect(bad.status).toBe(400);
    const paths = bad.json.error.fields.map((f: Json) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['id', 'themes[1]', 'capacityPerSeason']));
    for (const field of bad.json.error.fields) expect(field.zh).toMatch(/[\u4e00-\u9fff]/);

    const twice = await call('POST', '/societies', {
      body: { ...DRONE_SOCIETY, fields: ['无人机', '无人机'] },
    });
    expect(twice.status).toBe(400);
    expect(twice.json.error.fields[0]).toMatchObject({ path: 'fields[1]' });

    expect((await societies()).map((s) => s.id)).toEqual(['kepu', 'nongxue']);
    expect(await auditNewest()).toEqual([]);
  });

  it('refuses fields it does not know, at the top and inside contact or towns, naming each (400), and writes nothing', async () => {
    const read = await society('nongxue');
    const typo = await call('PUT', '/societies/nongxue', {
      body: { ...withoutVersion(read), contact: { name: '王工', emial: 'wang@example.org' }, colour: 'red' },
      ifMatch: read.version,
    });
    expect(typo.status).toBe(400);
    expect(typo.json.error.fields.map((f: Json) => f.path).sort()).toEqual(['colour', 'contact.emial']);
    expect(typo.json.error.fields[0].zh).toMatch(/[\u4e00-\u9fff]/);
    expect(await society('nongxue')).toEqual(read);

    const shanxi = await county('shanxi');
    const townTypo = await call('PUT', '/counties/shanxi', {
      body: {
        ...withoutVersion(shanxi),
        towns: shanxi.towns.map((t: Json, i: number) => (i === 0 ? { ...t, nmae: 'x' } : t)),
      },
      ifMatch: shanxi.version,
    });
    expect(townTypo.status).toBe(400);
    expect(townTypo.json.error.fields.map((f: Json) => f.path)).toEqual(['towns[0].nmae']);
    expect(await county('shanxi')).toEqual(shanxi);
    expect(await auditNewest()).toEqual([]);
  });

  it('adds a society (version 1), once: the same id again is 409', async () => {
    const created = await call('POST', '/societies', { body: DRONE_SOCIETY });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({ ...DRONE_SOCIETY, version: 1 });
    const again = await call('POST', '/societies', { body: DRONE_SOCIETY });
    expect(again.status).toBe(409);
    expect(again.json.error.message).toContain('已存在');
    expect(await society('wurenji')).toEqual({ ...DRONE_SOCIETY, version: 1 });
  });

  it('changes a society on the version read; a second coordinator on the same version gets 409 and overwrites nothing', async () => {
    const read = await society('nongxue');
    const wangs = { ...withoutVersion(read), fields: ['茶叶', '果树'] };
    const lis = { ...withoutVersion(read), capacityPerSeason: 5 };

    const first = await call('PUT', '/societies/nongxue', { body: wangs, ifMatch: read.version });
    const second = await call('PUT', '/societies/nongxue', {
      token: otherCoordinator,
      body: lis,
      ifMatch: read.version,
    });

    expect(first.status).toBe(200);
    expect(first.json.version).toBe(1);
    expect(second.status).toBe(409);
    expect(second.json.error.fields[0].path).toBe('If-Match');
    expect(await society('nongxue')).toMatchObject({
      fields: ['茶叶', '果树'],
      capacityPerSeason: 3,
      version: 1,
    });
  });

  it('lets exactly one of two changes made at once on the same version through', async () => {
    const read = await society('nongxue');
    const [a, b] = await Promise.all([
      call('PUT', '/societies/nongxue', {
        body: { ...withoutVersion(read), capacityPerSeason: 7 },
        ifMatch: read.version,
      }),
      call('PUT', '/societies/nongxue', {
        token: otherCoordinator,
        body: { ...withoutVersion(read), capacityPerSeason: 8 },
        ifMatch: read.version,
      }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const winner = a.status === 200 ? 7 : 8;
    expect(await society('nongxue')).toMatchObject({ capacityPerSeason: winner, version: read.version + 1 });
    // Put it back for the tests that follow (they expect capacity 3).
    const now = await society('nongxue');
    await call('PUT', '/societies/nongxue', {
      body: { ...withoutVersion(now), capacityPerSeason: 3 },
      ifMatch: now.version,
    });
  });

  it('needs If-Match on a change, and the body id to be the path id', async () => {
    const read = await society('kepu');
    const missing = await call('PUT', '/societies/kepu', { body: withoutVersion(read) });
    expect(missing.status).toBe(400);
    expect(missing.json.error.fields[0].path).toBe('If-Match');
    const otherId = await call('PUT', '/societies/kepu', {
      body: { ...withoutVersion(read), id: 'nongxue' },
      ifMatch: 0,
    });
    expect(otherId.status).toBe(400);
    expect(otherId.json.error.fields[0]).toMatchObject({ path: 'id' });
    expect(
      (await call('PUT', '/societies/nobody', { body: { ...DRONE_SOCIETY, id: 'nobody' }, ifMatch: 1 }))
        .status,
    ).toBe(404);
  });

  it('keeps a society with a waiting offer: removing it or changing its themes is 409 naming the offer; its phone may change', async () => {
    const offer = {
      ...keys.offer('2026-Q1', 'linhe', 'kepu'),
      ...keys.offerIndex('2026-Q1', 'linhe', 'kepu'),
      type: 'offer',
      id: '2026-Q1.linhe.kepu',
      season: '2026-Q1',
      visitId: '2026-Q1.linhe',
      countyId: 'linhe',
      townId: 'hekou',
      societyId: 'kepu',
      needIds: ['n-health'],
      status: 'offered',
      createdAt: '2026-01-01T01:00:00Z',
    };
    await putItem(offer);
    const read = await society('kepu');

    const removal = await call('DELETE', '/societies/kepu', { ifMatch: read.version });
    const themes = await call('PUT', '/societies/kepu', {
      body: { ...withoutVersion(read), themes: ['literacy', 'advice'] },
      ifMatch: read.version,
    });
    const phone = await call('PUT', '/societies/kepu', {
      body: { ...withoutVersion(read), contact: { phone: '+86 571 0000 1111' } },
      ifMatch: read.version,
    });

    expect(removal.status).toBe(409);
    expect(removal.json.error.message).toContain('临河县河口镇');
    expect(removal.json.error.message).toContain('2026-Q1');
    expect(removal.json.error.message).toContain('Hekou');
    expect(themes.status).toBe(409);
    expect(themes.json.error.message).toContain('待答复');
    expect(phone.status).toBe(200);
    expect(await society('kepu')).toMatchObject({
      themes: ['literacy'],
      contact: { phone: '+86 571 0000 1111' },
    });

    await putItem({ ...offer, status: 'accepted' });
  });

  it('will not lower a capacity below what the society uses this season (409 with the figure)', async () => {
    await putItem({ ...keys.capacity(SEASON, 'kepu'), type: 'capacity', societyId: 'kepu', used: 2 });
    const read = await society('kepu');
    const lower = await call('PUT', '/societies/kepu', {
      body: { ...withoutVersion(read), capacityPerSeason: 1 },
      ifMatch: read.version,
    });
    expect(lower.status).toBe(409);
    expect(lower.json.error.message).toContain('已使用 2');
    expect(lower.json.error.fields[0].path).toBe('capacityPerSeason');
    const same = await call('PUT', '/societies/kepu', {
      body: { ...withoutVersion(read), capacityPerSeason: 2 },
      ifMatch: read.version,
    });
    expect(same.status).toBe(200);
    await putItem({ ...keys.capacity(SEASON, 'kepu'), type: 'capacity', societyId: 'kepu', used: 0 });
  });
});

describe('counties and towns', () => {
  it('adds a county with its towns; refuses a town id twice, naming it', async () => {
    const body = {
      id: 'qingshan',
      name: { zh: '青山县', en: 'Qingshan County' },
      towns: [
        { id: 'shangcun', name: { zh: '上村镇', en: 'Shangcun' } },
        { id: 'shangcun', name: { zh: '上村乡', en: 'Shangcun again' } },
      ],
    };
    const twice = await call('POST', '/counties', { body });
    expect(twice.status).toBe(400);
    expect(twice.json.error.fields[0].path).toBe('towns[1].id');
    expect(await county('qingshan')).toBeUndefined();

    const created = await call('POST', '/counties', { body: { ...body, towns: [body.towns[0]] } });
    expect(created.status).toBe(201);
    expect(await county('qingshan')).toMatchObject({ version: 1, towns: [{ id: 'shangcun' }] });
  });

  it('will not remove a town with open needs: 409 naming the needs by title', async () => {
    const read = await county('shanxi');
    const withoutDongcun = {
      ...withoutVersion(read),
      towns: read.towns.filter((t: Json) => t.id !== 'dongcun'),
    };
    const refused = await call('PUT', '/counties/shanxi', { body: withoutDongcun, ifMatch: read.version });
    expect(refused.status).toBe(409);
    expect(refused.json.error.message).toContain('东村镇');
    expect(refused.json.error.message).toContain('茶园病虫害防治');
    expect(refused.json.error.message).toContain('无人机植保人才');
    expect(refused.json.error.fields[0].path).toBe('towns[0]');
    expect((await county('shanxi')).towns).toHaveLength(2);

    const withoutXicun = { ...withoutVersion(read), towns: read.towns.filter((t: Json) => t.id !== 'xicun') };
    const removed = await call('PUT', '/counties/shanxi', { body: withoutXicun, ifMatch: read.version });
    expect(removed.status).toBe(200);
    expect((await county('shanxi')).towns.map((t: Json) => t.id)).toEqual(['dongcun']);
  });

  it('will not remove a county with open needs; removes one without, which then leaves every list', async () => {
    const linhe = await county('linhe');
    const refused = await call('DELETE', '/counties/linhe', { ifMatch: linhe.version });
    expect(refused.status).toBe(409);
    expect(refused.json.error.message).toContain('老年人健康讲座');

    const qingshan = await county('qingshan');
    expect((await call('DELETE', '/counties/qingshan', { ifMatch: qingshan.version + 1 })).status).toBe(409);
    expect((await call('DELETE', '/counties/qingshan', { ifMatch: qingshan.version })).status).toBe(200);
    expect(await county('qingshan')).toBeUndefined();
  });
});

describe('the audit log', () => {
  it('has every change, newest first, with who (id and name), when, what and before → after; nothing for refusals', async () => {
    const entries = await auditNewest();
    expect(entries.map((e) => `${e.action} ${e.target.id}`)).toEqual([
      'county.remove qingshan',
      'county.update shanxi',
      'county.create qingshan',
      'society.update kepu',
      'society.update nongxue',
      'society.update nongxue',
      'society.update nongxue',
      'society.create wurenji',
    ]);
    const nongxue = entries.findLast((e) => e.action === 'society.update' && e.target.id === 'nongxue');
    expect(nongxue.by).toEqual({ id: 'wang', name: '王协调' });
    expect(nongxue.before.fields).toEqual(['茶叶']);
    expect(nongxue.after.fields).toEqual(['茶叶', '果树']);
    expect(nongxue.target.name.zh).toBe('山溪农学会');
    expect(Date.parse(nongxue.at)).toBeGreaterThan(Date.now() - 600_000);
    const removal = entries[0];
    expect(removal.before.name.zh).toBe('青山县');
    expect(removal.after).toBeUndefined();
  });

  it('pages with a cursor, each page one Query, and refuses a cursor that is not its own', async () => {
    const first = await call('GET', '/audit?limit=3');
    const second = await call('GET', `/audit?limit=3&cursor=${first.json.cursor}`);
    const all = await auditNewest();
    expect(first.json.items).toHaveLength(3);
    expect([...first.json.items, ...second.json.items].map((e: Json) => e.id)).toEqual(
      all.slice(0, 6).map((e) => e.id),
    );
    const bad = await call('GET', '/audit?cursor=bm90LW91cnM');
    expect(bad.status).toBe(400);
    expect(bad.json.error.fields[0].path).toBe('cursor');
    expect((await call('GET', '/audit', { token: liaison })).status).toBe(403);
  });
});

describe("the season's questions", () => {
  const wording = (tag: string) =>
    Object.fromEntries(
      Object.entries(DEFAULT_QUESTIONS).map(([theme, text]) => [
        theme,
        { zh: `${tag}${text.zh}`, en: `${tag}${text.en}` },
      ]),
    );

  it("answers the spec's wording as version 0 until a coordinator changes it", async () => {
    const got = await call('GET', `/seasons/${SEASON}/questions`);
    expect(got.status).toBe(200);
    expect(got.json).toMatchObject({ season: SEASON, version: 0, ...DEFAULT_QUESTIONS });
  });

  it('lets a liaison read the wording (the needs form shows it), and no one but a coordinator change it', async () => {
    const read = await call('GET', `/seasons/${SEASON}/questions`, { token: liaison });
    expect(read.status).toBe(200);
    expect(read.json).toMatchObject({ season: SEASON });
    const team = await api.token({ role: 'team', society: 'kepu', sub: 'lead-kepu' });
    expect((await call('GET', `/seasons/${SEASON}/questions`, { token: team })).status).toBe(403);
    const put = await call('PUT', `/seasons/${SEASON}/questions`, {
      token: liaison,
      body: DEFAULT_QUESTIONS,
    });
    expect(put.status).toBe(403);
  });

  it('refuses a wording without every theme or with an unknown one, naming it, and writes nothing', async () => {
    const { grassroots: _g, ...four } = wording('新');
    const missing = await call('PUT', `/seasons/${SEASON}/questions`, { body: four });
    expect(missing.status).toBe(400);
    expect(missing.json.error.fields.map((f: Json) => f.path)).toContain('grassroots');
    const extra = await call('PUT', `/seasons/${SEASON}/questions`, {
      body: { ...wording('新'), farming: { zh: '农', en: 'x' } },
    });
    expect(extra.status).toBe(400);
    expect((await call('GET', `/seasons/${SEASON}/questions`)).json.version).toBe(0);
  });

  it('keeps each version: a change is version 1, in the audit log with before → after', async () => {
    const put = await call('PUT', `/seasons/${SEASON}/questions`, { body: wording('【秋】') });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ version: 1, updatedBy: { id: 'wang', name: '王协调' } });
    expect(put.json.talent.zh).toBe(`【秋】${DEFAULT_QUESTIONS.talent.zh}`);
    const [entry] = await auditNewest(1);
    expect(entry).toMatchObject({ action: 'questions.update', target: { kind: 'questions', id: SEASON } });
    expect(entry.before.talent).toEqual(DEFAULT_QUESTIONS.talent);
    expect(entry.after.talent.zh).toBe(`【秋】${DEFAULT_QUESTIONS.talent.zh}`);
    // The same wording again is no new version.
    expect(
      (await call('PUT', `/seasons/${SEASON}/questions`, { body: wording('【秋】') })).json.version,
    ).toBe(1);
  });
});

describe('the next round uses the catalog as it stands', () => {
  it('assigns the need only the society added through the API can take, and frames the visit with the season’s wording', async () => {
    const execution = await api.runner.run({ season: SEASON, autoAccept: true });
    expect(execution.status).toBe('SUCCEEDED');

    const plan = (await call('GET', `/seasons/${SEASON}/plan`)).json;
    const shanxi = plan.visits.find((v: Json) => v.countyId === 'shanxi');
    expect(shanxi.townId).toBe('dongcun');
    expect(shanxi.assignments).toEqual(
      expect.arrayContaining([expect.objectContaining({ societyId: 'wurenji', needIds: ['n-drone'] })]),
    );
    expect(shanxi.unassignedNeedIds).toEqual([]);
    const talent = shanxi.questions.find((q: Json) => q.theme === 'talent');
    expect(talent.text.zh).toBe(`【秋】${DEFAULT_QUESTIONS.talent.zh}`);
  });

  it('then will not lower the new society’s capacity below the 1 it uses this season', async () => {
    const read = await society('wurenji');
    const lower = await call('PUT', '/societies/wurenji', {
      body: { ...withoutVersion(read), capacityPerSeason: 0 },
      ifMatch: read.version,
    });
    expect(lower.status).toBe(409);
    expect(lower.json.error.message).toContain('已使用 1');
  });

  it('keeps the wording a visit was framed with when the season’s wording changes later; the next season’s visits get theirs', async () => {
    const changed = await call('PUT', `/seasons/${SEASON}/questions`, {
      body: Object.fromEntries(
        Object.entries(DEFAULT_QUESTIONS).map(([theme, text]) => [
          theme,
          { zh: `【改】${text.zh}`, en: text.en },
        ]),
      ),
    });
    expect(changed.json.version).toBe(2);
    const plan = (await call('GET', `/seasons/${SEASON}/plan`)).json;
    for (const visit of plan.visits)
      for (const q of visit.questions) expect(q.text.zh.startsWith('【秋】')).toBe(true);
    const team = await api.token({ role: 'team', society: 'wurenji', sub: 'lead-wurenji' });
    const assignments = (await call('GET', '/assignments', { token: team })).json.visits as Json[];
    expect(assignments[0].questions.find((q: Json) => q.theme === 'talent').text.zh).toBe(
      `【秋】${DEFAULT_QUESTIONS.talent.zh}`,
    );

    const next = nextSeason(SEASON);
    await call('PUT', `/seasons/${next}/questions`, {
      body: Object.fromEntries(
        Object.entries(DEFAULT_QUESTIONS).map(([theme, text]) => [
          theme,
          { zh: `【春】${text.zh}`, en: text.en },
        ]),
      ),
    });
    expect((await api.runner.run({ season: next, autoAccept: true })).status).toBe('SUCCEEDED');
    const nextPlan = (await call('GET', `/seasons/${next}/plan`)).json;
    expect(nextPlan.visits.length).toBeGreaterThan(0);
    for (const visit of nextPlan.visits)
      for (const q of visit.questions) expect(q.text.zh.startsWith('【春】')).toBe(true);
  });
});

describe('bulk edit by spreadsheet', () => {
  const HEADERS = ['学会编号', '学会名称', '英文名称', '主题', '专业领域', '容量', '联系人', '电话', '邮箱'];
  async function xlsx(rows: (string | number)[][]): Promise<string> {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('学会');
    for (const row of rows) sheet.addRow(row);
    return Buffer.from(await workbook.xlsx.writeBuffer()).toString('base64');
  }
  const csv = (text: string) => Buffer.from(text, 'utf8').toString('base64');
  const upload = (format: 'csv' | 'xlsx', content: string, apply: boolean) =>
    call('POST', '/catalog/import', { body: { format, content, apply } });

  it('refuses an XLSX written by exceljs with bad cells: an error per row and column in both languages, nothing written', async () => {
    const before = await societies();
    const auditBefore = (await auditNewest(1))[0].id;
    const content = await xlsx([
      HEADERS,
      ['guoshu', '果树学会', 'Fruit Tree Society', '科技兴业', '果树', 2, '', '', ''],
      ['shuili', '水利学会', '', '建言献策', '水利', 1, '', '', ''],
      ['kepu', '临河科普协会', '', '科普素养', '健康', '很多', '', '', ''],
    ]);
    const refused = await upload('xlsx', content, true);
    expect(refused.status).toBe(400);
    expect(refused.json.error.fields.map((f: Json) => f.path)).toEqual([
      'societies[3].英文名称',
      'societies[4].容量',
    ]);
    const capacity = refused.json.error.fields[1];
    expect(capacity.zh).toBe('第 4 行「容量」：须为 0 或正整数');
    expect(capacity.en).toContain('row 4, column 容量');
    expect(refused.json.error.message).toContain('未做任何修改');
    expect(await societies()).toEqual(before);
    expect((await auditNewest(1))[0].id).toBe(auditBefore);
  });

  it('refuses a plain-text CSV with a bad theme, naming row and column', async () => {
    const refused = await upload(
      'csv',
      csv(`${HEADERS.join(',')}\nguoshu,果树学会,Fruit,种果树,果树,2,,,\n`),
      true,
    );
    expect(refused.status).toBe(400);
    expect(refused.json.error.fields[0]).toMatchObject({ path: 'societies[2].主题' });
    expect(refused.json.error.fields[0].zh).toContain('种果树');
    expect(await society('guoshu')).toBeUndefined();
  });

  it('previews the changes without making them, applies them with an audit entry each, and a re-import changes nothing', async () => {
    const nongxue = await society('nongxue');
    const rows = [
      HEADERS,
      [
        'guoshu',
        '果树学会',
        'Fruit Tree Society',
        '科技兴业、人才引智',
        '果树、嫁接',
        2,
        '钱老师',
        '+86 571 2222 3333',
        'guoshu@example.org',
      ],
      ['nongxue', nongxue.name.zh, '', '科技兴业', '茶叶、果树', 4, '', '', 'nongxue@example.org'],
    ];
    const content = await xlsx(rows);

    const preview = await upload('xlsx', content, false);
    expect(preview.status).toBe(200);
    expect(preview.json).toMatchObject({ sheet: 'societies', applied: false, rows: 2, unchanged: 0 });
    expect(preview.json.changes.map((c: Json) => [c.id, c.change])).toEqual([
      ['guoshu', 'create'],
      ['nongxue', 'update'],
    ]);
    expect(preview.json.changes[1].before.capacityPerSeason).toBe(3);
    expect(preview.json.changes[1].after.capacityPerSeason).toBe(4);
    expect(await society('guoshu')).toBeUndefined();

    const applied = await upload('xlsx', content, true);
    expect(applied.json).toMatchObject({ applied: true, unchanged: 0 });
    expect(await society('guoshu')).toMatchObject({
      themes: ['industry', 'talent'],
      fields: ['果树', '嫁接'],
      contact: { name: '钱老师' },
      version: 1,
    });
    expect(await society('nongxue')).toMatchObject({ capacityPerSeason: 4, version: nongxue.version + 1 });
    const [newest, second] = await auditNewest(2);
    expect([newest.target.id, second.target.id].sort()).toEqual(['guoshu', 'nongxue']);
    expect(newest.note).toContain('表格导入');

    const again = await upload('xlsx', content, true);
    expect(again.json).toMatchObject({ applied: false, unchanged: 2, changes: [] });
    expect((await auditNewest(1))[0].id).toBe(newest.id);
  });

  it('downloads the catalog as an XLSX with Chinese headers that exceljs reads, and importing it unchanged changes nothing', async () => {
    for (const kind of ['societies', 'counties']) {
      const res = await fetch(`${api.server.url}/catalog/template?kind=${kind}`, {
        headers: { authorization: `Bearer ${coordinator}` },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('spreadsheetml');
      const bytes = Buffer.from(await res.arrayBuffer());
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
      const header = (workbook.worksheets[0]!.getRow(1).values as unknown[]).slice(1);
      expect(header[0]).toBe(kind === 'societies' ? '学会编号' : '县编号');
      const again = await upload('xlsx', bytes.toString('base64'), true);
      expect(again.status).toBe(200);
      expect(again.json.changes).toEqual([]);
    }
  });

  it('will not remove through a sheet a town with open needs: 409 naming the row and the needs', async () => {
    const content = csv('县编号,县名,县英文名,镇编号,镇名,镇英文名\nshanxi,山溪县,,newtown,新镇,New Town\n');
    const refused = await upload('csv', content, true);
    expect(refused.status).toBe(409);
    expect(refused.json.error.fields[0].path).toBe('counties[2].镇编号');
    expect(refused.json.error.message).toContain('茶园病虫害防治');
    expect((await county('shanxi')).towns.map((t: Json) => t.id)).toEqual(['dongcun']);
  });
});

function nextSeason(season: string): string {
  const [year, quarter] = season.split('-Q').map(Number) as [number, number];
  return quarter === 4 ? `${year + 1}-Q1` : `${year}-Q${quarter + 1}`;
}
