import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { type LocalClaims, signLocalToken } from '#local/tokens';
import { TABLE_KEYS } from '#schemas/keys';
import { THEMES } from '#schemas/primitives';
import { ROOT } from './paths.ts';

/**
 * A whole season as people live it, on `npm start`'s own process (the embedded runtime, the API and
 * the round in one process, as in production on one machine): the round plans and sends its offers;
 * the teams answer through the HTTP API with real tokens — one declines, one never answers (its
 * offer times out), every other offer (successors included) is accepted; after the round, each
 * accepted society files its visit report. When the process dies (a crash point of FAULT_AT), it is
 * started again on the same DATA_DIR — npm start's resume — and the teams carry on.
 */

/** How long an offer waits (OFFER_TIMEOUT_SECONDS): short, yet long enough for the script to answer. */
export const OFFER_TIMEOUT_SECONDS = 10;

type Item = Record<string, unknown>;

export interface SeasonOutcome {
  /** The crash points reached (each start but the last has one; a point not reached kills nothing). */
  crashes: string[];
  /** After every crash, the JVM the killed process owned was gone too. */
  jvmGone: boolean;
  starts: number;
  /** Every item of the table at the end, by `pk|sk`. */
  items: Map<string, Item>;
  output: string;
}

export interface Server {
  child: ChildProcess;
  url: Promise<string>;
  /** The round of this start has ended (complete, or already complete before). */
  roundDone: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: string[];
}

export function startServer(dataDir: string, extraEnv: Record<string, string>): Server {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/start.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      DYNAMODB_ENDPOINT: '',
      PORT: '0',
      AUTO_ACCEPT: '0',
      OFFER_TIMEOUT_SECONDS: String(OFFER_TIMEOUT_SECONDS),
      FAULT_AT: '',
      FAULT_TRACE: '',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  let resolveUrl: (url: string) => void = () => {};
  let resolveDone: () => void = () => {};
  const url = new Promise<string>((resolve) => {
    resolveUrl = resolve;
  });
  const roundDone = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  let buffer = '';
  const onData = (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let nl = buffer.indexOf('\n');
    while (nl >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      output.push(line);
      const listening = /Listening on (http:\/\/\S+)/.exec(line);
      if (listening?.[1]) resolveUrl(listening[1]);
      if (line.includes('Ctrl-C')) resolveDone();
      nl = buffer.indexOf('\n');
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return { child, url, roundDone, exited, output };
}

class ServerDied extends Error {}

/** The table of a DATA_DIR, reached as `rounds` commands reach it: its endpoint file and access key. */
export function attach(dataDir: string): DynamoDBDocumentClient {
  const db = join(dataDir, 'dynamodb');
  const { port } = JSON.parse(readFileSync(join(db, 'endpoint.json'), 'utf8')) as { port: number };
  const credentials = JSON.parse(readFileSync(join(db, 'access-key.json'), 'utf8')) as {
    accessKeyId: string;
    secretAccessKey: string;
  };
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'local',
      credentials,
      maxAttempts: 2,
    }),
  );
}

