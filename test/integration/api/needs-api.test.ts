import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataDir } from '#cli/data-dir';
import { DEMO_DATA_DIR } from '#cli/session';
import { API_ROUTES } from '#functions/registry';
import { signLocalToken } from '#local/tokens';
import { chunanNeed } from '#support/builders';
import { embeddedApi } from '#support/embedded-api';
import type { Json, Reply, RequestOptions } from '#support/http';

// The needs API through the local HTTP adapter (the API Gateway stand-in) on DynamoDB Local with the
// demo data: every status code, the authorization matrix, idempotency under concurrency,
// and `rounds needs import` on the same database. Handler modules load after the runtime is booted.

let documents: typeof import('#commons/clients').documents;
let tableName: string;
let keyedNeedId: typeof import('#domain/needs').keyedNeedId;
let importNeedsCsv: typeof import('#cli/commands/needs').importNeedsCsv;
const demo = loadDataDir(DEMO_DATA_DIR);
const api = embeddedApi(demo, 'needs-api-');
const otherKeyDir = mkdtempSync(join(tmpdir(), 'needs-api-other-key-'));

const T: Record<string, string> = {};
type Who =
  | 'coordinator'
  | 'ownLiaison'
  | 'otherLiaison'
  | 'team'
  | 'none'
  | 'badSignature'
  | 'expired'
  | 'revokedUser'
  | 'activeUser';
const WHO: Who[] = [
  'coordinator',
  'ownLiaison',
  'otherLiaison',
  'team',
  'none',
  'badSignature',
  'expired',
  'revokedUser',
];

beforeAll(async () => {
  const clients = await import('#commons/clients');
  documents = clients.documents;
  tableName = clients.tableName();
  ({ keyedNeedId } = await import('#domain/needs'));
  ({ importNeedsCsv } = await import('#cli/commands/needs'));
  T.coordinator = await api.token({ role: 'coordinator', sub: 'coord-1' });
  T.ownLiaison = await api.token({ role: 'liaison', county: 'chunan', sub: 'liaison-chunan' });
  T.otherLiaison = await api.token({
    role: 'liaison',
    county: 'jiande',
    sub: 'liaison-jiande',
  });
  T.team = await api.token({ role: 'team', society: 'zj-agri', sub: 'team-1' });
  T.badSignature = await signLocalToken(otherKeyDir, { role: 'coordinator', sub: 'intruder' });
  T.expired = await api.token({ role: 'coordinator', sub: 'coord-old' }, -60);
  // A liaison of 淳安 who signed in with an invitation, then was revoked: a valid signature, refused.
  const invited = await call('POST', '/users', {
    body: { name: '已撤销的联络员', role: 'liaison', county: 'chunan' },
  });
  const session = await call('POST', '/session', {
    who: 'none',
    body: { invitation: invited.body.invitation.code },
  });
  T.revokedUser = session.body.token;
  expect((await call('POST', `/users/${invited.body.user.id}/revoke`)).status).toBe(200);
  // The same role and county, signed in by invitation and still active (the revoked one's control).
  const active = await call('POST', '/users', {
    body: { name: '在职的联络员', role: 'liaison', county: 'chunan' },
  });
  T.activeUser = (
    await call('POST', '/session', { who: 'none', body: { invitation: active.body.invitation.code } })
  ).body.token;
});

// ---- helpers ---------------------------------------------------------------------------------------

function call(
  method: string,
  path: string,
  { who = 'coordinator', ...options }: { who?: Who } & Omit<RequestOptions, 'token' | 'type'> = {},
): Promise<Reply> {
  return api.call(method, path, { ...options, ...(who === 'none' ? {} : { as: T[who] }) });
}

/** A fresh user (a liaison of 淳安), invited by the coordinator. */
async function freshUser(): Promise<Json> {
  const reply = await call('POST', '/users', {
    body: { name: `矩阵用户 ${++serial}`, role: 'liaison', county: 'chunan' },
  });
  expect(reply.status).toBe(201);
  return reply.body.user;
}

let serial = 0;
/** A fresh open need in 淳安, created by the coordinator. */
async function freshNeed(overrides: Record<string, unknown> = {}): Promise<Json> {
  const reply = await call('POST', '/needs', {
    body: chunanNeed({ title: `测试需求 ${++serial}`, ...overrides }),
  });
  expect(reply.status).toBe(201);
  return reply.body;
}

