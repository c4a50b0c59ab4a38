// Cold start: each function's bundle exactly as `cdk synth` writes it (the cdk.out asset
// folders), imported in a fresh Node process and invoked once with an event that reaches the table,
// against DynamoDB Local; beside it, interleaved run by run, an SDK-only bundle (the DynamoDB client
// and one GetItem, bundled with the same esbuild options) doing its first call the same way. The
// figure is import + first invocation, as a ratio to the SDK-only floor (goal: at most 1.3×).
// A counting proxy in front of DynamoDB Local shows how many requests each first invocation made.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { loadDataDir } from '#cli/data-dir';
import { DEMO_DATA_DIR } from '#cli/session';
import { API_ROUTES, type ApiRoute } from '../functions/registry.ts';
import { bundleAliases, FUNCTION_ID_METADATA, REPO_ROOT } from '../infra/rounds-function.ts';
import { bundleDirsOf } from '../infra/rounds-stack.ts';
import { bootEmbeddedRuntime } from '../local/runtime.ts';

const RUNS = Number(process.env.COLD_START_RUNS ?? 7);
const SEASON = '2026-Q4';
const OFFER = `${SEASON}.chunan.s01`;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

// ---- the bundles `cdk synth` writes -------------------------------------------------------------
const work = mkdtempSync(join(tmpdir(), 'bench-cold-start-'));
const cdkOut = join(work, 'cdk.out');
process.stdout.write('cdk synth …\n');
execFileSync(join(REPO_ROOT, 'node_modules', '.bin', 'cdk'), ['synth', '-q', '-o', cdkOut], {
  cwd: REPO_ROOT,
  stdio: ['ignore', 'ignore', 'inherit'],
});
const template = JSON.parse(readFileSync(join(cdkOut, 'RoundsStack.template.json'), 'utf8'));
const bundles = bundleDirsOf(template, cdkOut);

