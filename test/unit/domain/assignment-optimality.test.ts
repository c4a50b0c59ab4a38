import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AssignableNeed,
  type AssignableSociety,
  type AssignmentInput,
  assignSocieties,
  isCompetent,
  solveAssignment,
} from '#domain/assignment';
import { solveLarge } from '#domain/assignment-large';
import { buildModel, components } from '#domain/assignment-model';
import { OverrideConflictError } from '#domain/override-conflict';
import { THEMES, type Theme, URGENCIES, URGENCY_WEIGHT } from '#schemas/index';

/** Every feasible set of society-visit pairs, scored (a) weight, (b) pairs, (c) load squares. */
function bruteForce(input: AssignmentInput) {
  const used = input.capacityUsed ?? {};
  const excluded = (societyId: string, countyId: string) =>
    (input.exclusions ?? []).some(
      (e) => e.societyId === societyId && (e.countyId === undefined || e.countyId === countyId),
    );
  const pairs: { s: AssignableSociety; v: number }[] = [];
  for (const s of input.societies) {
    if (s.capacityPerSeason - (used[s.id] ?? 0) <= 0) continue;
    input.visits.forEach((visit, v) => {
      if (excluded(s.id, visit.countyId)) return;
      if (visit.needs.some((need) => isCompetent(s, need))) pairs.push({ s, v });
    });
  }
  const pinned = pairs.map((pair) =>
    (input.pins ?? []).some(
      (pin) => pin.societyId === pair.s.id && pin.countyId === input.visits[pair.v]!.countyId,
    ),
  );
  let best: { weight: number; pairs: number; squares: number } | undefined;
  for (let mask = 0; mask < 1 << pairs.length; mask += 1) {
    const chosen = pairs.filter((_, i) => mask & (1 << i));
    if (pinned.some((isPinned, i) => isPinned && !(mask & (1 << i)))) continue;
    const count = new Map<string, number>();
    for (const { s } of chosen) count.set(s.id, (count.get(s.id) ?? 0) + 1);
    if (
      input.societies.some(
        (s) => (count.get(s.id) ?? 0) > Math.max(0, s.capacityPerSeason - (used[s.id] ?? 0)),
      )
    )
      continue;
    let weight = 0;
    input.visits.forEach((visit, v) => {
      for (const need of visit.needs) {
        if (chosen.some((pair) => pair.v === v && isCompetent(pair.s, need)))
          weight += URGENCY_WEIGHT[need.urgency];
      }
    });
    const squares = input.societies.reduce(
      (sum, s) =>
        s.capacityPerSeason === 0
          ? sum
          : sum + (((used[s.id] ?? 0) + (count.get(s.id) ?? 0)) / s.capacityPerSeason) ** 2,
      0,
    );
    const score = { weight, pairs: chosen.length, squares };
    if (
      best === undefined ||
      score.weight > best.weight ||
      (score.weight === best.weight &&
        (score.pairs < best.pairs || (score.pairs === best.pairs && score.squares < best.squares - 1e-9)))
    ) {
      best = score;
    }
  }
  return best;
}

const FIELDS = ['tea', 'fruit', 'forest'] as const;
const SMALL_THEMES: Theme[] = ['talent', 'industry', 'advice'];