/** Every need of every county, read through the index, and the needs the given keys would create. */
async function snapshot(idempotency: { sub: string; key: string }[] = []): Promise<unknown> {
  const { QueryCommand, GetCommand } = await import('@aws-sdk/lib-dynamodb');
  const needs: unknown[] = [];
  for (const county of demo.counties) {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await documents().send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': `COUNTY#${county.id}#NEEDS` },
          ExclusiveStartKey,
        }),
      );
      needs.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }
  const records = await Promise.all(
    idempotency.map(async ({ sub, key }) => {
      const { Item } = await documents().send(
        new GetCommand({
          TableName: tableName,
          Key: { pk: `NEED#${keyedNeedId(sub, key)}`, sk: 'NEED' },
          ConsistentRead: true,
        }),
      );
      return Item ?? null;
    }),
  );
  return { needs: needs.sort((a: Json, b: Json) => a.pk.localeCompare(b.pk)), records };
}

async function expectNothingWritten(
  act: () => Promise<void>,
  idempotency: { sub: string; key: string }[] = [],
) {
  const before = await snapshot(idempotency);
  await act();
  expect(await snapshot(idempotency)).toEqual(before);
}

function fieldPaths(reply: Reply): string[] {
  return (reply.body.error.fields ?? []).map((f: { path: string }) => f.path);
}

const CJK = /[\u4e00-\u9fff]/;

// ---- 201 / 200 -------------------------------------------------------------------------------------

describe('submitting and reading a need', () => {
  it('answers 201 with the stored need: a generated id, status open, submittedAt and submittedBy', async () => {
    const reply = await call('POST', '/needs', { who: 'ownLiaison', body: chunanNeed() });

    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ ...chunanNeed(), status: 'open', submittedBy: 'liaison-chunan' });
    expect(reply.body.id).toMatch(/^need-chunan-[a-z0-9]+$/);
    expect(reply.body.id.length).toBeLessThanOrEqual(64);
    expect(reply.body.submittedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00$/);
    expect(reply.headers.get('location')).toBe(`/needs/${reply.body.id}`);
    const read = await call('GET', `/needs/${reply.body.id}`, { who: 'ownLiaison' });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(reply.body);
  });

  it('lists a county’s needs a page at a time with an opaque cursor, each need once', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const reply = await call('GET', `/needs?countyId=chunan&limit=7${cursor ? `&cursor=${cursor}` : ''}`, {
        who: 'ownLiaison',
      });
      expect(reply.status).toBe(200);
      expect(reply.body.items.length).toBeLessThanOrEqual(7);
      seen.push(...reply.body.items.map((n: { id: string }) => n.id));
      cursor = reply.body.cursor;
      if (cursor) expect(() => JSON.parse(cursor as string)).toThrow();
      pages++;
    } while (cursor && pages < 100);
    expect(cursor, 'the last page has no cursor').toBeUndefined();

    const all = ((await snapshot()) as { needs: { countyId: string; id: string }[] }).needs
      .filter((n) => n.countyId === 'chunan')
      .map((n) => n.id);
    expect(pages).toBeGreaterThan(2);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual([...all].sort());
  });

  it('gives a liaison without countyId their own county only, and a coordinator every county in turn', async () => {
    const liaison = await call('GET', '/needs?limit=100', { who: 'ownLiaison' });
    expect(liaison.status).toBe(200);
    expect(liaison.body.items.every((n: { countyId: string }) => n.countyId === 'chunan')).toBe(true);

    const counties = new Set<string>();
    let cursor: string | undefined;
    let total = 0;
    let pages = 0;
    do {
      const reply = await call('GET', `/needs?status=open&limit=40${cursor ? `&cursor=${cursor}` : ''}`);
      expect(reply.status).toBe(200);
      for (const n of reply.body.items) {
        counties.add(n.countyId);
        expect(n.status).toBe('open');
      }
      total += reply.body.items.length;
      cursor = reply.body.cursor;
      pages++;
    } while (cursor && pages < 50);
    expect(cursor, 'the last page has no cursor').toBeUndefined();
    expect([...counties].sort()).toEqual(['chunan', 'jiande', 'linan', 'tonglu']);
    expect(total).toBeGreaterThanOrEqual(demo.needs.length);
  });

  it('filters by town, status and season (the quarter the need was submitted in, Asia/Shanghai)', async () => {
    const byTown = await call('GET', '/needs?countyId=chunan&townId=qiandaohu&limit=100');
    expect(byTown.body.items.length).toBeGreaterThan(0);
    expect(byTown.body.items.every((n: { townId: string }) => n.townId === 'qiandaohu')).toBe(true);

    const demoQ2 = demo.needs.filter(
      (n) =>
        n.countyId === 'linan' &&
        n.submittedAt.startsWith('2026-0') &&
        ['04', '05', '06'].includes(n.submittedAt.slice(5, 7)),
    );
    const season = await call('GET', '/needs?countyId=linan&season=2026-Q2&limit=100');
    expect(season.status).toBe(200);
    expect(season.body.items.map((n: { id: string }) => n.id).sort()).toEqual(demoQ2.map((n) => n.id).sort());

    const withdrawn = await freshNeed();
    await call('POST', `/needs/${withdrawn.id}/withdraw`);
    const onlyWithdrawn = await call('GET', '/needs?countyId=chunan&status=withdrawn&limit=100');
    expect(onlyWithdrawn.body.items.map((n: { id: string }) => n.id)).toContain(withdrawn.id);
    expect(onlyWithdrawn.body.items.every((n: { status: string }) => n.status === 'withdrawn')).toBe(true);
  });

  it('changes an open need with PATCH, moving it in the index when its town changes', async () => {
    const need = await freshNeed();
    const reply = await call('PATCH', `/needs/${need.id}`, {
      who: 'ownLiaison',
      body: { townId: 'wenchang', title: '改后的标题', detail: '' },
    });

    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      id: need.id,
      townId: 'wenchang',
      title: '改后的标题',
      status: 'open',
    });
    expect(reply.body.detail).toBeUndefined();
    expect(reply.body.updatedBy).toBe('liaison-chunan');
    const inTown = await call('GET', '/needs?countyId=chunan&townId=wenchang&status=open&limit=100');
    expect(inTown.body.items.map((n: { id: string }) => n.id)).toContain(need.id);
    const oldTown = await call('GET', '/needs?countyId=chunan&townId=qiandaohu&status=open&limit=100');
    expect(oldTown.body.items.map((n: { id: string }) => n.id)).not.toContain(need.id);
  });

  it('withdraws an open need; withdrawing it again changes nothing', async () => {
    const need = await freshNeed();
    const first = await call('POST', `/needs/${need.id}/withdraw`, {
      who: 'ownLiaison',
      body: { reason: '已自行解决' },
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id: need.id, status: 'withdrawn', withdrawReason: '已自行解决' });

    await expectNothingWritten(async () => {
      const again = await call('POST', `/needs/${need.id}/withdraw`, { who: 'ownLiaison' });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
    });
  });
});

