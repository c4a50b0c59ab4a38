// Figures (`npx tsx bench/intake.ts`, or `npm run bench -- intake`):
//  1. POST /needs through the local HTTP adapter at 32 concurrent clients: throughput and p99
//     latency, as a ratio to raw PutItem of the same item on the same DynamoDB Local in the same run.
//  2. 10,000 random and malformed bodies against every write endpoint: 5xx answers and stray writes.
// Loopback only; every loop is bounded. INTAKE_N and INTAKE_FUZZ shrink it for a quick look.
import { mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { loadDataDir } from '#cli/data-dir';
import { DEMO_DATA_DIR } from '#cli/session';
import { seededRandom } from '../domain/seeded-random.ts';
import { inParallel } from '../functions/commons/concurrency.ts';
import { bootEmbeddedRuntime } from '../local/runtime.ts';
import { signLocalToken } from '../local/tokens.ts';
import type { NeedInput } from '../schemas/index.ts';
import { GSI1, keys, ranges } from '../schemas/keys.ts';
import type { LoadJob, LoadResult } from './_intake-load.ts';
import { keepAliveClient } from './http-client.ts';

const CONCURRENCY = 32;
const REQUESTS_PER_ROUND = Number(process.env.INTAKE_N ?? 1000);
/** Odd, for a median; the machine is shared, so many short paired rounds beat a few long ones. */
const ROUNDS = Number(process.env.INTAKE_ROUNDS ?? 7);
const FUZZ_BODIES = Number(process.env.INTAKE_FUZZ ?? 10_000);
const FUZZ_CONCURRENCY = 16;

const runtime = await bootEmbeddedRuntime();
const { seedIfEmpty } = await import('#cli/seed');
await seedIfEmpty(loadDataDir(DEMO_DATA_DIR));
const { documents, tableName: tableNameOf } = await import('../functions/commons/clients.ts');
const tableName = tableNameOf();
const { needItem } = await import('#store/items/need');
const { newNeed, keyedNeedId } = await import('../domain/needs.ts');
const { QueryCommand, BatchGetCommand, BatchWriteCommand } = await import('@aws-sdk/lib-dynamodb');
const { startHttpServer } = await import('../local/http-server.ts');
const dataDir = mkdtempSync(join(tmpdir(), 'bench-intake-'));
const server = await startHttpServer({ port: 0, dataDir });
const liaison = await signLocalToken(dataDir, { role: 'liaison', county: 'chunan', sub: 'bench-liaison' });
const coordinator = await signLocalToken(dataDir, { role: 'coordinator', sub: 'bench-fuzz' });

// The fuzzing client.
const { send } = keepAliveClient(server.url, CONCURRENCY);

const body = (i: number): NeedInput => ({
  countyId: 'chunan',
  townId: 'qiandaohu',
  theme: 'industry',
  field: '茶叶',
  title: `春茶机采与加工工艺指导 ${i}`,
  detail: '春茶采摘期短、用工紧，希望专家指导机采与加工工艺，提高名优茶比例。',
  urgency: 'high',
});

// ---- 1. throughput and p99 ------------------------------------------------------------------------

interface Run {
  perSecond: number;
  p50: number;
  p99: number;
  failures: number;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

// The 32 clients run in a worker thread (bench/_intake-load.ts), for the baseline and for the API alike.
const loader = new Worker(new URL('./_intake-load.ts', import.meta.url), {
  workerData: { endpoint: runtime.endpoint, tableName, serverUrl: server.url, token: liaison },
});
let jobs = 0;
function drive(kind: LoadJob['kind'], total: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    loader.once('error', reject);
    loader.once('message', (result: LoadResult) => {
      loader.off('error', reject);
      const sorted = [...result.latencies].sort((x, y) => x - y);
      resolve({
        perSecond: total / result.seconds,
        p50: quantile(sorted, 0.5),
        p99: quantile(sorted, 0.99),
        failures: result.failures,
      });
    });
    const job: LoadJob = { kind, total, concurrency: CONCURRENCY, tag: `${process.pid}-${jobs++}` };
    loader.postMessage(job);
  });
}

const median = (runs: Run[], key: keyof Run) =>
  [...runs.map((r) => r[key])].sort((x, y) => x - y)[Math.floor(runs.length / 2)]!;

// Warm up the JIT, the connection pools and the JVM.
await drive('raw', 400);
await drive('post', 400);
await drive('post-no-key', 400);

const raw: Run[] = [];
const keyed: Run[] = [];
const plain: Run[] = [];
for (let round = 0; round < ROUNDS; round++) {
  // Interleaved, so a drift of the machine touches all three alike.
  raw.push(await drive('raw', REQUESTS_PER_ROUND));
  keyed.push(await drive('post', REQUESTS_PER_ROUND));
  plain.push(await drive('post-no-key', REQUESTS_PER_ROUND));
}
await loader.terminate();

