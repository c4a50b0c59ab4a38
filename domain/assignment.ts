import type { Assignment, Need, Society } from '#schemas/index';
import { URGENCY_WEIGHT } from '#schemas/index';

export type AssignableNeed = Pick<Need, 'id' | 'theme' | 'field' | 'urgency'>;
export type AssignableSociety = Pick<Society, 'id' | 'themes' | 'fields' | 'capacityPerSeason'>;

export interface VisitToStaff {
  countyId: string;
  townId: string;
  needs: readonly AssignableNeed[];
}

export interface AssignmentInput {
  visits: readonly VisitToStaff[];
  societies: readonly AssignableSociety[];
  /** Visits each society already joined this season; they count against its capacity and its load. */
  capacityUsed?: Readonly<Record<string, number>>;
}

export interface StaffedVisit {
  countyId: string;
  townId: string;
  /** Sorted by societyId; each needIds sorted. */
  assignments: Assignment[];
  /** Sorted. */
  unassignedNeedIds: string[];
}

/** A society may cover a need only when both the need's theme and its field are among the society's. */
export function isCompetent(
  society: Pick<Society, 'themes' | 'fields'>,
  need: Pick<Need, 'theme' | 'field'>,
) {
  return society.themes.includes(need.theme) && society.fields.includes(need.field);
}

/** Bounds the local search so a large season still plans in well under a second. */
const MAX_IMPROVEMENT_TRIALS = 5_000;

/**
 * Rule 4: which societies join which visits and which needs each covers.
 *
 * Always holds: a society covers only needs it is competent for, each need is covered at most
 * once, a society uses one unit of capacity per visit it joins and never more than
 * `capacityPerSeason - capacityUsed`.
 *
 * The objective — (a) most urgency weight covered, (b) fewest society-visit pairs, (c) balanced
 * load (smallest sum of squared visits per society, counting `capacityUsed`) — is pursued by a
 * HEURISTIC, not solved exactly:
 * 1. greedy: repeatedly join the (society, visit) pair that newly covers the most weight; ties go
 *    to the society with more capacity left, then the less loaded, then society id, then visit order;
 * 2. prune: drop pairs whose needs are all covered by other societies on the same visit;
 * 3. local search: for each joined pair, try replacing it with every other useful pair, refill
 *    greedily, prune, and keep the result when it scores better on (a, b, c); repeat until no move
 *    helps or the trial budget is spent.
 * Within a visit, a need that several joined societies could cover goes to the one with the fewest
 * needs there so far. Every step iterates in id order, so the same input gives the same output.
 */
export function assignSocieties({ visits, societies, capacityUsed = {} }: AssignmentInput): StaffedVisit[] {
  const problem = buildProblem(visits, societies, capacityUsed);
  const initial = emptyState(problem);
  fill(problem, initial);
  prune(problem, initial);
  const best = improve(problem, initial);
  return visits.map((visit, v) => staffVisit(problem, best, visit, v));
}

interface Problem {
  /** Sorted by id, so index order is id order. */
  societies: AssignableSociety[];
  visitCount: number;
  /** [visit][need] */
  weights: number[][];
  /** [society][visit] → indices of the visit's needs the society is competent for. */
  competent: number[][][];
  capacityLeft: number[];
  priorLoad: number[];
}

interface State {
  /** [society * visitCount + visit] is 1 when the society joins the visit. */
  joined: Uint8Array;
  /** Visits joined per society in this plan. */
  used: number[];
}

interface Score {
  weight: number;
  pairs: number;
  loadSquares: number;
}

function buildProblem(
  visits: readonly VisitToStaff[],
  societies: readonly AssignableSociety[],
  capacityUsed: Readonly<Record<string, number>>,
): Problem {
  const sorted = [...societies].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const priorLoad = sorted.map((society) => Math.max(0, capacityUsed[society.id] ?? 0));
  return {
    societies: sorted,
    visitCount: visits.length,
    weights: visits.map((visit) => visit.needs.map((need) => URGENCY_WEIGHT[need.urgency])),
    competent: sorted.map((society) =>
      visits.map((visit) =>
        visit.needs.flatMap((need, index) => (isCompetent(society, need) ? [index] : [])),
      ),
    ),
    capacityLeft: sorted.map((society, s) => Math.max(0, society.capacityPerSeason - (priorLoad[s] ?? 0))),
    priorLoad,
  };
}