const tinyInput: fc.Arbitrary<AssignmentInput> = fc
  .record({
    societies: fc.array(
      fc.record({
        themes: fc.uniqueArray(fc.constantFrom(...SMALL_THEMES), { minLength: 1, maxLength: 3 }),
        fields: fc.uniqueArray(fc.constantFrom(...FIELDS), { minLength: 1, maxLength: 2 }),
        capacityPerSeason: fc.integer({ min: 0, max: 3 }),
        used: fc.integer({ min: 0, max: 1 }),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    visits: fc.array(
      fc.array(
        fc.record({
          theme: fc.constantFrom(...SMALL_THEMES),
          field: fc.constantFrom(...FIELDS),
          urgency: fc.constantFrom(...URGENCIES),
        }),
        { maxLength: 4 },
      ),
      { minLength: 1, maxLength: 3 },
    ),
    overrides: fc.array(
      fc.record({ s: fc.nat(3), v: fc.nat(2), kind: fc.constantFrom('pin', 'exclude', 'none') }),
      {
        maxLength: 2,
      },
    ),
    seasonExclusion: fc.option(fc.nat(3), { nil: undefined }),
  })
  .map(({ societies, visits, overrides, seasonExclusion }) => {
    const input: AssignmentInput = {
      societies: societies.map(({ used: _, ...shape }, s) => ({ id: `s${s}`, ...shape })),
      visits: visits.map((needs, v) => ({
        countyId: `c${v}`,
        townId: `t${v}`,
        needs: needs.map((shape, n) => ({ id: `n${v}-${n}`, ...shape })),
      })),
      capacityUsed: Object.fromEntries(societies.map((shape, s) => [`s${s}`, shape.used])),
      pins: [],
      exclusions: [],
    };
    const usable = (s: number, v: number) => {
      const society = input.societies[s];
      const visit = input.visits[v];
      if (society === undefined || visit === undefined) return false;
      return visit.needs.some((need) => isCompetent(society, need));
    };
    const pinCount = new Map<number, number>();
    for (const { s, v, kind } of overrides) {
      const society = input.societies[s];
      const visit = input.visits[v];
      if (society === undefined || visit === undefined) continue;
      const taken =
        (input.pins ?? []).some((p) => p.societyId === society.id && p.countyId === visit.countyId) ||
        (input.exclusions ?? []).some((e) => e.societyId === society.id && e.countyId === visit.countyId);
      const left =
        society.capacityPerSeason - (input.capacityUsed?.[society.id] ?? 0) - (pinCount.get(s) ?? 0);
      if (kind === 'pin' && usable(s, v) && left > 0 && !taken) {
        (input.pins as { societyId: string; countyId: string }[]).push({
          societyId: society.id,
          countyId: visit.countyId,
        });
        pinCount.set(s, (pinCount.get(s) ?? 0) + 1);
      } else if (kind === 'exclude' && !taken) {
        (input.exclusions as { societyId: string; countyId?: string }[]).push({
          societyId: society.id,
          countyId: visit.countyId,
        });
      }
    }
    const excludedAll = seasonExclusion === undefined ? undefined : input.societies[seasonExclusion];
    if (excludedAll !== undefined && !(input.pins ?? []).some((p) => p.societyId === excludedAll.id)) {
      (input.exclusions as { societyId: string }[]).push({ societyId: excludedAll.id });
    }
    return input;
  });

describe('the assignment objective: the solver is optimal (checked against every possible plan on tiny instances)', () => {
  it('reaches the best weight (a), then the fewest pairs (b), then the most even load (c), under pins and exclusions', () => {
    fc.assert(
      fc.property(tinyInput, (input) => {
        const best = bruteForce(input)!;

        const solution = solveAssignment(input, { balanceTimeLimit: 60 });

        expect(solution.objective.weight).toBe(best.weight);
        expect(solution.objective.pairs).toBe(best.pairs);
        expect(solution.bound.optimal).toEqual({ weight: true, pairs: true, balance: true });
        expect(solution.objective.loadSquares).toBeCloseTo(best.squares, 5);
        expect(solution.bound.weight).toBe(best.weight);
      }),
      { numRuns: 100 },
    );
  });

  it('keeps every pin and makes no excluded pair', () => {
    fc.assert(
      fc.property(tinyInput, (input) => {
        const result = assignSocieties(input);
        for (const pin of input.pins ?? []) {
          const visit = result.find((v) => v.countyId === pin.countyId)!;
          expect(visit.assignments.map((a) => a.societyId)).toContain(pin.societyId);
        }
        for (const exclusion of input.exclusions ?? []) {
          for (const visit of result) {
            if (exclusion.countyId !== undefined && exclusion.countyId !== visit.countyId) continue;
            expect(visit.assignments.map((a) => a.societyId)).not.toContain(exclusion.societyId);
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('gives the same plan whatever the order of visits, societies and needs', () => {
    fc.assert(
      fc.property(tinyInput, fc.nat(), (input, seed) => {
        const shuffle = <T>(items: readonly T[]) =>
          items
            .map((item, i) => ({ item, key: (i * 7919 + seed) % 101 }))
            .sort((a, b) => a.key - b.key)
            .map(({ item }) => item);
        const shuffled: AssignmentInput = {
          ...input,
          societies: shuffle(input.societies),
          visits: shuffle(input.visits.map((visit) => ({ ...visit, needs: shuffle(visit.needs) }))),
        };
        const byCounty = (visits: ReturnType<typeof assignSocieties>) =>
          [...visits].sort((a, b) => (a.countyId < b.countyId ? -1 : 1));

        expect(byCounty(assignSocieties(shuffled))).toEqual(byCounty(assignSocieties(input)));
      }),
      { numRuns: 100 },
    );
  });
});

describe('the assignment objective at national scale: column generation', () => {
  it('returns feasible plans whose reported bound is never below the true optimum', () => {
    fc.assert(
      fc.property(tinyInput, (input) => {
        const best = bruteForce(input)!;
        const model = buildModel(input);
        let weight = 0;
        let bound = 0;
        const used = new Map<number, number>();
        for (const component of components(model)) {
          const result = solveLarge(model, component, { timeLimit: 10 });
          weight += result.weight;
          bound += result.weightBound;
          for (const societies of result.joined.values()) {
            for (const s of societies) used.set(s, (used.get(s) ?? 0) + 1);
          }
        }
        for (const [s, count] of used) expect(count).toBeLessThanOrEqual(model.societies[s]!.left);
        expect(weight).toBeLessThanOrEqual(best.weight);
        expect(bound).toBeGreaterThanOrEqual(best.weight);
      }),
      { numRuns: 40 },
    );
  });

  it('bounds a visit with more need classes than its dynamic programme takes, and stays feasible', () => {
    const fields = ['a', 'b', 'c', 'd', 'e'];
    const needs: AssignableNeed[] = THEMES.flatMap((theme) =>
      fields.map((field) => ({ id: `n-${theme}-${field}`, theme, field, urgency: 'normal' as const })),
    );
    const societies: AssignableSociety[] = fields.map((field, s) => ({
      id: `s${s}`,
      themes: [...THEMES],
      fields: [field],
      capacityPerSeason: 1,
    }));
    const input: AssignmentInput = {
      visits: [
        { countyId: 'c1', townId: 't1', needs },
        { countyId: 'c2', townId: 't2', needs: needs.slice(0, 5) },
      ],
      societies,
    };
    const model = buildModel(input);

    const [component] = components(model);
    const result = solveLarge(model, component!, { timeLimit: 10 });

    // 25 classes at c1 (5 per society); c2's five needs are all field "a" (society s0).
    expect(result.weightBound).toBeGreaterThanOrEqual(50);
    expect(result.weight).toBe(50);
    expect(result.joined.get(0)!.length + result.joined.get(1)!.length).toBe(5);
  });
});

describe('the assignment objective: overrides the plan cannot honour', () => {
  it('refuses a pin of a society competent for none of the visit’s needs', () => {
    const input: AssignmentInput = {
      visits: [
        {
          countyId: 'c1',
          townId: 't1',
          needs: [{ id: 'n1', theme: 'industry', field: 'tea', urgency: 'high' }],
        },
      ],
      societies: [{ id: 'fruit', themes: ['industry'], fields: ['fruit'], capacityPerSeason: 1 }],
      pins: [{ societyId: 'fruit', countyId: 'c1' }],
    };

    expect(() => solveAssignment(input)).toThrow(OverrideConflictError);
    expect(() => solveAssignment(input)).toThrow(/pins\[0\].*competent for none of the needs/);
  });

  it('refuses pins beyond a society’s capacity left', () => {
    const need = (id: string): AssignableNeed => ({ id, theme: 'industry', field: 'tea', urgency: 'high' });
    const input: AssignmentInput = {
      visits: [
        { countyId: 'c1', townId: 't1', needs: [need('n1')] },
        { countyId: 'c2', townId: 't2', needs: [need('n2')] },
      ],
      societies: [{ id: 'tea', themes: ['industry'], fields: ['tea'], capacityPerSeason: 2 }],
      capacityUsed: { tea: 1 },
      pins: [
        { societyId: 'tea', countyId: 'c1' },
        { societyId: 'tea', countyId: 'c2' },
      ],
    };

    expect(() => solveAssignment(input)).toThrow(/pinned to 2 visits but has capacity for 1/);
  });
});
