// Figures: each function's bundle size and import time (ratio to an empty module imported
// just after it, run by run), state transitions and DynamoDB write units per county for one round,
// and the demo round's wall time. The round runs the handlers' TypeScript sources in the embedded
// runtime, not the bundles: a bundle carries its own copy of the SDK clients and ports, which the
// runtime could not point at DynamoDB Local, hold to the IAM rules or answer task tokens for.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadDataDir } from '#cli/data-dir';
import { DEMO_DATA_DIR } from '#cli/session';
import { functionBundleDirs, synthesizeRoundsTemplate } from '../infra/rounds-stack.ts';
import { bootEmbeddedRuntime } from '../local/runtime.ts';

const IMPORT_RUNS = 7;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Milliseconds to import a module in one fresh Node process. */
function importMs(file: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t);`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: {
      ...process.env,
      TABLE_NAME: 'bench',
      AWS_REGION: 'ap-east-1',
      ALERT_TOPIC_ARN: 'arn:aws:sns:ap-east-1:0:bench',
      SENDER_EMAIL: 'notify@example.org.cn',
    },
    encoding: 'utf8',
  });
  return Number(out.trim());
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

function bundles(): void {
  // The very bundles `cdk deploy` uploads: synthesize with esbuild bundling on.
  const bundleDirs = functionBundleDirs(synthesizeRoundsTemplate({ bundle: true }));
  const empty = join(mkdtempSync(join(tmpdir(), 'bench-empty-')), 'index.mjs');
  writeFileSync(empty, 'export {};\n');

  // Each import is paired with an import of the empty module just after it, run by run, so the load
  // of the moment weighs on both alike; the ratio is the median of the pairs.
  const ids = [...bundleDirs.keys()].sort();
  const samples = new Map(ids.map((id) => [id, { ms: [] as number[], empty: [] as number[] }]));
  const loadBefore = load();
  for (let run = 0; run < IMPORT_RUNS; run++) {
    for (const id of ids) {
      const entry = samples.get(id)!;
      entry.ms.push(importMs(join(bundleDirs.get(id)!, 'index.mjs')));
      entry.empty.push(importMs(empty));
    }
  }
  const rows: string[][] = ids.map((id) => {
    const file = join(bundleDirs.get(id)!, 'index.mjs');
    const { ms, empty: floor } = samples.get(id)!;
    const ratios = ms.map((m, i) => m / (floor[i] as number));
    return [
      id,
      (statSync(file).size / 1024).toFixed(0),
      (gzipSync(readFileSync(file)).length / 1024).toFixed(0),
      median(ms).toFixed(1),
      median(floor).toFixed(2),
      `${median(ratios).toFixed(0)} (${Math.min(...ratios).toFixed(0)}–${Math.max(...ratios).toFixed(0)})`,
    ];
  });
  console.log(
    `\nFunction bundles (import time: median of ${IMPORT_RUNS} fresh processes, each paired with an empty module imported just after it)`,
  );
  console.log(`load average (1, 5, 15 min): before ${loadBefore}, after ${load()}`);
  table(['function', 'KiB', 'KiB gz', 'import ms', 'empty ms', 'import ÷ empty'], rows);
}

async function round(): Promise<void> {
  const runtime = await bootEmbeddedRuntime();
  try {
    const demo = loadDataDir(DEMO_DATA_DIR);
    const { seedIfEmpty } = await import('#cli/seed');
    await seedIfEmpty(demo);
    const { dynamodb } = await import('../functions/commons/clients.ts');

    // Count write capacity as DynamoDB reports it: ask every write for its consumed capacity.
    const WRITES = new Set([
      'PutItemCommand',
      'UpdateItemCommand',
      'DeleteItemCommand',
      'TransactWriteItemsCommand',
      'BatchWriteItemCommand',
    ]);
    let writeUnits = 0;
    let writeRequests = 0;
    dynamodb().middlewareStack.add(
      (next, context) => async (args) => {
        const counted = WRITES.has(context.commandName ?? '');
        if (counted) (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'TOTAL';
        const result = await next(args);
        if (counted) {
          writeRequests++;
          const consumed = (
            result.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }
          ).ConsumedCapacity;
          for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : [])
            writeUnits += c.CapacityUnits ?? 0;
        }
        return result;
      },
      { step: 'initialize', name: 'benchWriteUnits' },
    );

    // Baseline in the same run: one raw PutItem round trip on the same database.
    const { PutItemCommand } = await import('@aws-sdk/client-dynamodb');
    const putTimes: number[] = [];
    for (let i = 0; i < 50; i++) {
      const t = performance.now();
      await dynamodb().send(
        new PutItemCommand({
          TableName: runtime.tableName,
          Item: { pk: { S: 'BENCH' }, sk: { S: String(i) } },
        }),
      );
      putTimes.push(performance.now() - t);
    }
    const putMs = median(putTimes);
    writeUnits = 0;
    writeRequests = 0;

    const counties = demo.counties.filter((c) => c.towns.length > 0).length;
    const started = performance.now();
    const execution = await runtime.runner.run({ season: '2026-Q4', autoAccept: true });
    const wallMs = performance.now() - started;
    if (execution.status !== 'SUCCEEDED') throw new Error(`demo round failed: ${execution.error?.message}`);
    const offers = (execution.output as { offers: number }).offers;

    console.log(`\nDemo round 2026-Q4 (${counties} counties, ${offers} offers, societies accept at once)`);
    console.log(`load average (1, 5, 15 min): ${load()}`);
    table(
      ['figure', 'total', 'per county'],
      [
        [
          'state transitions',
          String(execution.stateTransitions),
          (execution.stateTransitions / counties).toFixed(1),
        ],
        ['DynamoDB write requests', String(writeRequests), (writeRequests / counties).toFixed(1)],
        ['DynamoDB write capacity units', writeUnits.toFixed(0), (writeUnits / counties).toFixed(1)],
        ['wall time (ms), database up', wallMs.toFixed(0), (wallMs / counties).toFixed(0)],
        [
          'wall time ÷ one PutItem round trip',
          (wallMs / putMs).toFixed(0),
          (wallMs / putMs / counties).toFixed(0),
        ],
      ],
    );
    console.log(`(one PutItem round trip on the same DynamoDB Local: median ${putMs.toFixed(2)} ms)`);
  } finally {
    await runtime.close();
  }
}

function table(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}

bundles();
await round();
