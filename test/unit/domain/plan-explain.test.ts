import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCompetent } from '#domain/assignment';
import { OverrideConflictError } from '#domain/override-conflict';
import { planRound } from '#domain/plan';
import { rankTowns } from '#domain/town-choice';
import {
  type DataSet,
  type Need,
  Plan,
  type Society,
  THEMES,
  type Theme,
  URGENCIES,
  type Urgency,
} from '#schemas/index';
import { county } from '#support/builders';
import { generateInstance, SIZES } from '#support/instances';

function need(
  id: string,
  countyId: string,
  townId: string,
  field: string,
  urgency: Urgency,
  theme: Theme = 'industry',
): Need {
  return { id, countyId, townId, theme, field, title: id, urgency, submittedAt: '2026-09-01T09:00:00+08:00' };
}

function society(
  id: string,
  fields: string[],
  capacityPerSeason: number,
  themes: Theme[] = ['industry'],
): Society {
  return { id, name: { zh: `${id}学会`, en: id }, themes, fields, capacityPerSeason };
}

/** tea (cap 1) and fruit (cap 1); c1 has a high tea need, c2 a normal tea need and a low fruit need. */
function teaAndFruit(): DataSet {
  return {
    counties: [county('c1', 'a', 'a2'), county('c2', 'b')],
    societies: [society('tea', ['tea'], 1), society('fruit', ['fruit'], 1)],
    needs: [
      need('n1', 'c1', 'a', 'tea', 'high'),
      need('n2', 'c2', 'b', 'tea', 'normal'),
      need('n3', 'c2', 'b', 'fruit', 'low'),
    ],
    visits: [],
  };
}

const societiesOn = (plan: Plan, countyId: string) =>
  plan.visits.find((visit) => visit.countyId === countyId)!.assignments.map((a) => a.societyId);

describe('planRound explains itself', () => {
  it('reports the objective next to its proven bound and the simple bound', () => {
    const plan = planRound('2026-Q4', teaAndFruit());

    expect(plan.explain?.objective).toMatchObject({ weight: 4, pairs: 2 });
    expect(plan.explain?.bound).toMatchObject({
      coverableWeight: 6,
      weight: 4,
      ratio: 1,
      optimal: { weight: true, pairs: true, balance: true },
      method: 'exact',
    });
  });

  it('lists each county’s top three towns with the rule-2 figures that ranked them', () => {
    const data: DataSet = {
      counties: [county('c1', 't1', 't2', 't3', 't4')],
      societies: [],
      needs: [need('n1', 'c1', 't2', 'tea', 'high'), need('n2', 'c1', 't3', 'tea', 'low')],
      visits: [{ season: '2026-Q2', countyId: 'c1', townId: 't3' }],
    };

    const [visit] = planRound('2026-Q4', data).explain!.visits;

    expect(visit?.towns).toEqual(
      rankTowns({
        season: '2026-Q4',
        towns: data.counties[0]!.towns,
        openNeeds: data.needs,
        history: data.visits,
      }).slice(0, 3),
    );
    expect(visit?.towns.map((town) => town.townId)).toEqual(['t2', 't3', 't1']);
    expect(visit?.towns[1]).toMatchObject({
      openNeedCount: 1,
      urgencyWeight: 1,
      visitedRecently: true,
      seasonsSinceLastVisit: 2,
    });
    expect(visit?.townLocked).toBe(false);
  });

  it('says why each society: the needs it is competent for, the alternatives, its capacity', () => {
    const data: DataSet = {
      counties: [county('c1', 'a')],
      societies: [society('tea', ['tea'], 2), society('tea-too', ['tea'], 1), society('fruit', ['fruit'], 1)],
      needs: [need('n1', 'c1', 'a', 'tea', 'high'), need('n2', 'c1', 'a', 'tea', 'low')],
      visits: [],
    };

    const [visit] = planRound('2026-Q4', data).explain!.visits;

    // Equal on (a) and (b); (c) prefers the society with more capacity (1/2 used, not 1/1).
    expect(visit?.assignments).toEqual([
      {
        societyId: 'tea',
        needIds: ['n1', 'n2'],
        competentNeedIds: ['n1', 'n2'],
        pinned: false,
        capacity: { perSeason: 2, usedBefore: 0, usedInPlan: 1, left: 1 },
        alternativeCount: 1,
        alternatives: [
          { societyId: 'tea-too', needIds: ['n1', 'n2'], capacityLeft: 1, onVisit: false, excluded: false },
        ],
      },
    ]);
  });

  it('gives each unassigned need its reason, naming the competent societies', () => {
    const data: DataSet = {
      counties: [county('c1', 'a'), county('c2', 'b')],
      societies: [society('tea', ['tea'], 1)],
      needs: [
        need('high-tea', 'c1', 'a', 'tea', 'high'),
        need('low-tea', 'c2', 'b', 'tea', 'low'),
        need('kids', 'c2', 'b', 'kids', 'high'),
      ],
      visits: [],
    };

    const plan = planRound('2026-Q4', data);

    expect(plan.explain!.visits[1]!.unassigned).toEqual([
      { needId: 'kids', reason: 'no-competent-society', competentSocieties: [] },
      {
        needId: 'low-tea',
        reason: 'competent-societies-full',
        competentSocieties: [{ societyId: 'tea', capacityLeft: 0, excluded: false }],
      },
    ]);
  });
});

