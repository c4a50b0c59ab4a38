/**
 * Contacts of counties and societies through the local HTTP adapter on DynamoDB Local: a robot's
 * signing secret (DingTalk 加签) goes in and is kept, but no answer, audit entry or spreadsheet gives
 * it back; coordinators read `webhookSecretSet: true`, everyone else only whom to call. A change that
 * leaves the secret out keeps it while the robot stays the same; `""` or `null` clears it.
 */
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { keys } from '#schemas/keys';
import { embeddedApi } from '#support/embedded-api';
import type { Json } from '#support/http';
import { SMALL_CATALOG } from '#support/small-catalog';

const api = embeddedApi(SMALL_CATALOG, 'catalog-contacts-');
const SECRET = 'SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd';
const ROBOT = 'https://oapi.dingtalk.com/robot/send?access_token=0a1b2c';
let coordinator: string;
let liaison: string;
let team: string;

beforeAll(async () => {
  const users = await import('#store/users');
  await users.putNewUser({
    id: 'wang',
    name: '王协调',
    role: 'coordinator',
    status: 'active',
    createdAt: new Date().toISOString(),
    createdBy: 'test',
  });
  coordinator = await api.token({ role: 'coordinator', sub: 'wang' });
  liaison = await api.token({ role: 'liaison', county: 'shanxi', sub: 'liaison-shanxi' });
  team = await api.token({ role: 'team', society: 'nongxue', sub: 'team-nongxue' });
});

async function call(
  method: string,
  path: string,
  options: { as?: string; body?: unknown; ifMatch?: number } = {},
) {
  const { status, body } = await api.call(method, path, {
    as: options.as ?? coordinator,
    body: options.body,
    ...(options.ifMatch === undefined ? {} : { headers: { 'if-match': `"${options.ifMatch}"` } }),
  });
  return { status, json: body as Json, text: JSON.stringify(body) };
}

/** What the table holds, secret included: what no answer shows. */
async function stored(kind: 'county' | 'society', id: string): Promise<Json> {
  const { documents, tableName } = await import('#commons/clients');
  const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
  const { Item } = await documents().send(
    new GetCommand({ TableName: tableName(), Key: kind === 'county' ? keys.county(id) : keys.society(id) }),
  );
  return Item as Json;
}

const countyRead = async (id: string, as = coordinator) =>
  ((await call('GET', '/counties', { as })).json.items as Json[]).find((c) => c.id === id);
const withoutVersion = ({ version: _v, ...rest }: Json) => rest;
const auditText = async () => JSON.stringify((await call('GET', '/audit?limit=100')).json);

const HUXI = {
  id: 'huxi',
  name: { zh: '湖溪县', en: 'Huxi County' },
  towns: [{ id: 'nancun', name: { zh: '南村镇', en: 'Nancun' } }],
};