// ---- idempotency -----------------------------------------------------------------------------------

describe('Idempotency-Key on POST /needs', () => {
  it('gives the same need for the same key and body, with keys in any order', async () => {
    const body = chunanNeed({ title: '幂等测试 A' });
    const first = await call('POST', '/needs', {
      who: 'ownLiaison',
      body,
      headers: { 'idempotency-key': 'key-a' },
    });
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const second = await call('POST', '/needs', {
      who: 'ownLiaison',
      body: reordered,
      headers: { 'idempotency-key': 'key-a' },
    });

    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
  });

  it('answers 409 for the same key with another body, and writes nothing', async () => {
    await call('POST', '/needs', {
      who: 'ownLiaison',
      body: chunanNeed({ title: '幂等测试 B' }),
      headers: { 'idempotency-key': 'key-b' },
    });
    await expectNothingWritten(async () => {
      const reply = await call('POST', '/needs', {
        who: 'ownLiaison',
        body: chunanNeed({ title: '幂等测试 B（改）' }),
        headers: { 'idempotency-key': 'key-b' },
      });
      expect(reply.status).toBe(409);
      expect(reply.body.error.code).toBe('conflict');
      expect(reply.body.error.message).toMatch(CJK);
    });
  });

  it('answers 409 when the same key comes back for another county', async () => {
    const first = await call('POST', '/needs', {
      body: chunanNeed({ title: '幂等测试 D' }),
      headers: { 'idempotency-key': 'key-d' },
    });
    expect(first.status).toBe(201);
    await expectNothingWritten(async () => {
      const other = await call('POST', '/needs', {
        body: chunanNeed({ title: '幂等测试 D', countyId: 'jiande', townId: 'xinanjiang' }),
        headers: { 'idempotency-key': 'key-d' },
      });
      expect(other.status).toBe(409);
    });
  });

  it('keeps keys per caller: another caller’s same key is a new request', async () => {
    const body = chunanNeed({ title: '幂等测试 C' });
    const mine = await call('POST', '/needs', {
      who: 'ownLiaison',
      body,
      headers: { 'idempotency-key': 'key-c' },
    });
    const theirs = await call('POST', '/needs', {
      who: 'coordinator',
      body,
      headers: { 'idempotency-key': 'key-c' },
    });
    expect(mine.status).toBe(201);
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(mine.body.id);
  });

  it('creates one need for 50 simultaneous POSTs with one key', async () => {
    const title = `并发测试 ${Date.now()}`;
    const replies = await Promise.all(
      Array.from({ length: 50 }, () =>
        call('POST', '/needs', {
          who: 'ownLiaison',
          body: chunanNeed({ title }),
          headers: { 'idempotency-key': 'concurrent-key-1' },
        }),
      ),
    );

    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses.every((s) => s === 201)).toBe(true);
    expect(new Set(replies.map((r) => r.body.id)).size).toBe(1);
    const stored = ((await snapshot()) as { needs: { title: string }[] }).needs.filter(
      (n) => n.title === title,
    );
    expect(stored).toHaveLength(1);
  });
});

