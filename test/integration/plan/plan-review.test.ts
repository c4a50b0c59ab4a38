/**
 * The coordinator's word (docs/rules.md) over HTTP on the embedded runtime (DynamoDB Local + the
 * synthesized state machine): the round waits in AwaitPlanApproval; overrides re-plan (pins on,
 * exclusions off, the locked town chosen) optimally under them — checked against a brute force on
 * this small instance; approval sends exactly the approved plan's offers; overrides or approval
 * after approval are 409; a need declined three times is placed by hand, accepted and counted;
 * racing placements never exceed a society's capacity.
 */
import { describe, expect, it } from 'vitest';
import type { DataSet, Society } from '#schemas/index';
import { embeddedApi } from '#support/embedded-api';
import { BAMBOO_SOCIETY, REVIEW_COUNTIES } from '#support/review-catalog';
import { until } from '#support/until';

// This file drives the review itself: the round waits for the coordinator (vitest.config sets AUTO_APPROVE=1).
process.env.AUTO_APPROVE = '0';
const SEASON = '2026-Q4';
const AT = '2026-10-02T02:00:00.000Z';
const tea = (id: string, capacityPerSeason: number): Society => ({
  id,
  name: { zh: `茶叶学会${id.slice(-1)}`, en: `Tea society ${id.slice(-1)}` },
  themes: ['talent', 'advice', 'grassroots'],
  fields: ['tea'],
  capacityPerSeason,
});
const DATA: DataSet = {
  counties: REVIEW_COUNTIES,
  societies: [
    tea('tea-1', 2),
    tea('tea-2', 2),
    tea('tea-3', 2),
    tea('tea-4', 2),
    BAMBOO_SOCIETY,
    {
      id: 'health',
      name: { zh: '卫生学会', en: 'Health society' },
      themes: ['literacy'],
      fields: ['health'],
      capacityPerSeason: 1,
    },
    // Competent for no need here: the plan never uses it, a placement by hand may.
    {
      id: 'forest',
      name: { zh: '林学会', en: 'Forestry society' },
      themes: ['industry'],
      fields: ['forest'],
      capacityPerSeason: 2,
    },
  ],
  needs: [
    ['n-a1-1', 'aaa', 'a1', 'talent', 'tea', 'high'],
    ['n-a1-2', 'aaa', 'a1', 'industry', 'bamboo', 'normal'],
    ['n-a1-3', 'aaa', 'a1', 'literacy', 'health', 'low'],
    ['n-a1-4', 'aaa', 'a1', 'grassroots', 'tea', 'normal'],
    ['n-a2-1', 'aaa', 'a2', 'advice', 'tea', 'normal'],
    ['n-b1-1', 'bbb', 'b1', 'industry', 'bamboo', 'high'],
    ['n-b1-2', 'bbb', 'b1', 'grassroots', 'tea', 'high'],
    ['n-b2-1', 'bbb', 'b2', 'talent', 'tea', 'normal'],
    ['n-b2-2', 'bbb', 'b2', 'industry', 'bamboo', 'low'],
  ].map(([id, countyId, townId, theme, field, urgency]) => ({
    id: id as string,
    countyId: countyId as string,
    townId: townId as string,
    theme: theme as 'talent',
    field: field as string,
    title: `需求 ${id}`,
    urgency: urgency as 'high',
    submittedAt: AT,
  })),
  visits: [],
};
const WEIGHT = { high: 3, normal: 2, low: 1 } as const;

/** Pin 茶叶学会2 to 甲县 (the objective would not add it), exclude 竹业学会, lock 乙县 to 乙二镇 (town choice picks 乙一镇). */
const OVERRIDES = {
  pins: [{ societyId: 'tea-2', countyId: 'aaa', note: '县里点名' }],
  exclusions: [{ societyId: 'bamboo' }],
  townLocks: [{ countyId: 'bbb', townId: 'b2' }],
};

