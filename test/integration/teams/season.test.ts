/**
 * One whole season through the HTTP API against the embedded runtime (DynamoDB Local + the
 * synthesized state machine): POST /rounds → offers → one decline → one timeout → reassignment →
 * acceptances → visit reports (with an edit and a retried submission) → the season report's
 * figures, CSV and XLSX. And: only the right society may answer or report (403 for everyone else).
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { loadDataDir } from '#cli/data-dir';
import { DEMO_DATA_DIR } from '#cli/session';
import { rankSuccessors } from '#domain/reassignment';
import { FIGURE_KEYS } from '#schemas/labels';
import { THEMES } from '#schemas/primitives';
import { seasonOfInstant } from '#schemas/shanghai-time';
import { embeddedApi } from '#support/embedded-api';
import { until as untilWithin } from '#support/until';

const until = <T>(what: string, probe: () => Promise<T | undefined | false>) =>
  untilWithin(what, probe, 20_000);

// Read by LoadRound when the runner first loads it: offers here wait 6 s, not 7 days.
process.env.OFFER_TIMEOUT_SECONDS = '6';
const SEASON = '2026-Q4';
const demo = loadDataDir(DEMO_DATA_DIR);

const api = embeddedApi(demo, 'teams-season-');
const token = api.token;
const coordinator = () => token({ role: 'coordinator', sub: 'coordinator-wang' });
const team = (society: string) => token({ role: 'team', society, sub: `lead-of-${society}` });
const liaison = (county: string) => token({ role: 'liaison', county, sub: `liaison-${county}` });

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies of the API
type Json = any;
async function call(
  method: string,
  path: string,
  bearer: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${api.server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${bearer}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const type = res.headers.get('content-type') ?? '';
  const raw = Buffer.from(await res.arrayBuffer());
  const json: Json =
    type.startsWith('application/json') && raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
  return { status: res.status, json, raw, headers: res.headers };
}

type Offer = Awaited<ReturnType<typeof api.store.seasonItems>>['offers'][number] & {
  replaces?: string;
  endedAs?: string;
  attempt?: number;
};
const offersNow = async () => (await api.store.seasonItems(SEASON)).offers as Offer[];
const waitingFor = (id: string) =>
  until(`offer ${id} waiting`, async () => (await offersNow()).find((o) => o.id === id && o.taskToken));
const successorOf = (id: string) =>
  until(`the society that takes over ${id}`, async () =>
    (await offersNow()).find((o) => o.replaces === id && o.taskToken),
  );

/** What a team sends: an outcome per need of the visit (resolved / partial / unresolved in turn). */
const OUTCOMES = ['resolved', 'partial', 'unresolved'] as const;
function reportFor(needIds: string[], cooperations: number, visitDate = '2026-10-15') {
  return {
    visitDate,
    answers: Object.fromEntries(THEMES.map((theme) => [theme, `关于${theme}的走访答复：已与镇里座谈。`])),
    outcomes: needIds.map((needId, i) => ({ needId, outcome: OUTCOMES[i % 3], note: '现场对接' })),
    cooperations: Array.from({ length: cooperations }, (_, i) => ({
      title: `合作项目${i + 1}`,
      partner: `合作社${i + 1}`,
    })),
  };
}