describe('planRound with coordinator overrides', () => {
  it('pins a society to a visit and reports the weight it costs', () => {
    const plan = planRound('2026-Q4', teaAndFruit(), {
      overrides: { pins: [{ societyId: 'tea', countyId: 'c2' }] },
    });

    expect(societiesOn(plan, 'c2')).toEqual(['fruit', 'tea']);
    expect(societiesOn(plan, 'c1')).toEqual([]);
    expect(plan.explain?.visits[1]?.assignments.find((a) => a.societyId === 'tea')?.pinned).toBe(true);
    expect(plan.explain?.overrides).toEqual([
      {
        kind: 'pin',
        index: 0,
        societyId: 'tea',
        countyId: 'c2',
        weightLost: 1,
        // Without the pin the plan takes the high need instead of a normal one.
        needsLost: { high: 1, normal: -1, low: 0 },
        pairsAdded: 0,
        proven: true,
      },
    ]);
  });

  it('excludes a society from one visit, and reports the cost in weight and in pairs', () => {
    const plan = planRound('2026-Q4', teaAndFruit(), {
      overrides: { exclusions: [{ societyId: 'fruit', countyId: 'c2', note: 'busy' }] },
    });

    expect(societiesOn(plan, 'c2')).toEqual([]);
    expect(plan.explain?.visits[1]?.unassigned.find((u) => u.needId === 'n3')).toEqual({
      needId: 'n3',
      reason: 'excluded-by-override',
      competentSocieties: [{ societyId: 'fruit', capacityLeft: 1, excluded: true }],
    });
    expect(plan.explain?.overrides).toEqual([
      {
        kind: 'exclusion',
        index: 0,
        societyId: 'fruit',
        countyId: 'c2',
        note: 'busy',
        weightLost: 1,
        needsLost: { high: 0, normal: 0, low: 1 },
        pairsAdded: -1,
        proven: true,
      },
    ]);
  });

  it('excludes a society from the whole season', () => {
    const plan = planRound('2026-Q4', teaAndFruit(), { overrides: { exclusions: [{ societyId: 'tea' }] } });

    expect(plan.visits.flatMap((visit) => visit.assignments.map((a) => a.societyId))).toEqual(['fruit']);
    expect(plan.explain?.overrides[0]).toMatchObject({ kind: 'exclusion', weightLost: 3, pairsAdded: -1 });
  });

  it('locks a county’s town and stays optimal for the rest', () => {
    const plan = planRound('2026-Q4', teaAndFruit(), {
      overrides: { townLocks: [{ countyId: 'c1', townId: 'a2' }] },
    });

    expect(plan.visits[0]).toMatchObject({ countyId: 'c1', townId: 'a2', assignments: [] });
    // With c1's tea need out of reach, tea goes to c2: weight 2 + 1.
    expect(societiesOn(plan, 'c2')).toEqual(['fruit', 'tea']);
    expect(plan.explain?.visits[0]).toMatchObject({ townLocked: true });
    expect(plan.explain?.objective.weight).toBe(3);
    expect(plan.explain?.overrides).toEqual([
      {
        kind: 'town-lock',
        index: 0,
        countyId: 'c1',
        townId: 'a2',
        weightLost: 1,
        needsLost: { high: 1, normal: -1, low: 0 },
        pairsAdded: 0,
        proven: true,
      },
    ]);
  });

  it('refuses a pin the chosen town gives no work for', () => {
    expect(() =>
      planRound('2026-Q4', teaAndFruit(), { overrides: { pins: [{ societyId: 'fruit', countyId: 'c1' }] } }),
    ).toThrow(OverrideConflictError);
  });

  it('reports no cost for an override the others depend on', () => {
    // The pin of fruit to c1 is possible only because c1 is locked to a town with a fruit need.
    const data = teaAndFruit();
    data.needs.push(need('n4', 'c1', 'a2', 'fruit', 'low'));
    const plan = planRound('2026-Q4', data, {
      overrides: {
        pins: [{ societyId: 'fruit', countyId: 'c1' }],
        townLocks: [{ countyId: 'c1', townId: 'a2' }],
      },
    });

    expect(plan.explain?.overrides.find((o) => o.kind === 'town-lock')).toMatchObject({
      weightLost: null,
      pairsAdded: null,
      needsLost: null,
      proven: false,
    });
  });
});

