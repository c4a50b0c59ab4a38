import {
  type AssignmentModel,
  fill,
  findCandidate,
  type Joined,
  prune,
  visitWeight,
} from './assignment-model.ts';
import { highs } from './highs.ts';

/**
 * The assignment objective (docs/rules.md) at national scale, where one component holds thousands of visits and hundreds of
 * thousands of candidate pairs: too large for branch and cut on the pair model.
 *
 * The problem is a set packing: each visit takes one set of societies (a "pattern") worth the
 * weight it covers; each society's capacity bounds how many chosen patterns contain it.
 * 1. Column generation on that packing's LP relaxation (HiGHS simplex, warm-started). Pricing
 *    uses the capacity rows' dual prices λ: each visit's best pattern maximises weight covered(S) −
 *    Σ_{s∈S} λ[s], found exactly by dynamic programming over the subsets of its need classes; its
 *    best single society is added too (about a third less solve time on national instances).
 * 2. The bound: for any λ ≥ 0, L(λ) = Σ_s λ[s]·capacity[s] + Σ_v max(0, best pattern value of v) is
 *    an upper bound on (a) (Lagrangian relaxation of the capacities). Pricing computes it at every
 *    round; the smallest is reported. It is at least as tight as the pair model's LP relaxation.
 * 3. The plan: the LP solution rounded (each visit takes its heaviest pattern; a society over
 *    capacity keeps the visits where it adds most), completed greedily and pruned; then, unless
 *    that plan already meets the bound, HiGHS branch and cut on the packing over all generated
 *    patterns (and their one-smaller subsets), started from that plan, with objective
 *    M·weight − pairs as in the exact model.
 * Deterministic for a given input: index order everywhere; the only clock is the time limit, which
 * only matters on a machine too slow to finish the work.
 */

export interface LargeResult {
  joined: Map<number, number[]>;
  weight: number;
  pairs: number;
  weightBound: number;
  /** Every pattern generated, by visit (pins left out): a warm start for a related solve. */
  patterns: Map<number, number[][]>;
}

export interface LargeOptions {
  /** Seconds for the whole solve. @default 30 */
  timeLimit?: number;
  /** A feasible solution to start from (all visits; pins included). */
  start?: Joined;
  /** Patterns to start the column generation with, by visit. */
  patterns?: ReadonlyMap<number, readonly (readonly number[])[]>;
}

/** Visits with more need classes than this are priced greedily and bounded per class. */
const MAX_DP_CLASSES = 12;
/** Per-pair cost inside pricing so that, at equal value, fewer societies win. */
const PAIR_COST = 1e-6;
/** Column generation rounds at most. */
const MAX_ROUNDS = 60;
/** Seconds for the final branch and cut at most. */
const MASTER_TIME_LIMIT = 10;
/** Column generation stops this long before the deadline, leaving time for rounding and branch and cut. */
const MASTER_RESERVE_MS = 8_000;

interface Group {
  classMask: number;
  classes: number[];
  /** Society indices, ascending. */
  members: number[];
}

interface SubVisit {
  v: number;
  /** Weight of each live class (not covered by pins, some available society). */
  weights: number[];
  groups: Group[];
  /** Weight already covered by pinned societies. */
  pinnedWeight: number;
  pinned: number[];
  wide: boolean;
}

interface Priced {
  /** Upper bound on max_S weight(S) − λ(S) for this visit. */
  bound: number;
  /** weight(S) − λ(S) of the returned set. */
  value: number;
  societies: number[];
}

interface Score {
  weight: number;
  pairs: number;
}