function emptyState(problem: Problem): State {
  return {
    joined: new Uint8Array(problem.societies.length * problem.visitCount),
    used: problem.societies.map(() => 0),
  };
}

function cloneState(state: State): State {
  return { joined: state.joined.slice(), used: [...state.used] };
}

function competentNeeds(problem: Problem, s: number, v: number): number[] {
  return problem.competent[s]?.[v] ?? [];
}

/** How many joined societies could cover each need: [visit][need]. */
function coverCounts(problem: Problem, state: State): number[][] {
  const counts = problem.weights.map((weights) => weights.map(() => 0));
  forEachJoined(problem, state, (s, v) => {
    const visitCounts = counts[v]!;
    for (const need of competentNeeds(problem, s, v)) visitCounts[need]! += 1;
  });
  return counts;
}

function forEachJoined(problem: Problem, state: State, visit: (s: number, v: number) => void): void {
  for (let s = 0; s < problem.societies.length; s += 1) {
    for (let v = 0; v < problem.visitCount; v += 1) {
      if (state.joined[s * problem.visitCount + v]) visit(s, v);
    }
  }
}

function newlyCoveredWeight(problem: Problem, counts: number[][], s: number, v: number): number {
  let gain = 0;
  for (const need of competentNeeds(problem, s, v)) {
    if (counts[v]![need] === 0) gain += problem.weights[v]![need]!;
  }
  return gain;
}

function hasCapacity(problem: Problem, state: State, s: number): boolean {
  return state.used[s]! < problem.capacityLeft[s]!;
}

function join(problem: Problem, state: State, counts: number[][], s: number, v: number): void {
  state.joined[s * problem.visitCount + v] = 1;
  state.used[s]! += 1;
  for (const need of competentNeeds(problem, s, v)) counts[v]![need]! += 1;
}

function leave(problem: Problem, state: State, counts: number[][], s: number, v: number): void {
  state.joined[s * problem.visitCount + v] = 0;
  state.used[s]! -= 1;
  for (const need of competentNeeds(problem, s, v)) counts[v]![need]! -= 1;
}

/** Greedy step: join pairs while some society with capacity left can cover an uncovered need. */
function fill(problem: Problem, state: State): void {
  const counts = coverCounts(problem, state);
  for (;;) {
    let best: { s: number; v: number; gain: number; left: number; load: number } | undefined;
    for (let s = 0; s < problem.societies.length; s += 1) {
      if (!hasCapacity(problem, state, s)) continue;
      const left = problem.capacityLeft[s]! - state.used[s]!;
      const load = problem.priorLoad[s]! + state.used[s]!;
      for (let v = 0; v < problem.visitCount; v += 1) {
        if (state.joined[s * problem.visitCount + v]) continue;
        const gain = newlyCoveredWeight(problem, counts, s, v);
        if (gain === 0) continue;
        // Strictly better only: iteration order already prefers lower society and visit indices.
        if (
          best === undefined ||
          gain > best.gain ||
          (gain === best.gain && (left > best.left || (left === best.left && load < best.load)))
        ) {
          best = { s, v, gain, left, load };
        }
      }
    }
    if (best === undefined) return;
    join(problem, state, counts, best.s, best.v);
  }
}

/** Drops pairs that cover nothing another joined society on the same visit does not; busiest societies first. */
function prune(problem: Problem, state: State): void {
  const counts = coverCounts(problem, state);
  const pairs: { s: number; v: number }[] = [];
  forEachJoined(problem, state, (s, v) => pairs.push({ s, v }));
  const load = (s: number) => problem.priorLoad[s]! + state.used[s]!;
  pairs.sort((a, b) => load(b.s) - load(a.s) || b.s - a.s || b.v - a.v);
  for (const { s, v } of pairs) {
    const redundant = competentNeeds(problem, s, v).every((need) => counts[v]![need]! >= 2);
    if (redundant) leave(problem, state, counts, s, v);
  }
}

