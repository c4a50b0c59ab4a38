import type { Assignment } from '#schemas/index';
import { solveExact } from './assignment-exact.ts';
import { solveLarge } from './assignment-large.ts';
import {
  type AssignmentInput,
  type AssignmentModel,
  buildModel,
  compareIds,
  components,
  coverableWeight,
  coveredWeight,
  fill,
  findCandidate,
  type Joined,
  loadSquares,
  maxLoadFraction,
  pairCount,
  prune,
  usage,
} from './assignment-model.ts';
import { type OverrideConflict, OverrideConflictError } from './override-conflict.ts';

export {
  type AssignableNeed,
  type AssignableSociety,
  type AssignmentInput,
  isCompetent,
  type SocietyExclusion,
  type SocietyPin,
  type VisitToStaff,
} from './assignment-model.ts';

export interface StaffedVisit {
  countyId: string;
  townId: string;
  /** Sorted by societyId; each needIds sorted and never empty. */
  assignments: Assignment[];
  /** Sorted. */
  unassignedNeedIds: string[];
}

/** How good a plan is, in the assignment objective's order. */
export interface AssignmentObjective {
  /** (a) Summed urgency weight of the covered needs. */
  weight: number;
  /** (b) Society-visit pairs. */
  pairs: number;
  /**
   * (c) Σ over societies of (visits joined this season, earlier ones included / capacityPerSeason)²:
   * smaller is more even. Rounded to 6 decimals.
   */
  loadSquares: number;
  /** The largest load fraction among societies on at least one visit of this plan. */
  maxLoadFraction: number;
}

export interface AssignmentBound {
  /** The simple bound: summed weight of the needs some available society is competent for. */
  coverableWeight: number;
  /** The best proven upper bound on (a) (the optimum itself when `optimal.weight`). */
  weight: number;
  /** Which parts of the objective are proven optimal. */
  optimal: { weight: boolean; pairs: boolean; balance: boolean };
  /** `exact`: branch and cut on every component; `column-generation` on at least one large one. */
  method: 'exact' | 'column-generation';
}

export interface AssignmentSolution {
  /** In input order. */
  visits: StaffedVisit[];
  objective: AssignmentObjective;
  bound: AssignmentBound;
  /** The canonical model and the chosen pairs, for explanations. */
  model: AssignmentModel;
  joined: Joined;
  /** To start a related solve (the same season with one override less) from this one. */
  warmStart: WarmStart;
}

/** A previous solution of a related problem, by ids: its plan and the patterns it generated. */
export interface WarmStart {
  /** Society ids joining each county's visit. */
  plan: ReadonlyMap<string, readonly string[]>;
  /** Sets of society ids tried at each county's visit (column generation only). */
  patterns: ReadonlyMap<string, readonly (readonly string[])[]>;
}

export interface AssignmentOptions {
  /** Seconds allowed to a large component's solve. @default 30 */
  timeLimit?: number;
  /**
   * Seconds allowed to evening out the load (c) of an exact component. A wall-clock limit: tests
   * that assert (c) give it room, so a busy machine cannot cut it short. @default 1
   */
  balanceTimeLimit?: number;
  /** Start from a related solution; pairs no longer possible are dropped. */
  warmStart?: WarmStart;
}

/** A component with at most this many candidate pairs is solved by branch and cut, exactly. */
export const EXACT_MAX_PAIRS = 2_500;

/**
 * The assignment objective (docs/rules.md): which societies join which visits and which needs each covers.
 *
 * Always holds: a society covers only needs it is competent for, each need is covered at most
 * once, a society uses one unit of capacity per visit it joins and never more than
 * `capacityPerSeason - capacityUsed`; pinned pairs are kept and excluded ones never made.
 *
 * Objective, lexicographic: (a) most urgency weight covered, (b) fewest society-visit pairs,
 * (c) most even load, measured as the smallest Σ over societies of (load / capacityPerSeason)²
 * with load counting `capacityUsed`. See `solveAssignment` for how it is solved and what is proven.
 * The same input in any order gives the same output.
 */
export function assignSocieties(input: AssignmentInput, options: AssignmentOptions = {}): StaffedVisit[] {
  return solveAssignment(input, options).visits;
}

/**
 * Solves the assignment objective and says how good the result is.
 *
 * Needs no available society is competent for are set aside; the rest splits into independent
 * components (visits linked by societies that could serve both). A component with at most
 * EXACT_MAX_PAIRS candidate pairs — anything up to a province — is solved by HiGHS branch and cut,
 * proving (a) and (b) optimal and then optimising (c) among those optima. A larger one goes to
 * column generation (see assignment-large.ts), which reports a proven upper bound on (a).
 */