// ---- errors ----------------------------------------------------------------------------------------

describe('errors: status, body, and nothing written', () => {
  it('400 names every bad field, in Chinese and English', async () => {
    await expectNothingWritten(async () => {
      const reply = await call('POST', '/needs', {
        who: 'ownLiaison',
        body: {
          countyId: 'chunan',
          townId: 'Qian Dao Hu',
          theme: 'weather',
          title: '   ',
          urgency: 'soon',
          color: 'red',
        },
        headers: { 'idempotency-key': 'bad-400' },
      });
      expect(reply.status).toBe(400);
      expect(reply.body.error.code).toBe('invalid');
      expect(fieldPaths(reply).sort()).toEqual(['color', 'field', 'theme', 'title', 'townId', 'urgency']);
      for (const field of reply.body.error.fields) {
        expect(field.message).toMatch(CJK);
        expect(field.message).toMatch(/[A-Za-z]{3,}/);
        expect(field.zh).toMatch(CJK);
        expect(field.en).not.toMatch(CJK);
      }
    }, [{ sub: 'liaison-chunan', key: 'bad-400' }]);
  });

  it('400 names townId when the town is not in the county, and countyId for an unknown county', async () => {
    await expectNothingWritten(async () => {
      const town = await call('POST', '/needs', { body: chunanNeed({ townId: 'xinanjiang' }) });
      expect(town.status).toBe(400);
      expect(fieldPaths(town)).toEqual(['townId']);
      const county = await call('POST', '/needs', { body: chunanNeed({ countyId: 'atlantis' }) });
      expect(county.status).toBe(400);
      expect(fieldPaths(county)).toEqual(['countyId']);
    });
  });

  it('400 for a body that is not valid JSON, an empty body, a JSON array, or a bad Idempotency-Key', async () => {
    await expectNothingWritten(async () => {
      const syntax = await call('POST', '/needs', {
        raw: '{"countyId": "chunan",',
        headers: { 'content-type': 'application/json' },
      });
      expect(syntax.status).toBe(400);
      expect(fieldPaths(syntax)).toEqual(['(body)']);
      const empty = await call('POST', '/needs', {
        raw: '',
        headers: { 'content-type': 'application/json' },
      });
      expect(empty.status).toBe(400);
      const array = await call('POST', '/needs', { body: [chunanNeed()] });
      expect(array.status).toBe(400);
      const key = await call('POST', '/needs', {
        body: chunanNeed(),
        headers: { 'idempotency-key': 'k'.repeat(129) },
      });
      expect(key.status).toBe(400);
      expect(fieldPaths(key)).toEqual(['Idempotency-Key']);
    });
  });

  it('400 for bad query parameters, a forged cursor, a bad id, and an empty PATCH', async () => {
    const status = await call('GET', '/needs?status=done&season=2026Q4&limit=0&county=chunan');
    expect(status.status).toBe(400);
    expect(fieldPaths(status).sort()).toEqual(['county', 'limit', 'season', 'status']);

    const page = await call('GET', '/needs?countyId=chunan&limit=2');
    const otherQuery = await call('GET', `/needs?countyId=chunan&status=open&cursor=${page.body.cursor}`);
    expect(otherQuery.status).toBe(400);
    expect(fieldPaths(otherQuery)).toEqual(['cursor']);
    const garbage = await call('GET', '/needs?cursor=not-a-cursor');
    expect(garbage.status).toBe(400);
    // A liaison cannot walk into another county by editing a cursor.
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(page.body.cursor, 'base64url').toString()), c: 'jiande' }),
    ).toString('base64url');
    const sneaky = await call('GET', `/needs?cursor=${forged}`, { who: 'ownLiaison' });
    expect(sneaky.status).toBe(400);

    expect((await call('GET', '/needs/NOT_AN_ID')).status).toBe(400);
    expect((await call('GET', '/needs/%E0%A4%A')).status).toBe(400);
    const need = await freshNeed();
    await expectNothingWritten(async () => {
      const emptyPatch = await call('PATCH', `/needs/${need.id}`, { body: {} });
      expect(emptyPatch.status).toBe(400);
      const countyPatch = await call('PATCH', `/needs/${need.id}`, { body: { countyId: 'jiande' } });
      expect(countyPatch.status).toBe(400);
      expect(fieldPaths(countyPatch)).toEqual(['countyId']);
      const townPatch = await call('PATCH', `/needs/${need.id}`, { body: { townId: 'xinanjiang' } });
      expect(townPatch.status).toBe(400);
      expect(fieldPaths(townPatch)).toEqual(['townId']);
    });
  });

  it('401 for a missing, malformed, foreign or expired token', async () => {
    for (const headers of [{}, { authorization: 'Basic abc' }, { authorization: 'Bearer not.a.jwt' }]) {
      const reply = await fetch(`${api.server.url}/needs`, { headers });
      expect(reply.status).toBe(401);
      expect(((await reply.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    }
    expect((await call('GET', '/needs', { who: 'badSignature' })).status).toBe(401);
    expect((await call('GET', '/needs', { who: 'expired' })).status).toBe(401);
  });

  it('404 for a need that does not exist', async () => {
    await expectNothingWritten(async () => {
      expect((await call('GET', '/needs/need-chunan-nothing')).status).toBe(404);
      const patch = await call('PATCH', '/needs/need-chunan-nothing', { body: { title: 'x' } });
      expect(patch.status).toBe(404);
      expect(patch.body.error.code).toBe('not-found');
      expect((await call('POST', '/needs/need-chunan-nothing/withdraw')).status).toBe(404);
    });
  });

  it('409 when a need is no longer open: PATCH of a withdrawn need, withdraw of a resolved one', async () => {
    const withdrawn = await freshNeed();
    await call('POST', `/needs/${withdrawn.id}/withdraw`);
    const resolved = await freshNeed();
    const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    // A visit report resolves needs; here the item is set as that would leave it.
    await documents().send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: `NEED#${resolved.id}`, sk: 'NEED' },
        UpdateExpression: 'SET #s = :r, gsi1sk = :sk',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':r': 'resolved', ':sk': `resolved#qiandaohu#${resolved.id}` },
      }),
    );

    await expectNothingWritten(async () => {
      const patch = await call('PATCH', `/needs/${withdrawn.id}`, { body: { title: '再改' } });
      expect(patch.status).toBe(409);
      expect(patch.body.error.code).toBe('conflict');
      const withdraw = await call('POST', `/needs/${resolved.id}/withdraw`);
      expect(withdraw.status).toBe(409);
      const patchResolved = await call('PATCH', `/needs/${resolved.id}`, { body: { urgency: 'low' } });
      expect(patchResolved.status).toBe(409);
    });
  });

  it('409 for moving a need that is on an offer (town or theme), naming it; its detail may still grow', async () => {
    const need = await freshNeed({ title: '茶园病虫害绿色防控' });
    const season = '2031-Q1';
    const at = new Date().toISOString();
    await api.store.putVisitIfAbsent({
      id: `${season}.chunan`,
      season,
      countyId: 'chunan',
      townId: 'qiandaohu',
      questions: [{ theme: 'industry', needIds: [need.id] }],
      ranking: [],
      unassignedNeedIds: [],
      plannedAt: at,
    });
    const offer = {
      season,
      countyId: 'chunan',
      townId: 'qiandaohu',
      societyId: demo.societies[0]!.id,
      needIds: [need.id],
      createdAt: at,
    };
    expect(await api.store.createOffer(offer, 10)).toBe('created');
    const otherTown = demo.counties.find((c) => c.id === 'chunan')!.towns.find((t) => t.id !== 'qiandaohu')!;

    await expectNothingWritten(async () => {
      const moved = await call('PATCH', `/needs/${need.id}`, { body: { townId: otherTown.id } });
      expect(moved.status).toBe(409);
      expect(moved.body.error.message).toContain('茶园病虫害绿色防控');
      expect(moved.body.error.message).not.toContain(need.id);
      expect(moved.body.error.message).toMatch(/ \/ .*offer/);
      const rethemed = await call('PATCH', `/needs/${need.id}`, { body: { theme: 'talent' } });
      expect(rethemed.status).toBe(409);
    });
    const detailed = await call('PATCH', `/needs/${need.id}`, { body: { detail: '补充：面积约200亩。' } });
    expect(detailed.status).toBe(200);
    expect(detailed.body).toMatchObject({
      townId: 'qiandaohu',
      theme: 'industry',
      detail: '补充：面积约200亩。',
    });
  });

  it('413 for a body over 16 KB, at the handler and (over 1 MB) at the gateway', async () => {
    const need = await freshNeed();
    await expectNothingWritten(async () => {
      const big = await call('POST', '/needs', { body: chunanNeed({ detail: '长'.repeat(6000) }) });
      expect(big.status).toBe(413);
      expect(big.body.error.code).toBe('too-large');
      const bigPatch = await call('PATCH', `/needs/${need.id}`, { body: { detail: 'x'.repeat(17 * 1024) } });
      expect(bigPatch.status).toBe(413);
      const huge = await call('POST', '/needs', {
        raw: 'x'.repeat(2 * 1024 * 1024),
        headers: { 'content-type': 'application/json' },
      });
      expect(huge.status).toBe(413);
    });
  });

  it('415 for a body that is not JSON', async () => {
    const need = await freshNeed();
    await expectNothingWritten(async () => {
      const text = await call('POST', '/needs', {
        raw: JSON.stringify(chunanNeed()),
        headers: { 'content-type': 'text/plain' },
      });
      expect(text.status).toBe(415);
      expect(text.body.error.code).toBe('unsupported-media-type');
      const form = await call('POST', '/needs', {
        raw: 'countyId=chunan&townId=qiandaohu',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(form.status).toBe(415);
      const none = await call('PATCH', `/needs/${need.id}`, { raw: '{"title":"x"}' });
      expect(none.status).toBe(415);
      const withdraw = await call('POST', `/needs/${need.id}/withdraw`, {
        raw: 'reason',
        headers: { 'content-type': 'text/plain' },
      });
      expect(withdraw.status).toBe(415);
    });
  });

  it('never answers 5xx to malformed bodies on the write endpoints', async () => {
    const need = await freshNeed();
    const bodies = [
      'null',
      '0',
      '"text"',
      'true',
      '[]',
      '{}',
      '{"countyId":null}',
      '{"countyId":{"$ne":1}}',
      '{"__proto__":{"x":1}}',
      '{"constructor":{"prototype":{}}}',
      JSON.stringify(chunanNeed({ urgency: ['high'] })),
      JSON.stringify(chunanNeed({ title: 42 })),
      JSON.stringify(chunanNeed({ townId: 'a'.repeat(65) })),
      JSON.stringify(chunanNeed({ detail: null })),
      '\u0000',
      '{"a":'.repeat(500),
      JSON.stringify({ reason: 'x'.repeat(600) }),
      JSON.stringify({ townId: '' }),
      '\uFEFF{}',
    ];
    const statuses: number[] = [];
    await expectNothingWritten(async () => {
      for (const raw of bodies) {
        for (const [method, path] of [
          ['POST', '/needs'],
          ['PATCH', `/needs/${need.id}`],
          ['POST', `/needs/${need.id}/withdraw`],
        ] as const) {
          if (path.endsWith('withdraw') && (raw === '{}' || raw === '\uFEFF{}')) continue; // a valid withdrawal
          statuses.push(
            (await call(method, path, { raw, headers: { 'content-type': 'application/json' } })).status,
          );
        }
      }
    });
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(new Set(statuses)).toEqual(new Set([400]));
  });
});

