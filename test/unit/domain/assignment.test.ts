import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AssignableNeed,
  type AssignableSociety,
  type AssignmentInput,
  assignSocieties,
  isCompetent,
  type VisitToStaff,
} from '#domain/assignment';
import { THEMES, type Theme, URGENCIES, URGENCY_WEIGHT, type Urgency } from '#schemas/index';

function society(id: string, themes: Theme[], fields: string[], capacityPerSeason = 1): AssignableSociety {
  return { id, themes, fields, capacityPerSeason };
}

function need(id: string, theme: Theme, field: string, urgency: Urgency = 'normal'): AssignableNeed {
  return { id, theme, field, urgency };
}

function visitTo(countyId: string, ...needs: AssignableNeed[]): VisitToStaff {
  return { countyId, townId: `${countyId}-town`, needs };
}

describe('the assignment objective, worked examples', () => {
  it('gives a need to a society competent in both its theme and its field', () => {
    const [visit] = assignSocieties({
      visits: [visitTo('c1', need('n1', 'industry', 'tea'))],
      societies: [
        society('a-theme-only', ['industry'], ['forest']),
        society('b-field-only', ['talent'], ['tea']),
        society('c-both', ['industry'], ['tea']),
      ],
    });

    expect(visit?.assignments).toEqual([{ societyId: 'c-both', needIds: ['n1'] }]);
    expect(visit?.unassignedNeedIds).toEqual([]);
  });

  it('leaves a need unassigned when no competent society has capacity', () => {
    const [visit] = assignSocieties({
      visits: [visitTo('c1', need('n1', 'industry', 'tea'), need('n2', 'literacy', 'kids'))],
      societies: [society('tea', ['industry'], ['tea'], 0), society('kids', ['literacy'], ['kids'])],
    });

    expect(visit?.assignments).toEqual([{ societyId: 'kids', needIds: ['n2'] }]);
    expect(visit?.unassignedNeedIds).toEqual(['n1']);
  });

  it('lets one society cover all its needs on a visit for one unit of capacity', () => {
    const [visit] = assignSocieties({
      visits: [
        visitTo(
          'c1',
          need('n1', 'industry', 'tea'),
          need('n2', 'talent', 'tea'),
          need('n3', 'industry', 'tea'),
        ),
      ],
      societies: [society('tea', ['industry', 'talent'], ['tea'], 1)],
    });

    expect(visit?.assignments).toEqual([{ societyId: 'tea', needIds: ['n1', 'n2', 'n3'] }]);
  });

  it('counts capacity already used this season', () => {
    const result = assignSocieties({
      visits: [visitTo('c1', need('n1', 'industry', 'tea')), visitTo('c2', need('n2', 'industry', 'tea'))],
      societies: [society('tea', ['industry'], ['tea'], 2)],
      capacityUsed: { tea: 1 },
    });

    expect(result.flatMap((visit) => visit.assignments)).toHaveLength(1);
  });

  it('covers the more urgent need when capacity runs short', () => {
    const result = assignSocieties({
      visits: [
        visitTo('c1', need('n1', 'industry', 'tea', 'low')),
        visitTo('c2', need('n2', 'industry', 'tea', 'high')),
      ],
      societies: [society('tea', ['industry'], ['tea'], 1)],
    });

    expect(result.map((visit) => visit.unassignedNeedIds)).toEqual([['n1'], []]);
  });

  it('escapes the greedy trap where the flexible society takes the only visit the narrow one could serve', () => {
    // Both can serve c1 (weight 3); only "a-flexible" can also serve c2 (weight 2). Greedy alone gives 3, the best is 5.
    const result = assignSocieties({
      visits: [
        visitTo('c1', need('n1', 'industry', 'tea', 'high')),
        visitTo('c2', need('n2', 'advice', 'tea')),
      ],
      societies: [
        society('a-flexible', ['industry', 'advice'], ['tea']),
        society('b-narrow', ['industry'], ['tea']),
      ],
    });

    expect(result.map((visit) => visit.assignments)).toEqual([
      [{ societyId: 'b-narrow', needIds: ['n1'] }],
      [{ societyId: 'a-flexible', needIds: ['n2'] }],
    ]);
  });

  it('uses one society for a visit rather than two when one can cover it all', () => {
    const [visit] = assignSocieties({
      visits: [visitTo('c1', need('n1', 'industry', 'tea'), need('n2', 'advice', 'tea'))],
      societies: [
        society('a-industry', ['industry'], ['tea']),
        society('b-advice', ['advice'], ['tea']),
        society('c-both', ['industry', 'advice'], ['tea']),
      ],
    });

    expect(visit?.assignments).toEqual([{ societyId: 'c-both', needIds: ['n1', 'n2'] }]);
  });

  it('spreads visits across equally able societies', () => {
    const result = assignSocieties(
      {
        visits: [visitTo('c1', need('n1', 'industry', 'tea')), visitTo('c2', need('n2', 'industry', 'tea'))],
        societies: [society('a', ['industry'], ['tea'], 2), society('b', ['industry'], ['tea'], 2)],
      },
      { balanceTimeLimit: 60 },
    );

    const societiesUsed = result.flatMap((visit) =>
      visit.assignments.map((assignment) => assignment.societyId),
    );
    expect(societiesUsed.sort()).toEqual(['a', 'b']);
  });

  it('prefers the society with less load from earlier in the season', () => {
    const [visit] = assignSocieties({
      visits: [visitTo('c1', need('n1', 'industry', 'tea'))],
      societies: [society('a-busy', ['industry'], ['tea'], 3), society('b-idle', ['industry'], ['tea'], 2)],
      capacityUsed: { 'a-busy': 1 },
    });

    expect(visit?.assignments).toEqual([{ societyId: 'b-idle', needIds: ['n1'] }]);
  });

  it('returns the visits in input order, also those with no needs', () => {
    const result = assignSocieties({
      visits: [visitTo('c2'), visitTo('c1', need('n1', 'industry', 'tea'))],
      societies: [society('tea', ['industry'], ['tea'])],
    });

    expect(result.map((visit) => visit.countyId)).toEqual(['c2', 'c1']);
    expect(result[0]).toEqual({ countyId: 'c2', townId: 'c2-town', assignments: [], unassignedNeedIds: [] });
  });
});

