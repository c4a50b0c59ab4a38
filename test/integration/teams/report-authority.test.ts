/**
 * Report authority: a society reports only on the needs of its own accepted assignment;
 * its Idempotency-Key is its own; its report never changes another society's outcomes. Through the
 * local HTTP adapter on DynamoDB Local, on a visit with two accepted societies.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataDir } from '#cli/data-dir';
import { DEMO_DATA_DIR } from '#cli/session';
import { THEMES } from '#schemas/primitives';
import { embeddedApi } from '#support/embedded-api';

const SEASON = '2030-Q1';
const COUNTY = 'chunan';
const VISIT = `${SEASON}.${COUNTY}`;
const demo = loadDataDir(DEMO_DATA_DIR);
const [A, B] = demo.societies.map((s) => s.id) as [string, string];

const api = embeddedApi(demo, 'report-authority-');
/** The visit's needs: A's two, B's two. */
let needs: { a: [string, string]; b: [string, string] };

beforeAll(async () => {
  const open = (await api.store.openNeedsOfCounty(COUNTY)).map((n) => n.id).sort();
  needs = { a: [open[0]!, open[1]!], b: [open[2]!, open[3]!] };
  const townId = demo.counties.find((c) => c.id === COUNTY)!.towns[0]!.id;
  const at = new Date().toISOString();
  await api.store.putVisitIfAbsent({
    id: VISIT,
    season: SEASON,
    countyId: COUNTY,
    townId,
    questions: THEMES.map((theme, i) => ({ theme, needIds: i === 0 ? [...needs.a, ...needs.b] : [] })),
    ranking: [],
    unassignedNeedIds: [],
    plannedAt: at,
  });
  for (const [societyId, needIds] of [
    [A, needs.a],
    [B, needs.b],
  ] as const) {
    const offer = {
      season: SEASON,
      countyId: COUNTY,
      townId,
      societyId,
      needIds: [...needIds],
      createdAt: at,
    };
    expect(await api.store.createOffer(offer, 10)).toBe('created');
    // Sent as SendOfferAndWaitForAnswer sends it (a token and offeredAt); only a sent offer is answered.
    await api.store.attachTaskToken(offer, `sent-${societyId}`, at, at);
    expect(await api.store.recordDecision(offer, 'accept', `${societyId}:lead`, at)).toBe(true);
    expect(await api.store.settleOffer(offer, 'accepted', at)).toBe(true);
  }
});

const team = (society: string) => ({ role: 'team', society, sub: `lead-of-${society}` }) as const;

function report(outcomes: [string, 'resolved' | 'partial' | 'unresolved'][], cooperations = 0) {
  return {
    visitDate: '2030-01-15',
    answers: Object.fromEntries(THEMES.map((theme) => [theme, `关于${theme}的答复`])),
    outcomes: outcomes.map(([needId, outcome]) => ({ needId, outcome })),
    cooperations: Array.from({ length: cooperations }, (_, i) => ({
      title: `合作${i}`,
      partner: `伙伴${i}`,
    })),
  };
}

async function file(society: string, body: unknown, key?: string) {
  const { status, body: json } = await api.call('POST', `/visits/${VISIT}/report`, {
    as: team(society),
    body,
    ...(key ? { headers: { 'idempotency-key': key } } : {}),
  });
  return { status, json };
}

const statusOf = async (needId: string) => (await api.store.getNeed(needId))?.status;
const reportsOf = async (society: string) =>
  (await api.store.reportVersions(VISIT)).filter((r) => r.societyId === society);

describe('a visit report', () => {
  it('is refused (403, naming the need in Chinese and English) when it gives an outcome for another society’s need', async () => {
    const res = await file(
      A,
      report([
        [needs.a[0], 'resolved'],
        [needs.b[0], 'resolved'],
      ]),
    );

    expect(res.status).toBe(403);
    expect(res.json.error.message).toContain(needs.b[0]);
    expect(res.json.error.message).toMatch(/[\u4e00-\u9fff]/);
    expect(res.json.error.message).toMatch(/assignment/);
    // Nothing was written.
    expect(await reportsOf(A)).toEqual([]);
    expect(await statusOf(needs.a[0])).toBe('open');
    expect(await statusOf(needs.b[0])).toBe('open');
  });

  it('never changes another society’s outcomes: B’s report leaves the need A resolved resolved', async () => {
    expect(
      (
        await file(
          A,
          report([
            [needs.a[0], 'resolved'],
            [needs.a[1], 'partial'],
          ]),
        )
      ).status,
    ).toBe(201);
    expect(await statusOf(needs.a[0])).toBe('resolved');

    const byB = await file(B, report([[needs.b[0], 'resolved']], 2));

    expect(byB.status).toBe(201);
    expect(await statusOf(needs.a[0])).toBe('resolved');
    expect(await statusOf(needs.b[0])).toBe('resolved');
    expect(await statusOf(needs.b[1])).toBe('open');
  });

  it('scopes the Idempotency-Key to its caller: another society’s filing with the same key is its own', async () => {
    const key = 'same-key-for-both-0001';
    const first = await file(
      B,
      report(
        [
          [needs.b[0], 'resolved'],
          [needs.b[1], 'partial'],
        ],
        2,
      ),
      key,
    );
    expect(first.status).toBe(201);
    const before = (await reportsOf(A)).length;

    const second = await file(
      A,
      report(
        [
          [needs.a[0], 'resolved'],
          [needs.a[1], 'resolved'],
        ],
        1,
      ),
      key,
    );

    expect(second.status).toBe(201);
    expect(second.json.replayed).toBe(false);
    expect(await reportsOf(A)).toHaveLength(before + 1);
    expect((await reportsOf(A)).at(-1)?.outcomes.map((o) => o.needId)).toEqual([...needs.a]);
    expect(await statusOf(needs.a[1])).toBe('resolved');
    // The same caller retrying with the key still gets its filing back, once.
    const retry = await file(
      A,
      report(
        [
          [needs.a[0], 'resolved'],
          [needs.a[1], 'resolved'],
        ],
        1,
      ),
      key,
    );
    expect(retry.status).toBe(200);
    expect(retry.json).toMatchObject({ replayed: true, version: second.json.version });
  });

  it('counts each society’s latest report in the season figures, so a later filing by one never hides the other’s', async () => {
    const { body } = await api.call('GET', `/seasons/${SEASON}/report`, {
      as: { role: 'coordinator', sub: 'coordinator-wang' },
    });
    const figures = body.counties.find((c: { countyId: string }) => c.countyId === COUNTY);

    // A resolved both of its needs (latest), B resolved one of its two (latest).
    expect(figures).toMatchObject({
      onVisit: 4,
      visited: 1,
      handled: 3,
      cooperations: 1 + 2,
      carriedOver: 1,
    });
  });

  it('refuses (409, in both languages) an edited report under a key already used, and keeps nothing of it', async () => {
    const key = 'edited-after-first-send-01';
    const body = report([[needs.a[0], 'resolved']], 0);
    const first = await file(A, body, key);
    expect(first.status).toBe(201);
    const versions = (await reportsOf(A)).length;

    const edited = await file(A, { ...body, answers: { ...body.answers, talent: '改过的答复' } }, key);

    expect(edited.status).toBe(409);
    expect(edited.json.error.message).toMatch(/[\u4e00-\u9fff].* \/ .*Idempotency-Key/);
    expect(await reportsOf(A)).toHaveLength(versions);
    // The unchanged retry is still the first filing, replayed.
    const retry = await file(A, body, key);
    expect(retry.status).toBe(200);
    expect(retry.json).toMatchObject({ replayed: true, version: first.json.version });
  });
});