// ---- authorization matrix --------------------------------------------------------------------------

describe('authorization matrix: every endpoint × every kind of caller', () => {
  type Endpoint = { name: string; run: (who: Who) => Promise<Reply> };
  const endpoints: Endpoint[] = [
    { name: 'GET /counties', run: (who) => call('GET', '/counties', { who }) },
    { name: 'GET /openapi.json', run: (who) => call('GET', '/openapi.json', { who }) },
    {
      name: 'POST /needs',
      run: (who) => call('POST', '/needs', { who, body: chunanNeed({ title: `矩阵 ${who}` }) }),
    },
    {
      name: 'GET /needs?countyId=chunan',
      run: (who) => call('GET', '/needs?countyId=chunan&limit=5', { who }),
    },
    {
      name: 'GET /needs/{id}',
      run: async (who) => call('GET', `/needs/${(await freshNeed()).id}`, { who }),
    },
    {
      name: 'PATCH /needs/{id}',
      run: async (who) =>
        call('PATCH', `/needs/${(await freshNeed()).id}`, { who, body: { urgency: 'low' } }),
    },
    {
      name: 'POST /needs/{id}/withdraw',
      run: async (who) => call('POST', `/needs/${(await freshNeed()).id}/withdraw`, { who }),
    },
    {
      name: 'POST /users',
      run: (who) =>
        call('POST', '/users', { who, body: { name: `矩阵 ${who}`, role: 'liaison', county: 'chunan' } }),
    },
    { name: 'GET /users', run: (who) => call('GET', '/users', { who }) },
    {
      name: 'POST /users/{id}/revoke',
      run: async (who) => call('POST', `/users/${(await freshUser()).id}/revoke`, { who }),
    },
    {
      name: 'POST /users/{id}/invitation',
      run: async (who) => call('POST', `/users/${(await freshUser()).id}/invitation`, { who }),
    },
  ];
  const ok = (endpoint: string) =>
    (endpoint.startsWith('POST /needs') && !endpoint.includes('withdraw')) ||
    endpoint === 'POST /users' ||
    endpoint.endsWith('/invitation')
      ? 201
      : 200;
  const expected = (endpoint: string, who: Who): number => {
    if (endpoint === 'GET /openapi.json') return 200; // public
    if (who === 'none' || who === 'badSignature' || who === 'expired' || who === 'revokedUser') return 401;
    if (endpoint === 'GET /counties') return 200; // any signed-in role
    if (endpoint.includes('/users')) return who === 'coordinator' ? ok(endpoint) : 403; // coordinators only
    if (who === 'coordinator' || who === 'ownLiaison') return ok(endpoint);
    return 403; // another county's liaison, a team
  };
  const cases = endpoints.flatMap((e) => WHO.map((who) => [e.name, who, expected(e.name, who)] as const));

  it.each(cases)('%s as %s → %i', async (name, who, status) => {
    const endpoint = endpoints.find((e) => e.name === name)!;
    const reply = await endpoint.run(who);
    expect(reply.status).toBe(status);
    if (status >= 400) {
      expect(reply.body.error.code).toBe(status === 401 ? 'unauthorized' : 'forbidden');
    }
  });

  it('refuses another county’s liaison before writing anything, for every write endpoint', async () => {
    const need = await freshNeed();
    await expectNothingWritten(async () => {
      expect((await call('POST', '/needs', { who: 'otherLiaison', body: chunanNeed() })).status).toBe(403);
      expect(
        (await call('PATCH', `/needs/${need.id}`, { who: 'otherLiaison', body: { title: 'x' } })).status,
      ).toBe(403);
      expect((await call('POST', `/needs/${need.id}/withdraw`, { who: 'otherLiaison' })).status).toBe(403);
      expect((await call('POST', '/needs', { who: 'team', body: chunanNeed() })).status).toBe(403);
    });
  });
});