const fmt = (n: number, digits = 0) => n.toFixed(digits);
/** Each round's ratio to the raw PutItem round run just before it, then the median of those. */
const pairedRatio = (runs: Run[], key: 'perSecond' | 'p99') =>
  [...runs.map((r, i) => (key === 'perSecond' ? r.perSecond / raw[i]!.perSecond : raw[i]!.p99 / r.p99))].sort(
    (x, y) => x - y,
  );
const row = (name: string, runs: Run[]) => {
  const throughput = pairedRatio(runs, 'perSecond');
  const latency = pairedRatio(runs, 'p99');
  const mid = Math.floor(runs.length / 2);
  return `| ${name} | ${fmt(median(runs, 'perSecond'))} | ${fmt(median(runs, 'p50'), 1)} | ${fmt(median(runs, 'p99'), 1)} | **${fmt(throughput[mid]!, 2)}** (${fmt(throughput[0]!, 2)}–${fmt(throughput.at(-1)!, 2)}) | ${fmt(latency[mid]!, 2)} (${fmt(latency[0]!, 2)}–${fmt(latency.at(-1)!, 2)}) | ${runs.reduce((s, r) => s + r.failures, 0)} |`;
};
console.log(
  `\n### POST /needs at ${CONCURRENCY} concurrent clients (${ROUNDS} interleaved rounds of ${REQUESTS_PER_ROUND} each; medians, ratios paired per round with min–max)\n`,
);
console.log(
  '| operation | per second | p50 ms | p99 ms | throughput ÷ raw PutItem | raw p99 ÷ p99 | failures |',
);
console.log('|---|---|---|---|---|---|---|');
console.log(row('raw PutItem (DynamoDB Local, same item, conditional)', raw));
console.log(row('POST /needs with Idempotency-Key (HTTP adapter, JWT, validation, conditional put)', keyed));
console.log(row('POST /needs without Idempotency-Key', plain));
console.log(
  `\nload average during the run: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} (${cpus().length} CPUs)`,
);

// ---- 2. malformed bodies -----------------------------------------------------------------------------

const random = seededRandom(20261129);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
const int = (max: number) => Math.floor(random() * max);

const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\uFEFF',
  '\uD800',
  '😀'.repeat(50),
  '长'.repeat(250),
  'a'.repeat(5000),
  'x'.repeat(65),
  'CHUNAN',
  'chunan ',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '$' + '{jndi:ldap://x}',
  keys.need('x').pk,
  'open#qiandaohu#x',
  '%E0%A4%A',
  'null',
  '__proto__',
];
const NASTY_VALUES: unknown[] = [
  null,
  true,
  0,
  -1,
  1e308,
  Number.MAX_SAFE_INTEGER,
  [],
  {},
  [1, 2],
  { $ne: null },
  { S: 'x' },
  ...NASTY_STRINGS,
];
const FIELDS = [
  'countyId',
  'townId',
  'theme',
  'field',
  'title',
  'detail',
  'urgency',
  'reason',
  'status',
  'id',
  'submittedBy',
  '__proto__',
  'constructor',
];
const VALID: Record<string, unknown[]> = {
  countyId: ['chunan', 'jiande', 'tonglu', 'linan', 'atlantis'],
  townId: ['qiandaohu', 'wenchang', 'xinanjiang', 'fenkou'],
  theme: ['talent', 'industry', 'literacy', 'advice', 'grassroots'],
  field: ['农业', '茶叶'],
  title: ['测试标题', '山核桃病虫害'],
  detail: ['说明', ''],
  urgency: ['low', 'normal', 'high'],
  reason: ['不需要了'],
};

function randomObject(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of FIELDS) {
    if (random() < 0.45) continue;
    out[field] = random() < 0.55 && VALID[field] ? pick(VALID[field]!) : pick(NASTY_VALUES);
  }
  return out;
}

interface Fuzz {
  raw: string | Uint8Array;
  contentType?: string;
  key?: string;
}

