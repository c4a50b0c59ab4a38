import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataDir } from '#cli/data-dir';
import { DEMO_DATA_DIR } from '#cli/session';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, tokenKey } from '#local/tokens';
import { CountyList, NeedPage, NeedView } from '#schemas/index';
import { embeddedApi } from '#support/embedded-api';
import type { Json, RequestOptions } from '#support/http';

// The route contract through the local adapter on DynamoDB Local with the demo data: every route's
// path ids, the same error shape on team and round routes, bilingual token and role errors, stray
// query parameters, text hygiene end to end, and replies that match their declared schemas.

const SEASON = '2026-Q4';
const demo = loadDataDir(DEMO_DATA_DIR);
const CJK = /[\u4e00-\u9fff]/;
const LONG = 'a'.repeat(2000);

const api = embeddedApi(demo, 'routes-');
const T: Record<string, string> = {};

beforeAll(async () => {
  T.coordinator = await api.token({ role: 'coordinator', sub: 'coord-1' });
  T.liaison = await api.token({ role: 'liaison', county: 'chunan', sub: 'liaison-chunan' });
  T.team = await api.token({ role: 'team', society: 'zj-agri', sub: 'team-1' });
  T.noCounty = await api.token({ role: 'liaison', sub: 'liaison-nowhere' });
  T.expired = await api.token({ role: 'coordinator', sub: 'old' }, -60);
  T.forever = await new SignJWT({ role: 'coordinator' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject('forever')
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setIssuedAt()
    .sign(tokenKey(api.dataDir));
});

function call(
  method: string,
  path: string,
  { who = 'coordinator', ...options }: { who?: string } & Omit<RequestOptions, 'token'> = {},
): Promise<{ status: number; body: Json }> {
  return api.call(method, path, { ...options, ...(who === 'none' ? {} : { as: T[who] }) });
}

/** A 400 that names exactly `paths`, each in Chinese first and English. */
function expectNamed(reply: { status: number; body: Json }, paths: string[]) {
  expect(reply.status, JSON.stringify(reply.body)).toBe(400);
  expect(reply.body.error.code).toBe('invalid');
  expect(reply.body.error.message).toMatch(CJK);
  const fields = reply.body.error.fields as { path: string; message: string; zh: string; en: string }[];
  expect(fields.map((f) => f.path).sort()).toEqual([...paths].sort());
  for (const field of fields) {
    expect(field.zh).toMatch(CJK);
    expect(field.en).not.toMatch(CJK);
    expect(field.message).toBe(`${field.zh} / ${field.en}`);
  }
}

describe('path ids are validated like bodies', () => {
  const report = { visitDate: '2026-10-15', answers: {}, outcomes: [], cooperations: [] };
  const cases: [string, string, string, unknown?][] = [
    ['GET', `/needs/${LONG}`, 'needId'],
    ['PATCH', `/needs/${LONG}`, 'needId', { title: 'x' }],
    ['POST', `/needs/${LONG}/withdraw`, 'needId'],
    ['GET', `/visits/${SEASON}.${LONG}/log`, 'visitId'],
    ['GET', '/visits/not-a-visit/log', 'visitId'],
    ['GET', `/seasons/${LONG}/plan`, 'season'],
    ['GET', '/seasons/2026-Q9/report', 'season'],
  ];
  it.each(
    cases.map(([method, path, name, body]) => [`${method} ${path.slice(0, 40)}`, name, method, path, body]),
  )('%s… → 400 naming %s', async (_, name, method, path, body) => {
    expectNamed(await call(method as string, path as string, body === undefined ? {} : { body }), [
      name as string,
    ]);
  });

  it('does so for the team routes too: an over-long assignment or visit id is 400, never a 500', async () => {
    expectNamed(await call('POST', `/assignments/${SEASON}.chunan.${LONG}/accept`, { who: 'team' }), [
      'assignmentId',
    ]);
    expectNamed(
      await call('POST', `/assignments/${SEASON}.${LONG}.zj-agri/decline`, {
        who: 'team',
        body: { reason: 'x' },
      }),
      ['assignmentId'],
    );
    const filed = await call('POST', `/visits/${SEASON}.${LONG}/report`, { who: 'team', body: report });
    expect(filed.status).toBe(400);
    expect(filed.body.error.fields.map((f: { path: string }) => f.path)).toContain('visitId');
  });
});

describe('the same error shape on every route', () => {
  it('POST /rounds: 400 naming every bad field, 415 for a body that is not JSON, 413 over 16 KB', async () => {
    expectNamed(await call('POST', '/rounds', { body: { season: '2026-Q5', extra: 1 } }), [
      'season',
      'extra',
    ]);
    const text = await call('POST', '/rounds', { raw: `{"season":"${SEASON}"}`, type: 'text/plain' });
    expect(text.status).toBe(415);
    expect(text.body.error.code).toBe('unsupported-media-type');
    expect(text.body.error.message).toMatch(CJK);
    const big = await call('POST', '/rounds', { body: { season: SEASON, pad: 'x'.repeat(17 * 1024) } });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('too-large');
  });

  it('team routes: 415 and 413 and bilingual 400 before anything is looked up', async () => {
    const decline = await call('POST', `/assignments/${SEASON}.chunan.zj-agri/decline`, {
      who: 'team',
      raw: 'reason=busy',
      type: 'application/x-www-form-urlencoded',
    });
    expect(decline.status).toBe(415);
    expectNamed(
      await call('POST', `/assignments/${SEASON}.chunan.zj-agri/decline`, {
        who: 'team',
        body: { reason: ' ' },
      }),
      ['reason'],
    );
    const report = await call('POST', `/visits/${SEASON}.chunan/report`, {
      who: 'team',
      body: { visitDate: '2026-10-15', pad: 'x'.repeat(70 * 1024) },
    });
    expect(report.status).toBe(413);
    const badKey = await call('POST', `/visits/${SEASON}.chunan/report`, {
      who: 'team',
      body: {
        visitDate: '2026-10-15',
        answers: { talent: 'a', industry: 'b', literacy: 'c', advice: 'd', grassroots: 'e' },
        outcomes: [],
        cooperations: [],
      },
      headers: { 'idempotency-key': 'short' },
    });
    expectNamed(badKey, ['Idempotency-Key']);
  });

  it('a route that takes no query parameters names a stray one instead of ignoring it', async () => {
    expectNamed(await call('GET', '/counties?colour=red'), ['colour']);
    expectNamed(await call('GET', '/assignments?season=2026-Q4&page=2', { who: 'team' }), ['page']);
  });
});

describe('token and role errors in Chinese and English', () => {
  it('401 for no token, an expired token and a token without exp', async () => {
    for (const who of ['none', 'expired', 'forever']) {
      const reply = await call('GET', '/counties', { who });
      expect(reply.status, who).toBe(401);
      expect(reply.body.error.code).toBe('unauthorized');
      expect(reply.body.error.message, who).toMatch(CJK);
      expect(reply.body.error.message, who).toMatch(/[A-Za-z]{3,}/);
    }
  });

  it('403 naming the role that is needed, and a liaison token without a county', async () => {
    for (const [who, method, path, body] of [
      ['team', 'POST', '/rounds', { season: SEASON }],
      ['liaison', 'GET', `/seasons/${SEASON}/report`, undefined],
      ['coordinator', 'GET', '/assignments', undefined],
      ['team', 'GET', '/needs', undefined],
      ['noCounty', 'GET', '/needs', undefined],
      ['liaison', 'GET', '/needs?countyId=jiande', undefined],
    ] as const) {
      const reply = await call(method, path, { who, ...(body ? { body } : {}) });
      expect(reply.status, `${who} ${path}`).toBe(403);
      expect(reply.body.error.code).toBe('forbidden');
      const [zh, en] = reply.body.error.message.split(/ ?\/ /);
      expect(zh, reply.body.error.message).toMatch(CJK);
      expect(en, reply.body.error.message).toMatch(/^[^\u4e00-\u9fff]*[a-z]{3,}/);
    }
  });
});

describe('input hygiene end to end', () => {
  it('refuses a need whose title is only zero-width and RTL characters, naming the title, and stores nothing', async () => {
    const before = await call('GET', '/needs?countyId=chunan&limit=100');
    const reply = await call('POST', '/needs', {
      who: 'liaison',
      body: {
        countyId: 'chunan',
        townId: 'qiandaohu',
        theme: 'industry',
        field: '农业',
        title: '\u200B\u202E\u2066\u2069\uFEFF',
        urgency: 'high',
      },
    });
    expectNamed(reply, ['title']);
    expect((await call('GET', '/needs?countyId=chunan&limit=100')).body).toEqual(before.body);
  });
});

describe('replies match the schemas their routes declare', () => {
  it('GET /counties, POST /needs, GET /needs', async () => {
    expect(CountyList.safeParse((await call('GET', '/counties', { who: 'team' })).body).success).toBe(true);
    const created = await call('POST', '/needs', {
      who: 'liaison',
      body: {
        countyId: 'chunan',
        townId: 'qiandaohu',
        theme: 'talent',
        field: '旅游',
        title: '民宿管家培训\n（两期）',
        urgency: 'normal',
      },
    });
    expect(created.status).toBe(201);
    expect(NeedView.safeParse(created.body).error).toBeUndefined();
    expect(
      NeedPage.safeParse((await call('GET', '/needs?countyId=chunan&limit=3')).body).error,
    ).toBeUndefined();
  });
});