export function solveAssignment(input: AssignmentInput, options: AssignmentOptions = {}): AssignmentSolution {
  const model = buildModel(input);
  checkPins(model, input);
  const joined: Joined = model.visits.map((visit) =>
    visit.candidates.filter((candidate) => candidate.pinned).map((candidate) => candidate.society),
  );
  const warm = warmPlan(model, joined, options.warmStart);
  const warmPatterns = new Map<number, number[][]>();
  model.visits.forEach((visit, v) => {
    const patterns = options.warmStart?.patterns.get(visit.countyId) ?? [];
    const mapped = patterns.flatMap((ids) => {
      const societies = ids.map((id) => model.societyIndex.get(id));
      return societies.every((s) => s !== undefined) ? [societies as number[]] : [];
    });
    if (mapped.length > 0) warmPatterns.set(v, mapped);
  });
  const patternsOut = new Map<string, string[][]>();
  let weightBound = 0;
  let optimalWeight = true;
  let optimalPairs = true;
  let optimalBalance = true;
  let method: AssignmentBound['method'] = 'exact';
  for (const component of components(model)) {
    const pairs = component.reduce((sum, v) => sum + model.visits[v]!.candidates.length, 0);
    if (pairs <= EXACT_MAX_PAIRS) {
      const start = model.visits.map((_, v) => [...warm[v]!]);
      fill(model, start, component);
      prune(model, start);
      const result = solveExact(model, component, {
        start,
        ...(options.balanceTimeLimit === undefined ? {} : { balanceTimeLimit: options.balanceTimeLimit }),
      });
      for (const [v, societies] of result.joined) joined[v] = societies;
      weightBound += result.weightBound;
      optimalWeight &&= result.optimal;
      optimalPairs &&= result.optimal;
      optimalBalance &&= result.optimal && result.balanceOptimal;
    } else {
      method = 'column-generation';
      const result = solveLarge(model, component, {
        timeLimit: options.timeLimit ?? 30,
        start: warm,
        patterns: warmPatterns,
      });
      for (const [v, societies] of result.joined) joined[v] = societies;
      for (const [v, patterns] of result.patterns) {
        patternsOut.set(
          model.visits[v]!.countyId,
          patterns.map((societies) => societies.map((s) => model.societies[s]!.id)),
        );
      }
      weightBound += result.weightBound;
      optimalWeight &&= result.weight >= result.weightBound;
      optimalPairs = false;
      optimalBalance = false;
    }
  }
  // A no-op on proven optima; completes a plan cut short by a time limit, so that a need stays
  // unassigned only when every society that could take it is full or excluded.
  fill(model, joined);
  prune(model, joined);
  const staffed = model.visits.map((_, v) => staffVisit(model, joined, v));
  const visits: StaffedVisit[] = new Array(input.visits.length);
  model.visits.forEach((visit, v) => {
    visits[visit.input] = staffed[v]!;
  });
  const objective: AssignmentObjective = {
    weight: coveredWeight(model, joined),
    pairs: pairCount(joined),
    loadSquares: Math.round(loadSquares(model, joined) * 1e6) / 1e6,
    maxLoadFraction: Math.round(maxLoadFraction(model, joined) * 1e6) / 1e6,
  };
  return {
    visits,
    objective,
    bound: {
      coverableWeight: coverableWeight(model),
      weight: Math.max(weightBound, objective.weight),
      optimal: { weight: optimalWeight, pairs: optimalPairs, balance: optimalBalance },
      method,
    },
    model,
    joined,
    warmStart: {
      plan: new Map(
        model.visits.map((visit, v) => [visit.countyId, joined[v]!.map((s) => model.societies[s]!.id)]),
      ),
      patterns: patternsOut,
    },
  };
}

/** The warm start's plan made feasible for this model: pins kept, impossible pairs and excess dropped. */
function warmPlan(model: AssignmentModel, pinned: Joined, warmStart: WarmStart | undefined): Joined {
  const plan = pinned.map((list) => [...list]);
  if (warmStart === undefined) return plan;
  const used = usage(model, plan);
  model.visits.forEach((visit, v) => {
    for (const id of warmStart.plan.get(visit.countyId) ?? []) {
      const s = model.societyIndex.get(id);
      if (s === undefined || plan[v]!.includes(s) || findCandidate(visit, s) === undefined) continue;
      if (used[s]! >= model.societies[s]!.left) continue;
      used[s]! += 1;
      plan[v] = [...plan[v]!, s].sort((a, b) => a - b);
    }
  });
  return plan;
}

/**
 * The pins that cannot be honoured, found without solving: a pin names a society that may not join
 * the visit (unknown, excluded, full, or competent for none of the town's needs), or more visits
 * than the society has capacity for. Empty when every pin can be tried.
 */
export function pinConflicts(input: AssignmentInput): OverrideConflict[] {
  return pinConflictsOf(buildModel(input), input);
}