describe('a revoked user, on every protected route of the registry', () => {
  // Ids of the right shape for each path parameter (the route need not find anything).
  const ids: Record<string, string> = {
    season: '2026-Q4',
    needId: 'n-matrix',
    userId: 'u-matrix',
    visitId: '2026-Q4.chunan',
    assignmentId: '2026-Q4.chunan.nongxue',
    countyId: 'chunan',
    societyId: 'nongxue',
    id: 'chunan',
  };
  const pathOf = (path: string) => path.replace(/\{(\w+)\}/g, (_, name: string) => ids[name] ?? 'x');
  const protectedRoutes = API_ROUTES.filter((r) => !r.public);
  const send = (route: (typeof API_ROUTES)[number], who: Who) =>
    call(route.method, pathOf(route.path), { who, ...(route.method === 'GET' ? {} : { body: {} }) });

  it('covers the user and session routes too', () => {
    const keys = protectedRoutes.map((r) => `${r.method} ${r.path}`);
    expect(keys).toEqual(
      expect.arrayContaining([
        'POST /users',
        'GET /users',
        'POST /users/{userId}/revoke',
        'POST /users/{userId}/invitation',
        'POST /session/renew',
      ]),
    );
  });

  it.each(protectedRoutes.map((r) => [`${r.method} ${r.path}`, r] as const))(
    '%s → 401 for the revoked user, not 401 for an active one of the same role',
    async (_, route) => {
      const refused = await send(route, 'revokedUser');
      expect(refused.status).toBe(401);
      expect(refused.body.error.code).toBe('unauthorized');
      expect(refused.body.error.message).toMatch(/撤销.*revoked/);
      // The same kind of token, signed in by invitation and not revoked: whatever it gets, not 401.
      expect((await send(route, 'activeUser')).status).not.toBe(401);
    },
  );
});

