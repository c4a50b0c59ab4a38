// `npx tsx bench/plan.ts` (or `npm run bench -- plan`): the planner on generated city, province and
// national instances, against a greedy baseline and against the proven bound.
//
// For each instance: the time of a whole `planRound` (town choice, assignment, explanation), its
// objective (a) and (b), the greedy baseline's (a) on the same visits — urgent needs first, each
// taken by a society already on its visit if one is competent, else by the first competent society
// (id order) with capacity left — and the bounds: the simple one (weight of the needs some society
// with capacity could take) and the proven one the planner reports (the optimum itself when proven).
import { planCore, planRound } from '#domain/plan';
import type { DataSet, Need } from '#schemas/index';
import { URGENCY_WEIGHT } from '#schemas/index';
import { generateInstance, type InstanceSize, SIZES } from './generate.ts';

const SEASON = '2026-Q4';

interface Row {
  instance: string;
  counties: number;
  societies: number;
  needs: number;
  needsOnVisits: number;
  seconds: number;
  cpuSeconds: number;
  weight: number;
  pairs: number;
  greedy: number;
  simpleBound: number;
  bound: number;
  optimal: string;
  method: string;
}

/** Urgent needs first; a society already on the visit if competent, else the first competent one with room. */
export function greedyBaseline(
  data: DataSet,
  visits: readonly { countyId: string; needs: readonly Need[] }[],
): number {
  const societies = [...data.societies].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const left = new Map(societies.map((society) => [society.id, society.capacityPerSeason]));
  const onVisit = new Map(visits.map((visit) => [visit.countyId, new Set<string>()]));
  const needs = visits
    .flatMap((visit) => visit.needs.map((need) => ({ need, countyId: visit.countyId })))
    .sort(
      (a, b) =>
        URGENCY_WEIGHT[b.need.urgency] - URGENCY_WEIGHT[a.need.urgency] ||
        (a.need.id < b.need.id ? -1 : a.need.id > b.need.id ? 1 : 0),
    );
  let weight = 0;
  for (const { need, countyId } of needs) {
    const joined = onVisit.get(countyId)!;
    const competent = societies.filter((s) => s.themes.includes(need.theme) && s.fields.includes(need.field));
    const present = competent.find((s) => joined.has(s.id));
    const chosen = present ?? competent.find((s) => left.get(s.id)! > 0);
    if (chosen === undefined) continue;
    if (present === undefined) {
      joined.add(chosen.id);
      left.set(chosen.id, left.get(chosen.id)! - 1);
    }
    weight += URGENCY_WEIGHT[need.urgency];
  }
  return weight;
}

function run(size: InstanceSize, seed: number): Row {
  const data = generateInstance(size, seed);
  const started = performance.now();
  const cpu = process.cpuUsage();
  const plan = planRound(SEASON, data);
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  const explain = plan.explain!;
  // The same visits (town choice is deterministic) for the baseline.
  const { chosen } = planCore(SEASON, data, {}, undefined);
  const greedy = greedyBaseline(data, chosen);
  return {
    instance: `${size.name} #${seed}`,
    counties: data.counties.length,
    societies: data.societies.length,
    needs: data.needs.length,
    needsOnVisits: chosen.reduce((sum, visit) => sum + visit.needs.length, 0),
    seconds,
    cpuSeconds,
    weight: explain.objective.weight,
    pairs: explain.objective.pairs,
    greedy,
    simpleBound: explain.bound.coverableWeight,
    bound: explain.bound.weight,
    optimal: [
      explain.bound.optimal.weight ? 'a' : '',
      explain.bound.optimal.pairs ? 'b' : '',
      explain.bound.optimal.balance ? 'c' : '',
    ].join(''),
    method: explain.bound.method,
  };
}

function ratio(part: number, whole: number): string {
  return whole === 0 ? '-' : `${((part / whole) * 100).toFixed(1)}%`;
}

function table(rows: Row[]): string {
  const header = [
    'instance',
    'counties',
    'societies',
    'needs (on visits)',
    'time s',
    'cpu s',
    'weight (a)',
    'pairs (b)',
    'greedy',
    'simple bound',
    'proven bound',
    'weight/bound',
    'greedy/bound',
    'weight/simple',
    'greedy/simple',
    'proven optimal',
    'method',
  ];
  const body = rows.map((row) => [
    row.instance,
    String(row.counties),
    String(row.societies),
    `${row.needs} (${row.needsOnVisits})`,
    row.seconds.toFixed(2),
    row.cpuSeconds.toFixed(2),
    String(row.weight),
    String(row.pairs),
    String(row.greedy),
    String(row.simpleBound),
    String(row.bound),
    ratio(row.weight, row.bound),
    ratio(row.greedy, row.bound),
    ratio(row.weight, row.simpleBound),
    ratio(row.greedy, row.simpleBound),
    row.optimal === '' ? '-' : row.optimal,
    row.method,
  ]);
  const widths = header.map((title, c) => Math.max(title.length, ...body.map((cells) => cells[c]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

const requested = process.argv.slice(2).filter((arg) => arg !== '--');
const plan: [InstanceSize, number][] = [
  [SIZES.city, 1],
  [SIZES.city, 2],
  [SIZES.province, 1],
  [SIZES.province, 2],
  [SIZES.province, 3],
  [SIZES.national, 1],
];
const rows: Row[] = [];
for (const [size, seed] of plan) {
  if (requested.length > 0 && !requested.includes(size.name)) continue;
  process.stderr.write(`planning ${size.name} #${seed}…\n`);
  rows.push(run(size, seed));
}
process.stdout.write(`${table(rows)}\n`);
process.stdout.write(
  '\ntime s: wall clock of planRound (town choice, assignment, explanation); cpu s: its CPU time. ' +
    'proven optimal: a = weight, b = pairs, c = balance (sum of squared load fractions). ' +
    'proven bound: the upper bound on the weight the planner proves (the optimum when a is proven); ' +
    'simple bound: the weight of the needs some society with capacity could take.\n',
);
