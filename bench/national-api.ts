// API figures (`npm run bench -- national-api`): on the generated national season
// (2,844 counties, 600 societies, 15,000 needs; bench/generate.ts) after its round on the embedded
// runtime, with a report filed for every accepted offer, the latency (p50/p99) and DynamoDB read units
// of the season report (JSON, CSV, XLSX), a liaison's plan, the busiest society's assignments and a
// visit's page — through the local HTTP adapter — and of the outbox dispatcher's run. Each is a ratio
// to one Query of the same page size on the same table, measured interleaved with it in the same run
// (a route call, then the baseline Query, and again). Read units come from ReturnConsumedCapacity.
// `--province` runs it on the province size for a quick look; `--counties N` the national generator
// scaled to N counties. `--cpu-prof DIR` writes a CPU profile of the measured calls (not the setup)
// to DIR. Before the calls, the season report phase by phase (where its time goes) and each export's
// peak resident memory (a worker samples the process's RSS while it runs).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { rangeQuery } from '#commons/table';
import { documents, tableName } from '../functions/commons/clients.ts';
import { inParallel } from '../functions/commons/concurrency.ts';
import { API_ROUTES } from '../functions/registry.ts';
import { countReadUnits } from '../local/read-units.ts';
import { bootEmbeddedRuntime } from '../local/runtime.ts';
import { signLocalToken } from '../local/tokens.ts';
import { THEMES } from '../schemas/index.ts';
import { type KeyRange, ranges } from '../schemas/keys.ts';
import { generateInstance, SIZES } from './generate.ts';

const SEASON = '2026-Q4';
const countiesArg = process.argv.indexOf('--counties');
/** The national generator scaled to `counties` (societies and needs in proportion). */
const scaled = (counties: number) => ({
  ...SIZES.national,
  name: `national-${counties}`,
  counties,
  societies: Math.max(8, Math.round((SIZES.national.societies * counties) / SIZES.national.counties)),
  needs: Math.round((SIZES.national.needs * counties) / SIZES.national.counties),
});
const size =
  countiesArg > 0
    ? scaled(Number(process.argv[countiesArg + 1]))
    : process.argv.includes('--province')
      ? SIZES.province
      : SIZES.national;
const profileArg = process.argv.indexOf('--cpu-prof');
const profileDir = profileArg > 0 ? process.argv[profileArg + 1] : undefined;
/** Calls per route (each followed by its baseline Query): odd, for a median. */
const HEAVY_CALLS = Number(process.env.NATIONAL_API_HEAVY ?? 7);
const LIGHT_CALLS = Number(process.env.NATIONAL_API_LIGHT ?? 51);
const loads: number[][] = [];
const medianOf = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const noteLoad = () => loads.push(loadavg());

