// "Under load" figures (`npm run bench -- load`): `npm start`'s own process (a fresh
// DATA_DIR, the demo season run with societies accepting) takes a bounded run of 10,000 requests, 64
// at once, over 127.0.0.1 with real tokens, mixed reads and writes: needs (list, get, create,
// change), the season plan, a team's assignments, the season report. A static page (GET /index.html,
// no handler, no database) is interleaved as the same-run baseline. Printed: errors (any answer not
// 2xx, any broken connection), p50/p99 per kind and against the baseline, the server's RSS before
// and after, the load average. LOAD_N shrinks it for a quick look.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { currentSeason } from '../domain/season.ts';
import { signLocalToken } from '../local/tokens.ts';
import { type HttpReply, keepAliveClient } from './http-client.ts';

const TOTAL = Number(process.env.LOAD_N ?? 10_000);
const CONCURRENCY = 64;
const ROOT = join(import.meta.dirname, '..');

// ---- the server: npm start on its own DATA_DIR ---------------------------------------------------
const dataDir = mkdtempSync(join(tmpdir(), 'bench-load-'));
const server = spawn(process.execPath, ['--import', 'tsx', 'cli/start.ts'], {
  cwd: ROOT,
  env: { ...process.env, DATA_DIR: dataDir, PORT: '0', DYNAMODB_ENDPOINT: '', AUTO_ACCEPT: '1' },
  stdio: ['ignore', 'pipe', 'pipe'],
});
const serverUrl = await new Promise<string>((resolve, reject) => {
  let url: string | undefined;
  let buffer = '';
  server.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    url ??= /Listening on (http:\/\/\S+)/.exec(buffer)?.[1];
    // The demo round has run: plan, assignments and report have something to show.
    if (url && buffer.includes('Ctrl-C')) resolve(url);
  });
  server.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  server.once('exit', (code) => reject(new Error(`npm start ended (${code}) before it served`)));
});
// The season npm start ran (its current one).
const season = currentSeason();

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]);
  return kb / 1024;
}

const coordinator = await signLocalToken(dataDir, { role: 'coordinator', sub: 'bench-load-coordinator' });
const liaison = await signLocalToken(dataDir, {
  role: 'liaison',
  county: 'chunan',
  sub: 'bench-load-liaison',
});
const team = await signLocalToken(dataDir, { role: 'team', society: 'zhongyiyao', sub: 'bench-load-team' });

// ---- the client: node:http over kept-alive connections --------------------------------------------
const client = keepAliveClient(serverUrl, CONCURRENCY);
function send(
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
  extra: Record<string, string> = {},
): Promise<HttpReply> {
  const headers = {
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    ...extra,
  };
  return client.send(method, path, headers, body === undefined ? undefined : JSON.stringify(body));
}

const needBody = (i: number) => ({
  countyId: 'chunan',
  townId: 'qiandaohu',
  theme: 'industry',
  field: '茶叶',
  title: `春茶机采与加工工艺指导（压测 ${i}）`,
  detail: '春茶采摘期短、用工紧，希望专家指导机采与加工工艺。',
  urgency: 'normal',
});

// Needs to read: the county's open needs as the demo seeded them.
const listed = await send('GET', '/needs?countyId=chunan&limit=50', liaison);
const demoNeedIds = (JSON.parse(listed.text) as { items: { id: string }[] }).items.map((n) => n.id);
if (demoNeedIds.length === 0) throw new Error(`no needs to read: ${listed.status} ${listed.text}`);
const created: string[] = [];

type Kind =
  | 'baseline: GET /index.html'
  | 'GET /needs (list)'
  | 'GET /needs/{id}'
  | 'POST /needs'
  | 'PATCH /needs/{id}'
  | 'GET /seasons/{s}/plan'
  | 'GET /assignments'
  | 'GET /seasons/{s}/report';
/** Out of every 20 requests. */
const MIX: [Kind, number][] = [
  ['baseline: GET /index.html', 2],
  ['GET /needs (list)', 4],
  ['GET /needs/{id}', 3],
  ['POST /needs', 3],
  ['PATCH /needs/{id}', 2],
  ['GET /seasons/{s}/plan', 2],
  ['GET /assignments', 2],
  ['GET /seasons/{s}/report', 2],
];
const schedule: Kind[] = MIX.flatMap(([kind, n]) => Array.from({ length: n }, () => kind));