export function solveLarge(
  model: AssignmentModel,
  visits: readonly number[],
  options: LargeOptions = {},
): LargeResult {
  const deadline = Date.now() + (options.timeLimit ?? 30) * 1000;
  const societyCount = model.societies.length;
  const capacity = model.societies.map((society) => society.left);
  const subs = visits.map((v) => subVisit(model, v, capacity));
  const pinnedWeight = subs.reduce((sum, sub) => sum + sub.pinnedWeight, 0);

  const joinedOf = (choice: readonly (readonly number[])[]): Joined => {
    const joined: Joined = model.visits.map(() => []);
    subs.forEach((sub, i) => {
      joined[sub.v] = [...new Set([...sub.pinned, ...(choice[i] ?? [])])].sort((a, b) => a - b);
    });
    return joined;
  };
  const evaluate = (joined: Joined): Score => {
    let weight = 0;
    let pairs = 0;
    for (const sub of subs) {
      weight += visitWeight(model.visits[sub.v]!, joined[sub.v]!);
      pairs += joined[sub.v]!.length;
    }
    return { weight, pairs };
  };
  let best: Joined = options.start ? options.start.map((list) => [...list]) : joinedOf([]);
  fill(model, best, visits);
  prune(model, best);
  let bestScore = evaluate(best);
  const consider = (plan: Joined) => {
    const score = evaluate(plan);
    if (isBetter(score, bestScore)) {
      best = plan;
      bestScore = score;
    }
  };
  const unpinned = (plan: Joined, i: number) => plan[subs[i]!.v]!.filter((s) => !subs[i]!.pinned.includes(s));

  const pricing = new Pricing();
  const master = new PackingMaster(model, subs, capacity);
  let bound = Number.POSITIVE_INFINITY;
  try {
    const zero = new Float64Array(societyCount);
    subs.forEach((sub, i) => {
      master.add(i, pricing.price(sub, zero).societies);
      for (const societies of options.patterns?.get(sub.v) ?? []) {
        if (
          societies.every(
            (s) => !sub.pinned.includes(s) && findCandidate(model.visits[sub.v]!, s) !== undefined,
          )
        ) {
          master.add(i, societies);
        }
      }
      master.add(i, unpinned(best, i));
    });
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      const { lambda, mu, value } = master.solveRelaxation();
      let lagrangian = pinnedWeight;
      for (let s = 0; s < societyCount; s += 1) lagrangian += lambda[s]! * Math.max(0, capacity[s]!);
      let added = 0;
      subs.forEach((sub, i) => {
        const priced = pricing.price(sub, lambda);
        lagrangian += Math.max(0, priced.bound);
        if (priced.value - mu[i]! > 1e-7 && master.add(i, priced.societies)) added += 1;
        // The best single society too: cheap, and it steadies the first rounds.
        const single = pricing.bestSingle(sub, lambda);
        if (single.value - mu[i]! > 1e-7 && master.add(i, single.societies)) added += 1;
      });
      bound = Math.min(bound, lagrangian);
      // The LP optimum is reached (to within less than one unit of weight) or time is short.
      if (added === 0 || bound - (value + pinnedWeight) < 0.5 || Date.now() > deadline - MASTER_RESERVE_MS) {
        break;
      }
    }
    consider(repair(model, subs, master.rounded(), capacity, joinedOf));
    subs.forEach((_, i) => {
      master.add(i, unpinned(best, i));
    });
    // Branch and cut only when the rounded plan has not reached the bound already.
    if (bestScore.weight < Math.floor(bound + 1e-6)) {
      const seconds = Math.min(MASTER_TIME_LIMIT, Math.max(0.5, (deadline - Date.now()) / 1000));
      const chosen = master.solveInteger(
        subs.map((_, i) => unpinned(best, i)),
        seconds,
      );
      if (chosen !== undefined) {
        const plan = joinedOf(chosen);
        fill(model, plan, visits);
        prune(model, plan);
        consider(plan);
      }
    }
  } finally {
    master.dispose();
  }
  // No round finished (it cannot happen with a sane time limit): fall back on the simple bound.
  if (!Number.isFinite(bound))
    bound = subs.reduce((sum, sub) => sum + sub.pinnedWeight + sub.weights.reduce((a, w) => a + w, 0), 0);
  const joined = new Map<number, number[]>();
  for (const v of visits) joined.set(v, best[v]!);
  return {
    joined,
    weight: bestScore.weight,
    pairs: bestScore.pairs,
    weightBound: Math.max(bestScore.weight, Math.floor(bound + 1e-6)),
    patterns: master.activePatterns(best),
  };
}