function fuzzCase(): Fuzz {
  const kind = int(12);
  const contentType =
    random() < 0.9
      ? 'application/json'
      : pick([
          'text/plain',
          'application/x-www-form-urlencoded',
          'application/json; charset=gbk',
          'application/vnd.api+json',
          '',
        ]);
  const key = random() < 0.3 ? pick(['k', `k-${int(1e9)}`, '', ' ', 'é', 'x'.repeat(200), 'a b']) : undefined;
  const json = (value: unknown) => JSON.stringify(value);
  switch (kind) {
    case 0:
      return { raw: crypto.getRandomValues(new Uint8Array(int(300))), contentType, key };
    case 1: {
      const text = json(randomObject());
      return { raw: text.slice(0, int(text.length)), contentType, key };
    }
    case 2:
      return { raw: json(pick(NASTY_VALUES)), contentType, key };
    case 3:
      return { raw: `${'['.repeat(3000)}${']'.repeat(3000)}`, contentType, key };
    case 4:
      return { raw: json({ ...randomObject(), detail: 'x'.repeat(17_000) }), contentType, key };
    case 5:
      return { raw: json(randomObject()).replace(/"/g, pick(["'", '“', ''])), contentType, key };
    case 6:
    case 7: {
      // Nearly valid: a good body (for POST, PATCH or withdraw) with at most one field spoilt.
      const good: Record<string, unknown> = pick([
        body(int(1e6)),
        { title: '改个标题', urgency: 'low' },
        { reason: '已解决' },
        {},
      ]);
      if (random() < 0.7) {
        const field = pick(Object.keys(good).length ? Object.keys(good) : ['title']);
        good[field] = pick(NASTY_VALUES);
      }
      return { raw: json(good), contentType, key };
    }
    default:
      return { raw: json(randomObject()), contentType, key };
  }
}

// Targets of PATCH and withdraw: one fresh open need per request, so every answer can be checked
// against the need it was about.
const PATCHES = Math.floor(FUZZ_BODIES / 3);
const WITHDRAWALS = Math.floor(FUZZ_BODIES / 3);
const POSTS = FUZZ_BODIES - PATCHES - WITHDRAWALS;
const targetActor = { subject: 'bench-target', role: 'coordinator' as const };
const targets = Array.from({ length: PATCHES + WITHDRAWALS }, (_, i) =>
  needItem(
    newNeed(
      { ...body(i), countyId: 'tonglu', townId: 'tongjun' },
      targetActor,
      new Date(),
      `need-fuzz-target-${i}`,
    ),
  ),
);
for (let i = 0; i < targets.length; i += 25) {
  let RequestItems: Record<string, unknown[]> | undefined = {
    [tableName]: targets.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
  };
  for (let attempt = 0; RequestItems && Object.keys(RequestItems).length && attempt < 10; attempt++) {
    const out = await documents().send(new BatchWriteCommand({ RequestItems: RequestItems as never }));
    RequestItems = out.UnprocessedItems as typeof RequestItems;
  }
}

type Outcome = { endpoint: string; status: number; target?: string; key?: string; id?: string };
const outcomes: Outcome[] = [];
const plan: {
  endpoint: 'POST /needs' | 'PATCH /needs/{id}' | 'POST /needs/{id}/withdraw';
  target?: string;
}[] = [
  ...Array.from({ length: POSTS }, () => ({ endpoint: 'POST /needs' as const })),
  ...Array.from({ length: PATCHES }, (_, i) => ({
    endpoint: 'PATCH /needs/{id}' as const,
    target: `need-fuzz-target-${i}`,
  })),
  ...Array.from({ length: WITHDRAWALS }, (_, i) => ({
    endpoint: 'POST /needs/{id}/withdraw' as const,
    target: `need-fuzz-target-${PATCHES + i}`,
  })),
];
const fuzzStarted = performance.now();
await inParallel(plan, FUZZ_CONCURRENCY, async (step) => {
  const fuzz = fuzzCase();
  const path =
    step.endpoint === 'POST /needs'
      ? '/needs'
      : step.endpoint === 'PATCH /needs/{id}'
        ? `/needs/${step.target}`
        : `/needs/${step.target}/withdraw`;
  const headers: Record<string, string> = { authorization: `Bearer ${coordinator}` };
  if (fuzz.contentType) headers['content-type'] = fuzz.contentType;
  if (fuzz.key !== undefined && /^[\x20-\x7e]*$/.test(fuzz.key)) headers['idempotency-key'] = fuzz.key;
  let status = 0;
  let id: string | undefined;
  try {
    const res = await send(step.endpoint.startsWith('PATCH') ? 'PATCH' : 'POST', path, headers, fuzz.raw);
    status = res.status;
    if (status < 300) id = (JSON.parse(res.text) as { id?: string }).id;
  } catch {
    status = -1; // the connection failed: counted apart
  }
  outcomes.push({
    endpoint: step.endpoint,
    status,
    ...(step.target ? { target: step.target } : {}),
    ...(headers['idempotency-key'] !== undefined ? { key: headers['idempotency-key'] } : {}),
    ...(id ? { id } : {}),
  });
});
const fuzzSeconds = (performance.now() - fuzzStarted) / 1000;

// Stray writes: (a) needs by the fuzzing caller that no 201 answered for; (b) targets changed although
// their request was refused; (c) the need a refused request's Idempotency-Key would have created.
const created = new Set(
  outcomes.filter((o) => o.endpoint === 'POST /needs' && o.status === 201).map((o) => o.id),
);
const fuzzNeeds: string[] = [];
for (const county of ['chunan', 'jiande', 'tonglu', 'linan']) {
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  for (let page = 0; page < 10_000; page++) {
    const out = await documents().send(
      new QueryCommand({
        TableName: tableName,
        IndexName: GSI1,
        KeyConditionExpression: 'gsi1pk = :pk',
        FilterExpression: 'submittedBy = :by',
        ExpressionAttributeValues: { ':pk': ranges.countyNeeds(county).pk, ':by': 'bench-fuzz' },
        ExclusiveStartKey,
      }),
    );
    fuzzNeeds.push(...(out.Items ?? []).map((item) => String(item.id)));
    ExclusiveStartKey = out.LastEvaluatedKey;
    if (!ExclusiveStartKey) break;
  }
}
const strayNeeds = fuzzNeeds.filter((id) => !created.has(id)).length;

async function batchGet(needKeys: Record<string, unknown>[]): Promise<Map<string, Record<string, unknown>>> {
  const found = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < needKeys.length; i += 100) {
    let request: Record<string, unknown>[] = needKeys.slice(i, i + 100);
    for (let attempt = 0; request.length && attempt < 10; attempt++) {
      const out = await documents().send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: request, ConsistentRead: true } } }),
      );
      for (const item of out.Responses?.[tableName] ?? []) found.set(String(item.pk), item);
      request = (out.UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  return found;
}
const targetOutcomes = outcomes.filter((o) => o.target);
const after = await batchGet(targetOutcomes.map((o) => keys.need(o.target!)));
const before = new Map(targets.map((item) => [String(item.pk), item]));
let strayTargets = 0;
let changedTargets = 0;
for (const o of targetOutcomes) {
  const { pk } = keys.need(o.target!);
  const same =
    JSON.stringify(after.get(pk), Object.keys(after.get(pk) ?? {}).sort()) ===
    JSON.stringify(before.get(pk), Object.keys(before.get(pk) ?? {}).sort());
  if (!same) changedTargets++;
  if (!same && o.status >= 300) strayTargets++;
}
const refusedKeys = outcomes.filter(
  (o) => o.endpoint === 'POST /needs' && o.key !== undefined && o.status >= 300,
);
const acceptedKeys = new Set(outcomes.filter((o) => o.key !== undefined && o.status < 300).map((o) => o.key));
const records = await batchGet(
  [...new Set(refusedKeys.map((o) => o.key!))]
    .filter((key) => !acceptedKeys.has(key))
    .map((key) => keys.need(keyedNeedId('bench-fuzz', key))),
);
const strayRecords = records.size;