function requestOf(kind: Kind, i: number): Promise<{ status: number; text: string }> {
  switch (kind) {
    case 'baseline: GET /index.html':
      return send('GET', '/index.html', undefined);
    case 'GET /needs (list)':
      return send('GET', '/needs?countyId=chunan&limit=20', liaison);
    case 'GET /needs/{id}':
      return send('GET', `/needs/${demoNeedIds[i % demoNeedIds.length]}`, liaison);
    case 'POST /needs':
      return send('POST', '/needs', liaison, needBody(i), { 'idempotency-key': `bench-load-${i}` }).then(
        (r) => {
          if (r.status === 201) created.push((JSON.parse(r.text) as { id: string }).id);
          return r;
        },
      );
    case 'PATCH /needs/{id}': {
      const id = created[i % Math.max(1, created.length)] ?? demoNeedIds[0];
      return send('PATCH', `/needs/${id}`, liaison, { urgency: i % 2 ? 'high' : 'normal' });
    }
    case 'GET /seasons/{s}/plan':
      return send('GET', `/seasons/${season}/plan`, coordinator);
    case 'GET /assignments':
      return send('GET', '/assignments', team);
    case 'GET /seasons/{s}/report':
      return send('GET', `/seasons/${season}/report`, coordinator);
  }
}

// ---- the run -----------------------------------------------------------------------------------
const latencies = new Map<Kind, number[]>();
const errors = new Map<string, number>();
const loadBefore = loadavg();
const rssBefore = rssMiB(server.pid as number);
let next = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    for (let i = next++; i < TOTAL; i = next++) {
      const kind = schedule[i % schedule.length] as Kind;
      const t0 = performance.now();
      try {
        const { status, text } = await requestOf(kind, i);
        if (status < 200 || status >= 300) {
          const key = `${kind} → ${status} ${text.slice(0, 120)}`;
          errors.set(key, (errors.get(key) ?? 0) + 1);
        }
      } catch (error) {
        const key = `${kind} → ${(error as Error).message}`;
        errors.set(key, (errors.get(key) ?? 0) + 1);
      }
      const list = latencies.get(kind) ?? [];
      list.push(performance.now() - t0);
      latencies.set(kind, list);
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
const rssAfter = rssMiB(server.pid as number);
const loadAfter = loadavg();

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
const baseline = [...(latencies.get('baseline: GET /index.html') ?? [])].sort((a, b) => a - b);
const baseP50 = quantile(baseline, 0.5);
const baseP99 = quantile(baseline, 0.99);
const all = [...latencies.entries()].flatMap(([kind, l]) => (kind.startsWith('baseline') ? [] : l));
const rows = [
  ...MIX.map(([kind]) => [kind, latencies.get(kind) ?? []] as const),
  ['all but the baseline', all] as const,
].map(([kind, list]) => {
  const sorted = [...list].sort((a, b) => a - b);
  const p50 = quantile(sorted, 0.5);
  const p99 = quantile(sorted, 0.99);
  return `| ${kind} | ${sorted.length} | ${p50.toFixed(1)} | ${p99.toFixed(1)} | ${(p50 / baseP50).toFixed(1)} | ${(p99 / baseP99).toFixed(1)} |`;
});
const errorCount = [...errors.values()].reduce((a, b) => a + b, 0);
const fmt = (l: number[]) => l.map((v) => v.toFixed(1)).join(' / ');
process.stdout.write(
  [
    `${TOTAL} requests, ${CONCURRENCY} at once, to ${serverUrl} (npm start, season ${season}): ${(TOTAL / seconds).toFixed(0)} requests/s over ${seconds.toFixed(1)} s`,
    `errors: ${errorCount}${errorCount ? `\n${[...errors].map(([k, n]) => `  ${n} × ${k}`).join('\n')}` : ''}`,
    `server RSS: ${rssBefore.toFixed(0)} MiB before, ${rssAfter.toFixed(0)} MiB after`,
    `load average (1/5/15 min): ${fmt(loadBefore)} before, ${fmt(loadAfter)} after, on ${cpus().length} cores`,
    '',
    '| requests | n | p50 ms | p99 ms | p50 ÷ baseline p50 | p99 ÷ baseline p99 |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n'),
);

client.close();
server.kill('SIGTERM');
await new Promise((resolve) => server.once('exit', resolve));
rmSync(dataDir, { recursive: true, force: true });
process.exit(errorCount === 0 ? 0 : 1);