function isBetter(a: Score, b: Score): boolean {
  return a.weight > b.weight || (a.weight === b.weight && a.pairs < b.pairs);
}

/** The visit as a pricing subproblem; lowers `capacity` by its pins. */
function subVisit(model: AssignmentModel, v: number, capacity: number[]): SubVisit {
  const visit = model.visits[v]!;
  const pinned = visit.candidates.filter((c) => c.pinned).map((c) => c.society);
  for (const s of pinned) capacity[s]! -= 1;
  const pinnedCovered = new Set(pinned.flatMap((s) => findCandidate(visit, s)!.classes));
  const live = visit.classes
    .map((needClass, k) => ({ needClass, k }))
    .filter(({ needClass, k }) => needClass.available.length > 0 && !pinnedCovered.has(k));
  const localOf = new Map(live.map(({ k }, index) => [k, index]));
  const byMask = new Map<string, Group>();
  for (const candidate of visit.candidates) {
    if (candidate.pinned) continue;
    const classes = candidate.classes.flatMap((k) => {
      const local = localOf.get(k);
      return local === undefined ? [] : [local];
    });
    if (classes.length === 0) continue;
    const key = classes.join(',');
    let group = byMask.get(key);
    if (group === undefined) {
      let classMask = 0;
      for (const k of classes) if (k < 31) classMask |= 1 << k;
      group = { classMask, classes, members: [] };
      byMask.set(key, group);
    }
    group.members.push(candidate.society);
  }
  let pinnedWeight = 0;
  visit.classes.forEach((needClass, k) => {
    if (pinnedCovered.has(k)) pinnedWeight += needClass.weight;
  });
  return {
    v,
    weights: live.map(({ needClass }) => needClass.weight),
    groups: [...byMask.values()],
    pinnedWeight,
    pinned,
    wide: live.length > MAX_DP_CLASSES,
  };
}

/** Best pattern of a visit under prices λ. */
class Pricing {
  private readonly dp = new Float64Array(1 << MAX_DP_CLASSES);
  private readonly previous = new Int32Array(1 << MAX_DP_CLASSES);
  private readonly via = new Int32Array(1 << MAX_DP_CLASSES);
  private readonly maskWeight = new Float64Array(1 << MAX_DP_CLASSES);

  price(sub: SubVisit, lambda: Float64Array): Priced {
    if (sub.weights.length === 0 || sub.groups.length === 0) return { bound: 0, value: 0, societies: [] };
    return sub.wide ? this.greedy(sub, lambda) : this.exact(sub, lambda);
  }

  /** The best pattern of one society: a second column per visit and round. */
  bestSingle(sub: SubVisit, lambda: Float64Array): { value: number; societies: number[] } {
    let best = { value: 0, societies: [] as number[] };
    for (const group of sub.groups) {
      let cheapest = group.members[0]!;
      for (const s of group.members) if (lambda[s]! < lambda[cheapest]!) cheapest = s;
      let weight = 0;
      for (const k of group.classes) weight += sub.weights[k]!;
      const value = weight - lambda[cheapest]!;
      if (value > best.value + 1e-12) best = { value, societies: [cheapest] };
    }
    return best;
  }