const api = embeddedApi(DATA, 'plan-review-');
const token = api.token;
const coordinator = () => token({ role: 'coordinator', sub: 'coordinator-wang' });
const team = (society: string) => token({ role: 'team', society, sub: `lead-of-${society}` });

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies of the API
type Json = any;
async function call(method: string, path: string, bearer: string, body?: unknown) {
  const res = await fetch(`${api.server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${bearer}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Json) : undefined };
}

const offersNow = async () => (await api.store.seasonItems(SEASON)).offers;

/**
 * The assignment objective (docs/rules.md) by brute force on the chosen towns under the overrides: every way each society may join
 * each visit (within capacity, pins in, exclusions out); best = (a) most weight, (b) fewest pairs.
 */
function bruteForce(visits: { countyId: string; needIds: string[] }[]) {
  const societies = DATA.societies;
  const need = new Map(DATA.needs.map((n) => [n.id, n]));
  const cells = societies.flatMap((s) => visits.map((v) => ({ s, v })));
  let best = { weight: -1, pairs: Number.POSITIVE_INFINITY };
  for (let mask = 0; mask < 1 << cells.length; mask++) {
    const joined = cells.filter((_, i) => mask & (1 << i));
    if (societies.some((s) => joined.filter((c) => c.s === s).length > s.capacityPerSeason)) continue;
    const has = (s: string, county: string) => joined.some((c) => c.s.id === s && c.v.countyId === county);
    if (OVERRIDES.pins.some((p) => !has(p.societyId, p.countyId))) continue;
    if (OVERRIDES.exclusions.some((e) => joined.some((c) => c.s.id === e.societyId))) continue;
    let weight = 0;
    for (const v of visits) {
      for (const id of v.needIds) {
        const n = need.get(id)!;
        const covered = joined.some(
          (c) => c.v === v && c.s.themes.includes(n.theme) && c.s.fields.includes(n.field),
        );
        if (covered) weight += WEIGHT[n.urgency];
      }
    }
    if (weight > best.weight || (weight === best.weight && joined.length < best.pairs))
      best = { weight, pairs: joined.length };
  }
  return best;
}

describe('the plan review gate over HTTP', () => {
  const state: { plan?: Json } = {};

  it('waits in AwaitPlanApproval after planning: GET plan says awaiting-approval, the coordinator is told', async () => {
    const started = await call('POST', '/rounds', await coordinator(), { season: SEASON });
    expect(started.status).toBe(202);

    const round = await until('the plan review', async () => {
      const r = await api.store.getRound(SEASON);
      return r?.approvalToken ? r : undefined;
    });
    expect(round.status).toBe('awaiting-approval');
    const plan = await call('GET', `/seasons/${SEASON}/plan`, await coordinator());
    expect(plan.status).toBe(200);
    expect(plan.json.status).toBe('awaiting-approval');
    expect(plan.json.approval.deadline).toBeDefined();
    // Town choice (docs/rules.md) without overrides: 乙县 goes to 乙一镇 (the higher urgency).
    expect(plan.json.visits.find((v: Json) => v.countyId === 'bbb').townId).toBe('b1');
    expect(plan.json.labels.societies['tea-1']).toEqual({ zh: '茶叶学会1', en: 'Tea society 1' });
    expect(plan.json.visits[0].explain.towns.length).toBeGreaterThan(0);
    // Nothing was sent: no offer holds a task token.
    expect((await offersNow()).every((o) => !o.taskToken)).toBe(true);
    const notice = (await api.store.seasonOutbox(SEASON)).find((m) => m.id === `plan-ready#${SEASON}`);
    expect(notice?.audience).toBe('coordinator');
    expect(notice?.body).toContain('本季计划已生成');
  });

  it('hides the waiting plan from teams: its assignments read proposed, no team lists one, an answer is 409 naming the town', async () => {
    const plan = await call('GET', `/seasons/${SEASON}/plan`, await coordinator());
    const assignments = plan.json.visits.flatMap((v: Json) =>
      v.assignments.map((a: Json) => ({ ...a, countyId: v.countyId, townId: v.townId, visitId: v.id })),
    );
    expect(assignments.length).toBeGreaterThan(2);
    expect(assignments.map((a: Json) => a.status)).toEqual(assignments.map(() => 'proposed'));
    const liaisonPlan = await call(
      'GET',
      `/seasons/${SEASON}/plan`,
      await token({ role: 'liaison', county: 'aaa', sub: 'liaison-aaa' }),
    );
    for (const v of liaisonPlan.json.visits) for (const a of v.assignments) expect(a.status).toBe('proposed');

    for (const a of assignments) {
      const mine = await call('GET', '/assignments', await team(a.societyId));
      expect(mine.status).toBe(200);
      expect([...mine.json.offers, ...mine.json.visits, ...mine.json.earlier]).toEqual([]);
      expect((await call('GET', `/visits/${a.visitId}`, await team(a.societyId))).status).toBe(403);
    }

    // 竹业学会 answers an offer that was never sent (and is excluded below): refused, nothing recorded.
    const bamboo = assignments.find((a: Json) => a.societyId === 'bamboo');
    const accept = await call('POST', `/assignments/${bamboo.id}/accept`, await team('bamboo'), {});
    expect(accept.status).toBe(409);
    const county = REVIEW_COUNTIES.find((c) => c.id === bamboo.countyId)!;
    const town = county.towns.find((t) => t.id === bamboo.townId)!;
    expect(accept.json.error.message).toContain(`${county.name.zh}${town.name.zh}`);
    expect(accept.json.error.message).toMatch(/尚未发出.* \/ .*not been sent/);
    expect(accept.json.error.message).not.toContain(bamboo.id);
    const decline = await call('POST', `/assignments/${bamboo.id}/decline`, await team('bamboo'), {
      reason: '人手不足',
    });
    expect(decline.status).toBe(409);
    const stored = (await offersNow()).find((o) => o.id === bamboo.id);
    expect(stored?.decision).toBeUndefined();
    expect(stored?.answeredAt).toBeUndefined();
  });

  it('a re-run of the season while it waits does not plan twice: it goes straight to the review', async () => {
    const entered: string[] = [];
    const before = await api.store.getRound(SEASON);
    api.runner.start(
      { season: SEASON },
      { name: `${SEASON}-rerun`, onEvent: (e) => e.type === 'StateEntered' && entered.push(e.state.name) },
    );
    await until('the re-run at the review', async () => entered.includes('AwaitPlanApproval'));
    expect(entered).not.toContain('ChooseTownPerCounty');
    expect(entered).not.toContain('PersistPlan');
    const after = await until('the re-run’s token', async () => {
      const r = await api.store.getRound(SEASON);
      return r?.approvalToken !== before?.approvalToken ? r : undefined;
    });
    expect(after.plannedAt).toBe(before?.plannedAt);
  });

  it('re-plans under the overrides: pinned on, excluded off, the locked town chosen, optimal, each override costed', async () => {
    const res = await call('PUT', `/seasons/${SEASON}/overrides`, await coordinator(), OVERRIDES);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    const plan = res.json.plan;
    state.plan = plan;
    const visit = (county: string) => plan.visits.find((v: Json) => v.countyId === county);
    expect(plan.status).toBe('awaiting-approval');
    expect(visit('bbb').townId).toBe('b2');
    expect(visit('aaa').assignments.map((a: Json) => a.societyId)).toContain('tea-2');
    const everyone = plan.visits.flatMap((v: Json) => v.assignments.map((a: Json) => a.societyId));
    expect(everyone).not.toContain('bamboo');
    expect(visit('aaa').unassignedNeedIds).toEqual(expect.arrayContaining(['n-a1-2']));

    const best = bruteForce(
      plan.visits.map((v: Json) => ({
        countyId: v.countyId,
        needIds: v.questions.flatMap((q: Json) => q.needIds),
      })),
    );
    const covered = plan.visits.flatMap((v: Json) => v.assignments.flatMap((a: Json) => a.needIds));
    const weight = covered.reduce(
      (sum: number, id: string) => sum + WEIGHT[DATA.needs.find((n) => n.id === id)!.urgency],
      0,
    );
    expect({ weight, pairs: everyone.length }).toEqual(best);
    expect(res.json.explain.objective).toMatchObject(best);

    // What each override costs: the plan without it minus the plan with it.
    expect(res.json.costs.map((c: Json) => c.kind)).toEqual(['pin', 'exclusion', 'town-lock']);
    const [pin, exclusion, lock] = res.json.costs;
    expect(pin).toMatchObject({ societyId: 'tea-2', weightLost: 0 });
    // 竹业学会 (capacity 1) would cover 甲县's bamboo need (normal, 2).
    expect(exclusion).toMatchObject({ societyId: 'bamboo', weightLost: 2 });
    // 乙一镇's needs weigh 6 and would be covered (tea 3 and bamboo 3); 乙二镇's covered weigh 2.
    expect(lock).toMatchObject({ countyId: 'bbb', townId: 'b2' });
    expect(lock.weightLost).toBeGreaterThan(0);

    // The stored plan is the re-plan: GET answers the same, with the overrides and costs.
    const again = await call('GET', `/seasons/${SEASON}/plan`, await coordinator());
    expect(again.json.visits.map((v: Json) => [v.countyId, v.townId, v.assignments])).toEqual(
      plan.visits.map((v: Json) => [v.countyId, v.townId, v.assignments]),
    );
    expect(again.json.overrides.townLocks).toEqual(OVERRIDES.townLocks);
    expect(again.json.costs).toHaveLength(3);
    // Capacity follows the stored offers exactly.
    const { capacityUsed } = await api.store.seasonItems(SEASON);
    const count = (s: string) => everyone.filter((x: string) => x === s).length;
    for (const s of DATA.societies) expect(capacityUsed[s.id] ?? 0, s.id).toBe(count(s.id));
  });

  it('refuses overrides naming what the catalog does not have: 400 naming each field, nothing changed', async () => {
    const res = await call('PUT', `/seasons/${SEASON}/overrides`, await coordinator(), {
      pins: [{ societyId: 'no-such', countyId: 'aaa' }],
      townLocks: [{ countyId: 'bbb', townId: 'a1' }],
    });
    expect(res.status).toBe(400);
    expect(res.json.error.fields.map((f: Json) => f.path)).toEqual([
      'body.pins[0].societyId',
      'body.townLocks[0].townId',
    ]);
    expect(res.json.error.fields[0].zh).toContain('没有学会');
    const plan = await call('GET', `/seasons/${SEASON}/plan`, await coordinator());
    expect(plan.json.visits.find((v: Json) => v.countyId === 'bbb').townId).toBe('b2');
  });

  // Found after the fault-injection harness's hand-placement crash, the same shape: an approval whose
  // request died after its first write left the plan approved without its audit entry, and the
  // coordinator's retry (409, approved already) never woke the waiting round.
  it('approval sends exactly the approved plan’s offers, though its first request died after writing; overrides or approval after it are 409', async () => {
    const { documents } = await import('#commons/clients');
    const { currentCaller } = await import('#local/aws-rules/identity');
    let died = false;
    const dieAfterFirstWrite =
      (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
      async (args: unknown) => {
        const result = await next(args);
        const caller = currentCaller();
        const isWrite = /^(Put|Update|TransactWrite)/.test(context.commandName ?? '');
        if (!died && isWrite && caller?.kind === 'function' && caller.functionId === 'ApproveSeasonPlan') {
          died = true;
          throw new Error('the approval request died here');
        }
        return result;
      };
    (documents().middlewareStack.add as (...args: unknown[]) => void)(dieAfterFirstWrite, {
      step: 'initialize',
      name: 'approvalDies',
    });
    try {
      expect((await call('POST', `/seasons/${SEASON}/plan/approve`, await coordinator())).status).toBe(500);
    } finally {
      documents().middlewareStack.remove('approvalDies');
    }
    expect(died).toBe(true);
    const retry = await call('POST', `/seasons/${SEASON}/plan/approve`, await coordinator());
    expect(retry.status).toBe(409);
    const res = await call('GET', `/seasons/${SEASON}/plan`, await coordinator());
    expect(res.json.approval.approvedBy).toBe('coordinator-wang');

    const approved = state.plan.visits.flatMap((v: Json) =>
      v.assignments.map((a: Json) => ({ id: a.id, needIds: a.needIds })),
    );
    const sent = await until('every offer sent', async () => {
      // Offers the re-plan withdrew stay in the table, never sent.
      const offers = (await offersNow()).filter((o) => o.status !== 'withdrawn');
      return offers.every((o) => o.taskToken) ? offers : undefined;
    });
    expect(
      sent.map((o) => ({ id: o.id, needIds: o.needIds })).sort((a, b) => a.id.localeCompare(b.id)),
    ).toEqual(approved.sort((a: Json, b: Json) => a.id.localeCompare(b.id)));
    const log = await api.store.roundLog(SEASON);
    expect(log.find((e) => e.kind === 'plan-approved')?.by).toBe('coordinator-wang');

    // Sent, they read offered and each team lists its own.
    const after = await call('GET', `/seasons/${SEASON}/plan`, await coordinator());
    for (const v of after.json.visits) for (const a of v.assignments) expect(a.status).not.toBe('proposed');
    const first = sent[0]!;
    const listed = await call('GET', '/assignments', await team(first.societyId));
    expect(listed.json.offers.map((o: Json) => o.id)).toContain(first.id);

    const late = await call('PUT', `/seasons/${SEASON}/overrides`, await coordinator(), OVERRIDES);
    expect(late.status).toBe(409);
    expect(late.json.error.message).toMatch(/已批准.* \/ .*approved already/);
    expect((await call('POST', `/seasons/${SEASON}/plan/approve`, await coordinator())).status).toBe(409);
  });

  it('places a need declined three times by hand: an offer like any other, accepted and counted', async () => {
    const onB = (await offersNow()).find(
      (o) => o.countyId === 'bbb' && o.status === 'offered' && o.needIds.includes('n-b2-1'),
    )!;
    let current = onB;
    for (let i = 0; i < 3; i++) {
      const declined = await call(
        'POST',
        `/assignments/${current.id}/decline`,
        await team(current.societyId),
        {
          reason: '人手不足',
        },
      );
      expect(declined.status).toBe(200);
      if (i < 2) {
        const from = current.id;
        current = await until('the next society', async () =>
          (await offersNow()).find((o) => o.replaces === from && o.taskToken),
        );
      }
    }
    const unassigned = await until('the need listed as declined three times', async () => {
      const res = await call('GET', `/seasons/${SEASON}/unassigned`, await coordinator());
      return res.json.items.find((i: Json) => i.needId === 'n-b2-1' && i.cause === 'declined-three-times');
    });
    expect(unassigned.refusals).toBe(3);
    const tried = (await offersNow()).filter((o) => o.countyId === 'bbb').map((o) => o.societyId);
    // tea societies never asked on 乙县, most capacity left first
    const left = DATA.societies.filter((s) => s.fields.includes('tea') && !tried.includes(s.id));
    const competent = unassigned.candidates.filter((c: Json) => c.competent);
    expect(competent.map((c: Json) => c.societyId)).toEqual(left.map((s) => s.id));
    // Every other society with capacity left is offered too, after the competent ones, marked with its fields.
    const others = unassigned.candidates.slice(competent.length);
    expect(others.length).toBeGreaterThan(0);
    for (const other of others) expect(other).toMatchObject({ competent: false, fields: expect.any(Array) });
    expect(others.map((c: Json) => c.societyId)).toContain('bamboo');
    // The tried ones are named with why they cannot take it: on this visit already.
    expect(unassigned.blocked.map((b: Json) => [b.societyId, b.why])).toEqual(
      expect.arrayContaining(tried.filter((id) => id.startsWith('tea')).map((id) => [id, 'on-visit'])),
    );
    const societyId = unassigned.candidates[0].societyId;

    const wrong = await call('POST', `/seasons/${SEASON}/needs/n-b2-1/assign`, await coordinator(), {
      societyId: 'no-such-society',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.json.error.fields[0].path).toBe('body.societyId');

    const placed = await call('POST', `/seasons/${SEASON}/needs/n-b2-1/assign`, await coordinator(), {
      societyId,
    });
    expect(placed.status).toBe(201);
    const offer = await until('the placed offer sent', async () =>
      (await offersNow()).find((o) => o.id === placed.json.offerId && o.taskToken),
    );
    expect(offer).toMatchObject({ needIds: ['n-b2-1'], attempt: 1, placedBy: 'coordinator-wang' });
    expect(offer.deadline).toBeDefined();
    const again = await call('POST', `/seasons/${SEASON}/needs/n-b2-1/assign`, await coordinator(), {
      societyId: tried.find((id) => id.startsWith('tea') && id !== societyId),
    });
    expect(again.status).toBe(409);
    expect(again.json.error.message).toContain('已有学会对接');

    const accepted = await call('POST', `/assignments/${offer.id}/accept`, await team(societyId));
    expect(accepted.status).toBe(200);
    await until('the acceptance recorded', async () =>
      (await offersNow()).find((o) => o.id === offer.id && o.status === 'accepted'),
    );
    const report = await call('GET', `/seasons/${SEASON}/report`, await coordinator());
    const b = report.json.counties.find((c: Json) => c.countyId === 'bbb');
    // 乙二镇: the tea need placed by hand is assigned; the bamboo one (excluded society) is not.
    expect(b).toMatchObject({ onVisit: 2, assigned: 1, unassigned: 1 });
  });

  it('appends every change of the review to the audit log: overrides, approval, hand placement', async () => {
    const res = await call('GET', '/audit', await coordinator());
    expect(res.status).toBe(200);
    const actions = res.json.items.map((e: Json) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['overrides.update', 'plan.approve', 'need.assign']));
    const approvals = res.json.items.filter((e: Json) => e.action === 'plan.approve');
    expect(approvals).toHaveLength(1);
    expect(approvals[0]).toMatchObject({
      by: { id: 'coordinator-wang' },
      target: { kind: 'season', id: SEASON },
    });
  });

  it('says a need left out by an exclusion is excluded, not that its societies are full', async () => {
    // 甲县's bamboo need: 竹业学会 (capacity 1, unused) is excluded from the season; the API called it all-full.
    const res = await call('GET', `/seasons/${SEASON}/unassigned`, await coordinator());
    expect(res.status).toBe(200);
    const item = res.json.items.find((i: Json) => i.needId === 'n-a1-2');
    expect(item).toMatchObject({ cause: 'excluded-by-override' });
    expect(item.candidates[0]).toMatchObject({
      societyId: 'bamboo',
      capacityLeft: 1,
      excluded: true,
      competent: true,
    });
    expect(item.candidates.slice(1).every((c: Json) => c.competent === false)).toBe(true);
  });

  it('racing placements on one society never exceed its capacity', async () => {
    // 竹业学会 has capacity 1; its two needs (甲县, 乙县) are unassigned (it was excluded from the plan).
    const [first, second] = await Promise.all(
      ['n-a1-2', 'n-b2-2'].map(async (needId) =>
        call('POST', `/seasons/${SEASON}/needs/${needId}/assign`, await coordinator(), {
          societyId: 'bamboo',
        }),
      ),
    );
    expect([first!.status, second!.status].sort()).toEqual([201, 409]);
    const refused = first!.status === 409 ? first! : second!;
    expect(refused.json.error.message).toContain('已无余力');
    const { capacityUsed, offers } = await api.store.seasonItems(SEASON);
    expect(capacityUsed.bamboo).toBe(1);
    expect(offers.filter((o) => o.societyId === 'bamboo' && o.status === 'offered')).toHaveLength(1);
  });

  it('places a need on a society outside its fields when the coordinator chooses so, and says so in the log', async () => {
    // The bamboo need the race left without 竹业学会: no tea society works on bamboo, but one with
    // capacity left may still go.
    const res = await call('GET', `/seasons/${SEASON}/unassigned`, await coordinator());
    const item = res.json.items.find((i: Json) => ['n-a1-2', 'n-b2-2'].includes(i.needId));
    expect(item.candidates.every((c: Json) => !c.competent)).toBe(true);
    const other = item.candidates.find((c: Json) => c.societyId === 'forest');
    expect(other).toMatchObject({ competent: false, fields: ['forest'] });
    const placed = await call('POST', `/seasons/${SEASON}/needs/${item.needId}/assign`, await coordinator(), {
      societyId: other.societyId,
    });
    expect(placed.status).toBe(201);
    const audit = await call('GET', '/audit', await coordinator());
    const entry = audit.json.items.find(
      (e: Json) => e.action === 'need.assign' && e.target.id === item.needId,
    );
    expect(entry.after).toMatchObject({ societyId: other.societyId, competent: false });
  });
});