function score(problem: Problem, state: State): Score {
  const counts = coverCounts(problem, state);
  let weight = 0;
  counts.forEach((visitCounts, v) => {
    visitCounts.forEach((count, need) => {
      if (count > 0) weight += problem.weights[v]![need]!;
    });
  });
  let pairs = 0;
  let loadSquares = 0;
  state.used.forEach((used, s) => {
    pairs += used;
    loadSquares += (problem.priorLoad[s]! + used) ** 2;
  });
  return { weight, pairs, loadSquares };
}

function isBetter(a: Score, b: Score): boolean {
  if (a.weight !== b.weight) return a.weight > b.weight;
  if (a.pairs !== b.pairs) return a.pairs < b.pairs;
  return a.loadSquares < b.loadSquares;
}

/** Local search over "replace one joined pair by another, then refill and prune" moves; first improvement wins. */
function improve(problem: Problem, start: State): State {
  let current = start;
  let currentScore = score(problem, current);
  let trials = 0;
  search: for (;;) {
    const joinedPairs: { s: number; v: number }[] = [];
    forEachJoined(problem, current, (s, v) => joinedPairs.push({ s, v }));
    for (const removed of joinedPairs) {
      const base = cloneState(current);
      const baseCounts = coverCounts(problem, base);
      leave(problem, base, baseCounts, removed.s, removed.v);
      for (let s = 0; s < problem.societies.length; s += 1) {
        if (!hasCapacity(problem, base, s)) continue;
        for (let v = 0; v < problem.visitCount; v += 1) {
          if ((s === removed.s && v === removed.v) || base.joined[s * problem.visitCount + v]) continue;
          if (newlyCoveredWeight(problem, baseCounts, s, v) === 0) continue;
          if (trials >= MAX_IMPROVEMENT_TRIALS) return current;
          trials += 1;
          const trial = cloneState(base);
          join(problem, trial, coverCounts(problem, trial), s, v);
          fill(problem, trial);
          prune(problem, trial);
          const trialScore = score(problem, trial);
          if (isBetter(trialScore, currentScore)) {
            current = trial;
            currentScore = trialScore;
            continue search;
          }
        }
      }
    }
    return current;
  }
}

function staffVisit(problem: Problem, state: State, visit: VisitToStaff, v: number): StaffedVisit {
  const joinedSocieties: number[] = [];
  forEachJoined(problem, state, (s, joinedVisit) => {
    if (joinedVisit === v) joinedSocieties.push(s);
  });
  const coverers = visit.needs.map((_, need) =>
    joinedSocieties.filter((s) => competentNeeds(problem, s, v).includes(need)),
  );
  const covered = new Map<number, number[]>(joinedSocieties.map((s) => [s, []]));
  // Needs only one joined society can cover go first, so pruning's guarantee gives every society a need.
  const order = visit.needs
    .map((need, index) => ({ need, index }))
    .sort(
      (a, b) =>
        coverers[a.index]!.length - coverers[b.index]!.length ||
        problem.weights[v]![b.index]! - problem.weights[v]![a.index]! ||
        (a.need.id < b.need.id ? -1 : a.need.id > b.need.id ? 1 : 0),
    );
  const unassignedNeedIds: string[] = [];
  for (const { need, index } of order) {
    const candidates = coverers[index]!;
    if (candidates.length === 0) {
      unassignedNeedIds.push(need.id);
      continue;
    }
    const chosen = candidates.reduce((fewest, s) =>
      covered.get(s)!.length < covered.get(fewest)!.length ? s : fewest,
    );
    covered.get(chosen)!.push(index);
  }
  const assignments: Assignment[] = [];
  for (const s of joinedSocieties) {
    const needIds = covered.get(s)!.map((index) => visit.needs[index]!.id);
    if (needIds.length > 0)
      assignments.push({ societyId: problem.societies[s]!.id, needIds: needIds.sort() });
  }
  return {
    countyId: visit.countyId,
    townId: visit.townId,
    assignments,
    unassignedNeedIds: unassignedNeedIds.sort(),
  };
}