const FIELDS = ['tea', 'fruit', 'forest', 'water'] as const;

const societyArb = fc.record({
  themes: fc.uniqueArray(fc.constantFrom(...THEMES), { minLength: 1, maxLength: 3 }),
  fields: fc.uniqueArray(fc.constantFrom(...FIELDS), { minLength: 1, maxLength: 2 }),
  capacityPerSeason: fc.integer({ min: 0, max: 3 }),
});

const needArb = fc.record({
  theme: fc.constantFrom(...THEMES),
  field: fc.constantFrom(...FIELDS),
  urgency: fc.constantFrom(...URGENCIES),
});

const inputArb: fc.Arbitrary<AssignmentInput> = fc
  .record({
    societies: fc.array(societyArb, { maxLength: 6 }),
    visits: fc.array(fc.array(needArb, { maxLength: 6 }), { maxLength: 4 }),
    used: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 6, maxLength: 6 }),
  })
  .map(({ societies, visits, used }) => ({
    societies: societies.map((shape, s) => ({ id: `s${s}`, ...shape })),
    visits: visits.map((needs, v) => ({
      countyId: `c${v}`,
      townId: `t${v}`,
      needs: needs.map((shape, n) => ({ id: `n${v}-${n}`, ...shape })),
    })),
    capacityUsed: Object.fromEntries(societies.map((_, s) => [`s${s}`, used[s] ?? 0])),
  }));