/** Pins must name a society that may join the visit, within its capacity. */
function checkPins(model: AssignmentModel, input: AssignmentInput): void {
  const conflicts = pinConflictsOf(model, input);
  if (conflicts.length > 0) throw new OverrideConflictError(conflicts);
}

function pinConflictsOf(model: AssignmentModel, input: AssignmentInput): OverrideConflict[] {
  const conflicts: OverrideConflict[] = [];
  const visitOf = new Map(model.visits.map((visit) => [visit.countyId, visit]));
  const pinsOf = new Map<number, number>();
  (input.pins ?? []).forEach((pin, index) => {
    const where = `pins[${index}]`;
    const s = model.societyIndex.get(pin.societyId);
    const visit = visitOf.get(pin.countyId);
    if (s === undefined) {
      conflicts.push({ override: where, message: `society "${pin.societyId}" is not among the societies` });
      return;
    }
    if (visit === undefined) {
      conflicts.push({ override: where, message: `county "${pin.countyId}" has no visit this season` });
      return;
    }
    const society = model.societies[s]!;
    if (findCandidate(visit, s) === undefined) {
      const reason = society.excluded
        ? 'it is also excluded from the season'
        : visit.excluded.has(s)
          ? 'it is also excluded from this visit'
          : society.left === 0
            ? 'it has no capacity left this season'
            : `it is competent for none of the needs of town "${visit.townId}"`;
      conflicts.push({
        override: where,
        message: `society "${pin.societyId}" cannot join the visit to county "${pin.countyId}": ${reason}`,
      });
      return;
    }
    pinsOf.set(s, (pinsOf.get(s) ?? 0) + 1);
  });
  for (const [s, count] of pinsOf) {
    const society = model.societies[s]!;
    if (count > society.left) {
      conflicts.push({
        override: 'pins',
        message: `society "${society.id}" is pinned to ${count} visits but has capacity for ${society.left}`,
      });
    }
  }
  return conflicts;
}

/**
 * Which joined society covers which need. Every joined society gets at least one need (a matching
 * gives each a need of its own first); each further need goes to the competent joined society with
 * the fewest needs so far. Needs with fewer possible societies are placed first.
 */
function staffVisit(model: AssignmentModel, joined: Joined, v: number): StaffedVisit {
  const visit = model.visits[v]!;
  const societies = joined[v]!;
  const coverers: number[][] = visit.needs.map(() => []);
  for (const s of societies) {
    for (const k of findCandidate(visit, s)!.classes) {
      for (const n of visit.classes[k]!.needs) coverers[n]!.push(s);
    }
  }
  const needOrder = visit.needs
    .map((need, n) => ({ need, n }))
    .sort((a, b) => coverers[a.n]!.length - coverers[b.n]!.length || compareIds(a.need.id, b.need.id))
    .map(({ n }) => n);
  const owner = new Int32Array(visit.needs.length).fill(-1);
  // Kuhn's augmenting paths: a need for every joined society.
  const matchedNeed = new Map<number, number>();
  for (const s of societies) {
    const seen = new Set<number>();
    const augment = (society: number): boolean => {
      for (const n of needOrder) {
        if (!coverers[n]!.includes(society) || seen.has(n)) continue;
        seen.add(n);
        if (owner[n] === -1 || augment(owner[n]!)) {
          owner[n] = society;
          matchedNeed.set(society, n);
          return true;
        }
      }
      return false;
    };
    if (!augment(s)) {
      const pinned = findCandidate(visit, s)!.pinned;
      throw new OverrideConflictError([
        {
          override: 'pins',
          message: pinned
            ? `society "${model.societies[s]!.id}" is pinned to the visit to county "${visit.countyId}" but every need it could cover there goes to another pinned society`
            : `internal: society "${model.societies[s]!.id}" has no need of its own at county "${visit.countyId}"`,
        },
      ]);
    }
  }
  const count = new Map<number, number>(societies.map((s) => [s, 1]));
  for (const n of needOrder) {
    if (owner[n] !== -1 || coverers[n]!.length === 0) continue;
    let chosen = coverers[n]![0]!;
    for (const s of coverers[n]!) if (count.get(s)! < count.get(chosen)!) chosen = s;
    owner[n] = chosen;
    count.set(chosen, count.get(chosen)! + 1);
  }
  const bySociety = new Map<number, string[]>(societies.map((s) => [s, []]));
  const unassignedNeedIds: string[] = [];
  visit.needs.forEach((need, n) => {
    if (owner[n] === -1) unassignedNeedIds.push(need.id);
    else bySociety.get(owner[n]!)!.push(need.id);
  });
  return {
    countyId: visit.countyId,
    townId: visit.townId,
    assignments: societies.map((s) => ({
      societyId: model.societies[s]!.id,
      needIds: bySociety.get(s)!.sort(compareIds),
    })),
    unassignedNeedIds: unassignedNeedIds.sort(compareIds),
  };
}