describe("a county's contact", () => {
  it('is added with the county; the answer and every list show that a secret is set, never the secret', async () => {
    const contact = { name: '陈联络', email: 'huxi@example.org', phone: '+86 571 5555 0101', webhook: ROBOT };
    const created = await call('POST', '/counties', {
      body: { ...HUXI, contact: { ...contact, webhookSecret: SECRET, webhookKind: 'dingtalk' } },
    });
    expect(created.status).toBe(201);
    expect(created.json.contact).toEqual({ ...contact, webhookKind: 'dingtalk', webhookSecretSet: true });
    expect(created.text).not.toContain(SECRET);
    expect((await stored('county', 'huxi')).contact.webhookSecret).toBe(SECRET);

    const listed = await call('GET', '/counties');
    expect(listed.text).not.toContain(SECRET);
    expect((await countyRead('huxi'))!.contact).toEqual({
      ...contact,
      webhookKind: 'dingtalk',
      webhookSecretSet: true,
    });
  });

  it('shows a liaison only whom to call: no robot, no secret, not even that one is set', async () => {
    const read = await call('GET', '/counties', { as: liaison });
    expect(read.status).toBe(200);
    expect(read.text).not.toContain(SECRET);
    expect(read.text).not.toContain('access_token');
    expect((read.json.items as Json[]).find((c) => c.id === 'huxi').contact).toEqual({
      name: '陈联络',
      email: 'huxi@example.org',
      phone: '+86 571 5555 0101',
    });
  });

  it('keeps the secret when a change leaves it out and the robot stays; a new robot without one drops it', async () => {
    const read = await countyRead('huxi');
    const { webhookSecretSet: _set, ...contact } = read.contact;
    const renamed = await call('PUT', '/counties/huxi', {
      body: { ...withoutVersion(read), contact: { ...contact, name: '陈主任' } },
      ifMatch: read.version,
    });
    expect(renamed.status).toBe(200);
    expect(renamed.json.contact).toMatchObject({ name: '陈主任', webhookSecretSet: true });
    expect((await stored('county', 'huxi')).contact.webhookSecret).toBe(SECRET);

    const moved = await call('PUT', '/counties/huxi', {
      body: { ...withoutVersion(read), contact: { ...contact, webhook: `${ROBOT}ff` } },
      ifMatch: renamed.json.version,
    });
    expect(moved.status).toBe(200);
    expect(moved.json.contact.webhookSecretSet).toBeUndefined();
    expect((await stored('county', 'huxi')).contact.webhookSecret).toBeUndefined();
  });

  it('clears the secret on "" and on null; a new secret replaces it', async () => {
    for (const cleared of ['', null]) {
      const read = await countyRead('huxi');
      const { webhookSecretSet: _set, ...contact } = read.contact;
      const set = await call('PUT', '/counties/huxi', {
        body: { ...withoutVersion(read), contact: { ...contact, webhookSecret: SECRET } },
        ifMatch: read.version,
      });
      expect(set.json.contact.webhookSecretSet).toBe(true);
      const clear = await call('PUT', '/counties/huxi', {
        body: { ...withoutVersion(read), contact: { ...contact, webhookSecret: cleared } },
        ifMatch: set.json.version,
      });
      expect(clear.status).toBe(200);
      expect(clear.json.contact.webhookSecretSet).toBeUndefined();
      expect((await stored('county', 'huxi')).contact.webhookSecret).toBeUndefined();
    }
  });

  it('refuses a secret without a robot, and a contact field it does not know, naming each in words; writes nothing', async () => {
    const read = await countyRead('huxi');
    const before = await stored('county', 'huxi');
    const lonely = await call('PUT', '/counties/huxi', {
      body: { ...withoutVersion(read), contact: { name: '陈主任', webhookSecret: SECRET } },
      ifMatch: read.version,
    });
    expect(lonely.status).toBe(400);
    expect(lonely.json.error.fields.map((f: Json) => f.path)).toEqual(['contact.webhookSecret']);
    expect(lonely.text).not.toContain(SECRET);
    const typo = await call('PUT', '/counties/huxi', {
      body: { ...withoutVersion(read), contact: { name: '陈主任', robot: ROBOT } },
      ifMatch: read.version,
    });
    expect(typo.status).toBe(400);
    expect(typo.json.error.fields.map((f: Json) => f.path)).toEqual(['contact.robot']);
    const shown = await call('PUT', '/counties/huxi', {
      body: { ...withoutVersion(read), contact: { name: '陈主任', webhookSecretSet: true } },
      ifMatch: read.version,
    });
    expect(shown.status).toBe(400);
    expect(await stored('county', 'huxi')).toEqual(before);
  });

  it('leaves the secret out of the audit log, noting only that it was replaced or cleared', async () => {
    const text = await auditText();
    expect(text).toContain('huxi');
    expect(text).not.toContain(SECRET);
    const entries = (await call('GET', '/audit?limit=100')).json.items as Json[];
    const notes = entries.filter((e) => e.target.id === 'huxi').map((e) => e.note ?? '');
    expect(notes.some((n) => n.includes('加签密钥已更换'))).toBe(true);
    expect(notes.some((n) => n.includes('加签密钥已清除'))).toBe(true);
    expect(
      entries.find((e) => e.action === 'county.create' && e.target.id === 'huxi').after.contact,
    ).toMatchObject({
      webhookSecretSet: true,
    });
  });
});

