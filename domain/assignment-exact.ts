import type { AssignmentModel, Joined } from './assignment-model.ts';
import { highs } from './highs.ts';

/**
 * The assignment objective (docs/rules.md) solved exactly with HiGHS (branch and cut) on one component of the problem.
 *
 * Model, over the component's visits V and candidate pairs (s, v):
 *   x[s,v] ∈ {0,1}   society s joins visit v (pinned pairs fixed to 1)
 *   z[k]   ∈ [0,1]   need class k (same visit, theme and field) is covered
 *   z[k] ≤ Σ_{s competent for k} x[s,v(k)]        for every class with an available society
 *   Σ_v x[s,v] ≤ capacity left of s               for every society
 * Stage 1, objective (a) then (b) as one integer objective: maximise M·Σ weight[k]·z[k] − Σ x[s,v],
 * with M larger than any possible number of pairs, so one more unit of weight beats any number of
 * pairs saved. The objective is integral, so an absolute gap below 1 proves it optimal.
 * Stage 2, objective (c): keep weight ≥ W* and pairs ≤ P* from stage 1 and minimise the sum over
 * societies of their squared load fraction ((visits already joined + x) / capacity)², modelled
 * exactly with one unit variable per visit of capacity left, whose costs increase.
 */

export interface ExactResult {
  joined: Map<number, number[]>;
  weight: number;
  pairs: number;
  /** Proven upper bound on the weight (equals `weight` when `optimal`). */
  weightBound: number;
  /** (a) and (b) proven optimal. */
  optimal: boolean;
  /** (c) proven optimal given (a) and (b). */
  balanceOptimal: boolean;
}

export interface ExactOptions {
  /** Seconds for stage 1 (a, b). @default 4 */
  timeLimit?: number;
  /** Seconds for stage 2 (c). @default 1 */
  balanceTimeLimit?: number;
  /** A feasible solution to start from (all of the component's visits). */
  start?: Joined;
}

interface Column {
  s: number;
  v: number;
}

export function solveExact(
  model: AssignmentModel,
  visits: readonly number[],
  options: ExactOptions = {},
): ExactResult {
  const columns: Column[] = [];
  const classRows: { v: number; k: number; weight: number; columns: number[] }[] = [];
  const societyColumns = new Map<number, number[]>();
  for (const v of visits) {
    const visit = model.visits[v]!;
    const columnOf = new Map<number, number>();
    for (const candidate of visit.candidates) {
      const index = columns.length;
      columns.push({ s: candidate.society, v });
      columnOf.set(candidate.society, index);
      const list = societyColumns.get(candidate.society);
      if (list === undefined) societyColumns.set(candidate.society, [index]);
      else list.push(index);
    }
    visit.classes.forEach((needClass, k) => {
      if (needClass.available.length === 0) return;
      classRows.push({
        v,
        k,
        weight: needClass.weight,
        columns: needClass.available.map((s) => columnOf.get(s)!),
      });
    });
  }
  const societies = [...societyColumns.keys()].sort((a, b) => a - b);
  const maxPairs = societies.reduce(
    (sum, s) => sum + Math.min(model.societies[s]!.left, societyColumns.get(s)!.length),
    0,
  );
  const scale = maxPairs + 1;

  const x = columns.length;
  const numCols = x + classRows.length;
  const rows: { lower: number; upper: number; entries: [number, number][] }[] = [];
  classRows.forEach((row, r) => {
    rows.push({
      lower: -highs.infinity,
      upper: 0,
      entries: [[x + r, 1], ...row.columns.map((c): [number, number] => [c, -1])],
    });
  });
  for (const s of societies) {
    rows.push({
      lower: -highs.infinity,
      upper: model.societies[s]!.left,
      entries: societyColumns.get(s)!.map((c): [number, number] => [c, 1]),
    });
  }
  const colLower = new Float64Array(numCols);
  const colUpper = new Float64Array(numCols).fill(1);
  columns.forEach((column, c) => {
    if (pinned(model, column)) colLower[c] = 1;
  });
  const integrality = new Int32Array(numCols);
  integrality.fill(1, 0, x);
  const cost = new Float64Array(numCols);
  cost.fill(-1, 0, x);
  classRows.forEach((row, r) => {
    cost[x + r] = scale * row.weight;
  });

  const start = options.start === undefined ? undefined : startVector(columns, classRows, options.start);
  const stage1 = solveMip(
    { numCols, rows, colLower, colUpper, integrality, cost, sense: 'max' },
    { time_limit: options.timeLimit ?? 4, mip_rel_gap: 0, mip_abs_gap: 0.999 },
    start,
  );
  const chosen = stage1.values;
  let weight = 0;
  let pairs = 0;
  for (let c = 0; c < x; c += 1) if (chosen[c]! > 0.5) pairs += 1;
  const covered = coveredRows(classRows, chosen);
  classRows.forEach((row, r) => {
    if (covered[r]) weight += row.weight;
  });
  const optimal = stage1.optimal;
  // Objective M·w − p ≤ dual bound, and p ≥ 0, so w ≤ (dual bound + maxPairs) / M.
  const weightBound = optimal
    ? weight
    : Math.max(weight, Math.floor((stage1.dualBound + maxPairs) / scale + 1e-9));

  // Stage 2: balance among solutions as good on (a) and (b).
  const balance = balanceStage(model, columns, classRows, societies, societyColumns, {
    numCols,
    rows,
    colLower,
    colUpper,
    integrality,
    weight,
    pairs,
    start: chosen,
    timeLimit: options.balanceTimeLimit ?? 1,
  });
  const final = balance?.values ?? chosen;

  const joined = new Map<number, number[]>();
  for (const v of visits) joined.set(v, []);
  columns.forEach((column, c) => {
    if (final[c]! > 0.5) joined.get(column.v)!.push(column.s);
  });
  for (const list of joined.values()) list.sort((a, b) => a - b);
  return { joined, weight, pairs, weightBound, optimal, balanceOptimal: balance?.optimal ?? false };
}