const runtime = await bootEmbeddedRuntime();
const units = countReadUnits();
const data = generateInstance(size, 1);
try {
  const { seedIfEmpty } = await import('#cli/seed');
  let started = performance.now();
  await seedIfEmpty(data);
  console.log(
    `seeded ${size.name} (${size.counties} counties) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  started = performance.now();
  const execution = await runtime.runner.run({ season: SEASON, autoAccept: true, autoApprove: true });
  console.log(
    `round ${execution.status} in ${((performance.now() - started) / 1000).toFixed(1)} s${
      execution.status === 'SUCCEEDED' ? '' : `: ${execution.error?.name}: ${execution.error?.message}`
    }`,
  );
  noteLoad();

  // A report on every accepted offer, as the teams would file them.
  const { seasonOffers } = await import('#store/offers');
  const { fileReport, reportingAssignment } = await import('#services/file-report');
  const accepted = (await seasonOffers(SEASON)).filter((o) => o.status === 'accepted');
  started = performance.now();
  await inParallel(accepted, 16, async (offer) =>
    fileReport(
      await reportingAssignment(offer.visitId, offer.societyId),
      {
        visitDate: '2026-10-15',
        answers: Object.fromEntries(THEMES.map((t) => [t, `走访回答（${t}）：详见会议纪要。`])) as Record<
          (typeof THEMES)[number],
          string
        >,
        outcomes: offer.needIds.map((needId, i) => ({
          needId,
          outcome: i % 3 === 2 ? 'partial' : 'resolved',
        })),
        cooperations: [{ title: '技术服务合作', partner: '乡镇政府' }],
      },
      `bench-${offer.societyId}`,
    ),
  );
  console.log(`${accepted.length} reports filed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  noteLoad();

  const perSociety = new Map<string, number>();
  for (const o of accepted) perSociety.set(o.societyId, (perSociety.get(o.societyId) ?? 0) + 1);
  const [busiest, busiestOffers] = [...perSociety].sort(
    (a, b) => b[1] - a[1] || a[0].localeCompare(b[0]),
  )[0]!;
  // The county with the most societies on its visit: the largest liaison plan and visit page.
  const perCounty = new Map<string, number>();
  for (const o of accepted) perCounty.set(o.countyId, (perCounty.get(o.countyId) ?? 0) + 1);
  const [county] = [...perCounty].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]!;

  const { startHttpServer } = await import('../local/http-server.ts');
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-national-api-'));
  const server = await startHttpServer({ port: 0, dataDir });
  const tokens = {
    coordinator: await signLocalToken(dataDir, { role: 'coordinator', sub: 'bench-coordinator' }),
    liaison: await signLocalToken(dataDir, { role: 'liaison', county, sub: 'bench-liaison' }),
    team: await signLocalToken(dataDir, { role: 'team', society: busiest, sub: 'bench-team' }),
  };
  const visitPage = API_ROUTES.find((r) => r.method === 'GET' && r.path === '/visits/{visitId}')
    ? `/visits/${SEASON}.${county}`
    : `/visits/${SEASON}.${county}/log`;

  /** One baseline Query: a page of `limit` items of `range`, its latency and read units. */
  const baseline = async (range: KeyRange, limit: number) => {
    const t = performance.now();
    const page = await documents().send(
      new QueryCommand({
        TableName: tableName(),
        ...rangeQuery(range),
        Limit: limit,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    return {
      ms: performance.now() - t,
      readUnits: page.ConsumedCapacity?.CapacityUnits ?? 0,
      items: page.Count ?? 0,
    };
  };

  interface Row {
    what: string;
    page: string;
    ms: number[];
    baseMs: number[];
    readUnits: number;
    requests: number;
    baseReadUnits: number;
  }
  const rows: Row[] = [];
  const measure = async (
    what: string,
    functionId: string,
    path: string,
    token: string,
    calls: number,
    base: { range: KeyRange; limit: number; label: string },
  ) => {
    const row: Row = {
      what,
      page: base.label,
      ms: [],
      baseMs: [],
      readUnits: 0,
      requests: 0,
      baseReadUnits: 0,
    };
    for (let i = 0; i < calls; i++) {
      units.delete(functionId);
      const t = performance.now();
      const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      await res.arrayBuffer();
      row.ms.push(performance.now() - t);
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      const cost = units.get(functionId) ?? { requests: 0, readUnits: 0 };
      row.readUnits = cost.readUnits;
      row.requests = cost.requests;
      const b = await baseline(base.range, base.limit);
      row.baseMs.push(b.ms);
      row.baseReadUnits = b.readUnits;
    }
    rows.push(row);
    noteLoad();
  };

  const phases = await reportPhases();
  const memory = await exportMemory();
  noteLoad();
  const profiler = profileDir ? new Session() : undefined;
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  const summaries = { range: ranges.seasonSummaries(SEASON), limit: 200, label: '200 county summaries' };
  const offers50 = { range: ranges.seasonOffers(SEASON), limit: 50, label: '50 offers' };
  const report = `/seasons/${SEASON}/report`;
  await measure(
    'season report (JSON)',
    'GetSeasonReport',
    report,
    tokens.coordinator,
    HEAVY_CALLS,
    summaries,
  );
  await measure(
    'season report (CSV)',
    'GetSeasonReport',
    `${report}?format=csv`,
    tokens.coordinator,
    HEAVY_CALLS,
    summaries,
  );
  await measure(
    'season report (XLSX)',
    'GetSeasonReport',
    `${report}?format=xlsx`,
    tokens.coordinator,
    HEAVY_CALLS,
    summaries,
  );
  await measure(
    `a liaison's plan (${county})`,
    'GetSeasonPlan',
    `/seasons/${SEASON}/plan`,
    tokens.liaison,
    LIGHT_CALLS,
    offers50,
  );
  await measure(
    `busiest society's assignments (${busiest}, ${busiestOffers} offers)`,
    'ListAssignments',
    '/assignments',
    tokens.team,
    LIGHT_CALLS,
    offers50,
  );
  await measure(
    `a visit's page (GET ${visitPage.replace(/\/visits\/[^/]+/, '/visits/{id}')})`,
    visitPage.endsWith('/log') ? 'GetVisitLog' : 'GetVisit',
    visitPage,
    tokens.coordinator,
    LIGHT_CALLS,
    offers50,
  );

  // The outbox dispatcher's run: every offer message of the round is due after quiet hours.
  const { dispatchDue } = await import('#delivery/outbox-dispatch');
  const { recordingAdapters } = await import('../local/delivery.ts');
  const { runAsFunction } = await import('../local/aws-rules/identity.ts');
  const at = new Date(Date.now() + 24 * 3600_000);
  at.setUTCHours(1, 0, 0, 0); // 09:00 in Shanghai, out of quiet hours; reminders are days later
  const recording = recordingAdapters();
  units.delete('DispatchOutbox');
  started = performance.now();
  const run = await runAsFunction('DispatchOutbox', () => dispatchDue(at, { adapters: recording.adapters }));
  const runMs = performance.now() - started;
  const dispatcherCost = units.get('DispatchOutbox') ?? { requests: 0, readUnits: 0 };
  const pages = Math.max(1, Math.ceil((run.sent.length + run.failed.length + run.retrying.length) / 100));
  if (run.failed[0] ?? run.retrying[0])
    console.log(`first failed delivery: ${JSON.stringify(run.failed[0] ?? run.retrying[0])}`);
  const dueBase = [];
  for (let i = 0; i < 7; i++) dueBase.push(await baseline(ranges.seasonSummaries(SEASON), 100));
  noteLoad();

  const median = medianOf;
  if (profiler && profileDir) {
    const { profile } = await profiler.post('Profiler.stop');
    mkdirSync(profileDir, { recursive: true });
    writeFileSync(join(profileDir, `national-api-${size.name}.cpuprofile`), JSON.stringify(profile));
    profiler.disconnect();
  }
  const p99 = (xs: number[]) =>
    [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.99) - 1)]!;
  const f = (x: number, d = 1) => x.toFixed(d);
  const table: string[][] = [
    [
      'request',
      'calls',
      'p50 ms',
      'p99 ms',
      'requests',
      'read units',
      'baseline Query',
      'base p50 ms',
      'base units',
      'p50 ÷ base',
      'p99 ÷ base p99',
      'units ÷ base',
    ],
  ];
  for (const r of rows) {
    table.push([
      r.what,
      String(r.ms.length),
      f(median(r.ms)),
      f(p99(r.ms)),
      String(r.requests),
      f(r.readUnits),
      r.page,
      f(median(r.baseMs)),
      f(r.baseReadUnits),
      `**${f(median(r.ms) / median(r.baseMs))}**`,
      f(p99(r.ms) / p99(r.baseMs)),
      `**${f(r.readUnits / Math.max(r.baseReadUnits, 0.5))}**`,
    ]);
  }
  const dueMs = median(dueBase.map((b) => b.ms));
  const dueUnits = median(dueBase.map((b) => b.readUnits));
  table.push([
    `outbox dispatcher's run (${run.sent.length} sent, ${run.failed.length + run.retrying.length} failed${run.quiet ? ', quiet hours' : ''}, ${pages} pages of 100), per page`,
    '1',
    f(runMs / pages),
    '',
    f(dispatcherCost.requests / pages),
    f(dispatcherCost.readUnits / pages),
    '100 county summaries',
    f(dueMs),
    f(dueUnits),
    `**${f(runMs / pages / dueMs)}**`,
    '',
    `**${f(dispatcherCost.readUnits / pages / Math.max(dueUnits, 0.5))}**`,
  ]);
  console.log(
    `\nNational API on the generated ${size.name} season (${size.counties} counties, ${size.societies} societies, ${size.needs} needs) after its round, ${accepted.length} reports filed; through the local HTTP adapter, AWS rules on\n`,
  );
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(table[0]!));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of table.slice(1)) console.log(line(r));
  console.log('\nseason report by phase (median of the calls, ms, in this process, no HTTP):');
  for (const [name, ms] of Object.entries(phases)) console.log(`  ${name.padEnd(48)} ${f(ms)}`);
  console.log(
    `\nexports' memory on ${size.counties} counties (resident set, sampled every 2 ms while each runs):`,
  );
  for (const line of memory) console.log(`  ${line}`);
  console.log(
    `\nload average (1, 5, 15 min) during the run: ${loads.map((l) => l.map((x) => x.toFixed(1)).join('/')).join(', ')}`,
  );
  await server.close();
} finally {
  await runtime.close();
}
process.exit(0);