  /** Exact: dp[mask] = cheapest set of groups whose classes are exactly `mask`. */
  private exact(sub: SubVisit, lambda: Float64Array): Priced {
    const { dp, previous, via, maskWeight } = this;
    const size = 1 << sub.weights.length;
    maskWeight[0] = 0;
    for (let mask = 1; mask < size; mask += 1) {
      const low = 31 - Math.clz32(mask & -mask);
      maskWeight[mask] = maskWeight[mask & (mask - 1)]! + sub.weights[low]!;
    }
    dp.fill(Number.POSITIVE_INFINITY, 0, size);
    dp[0] = 0;
    const representative: number[] = [];
    sub.groups.forEach((group, g) => {
      let cheapest = group.members[0]!;
      for (const s of group.members) if (lambda[s]! < lambda[cheapest]!) cheapest = s;
      representative.push(cheapest);
      const cost = lambda[cheapest]! + PAIR_COST;
      const groupMask = group.classMask;
      for (let mask = size - 1; mask >= 0; mask -= 1) {
        const base = dp[mask]!;
        if (base === Number.POSITIVE_INFINITY) continue;
        const union = mask | groupMask;
        if (union !== mask && base + cost < dp[union]! - 1e-12) {
          dp[union] = base + cost;
          previous[union] = mask;
          via[union] = g;
        }
      }
    });
    let bestMask = 0;
    let bestValue = 0;
    for (let mask = 1; mask < size; mask += 1) {
      const value = maskWeight[mask]! - dp[mask]!;
      if (value > bestValue + 1e-12) {
        bestValue = value;
        bestMask = mask;
      }
    }
    const groups = new Set<number>();
    for (let mask = bestMask; mask !== 0; mask = previous[mask]!) groups.add(via[mask]!);
    const societies = [...groups].map((g) => representative[g]!).sort((a, b) => a - b);
    let price = 0;
    for (const s of societies) price += lambda[s]!;
    // A best set without the tie-break needs at most one society per class, so the tie-break
    // costs the optimum at most classes × PAIR_COST.
    return {
      bound: bestValue + sub.weights.length * PAIR_COST,
      value: maskWeight[bestMask]! - price,
      societies,
    };
  }

  /** Many classes: greedy set, and a bound spreading each society's price over its classes. */
  private greedy(sub: SubVisit, lambda: Float64Array): Priced {
    let bound = 0;
    sub.weights.forEach((weight, k) => {
      let cheapest = Number.POSITIVE_INFINITY;
      for (const group of sub.groups) {
        if (!group.classes.includes(k)) continue;
        for (const s of group.members) cheapest = Math.min(cheapest, lambda[s]! / group.classes.length);
      }
      bound += Math.max(0, weight - cheapest);
    });
    const covered = new Uint8Array(sub.weights.length);
    const societies: number[] = [];
    let value = 0;
    for (;;) {
      let bestNet = 0;
      let bestSociety = -1;
      let bestGroup: Group | undefined;
      for (const group of sub.groups) {
        let gain = 0;
        for (const k of group.classes) if (!covered[k]) gain += sub.weights[k]!;
        if (gain === 0) continue;
        for (const s of group.members) {
          const net = gain - lambda[s]!;
          if (net > bestNet + 1e-12) {
            bestNet = net;
            bestSociety = s;
            bestGroup = group;
          }
        }
      }
      if (bestGroup === undefined) break;
      societies.push(bestSociety);
      value += bestNet;
      for (const k of bestGroup.classes) covered[k] = 1;
    }
    return { bound, value, societies: societies.sort((a, b) => a - b) };
  }
}

/** Makes each visit's chosen set respect capacity, then completes and prunes the plan. */
function repair(
  model: AssignmentModel,
  subs: readonly SubVisit[],
  choice: readonly (readonly number[])[],
  capacity: readonly number[],
  joinedOf: (choice: readonly (readonly number[])[]) => Joined,
): Joined {
  const holders = new Map<number, number[]>();
  choice.forEach((societies, i) => {
    for (const s of societies) {
      const list = holders.get(s);
      if (list === undefined) holders.set(s, [i]);
      else list.push(i);
    }
  });
  const kept = choice.map((societies) => [...societies]);
  for (const [s, list] of [...holders.entries()].sort((a, b) => a[0] - b[0])) {
    const room = Math.max(0, capacity[s]!);
    if (list.length <= room) continue;
    // Keep the visits where the society adds most weight on top of the others chosen there.
    const scored = list.map((i) => {
      const sub = subs[i]!;
      const visit = model.visits[sub.v]!;
      const all = [...sub.pinned, ...kept[i]!];
      return {
        i,
        marginal:
          visitWeight(visit, all) -
          visitWeight(
            visit,
            all.filter((other) => other !== s),
          ),
      };
    });
    scored.sort((a, b) => b.marginal - a.marginal || a.i - b.i);
    for (const { i } of scored.slice(room)) kept[i] = kept[i]!.filter((other) => other !== s);
  }
  const plan = joinedOf(kept);
  fill(
    model,
    plan,
    subs.map((sub) => sub.v),
  );
  prune(model, plan);
  return plan;
}

