// National figures: the synthesized round (Distributed Maps, plan by reference) run by the
// embedded runtime on a generated national instance (2,844 counties, 600 societies, 15,000 needs),
// with every AWS rule of the runtime on (IAM, payload, Map result and history limits: local/aws-rules).
// Reports, per kind of execution (the parent, a county's child, a plan batch's child, an offer's
// child), the largest state payload, the largest Map result and the most history events, each against
// Step Functions' limit; and per Lambda step its longest invocation against its function's timeout.
// The database is DynamoDB Local in memory (`--on-disk` keeps it in a temporary DATA_DIR, as `rounds
// run` does). A round that breaks a rule fails here as it would in AWS; the figures up to the failure
// are shown.

import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionKindFigures } from '../local/aws-rules/execution-checks.ts';
import { LIMITS } from '../local/aws-rules/limits.ts';
import { bootEmbeddedRuntime } from '../local/runtime.ts';
import { generateInstance, SIZES } from './generate.ts';

const KINDS: [string, string][] = [
  ['parent', 'parent execution'],
  ['ChooseTownPerCounty', 'county child (ChooseTownPerCounty)'],
  ['PersistPlanPerBatch', 'plan batch child (PersistPlanPerBatch)'],
  ['OfferEachSociety', 'offer child (OfferEachSociety)'],
];

const size = process.argv.includes('--province') ? SIZES.province : SIZES.national;
const data = generateInstance(size, 1);
const dataDir = process.argv.includes('--on-disk')
  ? mkdtempSync(join(tmpdir(), 'bench-national-'))
  : undefined;
const runtime = await bootEmbeddedRuntime(dataDir ? { dataDir } : {});
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
let failed = false;
try {
  const { seedIfEmpty } = await import('#cli/seed');
  let started = performance.now();
  console.log(`seeding the ${size.name} instance (load average ${load()}) …`);
  await seedIfEmpty(data);
  const seedSeconds = (performance.now() - started) / 1000;

  started = performance.now();
  console.log(`running the round (load average ${load()}) …`);
  const execution = await runtime.runner.run(
    { season: '2026-Q4', autoAccept: true },
    {
      onEvent: (event) => {
        if (event.type === 'StateFailed') {
          const failure = event as { state: { name: string }; Error?: string; Cause?: unknown };
          console.error(
            `${event.type} ${failure.state.name}: ${failure.Error ?? ''} ${String(failure.Cause ?? '').slice(0, 300)}`,
          );
        }
      },
    },
  );
  const roundSeconds = (performance.now() - started) / 1000;
  failed = execution.status !== 'SUCCEEDED';
  const output = execution.output as
    | { visits: number; offers: number; accepted: number; unassignedNeeds: number }
    | undefined;

  console.log(
    `\nRound on a generated ${size.name} instance (${size.counties} counties, ${size.societies} societies, ${size.needs} needs), societies accepting at once, AWS rules on`,
  );
  console.log(
    failed
      ? `round FAILED: ${execution.error?.name}: ${execution.error?.message}`
      : `visits / offers / accepted: ${output?.visits} / ${output?.offers} / ${output?.accepted}; unassigned needs on visits: ${output?.unassignedNeeds}`,
  );
  console.log(
    `seeding ${seedSeconds.toFixed(1)} s, round ${roundSeconds.toFixed(1)} s, ${execution.stateTransitions} state transitions in all executions\n`,
  );

  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
  const percent = (value: number, limit: number) => `${((100 * value) / limit).toFixed(1)}%`;
  const rows: string[][] = [
    ['execution kind', 'executions', 'largest state payload', 'largest Map result', 'most history events'],
  ];
  for (const [kind, label] of KINDS) {
    const figures: ExecutionKindFigures | undefined = execution.figures?.[kind];
    if (!figures) {
      rows.push([label, '0', '', '', '']);
      continue;
    }
    const payload = figures.largestPayload;
    const mapResult = figures.largestMapResult;
    rows.push([
      label,
      String(figures.executions),
      `${kib(payload.bytes)} (${payload.state}), ${percent(payload.bytes, LIMITS.statePayloadBytes)} of 256 KiB`,
      mapResult.bytes
        ? `${kib(mapResult.bytes)} (${mapResult.state}), ${percent(mapResult.bytes, LIMITS.statePayloadBytes)} of 256 KiB`
        : 'no Map',
      `${figures.mostHistoryEvents}, ${percent(figures.mostHistoryEvents, LIMITS.historyEvents)} of 25,000`,
    ]);
  }
  console.log(`load average (1, 5, 15 min): ${load()}`);
  printTable(rows);
  console.log('');
  for (const [map, bytes] of Object.entries(execution.figures?.parent?.mapResults ?? {}))
    console.log(
      `result gathered by ${map}: ${kib(bytes)}, ${percent(bytes, LIMITS.statePayloadBytes)} of 256 KiB`,
    );

  // No invocation may come near its function's timeout: the longest of each step, as a share of it.
  const steps = Object.entries(execution.longestInvocations).sort((a, b) => b[1].share - a[1].share);
  console.log(`\nLongest invocation per step (each attempt counts), load average ${load()}`);
  printTable([
    ['step', 'invocations', 'longest', 'function timeout', 'share of the timeout'],
    ...steps.map(([state, longest]) => [
      state,
      String(longest.count),
      `${(longest.ms / 1000).toFixed(2)} s`,
      `${longest.timeoutSeconds} s`,
      `${(100 * longest.share).toFixed(1)}%`,
    ]),
  ]);
} finally {
  await runtime.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}

function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(line(rows[0]!));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows.slice(1)) console.log(line(row));
}
process.exit(failed ? 1 : 0);