describe('a whole season through HTTP', () => {
  const state: {
    executionId?: string;
    declined?: Offer;
    timedOut?: Offer;
    successors: Record<string, string>;
    plan?: Json;
    reported: Map<string, { needIds: string[]; cooperations: number; resolved: string[]; filers: string[] }>;
  } = { successors: {}, reported: new Map() };

  it('starts the round once: POST /rounds answers 202 with the execution id, a second call starts nothing', async () => {
    const first = await call('POST', '/rounds', await coordinator(), { season: SEASON });
    const second = await call('POST', '/rounds', await coordinator(), { season: SEASON });

    expect(first.status).toBe(202);
    expect(first.json).toMatchObject({
      executionId: expect.stringContaining(`${SEASON}-1`),
      season: SEASON,
      started: true,
      outcome: 'started',
    });
    expect(second.status).toBe(202);
    expect(second.json).toMatchObject({
      executionId: first.json.executionId,
      started: false,
      outcome: 'running',
    });
    expect((await call('POST', '/rounds', await team('nongxue'), { season: SEASON })).status).toBe(403);
    expect(
      (await call('POST', '/rounds', await coordinator(), { season: '2026-Q5' })).json.error.fields[0].path,
    ).toBe('season');
    state.executionId = first.json.executionId;
  });

  it('offers every planned assignment; the plan shows them `offered`', async () => {
    const plan = await until('the plan', async () => {
      const res = await call('GET', `/seasons/${SEASON}/plan`, await coordinator());
      return res.status === 200 ? res.json : undefined;
    });
    const planned = plan.visits.flatMap((v: Json) => v.assignments);
    for (const a of planned) await waitingFor(a.id);

    const after = (await call('GET', `/seasons/${SEASON}/plan`, await coordinator())).json;
    expect(after.visits).toHaveLength(4);
    for (const a of after.visits.flatMap((v: Json) => v.assignments)) {
      expect(a).toMatchObject({
        id: expect.stringMatching(/^2026-Q4\.[a-z-]+\.[a-z0-9-]+$/),
        status: 'offered',
        attempt: 1,
      });
    }
    state.plan = after;
  });

  it('lets only the society of an offer answer it (403 for everyone else, 404 for no such offer)', async () => {
    const [visit] = state.plan.visits;
    const offer = visit.assignments[0];
    const other = demo.societies.find((s) => s.id !== offer.societyId)!.id;

    expect((await call('POST', `/assignments/${offer.id}/accept`, await team(other), {})).status).toBe(403);
    expect((await call('POST', `/assignments/${offer.id}/accept`, await coordinator(), {})).status).toBe(403);
    expect(
      (await call('POST', `/assignments/${offer.id}/decline`, await liaison(visit.countyId), { reason: 'x' }))
        .status,
    ).toBe(403);
    expect(
      (await call('POST', `/assignments/${SEASON}.nowhere.nobody/accept`, await team(other), {})).status,
    ).toBe(404);
    expect((await call('GET', '/assignments', await coordinator())).status).toBe(403);
  });

  it('shows a team its offers with the town, the five questions and the needs', async () => {
    const offer = state.plan.visits[0].assignments[0];

    const res = await call('GET', '/assignments', await team(offer.societyId));

    expect(res.status).toBe(200);
    const mine = res.json.offers.find((o: Json) => o.id === offer.id);
    expect(mine).toMatchObject({
      status: 'offered',
      visitId: state.plan.visits[0].id,
      town: { zh: expect.any(String) },
    });
    expect(mine.questions.map((q: Json) => q.theme)).toEqual([...THEMES]);
    expect(mine.needs.map((n: Json) => n.id)).toEqual(offer.needIds);
    expect(mine.needs[0]).toMatchObject({
      title: expect.any(String),
      urgency: expect.any(String),
      mine: true,
    });
    expect(res.json.messages.some((m: Json) => m.kind === 'offer' || m.kind === 'reassigned')).toBe(true);
  });

  it('declines one offer, lets one time out, accepts the others; both refused sets of needs move on and are accepted', async () => {
    // Choose a refusal whose needs another society can take, as the round itself will rank them.
    const used: Record<string, number> = {};
    for (const a of state.plan.visits.flatMap((v: Json) => v.assignments))
      used[a.societyId] = (used[a.societyId] ?? 0) + 1;
    const movable = (visit: Json, a: Json) => {
      const needs = demo.needs.filter((n) => a.needIds.includes(n.id));
      const onVisit = new Set<string>(visit.assignments.map((x: Json) => x.societyId));
      return rankSuccessors({
        needs,
        societies: demo.societies,
        capacityUsed: { ...used, [a.societyId]: used[a.societyId]! - 1 },
        onVisit,
      })[0];
    };
    const choices = state.plan.visits.flatMap((v: Json) =>
      v.assignments.map((a: Json) => ({ v, a, next: movable(v, a) })),
    );
    const decline = choices.find((c: Json) => c.next);
    expect(decline, 'the demo plan has an offer another society can take over').toBeDefined();
    used[decline.next.societyId] = (used[decline.next.societyId] ?? 0) + 1;
    const timeout = choices.find((c: Json) => c.v.countyId !== decline.v.countyId && movable(c.v, c.a));
    expect(timeout, 'and one in another county').toBeDefined();
    const all: Json[] = state.plan.visits.flatMap((v: Json) => v.assignments);

    const declined = await call(
      'POST',
      `/assignments/${decline.a.id}/decline`,
      await team(decline.a.societyId),
      { reason: '本季专家外出，人手不足' },
    );
    for (const a of all) {
      if (a.id === decline.a.id || a.id === timeout.a.id) continue;
      const res = await call('POST', `/assignments/${a.id}/accept`, await team(a.societyId), {});
      expect(res.status, a.id).toBe(200);
    }

    expect(declined.status).toBe(200);
    expect(declined.json).toMatchObject({
      id: decline.a.id,
      decision: 'decline',
      reason: '本季专家外出，人手不足',
    });
    const twice = await call(
      'POST',
      `/assignments/${decline.a.id}/accept`,
      await team(decline.a.societyId),
      {},
    );
    expect(twice.status).toBe(409);
    expect(twice.json.error.code).toBe('conflict');
    const firstSuccessor = await successorOf(decline.a.id);
    expect(firstSuccessor).toMatchObject({ attempt: 2, status: 'offered', countyId: decline.v.countyId });
    const firstView = await call('GET', '/assignments', await team(firstSuccessor.societyId));
    expect(firstView.json.offers.find((o: Json) => o.id === firstSuccessor.id)).toMatchObject({ attempt: 2 });
    expect(
      (await call('POST', `/assignments/${firstSuccessor.id}/accept`, await team(firstSuccessor.societyId)))
        .status,
    ).toBe(200);

    // Nobody answers `timeout`: after 6 s its needs move on as well.
    const secondSuccessor = await successorOf(timeout.a.id);
    expect(
      (
        await call(
          'POST',
          `/assignments/${secondSuccessor.id}/accept`,
          await team(secondSuccessor.societyId),
          {},
        )
      ).status,
    ).toBe(200);

    const execution = await api.roundStarter.executions.get(`${SEASON}-1`)!;
    expect(execution.status).toBe('SUCCEEDED');
    const offers = await offersNow();
    const byId = new Map(offers.map((o) => [o.id, o]));
    expect(byId.get(decline.a.id)).toMatchObject({
      status: 'reassigned',
      endedAs: 'declined',
      reassignedTo: firstSuccessor.id,
    });
    expect(byId.get(timeout.a.id)).toMatchObject({
      status: 'reassigned',
      endedAs: 'expired',
      reassignedTo: secondSuccessor.id,
    });
    expect(offers.filter((o) => o.status !== 'reassigned').every((o) => o.status === 'accepted')).toBe(true);
    // Capacity: only accepted offers hold any, and never more than a society has.
    const { capacityUsed } = await api.store.seasonItems(SEASON);
    for (const society of demo.societies) {
      const accepted = offers.filter((o) => o.societyId === society.id && o.status === 'accepted').length;
      expect(capacityUsed[society.id] ?? 0, society.id).toBe(accepted);
      expect(accepted).toBeLessThanOrEqual(society.capacityPerSeason);
    }
    state.declined = byId.get(decline.a.id);
    state.timedOut = byId.get(timeout.a.id);
    state.successors = { [decline.a.id]: firstSuccessor.id, [timeout.a.id]: secondSuccessor.id };
  });

  it('shows the reassignment in the plan with the contract statuses', async () => {
    const plan = (await call('GET', `/seasons/${SEASON}/plan`, await coordinator())).json;
    const assignments = plan.visits.flatMap((v: Json) => v.assignments);

    expect(new Set(assignments.map((a: Json) => a.status))).toEqual(new Set(['accepted', 'reassigned']));
    expect(assignments.find((a: Json) => a.id === state.declined!.id)).toMatchObject({
      status: 'reassigned',
      reassignedTo: state.successors[state.declined!.id],
    });
    expect(assignments.find((a: Json) => a.id === state.successors[state.declined!.id])).toMatchObject({
      status: 'accepted',
      attempt: 2,
      replaces: state.declined!.id,
    });
    // Every collected need is assigned once (to an accepted offer) or listed unassigned.
    for (const visit of plan.visits) {
      const collected = visit.questions.flatMap((q: Json) => q.needIds).sort();
      const assigned = visit.assignments
        .filter((a: Json) => a.status === 'accepted')
        .flatMap((a: Json) => a.needIds);
      expect(new Set(assigned).size).toBe(assigned.length);
      expect([...assigned, ...visit.unassignedNeedIds].sort()).toEqual(collected);
    }
    state.plan = plan;
  });

  it('lets only a society that accepted the visit file its report (403 for everyone else)', async () => {
    const visit = state.plan.visits.find((v: Json) => v.id === state.declined!.visitId);
    const body = reportFor(
      visit.questions.flatMap((q: Json) => q.needIds),
      1,
    );
    const outsider = demo.societies.find(
      (s) => !visit.assignments.some((a: Json) => a.societyId === s.id),
    )!.id;

    for (const bearer of [
      await coordinator(),
      await liaison(visit.countyId),
      await team(outsider),
      await team(state.declined!.societyId),
    ]) {
      expect((await call('POST', `/visits/${visit.id}/report`, bearer, body)).status).toBe(403);
    }
    expect((await call('POST', `/visits/${SEASON}.nowhere/report`, await team(outsider), body)).status).toBe(
      404,
    );
    expect((await api.store.visitLog(visit.id)).some((e) => e.kind === 'reported')).toBe(false);
  });

  it('refuses a report that names a need of another visit, or lacks an answer, naming the field', async () => {
    const visit = state.plan.visits[0];
    const filer = visit.assignments.find((a: Json) => a.status === 'accepted').societyId;
    const other = state.plan.visits[1].questions.flatMap((q: Json) => q.needIds)[0];
    const body = reportFor([other], 0);
    const missing = reportFor([], 0) as Json;
    delete missing.answers.advice;

    const res = await call('POST', `/visits/${visit.id}/report`, await team(filer), body);
    const res2 = await call('POST', `/visits/${visit.id}/report`, await team(filer), missing);

    expect(res.status).toBe(400);
    expect(res.json.error.fields).toEqual([
      { path: 'outcomes[0].needId', message: expect.stringContaining(other) },
    ]);
    expect(res2.status).toBe(400);
    expect(res2.json.error.fields.map((f: Json) => f.path)).toContain('answers.advice');
  });

  it('files every visit’s reports, one per accepted society; a retried submission lands once; an edit is a new version', async () => {
    for (const [k, visit] of state.plan.visits.entries()) {
      const needIds: string[] = visit.questions.flatMap((q: Json) => q.needIds);
      const entry = { needIds, cooperations: 0, resolved: [] as string[], filers: [] as string[] };
      // Each society that accepted reports on the needs of its own assignment.
      for (const assignment of visit.assignments.filter((a: Json) => a.status === 'accepted')) {
        const filer: string = assignment.societyId;
        const key = `first-${visit.id}-${filer}`.replace(/\./g, '-');
        const body = reportFor(assignment.needIds, k);
        const res = await call('POST', `/visits/${visit.id}/report`, await team(filer), body, {
          'idempotency-key': key,
        });
        expect(res.status, `${visit.id} ${filer}`).toBe(201);
        expect(res.json).toMatchObject({ version: 1, replayed: false, missingOutcomes: [] });
        const retry = await call('POST', `/visits/${visit.id}/report`, await team(filer), body, {
          'idempotency-key': key,
        });
        expect(retry.status).toBe(200);
        expect(retry.json).toMatchObject({ version: 1, replayed: true });
        entry.cooperations += k;
        entry.resolved.push(...assignment.needIds.filter((_: string, i: number) => i % 3 === 0));
        entry.filers.push(filer);
      }
      state.reported.set(visit.countyId, entry);
    }

    // The first county's first team edits: its first need was resolved, now it is only partly so.
    const first = state.plan.visits[0];
    const assignment = first.assignments.find((a: Json) => a.status === 'accepted');
    const entry = state.reported.get(first.countyId)!;
    const edited = reportFor(assignment.needIds, 2, '2026-10-16');
    edited.outcomes[0]!.outcome = 'partial';
    const res = await call('POST', `/visits/${first.id}/report`, await team(assignment.societyId), edited);
    expect(res.status).toBe(201);
    expect(res.json.version).toBe(2);
    state.reported.set(first.countyId, {
      ...entry,
      cooperations: entry.cooperations + 2,
      resolved: entry.resolved.filter((id) => id !== assignment.needIds[0]),
    });
  });

  it('takes resolved needs out of the open list and keeps the others open for later seasons', async () => {
    for (const [countyId, entry] of state.reported) {
      const open = new Set((await api.store.openNeedsOfCounty(countyId)).map((n) => n.id));
      for (const id of entry.needIds) expect(open.has(id), id).toBe(!entry.resolved.includes(id));
      for (const id of entry.resolved) expect((await api.store.getNeed(id))?.status).toBe('resolved');
    }
  });

  it('keeps an append-only log per visit: who and when for each step', async () => {
    const declinedLog = (await call('GET', `/visits/${state.declined!.visitId}/log`, await coordinator()))
      .json;
    const timedOutLog = (await call('GET', `/visits/${state.timedOut!.visitId}/log`, await coordinator()))
      .json;
    const kinds = (log: Json) =>
      log.entries.map((e: Json) => `${e.kind}${e.detail?.societyId ? `:${e.detail.societyId}` : ''}`);

    const successor = state.successors[state.declined!.id]!.split('.')[2];
    expect(kinds(declinedLog)).toEqual(
      expect.arrayContaining([
        'planned',
        `offered:${state.declined!.societyId}`,
        `declined:${state.declined!.societyId}`,
        `reassigned:${successor}`,
        `offered:${successor}`,
        `accepted:${successor}`,
        expect.stringMatching(/^reported:/),
      ]),
    );
    const timedOutSuccessor = state.successors[state.timedOut!.id]!.split('.')[2];
    expect(kinds(timedOutLog)).toEqual(
      expect.arrayContaining([
        `timed-out:${state.timedOut!.societyId}`,
        `reassigned:${timedOutSuccessor}`,
        `accepted:${timedOutSuccessor}`,
      ]),
    );
    const decline = declinedLog.entries.find((e: Json) => e.kind === 'declined');
    expect(decline).toMatchObject({
      by: `${state.declined!.societyId}:lead-of-${state.declined!.societyId}`,
      detail: { reason: '本季专家外出，人手不足' },
    });
    for (const e of [...declinedLog.entries, ...timedOutLog.entries]) {
      expect(e.at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      expect(e.by).toEqual(expect.any(String));
    }
    const first = state.plan.visits[0];
    const editor = state.reported.get(first.countyId)!.filers[0];
    const firstLog = (await call('GET', `/visits/${first.id}/log`, await coordinator())).json;
    expect(
      firstLog.entries
        .filter((e: Json) => (e.kind === 'reported' || e.kind === 'edited') && e.detail.societyId === editor)
        .map((e: Json) => e.kind),
    ).toEqual(['reported', 'edited']);
    expect(firstLog.reports.filter((r: Json) => r.societyId === editor).map((r: Json) => r.version)).toEqual([
      1, 2,
    ]);
    // A liaison of another county may not read it.
    const otherCounty = state.plan.visits.find((v: Json) => v.countyId !== first.countyId).countyId;
    expect((await call('GET', `/visits/${first.id}/log`, await liaison(otherCounty))).status).toBe(403);
  });

  it('reports the season’s figures exactly: per county and in total', async () => {
    const res = await call('GET', `/seasons/${SEASON}/report`, await coordinator());

    expect(res.status).toBe(200);
    const expected = state.plan.visits
      .map((visit: Json) => {
        const entry = state.reported.get(visit.countyId)!;
        const onVisit = entry.needIds.length;
        const unassigned = visit.unassignedNeedIds.length;
        return {
          countyId: visit.countyId,
          townId: visit.townId,
          // Every need submitted in the county this season, in any town (docs/rules.md, season report figures).
          collected: demo.needs.filter(
            (n) => n.countyId === visit.countyId && seasonOfInstant(new Date(n.submittedAt)) === SEASON,
          ).length,
          onVisit,
          assigned: onVisit - unassigned,
          unassigned,
          visited: 1,
          handled: entry.resolved.length,
          cooperations: entry.cooperations,
          carriedOver: onVisit - entry.resolved.length,
        };
      })
      .sort((a: Json, b: Json) => a.countyId.localeCompare(b.countyId));
    const sum = (key: string) => expected.reduce((s: number, c: Json) => s + c[key], 0);
    expect(res.json).toEqual({
      season: SEASON,
      total: {
        collected: sum('collected'),
        onVisit: sum('onVisit'),
        assigned: sum('assigned'),
        unassigned: sum('unassigned'),
        visited: 4,
        handled: sum('handled'),
        cooperations: sum('cooperations'),
        carriedOver: sum('carriedOver'),
      },
      counties: expected,
    });
    // The edit counts, not the first version: 2 more cooperations (the first visit's were 0).
    expect(
      res.json.counties.find((c: Json) => c.countyId === state.plan.visits[0].countyId).cooperations,
    ).toBe(2);
    // `rounds report` prints these same figures (it calls the same export).
    const { exportSeasonReport } = await import('#services/report-season');
    expect((await exportSeasonReport(SEASON, 'json')).report).toEqual(res.json);
    expect((await call('GET', `/seasons/${SEASON}/report`, await team('nongxue'))).status).toBe(403);
  });

  it('exports CSV (BOM, Chinese headers, Beijing times) and XLSX with the same figures', async () => {
    const json = (await call('GET', `/seasons/${SEASON}/report`, await coordinator())).json;
    const csv = await call('GET', `/seasons/${SEASON}/report?format=csv`, await coordinator());
    const xlsx = await call('GET', `/seasons/${SEASON}/report?format=xlsx`, await coordinator());

    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect([...csv.raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csv.raw.toString('utf8').slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      '县（市、区）,走访乡镇,收集需求,本次走访涉及需求,已分派,未分派,已走访,已办结,达成合作,结转下季,走访日期,报告提交时间（北京时间）',
    );
    const county = demo.counties.find((c) => c.id === json.counties[0].countyId)!;
    const row = lines[1]!.split(',');
    expect(row.slice(0, 2)).toEqual([
      county.name.zh,
      county.towns.find((t) => t.id === json.counties[0].townId)!.name.zh,
    ]);
    expect(row.slice(2, 10).map(Number)).toEqual(FIGURE_KEYS.map((k) => json.counties[0][k]));
    expect(row[11]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    const filed = (
      await call('GET', `/visits/${SEASON}.${json.counties[0].countyId}/log`, await coordinator())
    ).json.reports.at(-1);
    const beijing = new Date(new Date(filed.reportedAt).getTime() + 8 * 3600e3)
      .toISOString()
      .slice(0, 16)
      .replace('T', ' ');
    expect(row[11]).toBe(beijing);
    expect(lines.at(-1)!.split(',').slice(0, 10)).toEqual([
      '合计',
      '',
      ...Object.values(json.total).map(String),
    ]);

    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    // Read back by an independent reader: headers as text, figures as numbers, times as dates.
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.raw as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['县汇总', '走访', '需求', '合作']);
    const [sheet, visitSheet, needSheet, coopSheet] = workbook.worksheets as ExcelJS.Worksheet[];
    expect((sheet!.getRow(1).values as unknown[]).slice(1)).toEqual(lines[0]!.split(','));
    expect(sheet!.getCell('A2').value).toBe(county.name.zh);
    expect(sheet!.getCell('C2').value).toBe(json.counties[0].collected);
    expect(sheet!.getCell('C6').value).toBe(json.total.collected);
    expect(sheet!.getCell('A6').value).toBe('合计');
    expect((sheet!.getRow(6).values as unknown[]).slice(3, 11)).toEqual(
      FIGURE_KEYS.map((k) => json.total[k]),
    );
    expect(sheet!.getCell('L2').value).toEqual(new Date(`${beijing.replace(' ', 'T')}:00Z`));
    expect(sheet!.getCell('K2').value).toBeInstanceOf(Date);
    // The other sheets agree with the figures: a row per need on a visit, per cooperation.
    expect(needSheet!.rowCount - 1).toBe(json.total.onVisit);
    expect(coopSheet!.rowCount - 1).toBe(json.total.cooperations);
    const resolvedRows = needSheet!.getColumn(10).values.filter((v) => v === '已解决').length;
    expect(resolvedRows).toBe(json.total.handled);
    expect(visitSheet!.getCell('F2').value).toBeInstanceOf(Date);
  });

  it('queues offers, reminders and reassignment notices; reminders of answered offers are dropped when due', async () => {
    const { seasonOutbox } = api.store;
    const { startOutboxDispatcher } = await import('#local/outbox-dispatcher');
    const lines: string[] = [];
    const dispatcher = startOutboxDispatcher({ out: (l) => lines.push(l), intervalMs: 3_600_000 });

    // Noon in Beijing, a week from now: everything is due, and it is not quiet hours.
    const noon = new Date(Date.now() + 7 * 86_400_000);
    noon.setUTCHours(4, 0, 0, 0);
    const sent = await dispatcher.tick(noon);
    dispatcher.stop();

    const outbox = await seasonOutbox(SEASON);
    const successor = state.successors[state.declined!.id]!;
    expect(outbox.find((m) => m.id.startsWith(`${successor}#offered#`))).toMatchObject({
      kind: 'reassigned',
      status: 'sent',
    });
    expect(outbox.filter((m) => m.kind === 'reminder').every((m) => m.status === 'cancelled')).toBe(true);
    expect(sent.map((m) => m.kind).sort()).not.toContain('reminder');
    expect(lines.some((l) => l.includes('改派'))).toBe(true);
    // Quiet hours: nothing was queued to go out between 22:00 and 07:00 Beijing time.
    for (const m of outbox) {
      const hour = new Date(new Date(m.notBefore).getTime() + 8 * 3600e3).getUTCHours();
      expect(hour >= 7 && hour < 22, m.id).toBe(true);
    }
  });
});