interface Pattern {
  i: number;
  societies: number[];
  weight: number;
}

/**
 * The set-packing model in HiGHS: one row per visit (at most one pattern), one per society
 * (capacity), one column per pattern. Kept alive across rounds so each LP starts from the last basis.
 */
class PackingMaster {
  private readonly patterns: Pattern[] = [];
  private readonly keys: Set<string>[];
  private readonly pending: Pattern[] = [];
  private readonly lp;
  private readonly visitCount: number;
  private lastValues: Float64Array = new Float64Array(0);

  constructor(
    private readonly model: AssignmentModel,
    private readonly subs: readonly SubVisit[],
    private readonly capacity: readonly number[],
  ) {
    this.visitCount = subs.length;
    this.keys = subs.map(() => new Set<string>());
    const numRows = subs.length + model.societies.length;
    const rowUpper = new Float64Array(numRows);
    rowUpper.fill(1, 0, subs.length);
    capacity.forEach((c, s) => {
      rowUpper[subs.length + s] = Math.max(0, c);
    });
    this.lp = highs.createModel({
      numCols: 0,
      numRows,
      sense: highs.constants.objectiveSense.maximize,
      colCost: new Float64Array(0),
      colLower: new Float64Array(0),
      colUpper: new Float64Array(0),
      rowLower: new Float64Array(numRows).fill(-highs.infinity),
      rowUpper,
      matrix: {
        format: 'csc',
        numRows,
        numCols: 0,
        starts: new Int32Array(1),
        indices: new Int32Array(0),
        values: new Float64Array(0),
      },
    });
    this.lp.options.set({ output_flag: false, random_seed: 0, solver: 'simplex' });
  }

  /** Adds a pattern for visit `i` unless known or worthless; true when added. */
  add(i: number, societies: readonly number[]): boolean {
    if (societies.length === 0) return false;
    const sorted = [...societies].sort((a, b) => a - b);
    const key = sorted.join(',');
    if (this.keys[i]!.has(key)) return false;
    const sub = this.subs[i]!;
    const weight = visitWeight(this.model.visits[sub.v]!, [...sub.pinned, ...sorted]) - sub.pinnedWeight;
    if (weight <= 0) return false;
    this.keys[i]!.add(key);
    const pattern = { i, societies: sorted, weight };
    this.patterns.push(pattern);
    this.pending.push(pattern);
    return true;
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const count = this.pending.length;
    const starts = new Int32Array(count + 1);
    const indices: number[] = [];
    this.pending.forEach((pattern, c) => {
      indices.push(pattern.i);
      for (const s of pattern.societies) indices.push(this.visitCount + s);
      starts[c + 1] = indices.length;
    });
    this.lp.addCols({
      cost: Float64Array.from(this.pending, (pattern) => pattern.weight),
      lower: new Float64Array(count),
      upper: new Float64Array(count).fill(1),
      matrix: {
        format: 'csc',
        numRows: this.visitCount + this.model.societies.length,
        numCols: count,
        starts,
        indices: Int32Array.from(indices),
        values: new Float64Array(indices.length).fill(1),
      },
    });
    this.pending.length = 0;
  }