const byStatus = new Map<string, number>();
for (const o of outcomes)
  byStatus.set(`${o.endpoint} ${o.status}`, (byStatus.get(`${o.endpoint} ${o.status}`) ?? 0) + 1);
const fiveHundreds = outcomes.filter((o) => o.status >= 500).length;
const connectionFailures = outcomes.filter((o) => o.status === -1).length;

console.log(
  `\n### ${outcomes.length} random and malformed bodies (seeded), ${FUZZ_CONCURRENCY} at a time, ${fmt(fuzzSeconds, 1)} s\n`,
);
console.log('| endpoint | status | answers |');
console.log('|---|---|---|');
for (const [key, count] of [...byStatus].sort()) {
  const at = key.lastIndexOf(' ');
  console.log(`| ${key.slice(0, at)} | ${key.slice(at + 1)} | ${count} |`);
}
console.log(`\n- 5xx answers: **${fiveHundreds}**; connection failures: ${connectionFailures}`);
console.log(
  `- stray writes: **${strayNeeds + strayTargets + strayRecords}** (needs without a 201: ${strayNeeds}; targets changed by a refused request: ${strayTargets}; needs of refused Idempotency-Keys: ${strayRecords})`,
);
console.log(
  `- accepted (valid by chance): ${created.size} needs created, ${changedTargets} targets changed by a 200`,
);
console.log(
  `\nJSON ${JSON.stringify({
    concurrency: CONCURRENCY,
    rawPutPerSecond: Math.round(median(raw, 'perSecond')),
    postPerSecond: Math.round(median(keyed, 'perSecond')),
    throughputRatio: Number(pairedRatio(keyed, 'perSecond')[Math.floor(ROUNDS / 2)]!.toFixed(3)),
    rawP99Ms: Number(median(raw, 'p99').toFixed(1)),
    postP99Ms: Number(median(keyed, 'p99').toFixed(1)),
    postWithoutKeyRatio: Number(pairedRatio(plain, 'perSecond')[Math.floor(ROUNDS / 2)]!.toFixed(3)),
    fuzzBodies: outcomes.length,
    fiveHundreds,
    strayWrites: strayNeeds + strayTargets + strayRecords,
  })}`,
);

await server.close();
await runtime.close();
process.exit(fiveHundreds === 0 && strayNeeds + strayTargets + strayRecords === 0 ? 0 : 1);