// ---- OpenAPI ---------------------------------------------------------------------------------------

describe('/openapi.json', () => {
  it('is an OpenAPI 3.1 document covering every route, with the needs schemas from zod', async () => {
    const reply = await call('GET', '/openapi.json', { who: 'none' });

    expect(reply.status).toBe(200);
    const doc = reply.body;
    expect(doc.openapi).toBe('3.1.0');
    for (const route of API_ROUTES) {
      expect(
        doc.paths[route.path]?.[route.method.toLowerCase()],
        `${route.method} ${route.path}`,
      ).toBeDefined();
    }
    const input = doc.components.schemas.NeedInput;
    expect(input.required.sort()).toEqual(['countyId', 'field', 'theme', 'title', 'townId', 'urgency']);
    expect(input.additionalProperties).toBe(false);
    expect(input.properties.theme.enum).toEqual(['talent', 'industry', 'literacy', 'advice', 'grassroots']);
    expect(doc.paths['/needs'].post.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/NeedInput',
    });
    expect(Object.keys(doc.paths['/needs'].post.responses).sort()).toEqual(
      ['201', '400', '401', '403', '409', '413', '415'].sort(),
    );
    expect(doc.paths['/openapi.json'].get.security).toEqual([]);
  });
});

// ---- CSV import ------------------------------------------------------------------------------------