  solveRelaxation(): { lambda: Float64Array; mu: Float64Array; value: number } {
    this.flush();
    if (this.patterns.length === 0) {
      // Nothing to choose (every visit's needs are covered by pins or by nobody): all prices zero.
      return {
        lambda: new Float64Array(this.model.societies.length),
        mu: new Float64Array(this.visitCount),
        value: 0,
      };
    }
    this.lp.run();
    const solution = this.lp.getSolution();
    this.lastValues = Float64Array.from(solution.colValue);
    const mu = new Float64Array(this.visitCount);
    for (let i = 0; i < this.visitCount; i += 1) mu[i] = Math.max(0, solution.rowDual[i]!);
    const lambda = new Float64Array(this.model.societies.length);
    for (let s = 0; s < lambda.length; s += 1)
      lambda[s] = Math.max(0, solution.rowDual[this.visitCount + s]!);
    return { lambda, mu, value: this.lp.getObjectiveValue() };
  }

  /** Each visit's pattern with the largest LP value (ties: the earlier pattern). */
  rounded(): number[][] {
    const bestOf = this.subs.map(() => ({ value: 0.01, societies: [] as number[] }));
    this.patterns.forEach((pattern, c) => {
      const value = this.lastValues[c] ?? 0;
      if (value > bestOf[pattern.i]!.value + 1e-9)
        bestOf[pattern.i] = { value, societies: pattern.societies };
    });
    return bestOf.map((entry) => entry.societies);
  }

  /** Branch and cut over the generated patterns and their one-smaller subsets, from `start`. */
  solveInteger(start: readonly (readonly number[])[], seconds: number): number[][] | undefined {
    for (const pattern of [...this.patterns]) {
      if (pattern.societies.length < 2 || pattern.societies.length > 4) continue;
      for (const dropped of pattern.societies)
        this.add(
          pattern.i,
          pattern.societies.filter((s) => s !== dropped),
        );
    }
    start.forEach((societies, i) => {
      this.add(i, societies);
    });
    this.flush();
    const maxPairs = this.capacity.reduce((sum, c) => sum + Math.max(0, c), 0);
    const scale = maxPairs + 1;
    const count = this.patterns.length;
    this.lp.changeColsCost(
      { kind: 'range', from: 0, to: count - 1 },
      Float64Array.from(this.patterns, (pattern) => scale * pattern.weight - pattern.societies.length),
    );
    this.lp.changeColsIntegrality(
      { kind: 'range', from: 0, to: count - 1 },
      new Int32Array(count).fill(highs.constants.variableType.integer),
    );
    const startValues = new Float64Array(count);
    const startKeys = start.map((societies) => [...societies].sort((a, b) => a - b).join(','));
    this.patterns.forEach((pattern, c) => {
      if (startKeys[pattern.i] === pattern.societies.join(',')) startValues[c] = 1;
    });
    this.lp.options.set({ time_limit: seconds, mip_rel_gap: 1e-6, presolve: 'on', solver: 'choose' });
    this.lp.setSolution({ colValue: startValues });
    this.lp.run();
    if (this.lp.info.get('primal_solution_status') !== highs.constants.solutionStatus.feasible)
      return undefined;
    const values = this.lp.getSolution().colValue;
    const choice: number[][] = this.subs.map(() => []);
    this.patterns.forEach((pattern, c) => {
      if (values[c]! > 0.5) choice[pattern.i] = pattern.societies;
    });
    return choice;
  }

  /** The patterns the last LP used, and the plan's own: enough to warm-start a related solve. */
  activePatterns(plan: Joined): Map<number, number[][]> {
    const byVisit = new Map<number, number[][]>();
    this.patterns.forEach((pattern, c) => {
      const v = this.subs[pattern.i]!.v;
      const inPlan = pattern.societies.every((s) => plan[v]!.includes(s));
      if (!inPlan && (this.lastValues[c] ?? 0) < 1e-6) return;
      const list = byVisit.get(v);
      if (list === undefined) byVisit.set(v, [pattern.societies]);
      else list.push(pattern.societies);
    });
    return byVisit;
  }

  dispose(): void {
    this.lp.dispose();
  }
}