/** The season report's phases, each the median of HEAVY_CALLS runs (XLSX: 3). */
async function reportPhases(): Promise<Record<string, number>> {
  const { queryRange } = await import('#commons/table');
  const { seasonSummaries, SUMMARY_PAGE_SIZE } = await import('#store/season-summary');
  const { seasonData, exportSeasonReport } = await import('#services/report-season');
  const { seasonFigures } = await import('#domain/season-figures');
  const times: Record<string, number[]> = {};
  const time = async <T>(name: string, run: () => Promise<T> | T): Promise<T> => {
    const t = performance.now();
    const out = await run();
    times[name] = [...(times[name] ?? []), performance.now() - t];
    return out;
  };
  for (let i = 0; i < HEAVY_CALLS; i++) {
    await time('summaries: Query pages, unmarshalled', () =>
      queryRange(ranges.seasonSummaries(SEASON), { pageSize: SUMMARY_PAGE_SIZE }),
    );
    await time('summaries: through the store (adds the check)', () => seasonSummaries(SEASON));
    const data = await time('season data (store + grouping)', () => seasonData(SEASON));
    const report = await time('figures', () => seasonFigures({ season: SEASON, ...data }));
    await time('JSON.stringify', () => JSON.stringify(report));
    await time('JSON export (all of it)', () => exportSeasonReport(SEASON, 'json'));
    await time('CSV export (all of it)', () => exportSeasonReport(SEASON, 'csv'));
    if (i < 3) await time('XLSX export (all of it)', () => exportSeasonReport(SEASON, 'xlsx'));
  }
  return Object.fromEntries(Object.entries(times).map(([name, ms]) => [name, medianOf(ms)]));
}