describe('rounds needs import (on the same database)', () => {
  const quiet = { out: () => {}, errOut: () => {} };

  it('imports a sheet with Chinese headers and names; importing it again adds nothing', async () => {
    const csv = [
      '序号,县,乡镇,主题,领域,标题,详情,紧急程度',
      '1,淳安县,千岛湖镇,人才引智,旅游,"民宿管家培训，需要讲师",,紧急',
      '2,淳安,文昌,科技兴业,农业,茶园病虫害绿色防控,"多行\n说明",一般',
      '3,chunan,shilin,literacy,科普,青少年科普进校园,,low',
    ].join('\r\n');
    const first = await importNeedsCsv(Buffer.from(`\uFEFF${csv}`), 'needs.csv', quiet);
    expect(first).toMatchObject({ code: 0, created: 3, existing: 0 });
    const stored = ((await snapshot()) as { needs: Json[] }).needs.filter(
      (n) => n.title === '民宿管家培训，需要讲师',
    );
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      countyId: 'chunan',
      townId: 'qiandaohu',
      theme: 'talent',
      urgency: 'high',
      status: 'open',
    });

    await expectNothingWritten(async () => {
      const said: string[] = [];
      const again = await importNeedsCsv(Buffer.from(csv), 'needs.csv', {
        ...quiet,
        out: (line: string) => said.push(line),
      });
      expect(again).toMatchObject({ code: 0, created: 0, existing: 3 });
      // Progress says what happened to the rows, never that a re-import "wrote" them.
      expect(said.join('\n')).not.toMatch(/已写入|written/);
      expect(said.join('\n')).toContain('已处理 3/3（新增 0，此前已导入 3）');
    });
  });

  it('lists an error per bad row, naming row and column, and writes nothing when any row is bad', async () => {
    const csv = [
      '县,乡镇,主题,领域,标题,紧急程度',
      '淳安,千岛湖镇,人才引智,旅游,一条好的需求,紧急',
      '淳安,新安江街道,人才引智,旅游,乡镇不对,紧急',
      '淳安,千岛湖镇,天气,旅游,主题不对,马上',
      '建德,新安江街道,科技兴业,农业,,一般',
    ].join('\n');
    const lines: string[] = [];
    await expectNothingWritten(async () => {
      const result = await importNeedsCsv(Buffer.from(csv), 'bad.csv', {
        out: () => {},
        errOut: (l) => lines.push(l),
      });
      expect(result.code).toBe(2);
      expect(result.issues.map((i) => [i.row, i.column])).toEqual([
        [3, '乡镇'],
        [4, '主题'],
        [4, '紧急程度'],
        [5, '标题'],
      ]);
    });
    expect(lines[0]).toMatch(/^bad\.csv：第 3 行，“乡镇”列：/);
    expect(lines.at(-1)).toContain('未写入');
  });

  it('reads a GB18030 file as the catalog import does: its Chinese header is found', async () => {
    const gbk = Buffer.from([0xcf, 0xd8, 0x2c, 0xcf, 0xe7, 0xd5, 0xf2, 0x0a]); // "县,乡镇" in GBK
    const result = await importNeedsCsv(gbk, 'gbk.csv', quiet);
    expect(result.code).toBe(2);
    expect(result.issues[0]?.zh).toBe('缺少“主题”列');
  });
});