function pinned(model: AssignmentModel, column: Column): boolean {
  const visit = model.visits[column.v]!;
  return visit.candidates.some((candidate) => candidate.society === column.s && candidate.pinned);
}

function coveredRows(classRows: readonly { columns: number[] }[], values: Float64Array): boolean[] {
  return classRows.map((row) => row.columns.some((c) => values[c]! > 0.5));
}

function startVector(
  columns: readonly Column[],
  classRows: readonly { columns: number[] }[],
  joined: Joined,
): Float64Array {
  const values = new Float64Array(columns.length + classRows.length);
  columns.forEach((column, c) => {
    if ((joined[column.v] ?? []).includes(column.s)) values[c] = 1;
  });
  const covered = coveredRows(classRows, values);
  classRows.forEach((_, r) => {
    if (covered[r]) values[columns.length + r] = 1;
  });
  return values;
}

interface MipSpec {
  numCols: number;
  rows: { lower: number; upper: number; entries: [number, number][] }[];
  colLower: Float64Array;
  colUpper: Float64Array;
  integrality: Int32Array;
  cost: Float64Array;
  sense: 'max' | 'min';
}

interface MipResult {
  values: Float64Array;
  optimal: boolean;
  dualBound: number;
}

function solveMip(
  spec: MipSpec,
  options: Record<string, number | boolean | string>,
  start?: Float64Array,
): MipResult {
  const starts = new Int32Array(spec.rows.length + 1);
  let nonzeros = 0;
  spec.rows.forEach((row, r) => {
    nonzeros += row.entries.length;
    starts[r + 1] = nonzeros;
  });
  const indices = new Int32Array(nonzeros);
  const values = new Float64Array(nonzeros);
  let position = 0;
  for (const row of spec.rows) {
    const sorted = [...row.entries].sort((a, b) => a[0] - b[0]);
    for (const [column, value] of sorted) {
      indices[position] = column;
      values[position] = value;
      position += 1;
    }
  }
  const model = highs.createModel({
    numCols: spec.numCols,
    numRows: spec.rows.length,
    sense:
      spec.sense === 'max'
        ? highs.constants.objectiveSense.maximize
        : highs.constants.objectiveSense.minimize,
    colCost: spec.cost,
    colLower: spec.colLower,
    colUpper: spec.colUpper,
    rowLower: spec.rows.map((row) => row.lower),
    rowUpper: spec.rows.map((row) => row.upper),
    matrix: { format: 'csr', numRows: spec.rows.length, numCols: spec.numCols, starts, indices, values },
    integrality: spec.integrality,
  });
  try {
    model.options.set({ output_flag: false, random_seed: 0, ...options });
    if (start !== undefined) model.setSolution({ colValue: start });
    const result = model.run();
    const solution = model.getSolution().colValue;
    const primal = model.info.get('primal_solution_status') as number;
    if (primal !== highs.constants.solutionStatus.feasible) {
      if (start !== undefined) return { values: start, optimal: false, dualBound: Number.POSITIVE_INFINITY };
      throw new Error(`HiGHS found no feasible assignment (model status ${result.modelStatus})`);
    }
    return {
      values: Float64Array.from(solution),
      optimal: result.modelStatus === highs.constants.modelStatus.optimal,
      dualBound: Number(model.info.get('mip_dual_bound')),
    };
  } finally {
    model.dispose();
  }
}