/**
 * Each export's memory: the process's resident set before it and its highest while it runs, as a
 * worker thread samples it every 2 ms (it keeps sampling while the main thread computes).
 */
async function exportMemory(): Promise<string[]> {
  const { exportSeasonReport } = await import('#services/report-season');
  const sampler = new Worker(
    `const { parentPort } = require('node:worker_threads');
     let peak = 0;
     setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 2);
     parentPort.on('message', () => { parentPort.postMessage(peak); peak = 0; });`,
    { eval: true },
  );
  const peakSinceLast = () =>
    new Promise<number>((resolve) => {
      sampler.once('message', resolve);
      sampler.postMessage('peak');
    });
  const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
  const lines: string[] = [];
  try {
    for (const format of ['json', 'csv', 'xlsx'] as const) {
      await new Promise((r) => setTimeout(r, 50));
      await peakSinceLast();
      const before = process.memoryUsage.rss();
      const out = await exportSeasonReport(SEASON, format);
      const peak = Math.max(await peakSinceLast(), process.memoryUsage.rss());
      lines.push(
        `${format}: ${(out.body.length / 1024).toFixed(0)} KiB; RSS ${mib(before)} MiB before, ${mib(peak)} MiB at most (+${mib(peak - before)})`,
      );
    }
  } finally {
    await sampler.terminate();
  }
  return lines;
}