// The floor: the SDK alone, bundled as every function is (infra/rounds-function.ts).
const sdkOnly = join(work, 'sdk-only', 'index.mjs');
await build({
  stdin: {
    contents: `import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
const client = new DynamoDBClient({});
export const handler = async () => {
  await client.send(new GetItemCommand({ TableName: process.env.TABLE_NAME, Key: { pk: { S: 'BENCH' }, sk: { S: 'FIRST' } } }));
  return { statusCode: 200 };
};`,
    resolveDir: REPO_ROOT,
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  minify: true,
  mainFields: ['module', 'main'],
  outfile: sdkOnly,
  alias: Object.fromEntries(bundleAliases(false).map((a) => a.split('=') as [string, string])),
  banner: {
    js: "import { createRequire as __roundsCreateRequire } from 'node:module'; const require = __roundsCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});

// ---- DynamoDB Local with the demo data, behind a counting proxy ---------------------------------
const runtime = await bootEmbeddedRuntime();
const { seedIfEmpty } = await import('#cli/seed');
await seedIfEmpty(loadDataDir(DEMO_DATA_DIR));
const { dynamodb } = await import('../functions/commons/clients.ts');
const credentials = await dynamodb().config.credentials();
const target = new URL(runtime.endpoint);
let requests = 0;
const proxy = createServer((req, res) => {
  requests++;
  const forward = request(
    { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  forward.on('error', () => res.destroy());
  req.pipe(forward);
});
await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;

// ---- one event per function that gets it to the table ------------------------------------------
const ROUND_EVENTS: Record<string, unknown> = {
  LoadRound: { season: SEASON },
  ChooseTown: { season: SEASON, countyId: 'chunan' },
  FrameFiveQuestions: { season: SEASON, countyId: 'chunan', townId: 'qiandaohu', ranking: [], needs: [] },
  AssignSocieties: { season: '2031-Q1' },
  PersistPlan: { season: '2031-Q1', batch: { first: 'chunan', last: 'chunan' } },
  ListPendingOffers: { season: SEASON },
  SendOfferAndWaitForAnswer: {
    season: SEASON,
    offerId: OFFER,
    taskToken: 't',
    offerTimeoutSeconds: 60,
    autoAccept: false,
  },
  RecordAnswer: { season: SEASON, offerId: OFFER, outcome: 'expired' },
  FindNextSociety: { season: SEASON, offerId: OFFER },
  CompleteRound: { season: '2031-Q1' },
  DispatchOutbox: {},
  StartScheduledRound: { scheduledTime: '2031-04-01T01:00:00Z' },
};
const PATH_VALUES: Record<string, string> = {
  season: SEASON,
  needId: 'chunan-n001',
  assignmentId: OFFER,
  visitId: `${SEASON}.chunan`,
  userId: 'u-bench',
};
const BODIES: Record<string, unknown> = {
  'POST /needs': {
    countyId: 'chunan',
    townId: 'qiandaohu',
    theme: 'industry',
    field: '茶叶',
    title: '基准测试',
    urgency: 'normal',
  },
  'POST /rounds': { season: '2031-Q2' },
  'POST /session': { invitation: 'BENCH1234' },
};

function apiEvent(route: ApiRoute): unknown {
  const pathParameters: Record<string, string> = {};
  const rawPath = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    pathParameters[name] = PATH_VALUES[name] ?? 'bench';
    return encodeURIComponent(pathParameters[name]);
  });
  const key = `${route.method} ${route.path}`;
  const role = route.access?.roles[0] ?? 'coordinator';
  const body = BODIES[key] ?? (route.body && !route.bodyOptional ? {} : undefined);
  return {
    version: '2.0',
    routeKey: key,
    rawPath,
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    pathParameters,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    isBase64Encoded: false,
    requestContext: {
      http: {
        method: route.method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'bench',
      },
      requestId: 'bench',
      routeKey: key,
      authorizer: {
        jwt: { claims: { sub: 'bench', role, county: 'chunan', society: 's01' }, scopes: [] },
      },
    },
  };
}

/** The function's first route, a GET if it has one (its reads reach the table without a body). */
function eventOf(functionId: string): unknown {
  if (functionId in ROUND_EVENTS) return ROUND_EVENTS[functionId];
  const routes = API_ROUTES.filter((r) => r.functionId === functionId);
  const route = routes.find((r) => r.method === 'GET') ?? routes[0];
  return route ? apiEvent(route) : {};
}

// ---- one fresh process: import, then the first invocation ---------------------------------------
interface Sample {
  importMs: number;
  invokeMs: number;
  outcome: string;
  requests: number;
}

function environmentOf(functionId: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const resource of Object.values(template.Resources) as {
    Type: string;
    Metadata?: Record<string, string>;
    Properties?: { Environment?: { Variables?: Record<string, unknown> } };
  }[]) {
    if (resource.Type !== 'AWS::Lambda::Function' || resource.Metadata?.[FUNCTION_ID_METADATA] !== functionId)
      continue;
    for (const [key, value] of Object.entries(resource.Properties?.Environment?.Variables ?? {}))
      env[key] = typeof value === 'string' ? value : `arn:aws:states:ap-east-1:000000000000:bench:${key}`;
  }
  return env;
}

async function sample(file: string, functionId: string, event: unknown): Promise<Sample> {
  const script = `
const t0 = performance.now();
const { handler } = await import(${JSON.stringify(file)});
const t1 = performance.now();
let outcome = 'ok';
try {
  const result = await handler(${JSON.stringify(event)}, { awsRequestId: 'bench', functionName: ${JSON.stringify(functionId)}, getRemainingTimeInMillis: () => 30000 });
  if (result && typeof result === 'object' && 'statusCode' in result) outcome = String(result.statusCode);
} catch (error) { outcome = error?.name ?? 'error'; }
console.log(JSON.stringify({ importMs: t1 - t0, invokeMs: performance.now() - t1, outcome }));
process.exit(0);`;
  requests = 0;
  // Not spawnSync: the counting proxy answers from this process's event loop.
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    env: {
      PATH: process.env.PATH ?? '',
      ...environmentOf(functionId),
      TABLE_NAME: runtime.tableName,
      AWS_REGION: 'ap-east-1',
      AWS_ACCESS_KEY_ID: credentials.accessKeyId ?? '',
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey ?? '',
      AWS_SESSION_TOKEN: 'bench',
      AWS_ENDPOINT_URL_DYNAMODB: proxyUrl,
      // Any other service (Step Functions, SES, SNS, Cognito) is refused at once, never looked up.
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      AWS_LAMBDA_FUNCTION_NAME: functionId,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  await new Promise((resolve) => child.on('close', resolve));
  const line = stdout.trim().split('\n').at(-1) ?? '';
  try {
    return { ...(JSON.parse(line) as Omit<Sample, 'requests'>), requests };
  } catch {
    throw new Error(`${functionId}: ${stderr.trim().split('\n').slice(-3).join(' ')}`);
  }
}

// ---- interleaved runs ---------------------------------------------------------------------------
const ids = [...bundles.keys()].sort();
const results = new Map<string, { fn: Sample[]; floor: Sample[] }>(
  ids.map((id) => [id, { fn: [], floor: [] }]),
);
const loadBefore = load();
try {
  for (let run = 0; run < RUNS; run++) {
    for (const id of ids) {
      const entry = results.get(id)!;
      entry.fn.push(await sample(join(bundles.get(id)!, 'index.mjs'), id, eventOf(id)));
      entry.floor.push(await sample(sdkOnly, 'SdkOnly', {}));
    }
    process.stdout.write(`run ${run + 1}/${RUNS} done\n`);
  }
} finally {
  proxy.close();
  await runtime.close();
}

/**
 * What a cold start reads of a bundle: `index.mjs` and the chunks it imports statically, transitively
 * (esbuild's code splitting, infra/rounds-function.ts); a chunk behind an `import()` is not counted.
 */
function kibAtStart(dir: string): number {
  const files = new Set<string>();
  const todo = ['index.mjs'];
  for (let file = todo.pop(); file !== undefined; file = todo.pop()) {
    if (files.has(file)) continue;
    files.add(file);
    const code = readFileSync(join(dir, file), 'utf8');
    // Static imports of a sibling file (`import{a as b}from"./chunks/chunk-X.mjs"`), not `import("…")`.
    for (const [, path] of code.matchAll(/(?:^|[;}\s])import\s*(?:[\w$*{},\s]*from\s*)?"(\.\/[^"]+\.mjs)"/g))
      todo.push(join(dirname(file), path!));
  }
  return [...files].reduce((sum, file) => sum + statSync(join(dir, file)).size, 0) / 1024;
}

const floorKib = statSync(sdkOnly).size / 1024;
const rows = ids.map((id) => {
  const { fn, floor } = results.get(id)!;
  const total = (s: Sample) => s.importMs + s.invokeMs;
  const ratios = fn.map((s, i) => total(s) / total(floor[i]!));
  const kib = kibAtStart(bundles.get(id)!);
  return [
    id,
    kib.toFixed(0),
    median(fn.map((s) => s.importMs)).toFixed(1),
    median(fn.map((s) => s.invokeMs)).toFixed(1),
    median(fn.map(total)).toFixed(1),
    median(floor.map(total)).toFixed(1),
    `${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`,
    String(median(fn.map((s) => s.requests))),
    fn.at(-1)?.outcome ?? '',
  ];
});
console.log(
  `\nCold start: import + first invocation in a fresh Node ${process.version} process, median of ${RUNS}, each run paired with an SDK-only bundle (${floorKib.toFixed(0)} KiB: DynamoDB client + one GetItem) run just after it`,
);
console.log(`load average (1, 5, 15 min): before ${loadBefore}, after ${load()}`);
const header = [
  'function',
  'KiB at start',
  'import ms',
  'first call ms',
  'total ms',
  'SDK-only ms',
  'total ÷ SDK-only',
  'DynamoDB requests',
  'answer',
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const row of rows) console.log(line(row));
rmSync(work, { recursive: true, force: true });