const FIELDS = ['tea', 'fruit', 'forest'] as const;

const dataSetArb: fc.Arbitrary<DataSet> = fc
  .record({
    counties: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }),
    societies: fc.array(
      fc.record({
        themes: fc.uniqueArray(fc.constantFrom(...THEMES), { minLength: 1, maxLength: 3 }),
        fields: fc.uniqueArray(fc.constantFrom(...FIELDS), { minLength: 1, maxLength: 2 }),
        capacityPerSeason: fc.integer({ min: 0, max: 3 }),
      }),
      { maxLength: 5 },
    ),
    needs: fc.array(
      fc.record({
        c: fc.nat(3),
        t: fc.nat(2),
        theme: fc.constantFrom(...THEMES),
        field: fc.constantFrom(...FIELDS),
        urgency: fc.constantFrom(...URGENCIES),
      }),
      { maxLength: 14 },
    ),
    history: fc.array(
      fc.record({ c: fc.nat(3), t: fc.nat(2), season: fc.constantFrom('2025-Q4', '2026-Q2', '2024-Q1') }),
      {
        maxLength: 4,
      },
    ),
  })
  .map(({ counties, societies, needs, history }) => {
    const countyList = counties.map((towns, c) =>
      county(`c${c}`, ...Array.from({ length: towns }, (_, t) => `c${c}-t${t}`)),
    );
    const townOf = (c: number, t: number) => {
      const target = countyList[c % countyList.length]!;
      const town = target.towns[t % Math.max(1, target.towns.length)];
      return town === undefined ? undefined : { countyId: target.id, townId: town.id };
    };
    return {
      counties: countyList,
      societies: societies.map((shape, s) => ({
        id: `s${s}`,
        name: { zh: `学会${s}`, en: `s${s}` },
        ...shape,
      })),
      needs: needs.flatMap((shape, n) => {
        const place = townOf(shape.c, shape.t);
        return place === undefined
          ? []
          : [need(`n${n}`, place.countyId, place.townId, shape.field, shape.urgency, shape.theme)];
      }),
      visits: history.flatMap((entry) => {
        const place = townOf(entry.c, entry.t);
        return place === undefined ? [] : [{ season: entry.season, ...place }];
      }),
    };
  });