function balanceStage(
  model: AssignmentModel,
  columns: readonly Column[],
  classRows: readonly { weight: number; columns: number[] }[],
  societies: readonly number[],
  societyColumns: ReadonlyMap<number, number[]>,
  base: {
    numCols: number;
    rows: MipSpec['rows'];
    colLower: Float64Array;
    colUpper: Float64Array;
    integrality: Int32Array;
    weight: number;
    pairs: number;
    start: Float64Array;
    timeLimit: number;
  },
): { values: Float64Array; optimal: boolean } | undefined {
  const x = columns.length;
  // One unit column per visit a society may still join; the j-th costs the increase of its squared load fraction.
  const units: { s: number; cost: number }[] = [];
  for (const s of societies) {
    const society = model.societies[s]!;
    const count = Math.min(society.left, societyColumns.get(s)!.length);
    for (let j = 1; j <= count; j += 1) {
      units.push({ s, cost: (2 * (society.prior + j) - 1) / society.capacity ** 2 });
    }
  }
  if (units.length === 0) return undefined;
  const numCols = base.numCols + units.length;
  const rows = [...base.rows];
  rows.push({
    lower: base.weight,
    upper: highs.infinity,
    entries: classRows.map((row, r): [number, number] => [x + r, row.weight]),
  });
  rows.push({
    lower: -highs.infinity,
    upper: base.pairs,
    entries: columns.map((_, c): [number, number] => [c, 1]),
  });
  const unitStart = base.numCols;
  for (const s of societies) {
    const entries: [number, number][] = societyColumns.get(s)!.map((c): [number, number] => [c, 1]);
    units.forEach((unit, u) => {
      if (unit.s === s) entries.push([unitStart + u, -1]);
    });
    rows.push({ lower: 0, upper: 0, entries });
  }
  const colLower = new Float64Array(numCols);
  colLower.set(base.colLower);
  const colUpper = new Float64Array(numCols).fill(1);
  colUpper.set(base.colUpper);
  const integrality = new Int32Array(numCols);
  integrality.set(base.integrality);
  const cost = new Float64Array(numCols);
  units.forEach((unit, u) => {
    cost[unitStart + u] = unit.cost;
  });
  const start = new Float64Array(numCols);
  start.set(base.start);
  const used = new Map<number, number>();
  columns.forEach((column, c) => {
    if (base.start[c]! > 0.5) used.set(column.s, (used.get(column.s) ?? 0) + 1);
  });
  const filled = new Map<number, number>();
  units.forEach((unit, u) => {
    const count = filled.get(unit.s) ?? 0;
    if (count < (used.get(unit.s) ?? 0)) {
      start[unitStart + u] = 1;
      filled.set(unit.s, count + 1);
    }
  });
  const result = solveMip(
    { numCols, rows, colLower, colUpper, integrality, cost, sense: 'min' },
    { time_limit: base.timeLimit, mip_rel_gap: 1e-9, mip_abs_gap: 1e-9 },
    start,
  );
  return { values: result.values, optimal: result.optimal };
}
