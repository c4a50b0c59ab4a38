/**
 * GET /visits/{visitId} on the embedded runtime (DynamoDB Local + the synthesized state machine):
 * a round whose offers wait for the teams, one declined and one accepted and reported twice; then
 * who may read the visit, and that every id comes with its name.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataDir } from '#cli/data-dir';
import { DEMO_DATA_DIR } from '#cli/session';
import type { LocalClaims } from '#local/tokens';
import { VisitDetail } from '#schemas/api';
import { THEMES } from '#schemas/primitives';
import { embeddedApi } from '#support/embedded-api';
import type { Json } from '#support/http';
import { until } from '#support/until';

const SEASON = '2027-Q1';
const demo = loadDataDir(DEMO_DATA_DIR);
const api = embeddedApi(demo, 'visit-api-');

async function get(path: string, claims: LocalClaims): Promise<{ status: number; json: Json }> {
  const { status, body } = await api.call('GET', path, { as: claims });
  return { status, json: body };
}
async function post(path: string, claims: LocalClaims, body: unknown): Promise<number> {
  return (await api.call('POST', path, { as: claims, body })).status;
}
const coordinator: LocalClaims = { role: 'coordinator', sub: 'coordinator-wang' };
const team = (society: string): LocalClaims => ({ role: 'team', society, sub: `lead-of-${society}` });
const liaison = (county: string): LocalClaims => ({ role: 'liaison', county, sub: `liaison-${county}` });

let visitId: string;
let countyId: string;
let accepted: { societyId: string; needIds: string[] };
let declined: { societyId: string; needIds: string[] } | undefined;

beforeAll(async () => {
  void api.runner.run({ season: SEASON, autoAccept: false, offerTimeoutSeconds: 600 });
  const offers = await api.store.offersWaiting(SEASON);
  // A visit with two societies: one declines, one accepts and reports (twice).
  const byCounty = Map.groupBy(offers, (o) => o.countyId);
  const [county, pair] = [...byCounty].find(([, list]) => list.length >= 2) ?? [...byCounty][0]!;
  countyId = county;
  visitId = pair[0]!.visitId;
  accepted = pair[0]!;
  declined = pair[1];
  expect(await post(`/assignments/${pair[0]!.id}/accept`, team(accepted.societyId), {})).toBe(200);
  if (declined) {
    expect(
      await post(`/assignments/${pair[1]!.id}/decline`, team(declined.societyId), { reason: '专家外出' }),
    ).toBe(200);
  }
  await until('the acceptance recorded', async () =>
    (await api.store.getOffer(SEASON, countyId, accepted.societyId))?.status === 'accepted'
      ? true
      : undefined,
  );
  const report = (outcome: string, cooperations: number) => ({
    visitDate: '2027-01-15',
    answers: Object.fromEntries(THEMES.map((theme) => [theme, `${theme}：与镇干部座谈`])),
    outcomes: accepted.needIds.map((needId) => ({ needId, outcome, note: '现场对接' })),
    cooperations: Array.from({ length: cooperations }, (_, i) => ({
      title: `合作${i + 1}`,
      partner: '镇政府',
    })),
  });
  expect(await post(`/visits/${visitId}/report`, team(accepted.societyId), report('partial', 1))).toBe(201);
  expect(await post(`/visits/${visitId}/report`, team(accepted.societyId), report('resolved', 2))).toBe(201);
}, 120_000);

describe('GET /visits/{visitId}', () => {
  it('gives the coordinator the visit with names: county, town, questions as framed, needs with societies and outcomes', async () => {
    const { status, json } = await get(`/visits/${visitId}`, coordinator);

    expect(status).toBe(200);
    expect(VisitDetail.safeParse(json).success).toBe(true);
    const county = demo.counties.find((c) => c.id === countyId)!;
    expect(json.county).toEqual({ id: countyId, name: county.name });
    expect(json.town.name).toEqual(county.towns.find((t) => t.id === json.town.id)!.name);
    expect(json.questions.map((q: Json) => q.theme)).toEqual([...THEMES]);
    for (const q of json.questions) expect(q.text.zh).toMatch(/[\u4e00-\u9fff]/);

    const society = (id: string) => demo.societies.find((s) => s.id === id)!.name;
    for (const needId of accepted.needIds) {
      const need = json.needs.find((n: Json) => n.id === needId);
      expect(need.title).toBe(demo.needs.find((n) => n.id === needId)!.title);
      expect(need.societies).toContainEqual({
        id: accepted.societyId,
        name: society(accepted.societyId),
        status: 'accepted',
      });
      // The latest version's outcome (resolved), not the first (partial).
      expect(need.outcome).toMatchObject({ outcome: 'resolved', note: '现场对接', version: 2 });
      expect(need.outcome.society.name).toEqual(society(accepted.societyId));
    }
    if (declined) {
      const offer = json.offers.find((o: Json) => o.society.id === declined!.societyId);
      expect(offer).toMatchObject({
        status: expect.stringMatching(/declined|reassigned/),
        reason: '专家外出',
      });
      expect(offer.society.name).toEqual(society(declined.societyId));
    }
  });

  it('lists every report version with the five answers and cooperations, the latest marked, and the log with who in words', async () => {
    const { json } = await get(`/visits/${visitId}`, coordinator);

    const mine = json.reports.filter((r: Json) => r.societyId === accepted.societyId);
    expect(mine.map((r: Json) => [r.version, r.latest, r.cooperations.length])).toEqual([
      [1, false, 1],
      [2, true, 2],
    ]);
    expect(Object.keys(mine[1].answers)).toEqual([...THEMES]);
    expect(mine[1].society.name.zh).toBe(demo.societies.find((s) => s.id === accepted.societyId)!.name.zh);
    const kinds = json.log.map((e: Json) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['planned', 'offered', 'accepted', 'reported', 'edited']));
    const reported = json.log.find((e: Json) => e.kind === 'reported');
    expect(reported.who.zh).toBe(demo.societies.find((s) => s.id === accepted.societyId)!.name.zh);
    expect(json.log.find((e: Json) => e.kind === 'planned').who.zh).toBe('系统（轮次）');
  });

  it('lets the county’s liaison and a society offered the visit read it, and no one else', async () => {
    const otherCounty = demo.counties.find((c) => c.id !== countyId)!.id;
    const offered = new Set(
      (await api.store.seasonItems(SEASON)).offers
        .filter((o) => o.countyId === countyId)
        .map((o) => o.societyId),
    );
    const notOffered = demo.societies.find((s) => !offered.has(s.id))!.id;

    expect((await get(`/visits/${visitId}`, liaison(countyId))).status).toBe(200);
    expect((await get(`/visits/${visitId}`, team(accepted.societyId))).status).toBe(200);
    if (declined) expect((await get(`/visits/${visitId}`, team(declined.societyId))).status).toBe(200);
    const otherLiaison = await get(`/visits/${visitId}`, liaison(otherCounty));
    expect(otherLiaison.status).toBe(403);
    expect(otherLiaison.json.error.message).toMatch(/无权访问其他县.*another county/);
    const stranger = await get(`/visits/${visitId}`, team(notOffered));
    expect(stranger.status).toBe(403);
    expect(stranger.json.error.message).toMatch(/仅收到本次走访邀请的学会.*offered this visit/);
  });

  it('names whom the liaison calls: an accepted society’s contact (person, phone, e-mail, never a webhook), no other’s', async () => {
    const { status, json } = await get(`/visits/${visitId}`, liaison(countyId));
    expect(status).toBe(200);
    const offers = json.offers as {
      society: { id: string; contact?: Record<string, string> };
      status: string;
    }[];
    const { webhook: _webhook, ...contact } =
      demo.societies.find((s) => s.id === accepted.societyId)?.contact ?? {};
    const mine = offers.find((o) => o.society.id === accepted.societyId);
    expect(mine?.status).toBe('accepted');
    if (Object.keys(contact).length) expect(mine?.society.contact).toEqual(contact);
    else expect(mine?.society.contact).toBeUndefined();
    for (const offer of offers.filter((o) => o.status !== 'accepted'))
      expect(offer.society.contact).toBeUndefined();
    expect(JSON.stringify(json)).not.toMatch(/webhook/);
    expect(VisitDetail.safeParse(json).success).toBe(true);
  });

  it('answers 404 for a visit that does not exist and 400 naming visitId for a malformed id', async () => {
    const missing = await get(`/visits/${SEASON}.nowhere`, coordinator);
    expect(missing.status).toBe(404);
    expect(missing.json.error.message).toMatch(/没有这次走访/);
    const malformed = await get('/visits/not-a-visit', coordinator);
    expect(malformed.status).toBe(400);
    expect(malformed.json.error.fields[0].path).toBe('visitId');
    expect((await get(`/visits/${visitId}`, { role: 'liaison', sub: 'no-county' })).status).toBe(403);
  });
});