describe('the assignment objective, properties on random data', () => {
  it('gives each society only needs it is competent for, on visits where they are', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const result = assignSocieties(input);
        result.forEach((visit, v) => {
          for (const assignment of visit.assignments) {
            const society = input.societies.find((candidate) => candidate.id === assignment.societyId)!;
            for (const needId of assignment.needIds) {
              const covered = input.visits[v]!.needs.find((candidate) => candidate.id === needId);
              expect(covered).toBeDefined();
              expect(isCompetent(society, covered!)).toBe(true);
            }
          }
        });
      }),
    );
  });

  it('never exceeds a society’s capacity left after what it already used', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const result = assignSocieties(input);
        for (const society of input.societies) {
          const visitsJoined = result.filter((visit) =>
            visit.assignments.some((assignment) => assignment.societyId === society.id),
          ).length;
          const capacityLeft = Math.max(
            0,
            society.capacityPerSeason - (input.capacityUsed?.[society.id] ?? 0),
          );
          expect(visitsJoined).toBeLessThanOrEqual(capacityLeft);
        }
      }),
    );
  });

  it('covers each need at most once and reports every other need as unassigned', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const result = assignSocieties(input);
        result.forEach((visit, v) => {
          const assigned = visit.assignments.flatMap((assignment) => assignment.needIds);
          const all = [...assigned, ...visit.unassignedNeedIds].sort();
          expect(all).toEqual(input.visits[v]!.needs.map((n) => n.id).sort());
          expect(new Set(all).size).toBe(all.length);
        });
      }),
    );
  });

  it('leaves a need unassigned only when every competent society is out of capacity', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const result = assignSocieties(input);
        const joined = (societyId: string) =>
          result.filter((visit) => visit.assignments.some((a) => a.societyId === societyId)).length;
        result.forEach((visit, v) => {
          for (const needId of visit.unassignedNeedIds) {
            const unassigned = input.visits[v]!.needs.find((n) => n.id === needId)!;
            for (const society of input.societies.filter((s) => isCompetent(s, unassigned))) {
              const capacityLeft = Math.max(
                0,
                society.capacityPerSeason - (input.capacityUsed?.[society.id] ?? 0),
              );
              expect(joined(society.id)).toBe(capacityLeft);
            }
          }
        });
      }),
    );
  });

  it('lists assignments by society id with sorted, non-empty need ids', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        for (const visit of assignSocieties(input)) {
          const ids = visit.assignments.map((assignment) => assignment.societyId);
          expect(ids).toEqual([...ids].sort());
          for (const assignment of visit.assignments) {
            expect(assignment.needIds.length).toBeGreaterThan(0);
            expect(assignment.needIds).toEqual([...assignment.needIds].sort());
          }
          expect(visit.unassignedNeedIds).toEqual([...visit.unassignedNeedIds].sort());
        }
      }),
    );
  });

  it('gives the same plan for the same input, whatever the order of the societies', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const first = assignSocieties(input);
        const again = assignSocieties(structuredClone(input));
        const reordered = assignSocieties({ ...input, societies: [...input.societies].reverse() });
        expect(again).toEqual(first);
        expect(reordered).toEqual(first);
      }),
    );
  });

  it('covers at least the weight of the best single society-visit pair', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const weightOf = (needs: readonly AssignableNeed[]) =>
          needs.reduce((sum, n) => sum + URGENCY_WEIGHT[n.urgency], 0);
        const result = assignSocieties(input);
        const covered = result.reduce((sum, visit, v) => {
          const unassigned = new Set(visit.unassignedNeedIds);
          return sum + weightOf(input.visits[v]!.needs.filter((n) => !unassigned.has(n.id)));
        }, 0);
        const bestPair = Math.max(
          0,
          ...input.societies
            .filter((s) => s.capacityPerSeason - (input.capacityUsed?.[s.id] ?? 0) > 0)
            .flatMap((s) =>
              input.visits.map((visit) => weightOf(visit.needs.filter((n) => isCompetent(s, n)))),
            ),
        );
        expect(covered).toBeGreaterThanOrEqual(bestPair);
      }),
    );
  });
});