describe('planRound, properties on random data (docs/rules.md: one town per county to the assignment objective)', () => {
  it('satisfies one town per county, town choice, five questions and the assignment objective, and explains every need left unassigned', () => {
    fc.assert(
      fc.property(dataSetArb, (data) => {
        const plan = Plan.parse(planRound('2026-Q4', data));

        // One town per county (docs/rules.md): one visit per county with towns, in counties.json order.
        expect(plan.visits.map((v) => v.countyId)).toEqual(
          data.counties.filter((c) => c.towns.length > 0).map((c) => c.id),
        );
        const joined = new Map<string, number>();
        for (const visit of plan.visits) {
          const county = data.counties.find((c) => c.id === visit.countyId)!;
          const countyNeeds = data.needs.filter((n) => n.countyId === county.id);
          // Town choice (docs/rules.md): the town it ranks first.
          const ranking = rankTowns({
            season: '2026-Q4',
            towns: county.towns,
            openNeeds: countyNeeds,
            history: data.visits.filter((v) => v.countyId === county.id),
          });
          expect(visit.townId).toBe(ranking[0]!.townId);
          // Five questions (docs/rules.md): five questions, in theme order, listing exactly the town's needs.
          const townNeeds = countyNeeds.filter((n) => n.townId === visit.townId);
          expect(visit.questions.map((q) => q.theme)).toEqual([...THEMES]);
          for (const question of visit.questions) {
            expect([...question.needIds].sort()).toEqual(
              townNeeds
                .filter((n) => n.theme === question.theme)
                .map((n) => n.id)
                .sort(),
            );
          }
          // The assignment objective (docs/rules.md): competence, each need once, every other need unassigned.
          const covered = visit.assignments.flatMap((a) => a.needIds);
          expect([...covered, ...visit.unassignedNeedIds].sort()).toEqual(townNeeds.map((n) => n.id).sort());
          expect(new Set(covered).size).toBe(covered.length);
          for (const assignment of visit.assignments) {
            const society = data.societies.find((s) => s.id === assignment.societyId)!;
            expect(assignment.needIds.length).toBeGreaterThan(0);
            for (const id of assignment.needIds)
              expect(isCompetent(society, townNeeds.find((n) => n.id === id)!)).toBe(true);
            joined.set(society.id, (joined.get(society.id) ?? 0) + 1);
          }
        }
        // The assignment objective (docs/rules.md): capacity.
        for (const society of data.societies)
          expect(joined.get(society.id) ?? 0).toBeLessThanOrEqual(society.capacityPerSeason);
        // Every unassigned need: nobody competent, or every competent society full.
        plan.explain!.visits.forEach((visit, v) => {
          expect(visit.unassigned.map((u) => u.needId)).toEqual(plan.visits[v]!.unassignedNeedIds);
          for (const unassigned of visit.unassigned) {
            const theNeed = data.needs.find((n) => n.id === unassigned.needId)!;
            const competent = data.societies.filter((s) => isCompetent(s, theNeed));
            expect(unassigned.reason).toBe(
              competent.length === 0 ? 'no-competent-society' : 'competent-societies-full',
            );
            for (const s of competent) expect(joined.get(s.id) ?? 0).toBe(s.capacityPerSeason);
          }
        });
        expect(plan.explain!.bound.optimal.weight).toBe(true);
        expect(plan.explain!.objective.weight).toBe(plan.explain!.bound.weight);
      }),
      { numRuns: 80 },
    );
  });

  it('gives the same plan and explanation for the same data in any order', () => {
    fc.assert(
      fc.property(dataSetArb, (data) => {
        const reversed: DataSet = {
          counties: [...data.counties].reverse().map((c) => ({ ...c, towns: [...c.towns].reverse() })),
          societies: [...data.societies].reverse(),
          needs: [...data.needs].reverse(),
          visits: [...data.visits].reverse(),
        };
        const byCounty = <T extends { countyId: string }>(items: readonly T[]) =>
          [...items].sort((a, b) => (a.countyId < b.countyId ? -1 : 1));

        const first = planRound('2026-Q4', data);
        const again = planRound('2026-Q4', structuredClone(data));
        const other = planRound('2026-Q4', reversed);

        expect(again).toEqual(first);
        expect(byCounty(other.visits)).toEqual(byCounty(first.visits));
        expect(byCounty(other.explain!.visits)).toEqual(byCounty(first.explain!.visits));
        expect(other.explain!.objective).toEqual(first.explain!.objective);
      }),
      { numRuns: 40 },
    );
  });
});

describe('planRound at province size', () => {
  it('proves the plan optimal on (a) and (b) in well under five seconds', () => {
    const data = generateInstance(SIZES.province, 7);

    const started = performance.now();
    const plan = planRound('2026-Q4', data);
    const seconds = (performance.now() - started) / 1000;

    expect(plan.visits).toHaveLength(26);
    expect(plan.explain?.bound.optimal).toMatchObject({ weight: true, pairs: true });
    expect(plan.explain?.bound.method).toBe('exact');
    expect(seconds).toBeLessThan(5);
  });
});