describe("a society's contact", () => {
  it('shows its team only whom to call, and its coordinator that a secret is set', async () => {
    const read = ((await call('GET', '/societies')).json.items as Json[]).find((s) => s.id === 'nongxue');
    const changed = await call('PUT', '/societies/nongxue', {
      body: { ...withoutVersion(read), contact: { ...read.contact, webhook: ROBOT, webhookSecret: SECRET } },
      ifMatch: read.version,
    });
    expect(changed.status).toBe(200);
    expect(changed.text).not.toContain(SECRET);
    const mine = await call('GET', '/societies', { as: team });
    expect(mine.text).not.toContain(SECRET);
    expect(mine.json.items).toEqual([expect.objectContaining({ id: 'nongxue', contact: read.contact })]);
    const all = await call('GET', '/societies');
    expect(all.text).not.toContain(SECRET);
    expect((all.json.items as Json[]).find((s) => s.id === 'nongxue').contact).toEqual({
      ...read.contact,
      webhook: ROBOT,
      webhookSecretSet: true,
    });
  });
});

describe("the catalog spreadsheet's contacts", () => {
  const upload = (content: string, apply: boolean) =>
    call('POST', '/catalog/import', { body: { format: 'xlsx', content, apply } });
  async function xlsx(rows: (string | number)[][]): Promise<string> {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('县与乡镇');
    for (const row of rows) sheet.addRow(row);
    return Buffer.from(await workbook.xlsx.writeBuffer()).toString('base64');
  }
  async function template(): Promise<{ bytes: Buffer; rows: unknown[][] }> {
    const res = await fetch(`${api.server.url}/catalog/template?kind=counties`, {
      headers: { authorization: `Bearer ${coordinator}` },
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    const rows: unknown[][] = [];
    workbook.worksheets[0]!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    return { bytes, rows };
  }

  it("sets a county's contact and secret from a sheet; the template gives the contact back, never the secret, and keeps it", async () => {
    const headers = [
      '县编号',
      '县名',
      '县英文名',
      '镇编号',
      '镇名',
      '镇英文名',
      '联系人',
      '电子邮件',
      '手机号',
      '群机器人',
      '机器人类型',
      '加签密钥',
    ];
    const content = await xlsx([
      headers,
      [
        'yunshan',
        '云山县',
        'Yunshan County',
        'xicun',
        '西村镇',
        'Xicun',
        '林联络',
        'yunshan@example.org',
        '+86 571 6666 0202',
        ROBOT,
        '钉钉',
        SECRET,
      ],
      ['yunshan', '云山县', 'Yunshan County', 'beiling', '北岭镇', 'Beiling', '', '', '', '', '', ''],
    ]);
    const preview = await upload(content, false);
    expect(preview.status).toBe(200);
    expect(preview.text).not.toContain(SECRET);
    expect(preview.json.changes[0].after.contact).toMatchObject({ name: '林联络', webhookSecretSet: true });
    const applied = await upload(content, true);
    expect(applied.json.applied).toBe(true);
    expect((await stored('county', 'yunshan')).contact).toEqual({
      name: '林联络',
      email: 'yunshan@example.org',
      phone: '+86 571 6666 0202',
      webhook: ROBOT,
      webhookKind: 'dingtalk',
      webhookSecret: SECRET,
    });
    expect(await auditText()).not.toContain(SECRET);

    const { bytes, rows } = await template();
    expect(rows[0]).toEqual(headers.slice(0, -1));
    expect(rows.find((r) => r[3] === 'beiling')).toEqual([
      'yunshan',
      '云山县',
      'Yunshan County',
      'beiling',
      '北岭镇',
      'Beiling',
      '林联络',
      'yunshan@example.org',
      '+86 571 6666 0202',
      ROBOT,
      '钉钉',
    ]);
    expect(JSON.stringify(rows)).not.toContain(SECRET);
    const again = await upload(bytes.toString('base64'), true);
    expect(again.status).toBe(200);
    expect(again.json.changes).toEqual([]);
    expect((await stored('county', 'yunshan')).contact.webhookSecret).toBe(SECRET);
  });

  it('refuses a bad contact cell by row and column, its field in words, counting in English that agrees', async () => {
    const content = await xlsx([
      ['县编号', '县名', '县英文名', '镇编号', '镇名', '镇英文名', '电子邮件', '机器人类型'],
      ['yunshan', '云山县', 'Yunshan County', 'xicun', '西村镇', 'Xicun', 'no-address', '钉钉'],
    ]);
    const refused = await upload(content, false);
    expect(refused.status).toBe(400);
    expect(refused.json.error.message).toContain('the sheet has 1 error (row 2)');
    expect(refused.json.error.fields.map((f: Json) => f.path)).toEqual(['counties[2].电子邮件']);
  });
});