export async function scanAll(client: DynamoDBDocumentClient): Promise<Item[]> {
  const { TableNames } = await client.send(new ListTablesCommand({}));
  const [table] = TableNames ?? [];
  if (!table || (TableNames?.length ?? 0) !== 1) throw new Error(`expected one table, got ${TableNames}`);
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    items.push(...((page.Items ?? []) as Item[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

export type Offer = {
  id: string;
  season: string;
  countyId: string;
  societyId: string;
  visitId: string;
  needIds: string[];
  status: string;
  attempt?: number;
  decision?: string;
  taskToken?: string;
};

/**
 * The teams' script (the demo data's 2026 plan): in 建德 (jiande) 科普作家协会 declines (its needs move
 * to another society, which accepts) and 土木建筑学会 declines (no other society can take its need:
 * the coordinator is alerted); in 淳安 (chunan) 乡村振兴学会联合体 never answers (its offer times out
 * and moves on); every other offer, successors included, is accepted.
 */
export const SCRIPTED = {
  declined: ['jiande.kepu-zuojia', 'jiande.tumu-jianzhu'],
  silent: ['chunan.xiangcun-zhenxing'],
} as const;

export function teamDecision(offer: Offer): 'accept' | 'decline' | 'silent' {
  const local = offer.id.slice(offer.season.length + 1);
  if ((SCRIPTED.declined as readonly string[]).includes(local)) return 'decline';
  if ((SCRIPTED.silent as readonly string[]).includes(local)) return 'silent';
  return 'accept';
}

/** The table as the script sees it on one pass: every item, the season's offers and its round. */
export interface SeasonTable {
  items: Item[];
  offers: Offer[];
  round: Item | undefined;
}

/** A request through the HTTP API as whoever the claims name; 409 (done already, before a crash) passes. */
export type ApiCall = (
  claims: LocalClaims,
  method: string,
  path: string,
  body?: unknown,
  idempotencyKey?: string,
) => Promise<{ status: number; body: unknown }>;

/**
 * Who does what in a season: each waiting offer's team decides on every pass ('silent': not now),
 * and `act` lets the coordinator and liaisons act through the API on every pass. A retry after a
 * crash must be harmless, so each act looks at the table first.
 */
export interface SeasonScript {
  decide(offer: Offer, table: SeasonTable): 'accept' | 'decline' | 'silent';
  act?(table: SeasonTable, call: ApiCall): Promise<void>;
}

/** The auto-approved season's script (SCRIPTED). */
export const SCRIPTED_SEASON: SeasonScript = { decide: teamDecision };

/** What each accepted society files: its needs' outcomes (the first resolved, the rest partial). */
export function reportOf(offer: Offer) {
  return {
    visitDate: '2026-11-20',
    answers: Object.fromEntries(THEMES.map((theme) => [theme, `${offer.societyId} 的回答（${theme}）`])),
    outcomes: [...offer.needIds]
      .sort()
      .map((needId, i) => ({ needId, outcome: i === 0 ? ('resolved' as const) : ('partial' as const) })),
    cooperations: [{ title: `${offer.societyId} 合作项目`, partner: `${offer.countyId} 合作社` }],
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Plays the teams against one running server until the season is done; throws ServerDied if it dies. */
/** A request of the script's `act` that got no answer (the process died): it is sent again after the restart. */
type Unanswered = Parameters<ApiCall>;

async function playTeams(
  server: Server,
  dataDir: string,
  season: string,
  script: SeasonScript,
  unanswered: Unanswered[],
): Promise<void> {
  let alive = true;
  const died = server.exited.then(() => {
    alive = false;
    throw new ServerDied('the server process ended');
  });
  died.catch(() => {});
  const url = await Promise.race([server.url, died]);
  const client = attach(dataDir);
  const tokens = new Map<string, string>();
  const tokenOf = async (claims: LocalClaims) => {
    let token = tokens.get(JSON.stringify(claims));
    if (!token) {
      token = await signLocalToken(dataDir, claims);
      tokens.set(JSON.stringify(claims), token);
    }
    return token;
  };
  const team = (society: string): LocalClaims => ({ role: 'team', society, sub: `lead-of-${society}` });
  const callAs: ApiCall = async (claims, method, path, body, key) => {
    let response: Response;
    try {
      response = await fetch(`${url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${await tokenOf(claims)}`,
          'content-type': 'application/json',
          ...(key ? { 'idempotency-key': key } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      // A connection cut by a crash: the process is going.
      await Promise.race([died, sleep(3000)]).catch(() => {});
      if (!alive) throw new ServerDied('the server process ended');
      throw error;
    }
    const text = await response.text();
    // 409: answered already (the answer got through before a crash).
    if (response.status >= 400 && response.status !== 409)
      throw new Error(`${method} ${path} → ${response.status} ${text}`);
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  };
  const call = (method: string, path: string, society: string, body: unknown, key?: string) =>
    callAs(team(society), method, path, body, key);
  // The coordinator's and liaisons' requests: one left without an answer by a crash is sent again.
  const actCall: ApiCall = async (...request) => {
    unanswered.push(request);
    const answer = await callAs(...request);
    unanswered.splice(unanswered.indexOf(request), 1);
    return answer;
  };
  const read = async () => {
    try {
      const items = await scanAll(client);
      return {
        items,
        offers: items.filter((i) => i.type === 'offer' && i.season === season) as unknown as Offer[],
        round: items.find((i) => i.type === 'round' && i.season === season),
      };
    } catch (error) {
      // The database went with a crash: the process is going.
      await Promise.race([died, sleep(3000)]).catch(() => {});
      if (!alive) throw new ServerDied('the server process ended');
      throw error;
    }
  };
  try {
    for (const request of [...unanswered]) await actCall(...request);
    let roundDone = false;
    void Promise.race([server.roundDone, died]).then(
      () => {
        roundDone = true;
      },
      () => {},
    );
    // The answers: each waiting offer as its team decides, until the round has ended and no offer
    // placed by hand (an execution of its own, which the round's end does not wait for) still waits.
    let placedWaiting = false;
    while (!roundDone || placedWaiting) {
      if (!alive) throw new ServerDied('the server process ended');
      const table = await read();
      placedWaiting = table.offers.some(
        (o) => o.status === 'offered' && (o as Offer & { placedBy?: string }).placedBy !== undefined,
      );
      await script.act?.(table, actCall);
      if (table.round?.plannedAt) {
        for (const offer of table.offers) {
          if (offer.status !== 'offered' || offer.decision || !offer.taskToken) continue;
          const decision = script.decide(offer, table);
          if (decision === 'silent') continue;
          await call(
            'POST',
            `/assignments/${offer.id}/${decision}`,
            offer.societyId,
            decision === 'decline' ? { reason: '本季人手不足 / short of people this season' } : {},
          );
        }
      }
      await Promise.race([died, sleep(150)]);
    }
    // The visit reports, each with its own retry key (a retry after a crash files no second version).
    const { offers } = await read();
    for (const offer of offers
      .filter((o) => o.status === 'accepted')
      .sort((a, b) => a.id.localeCompare(b.id)))
      await call(
        'POST',
        `/visits/${offer.visitId}/report`,
        offer.societyId,
        reportOf(offer),
        `report-${offer.id.replaceAll('.', '-')}`,
      );
  } finally {
    client.destroy();
  }
}

/**
 * Runs the season on a fresh DATA_DIR, with `faultAt` (FAULT_AT) on the first start only, restarting
 * after a crash; returns the table's items at the end and whether the crash happened.
 */
export async function runSeason(
  dataDir: string,
  season: string,
  options: {
    faults?: readonly string[];
    trace?: string;
    /** More of npm start's environment (AUTO_APPROVE, PLAN_APPROVAL_SECONDS, FAULT_FAIL…), every start. */
    env?: Record<string, string>;
    script?: SeasonScript;
  } = {},
): Promise<SeasonOutcome> {
  const faults = options.faults ?? [];
  const output: string[] = [];
  const crashes: string[] = [];
  const unanswered: Unanswered[] = [];
  let jvmGone = true;
  for (let start = 1; start <= faults.length + 1; start++) {
    const fault = faults[start - 1];
    const server = startServer(dataDir, {
      ...options.env,
      ...(fault ? { FAULT_AT: fault } : {}),
      ...(options.trace ? { FAULT_TRACE: options.trace } : {}),
    });
    try {
      await playTeams(server, dataDir, season, options.script ?? SCRIPTED_SEASON, unanswered);
      const items = await scanAll(attach(dataDir));
      server.child.kill('SIGTERM');
      await server.exited;
      output.push(...server.output);
      return {
        crashes,
        jvmGone,
        starts: start,
        items: new Map(items.map((item) => [`${item.pk}|${item.sk}`, item])),
        output: output.join('\n'),
      };
    } catch (error) {
      const exit = await Promise.race([server.exited, sleep(30_000).then(() => undefined)]);
      output.push(...server.output, `--- exit ${JSON.stringify(exit)}`);
      if (!(error instanceof ServerDied) || exit?.signal !== 'SIGKILL' || !fault) {
        server.child.kill('SIGKILL');
        throw new Error(`season failed on start ${start}: ${(error as Error).message}\n${output.join('\n')}`);
      }
      crashes.push(fault);
      jvmGone &&= jvmOfDataDirGone(dataDir);
    }
  }
  throw new Error(`season not finished after ${faults.length + 1} starts`);
}

/**
 * The JVM named in DATA_DIR's endpoint file no longer runs: no such process, or a zombie (killed,
 * its parent gone, not yet reaped by this container's init).
 */
function jvmOfDataDirGone(dataDir: string): boolean {
  let pid: number;
  try {
    ({ pid } = JSON.parse(readFileSync(join(dataDir, 'dynamodb', 'endpoint.json'), 'utf8')) as {
      pid: number;
    });
  } catch {
    return true;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

// ---- comparing two runs --------------------------------------------------------------------------

/**
 * What may differ between an interrupted and an uninterrupted season, and nothing else:
 * - items of Step Functions' own state, which in AWS live in Step Functions, not in the table
 *   (`task-token`), and what each `npm start` issues afresh (the coordinator's one-time sign-in
 *   `invitation`);
 * - instants (ISO 8601, and the Beijing `YYYY-MM-DD HH:MM` of message texts): when things happened;
 * - the task token an offer or the plan review waits on (a random id minted per wait), and an audit
 *   entry's generated id;
 * - an outbox message's delivery (status, attempts, lease, send time, last error and its keys in the
 *   `outbox-due` index), which depends on the wall clock (quiet hours) and on the 5 s dispatcher, not
 *   on the round — but not whether it was cancelled (`cancelledAt`: an answered offer's reminder is);
 * - the built-in coordinator's current invitation digest (each start issues a fresh sign-in code).
 */
const NOT_COMPARED_TYPES = new Set(['task-token', 'invitation']);
const ISO_INSTANT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})/g;
const BEIJING_MINUTE = /\d{4}-\d{2}-\d{2} \d{2}:\d{2}/g;
/** A time as messages say it (12月8日 06:28; 8 Dec 06:28): when it was sent decides it, as an instant's. */
const MESSAGE_MINUTE =
  /(?:\d{4}年)?\d{1,2}月\d{1,2}日 \d{2}:\d{2}|\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{2}:\d{2}/g;
/** The local server's address in a message's link: each start of npm start listens on a port of its own. */
const LOCAL_ORIGIN = /http:\/\/127\.0\.0\.1:\d+/g;
/**
 * A message's delivery state, which depends on when the dispatcher ran: compared apart from the
 * message. A reminder of an answered offer is cancelled by the answer, or by the dispatcher when it
 * is due (functions/delivery/outbox-dispatch.ts): either way it is never sent.
 */
const MESSAGE_DELIVERY = [
  'status',
  'attempts',
  'leaseUntil',
  'leaseId',
  'sentAt',
  'cancelledAt',
  'lastError',
  TABLE_KEYS.outboxDue.partitionKey,
  TABLE_KEYS.outboxDue.sortKey,
];

function normaliseValue(value: unknown): unknown {
  if (typeof value === 'string')
    return value
      .replace(ISO_INSTANT, '<instant>')
      .replace(BEIJING_MINUTE, '<minute>')
      .replace(MESSAGE_MINUTE, '<minute>')
      .replace(LOCAL_ORIGIN, '<origin>');
  if (Array.isArray(value)) return value.map(normaliseValue);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normaliseValue(v)]));
  return value;
}

export function normalise(items: Map<string, Item>): Map<string, unknown> {
  const result = new Map<string, unknown>();
  for (const [key, item] of items) {
    if (NOT_COMPARED_TYPES.has(String(item.type))) continue;
    const copy: Item = { ...item };
    if (typeof copy.taskToken === 'string') copy.taskToken = '<task token>';
    // The plan review's wait has a task token too (kept on the round).
    if (typeof copy.approvalToken === 'string') copy.approvalToken = '<task token>';
    // An audit entry's id is a fresh UUID: it is known by what it records instead.
    let itemKey = key;
    if (copy.type === 'audit') {
      copy.id = `<audit ${copy.action} ${JSON.stringify(copy.target)}>`;
      copy.sk = `${copy.at}#${copy.id}`;
      itemKey = `${copy.pk}|${copy.sk}`;
    }
    if (copy.type === 'message') for (const field of MESSAGE_DELIVERY) delete copy[field];
    // Each start of npm start invites the coordinator afresh (a new one-time code).
    if (copy.type === 'user' && copy.id === 'coordinator') delete copy.invitationDigest;
    result.set(String(normaliseValue(itemKey)), normaliseValue(copy));
  }
  return result;
}

/** Item-for-item differences, as readable lines (empty when equal). */
export function differences(expected: Map<string, unknown>, actual: Map<string, unknown>): string[] {
  const lines: string[] = [];
  for (const [key, value] of expected) {
    if (!actual.has(key)) lines.push(`missing ${key}`);
    else if (JSON.stringify(sortKeys(value)) !== JSON.stringify(sortKeys(actual.get(key))))
      lines.push(
        `differs ${key}: ${JSON.stringify(sortKeys(value))} ≠ ${JSON.stringify(sortKeys(actual.get(key)))}`,
      );
  }
  for (const key of actual.keys()) if (!expected.has(key)) lines.push(`extra ${key}`);
  return lines;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Item)[k])]),
    );
  return value;
}
