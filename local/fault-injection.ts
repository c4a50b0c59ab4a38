import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { currentCaller } from './aws-rules/identity.ts';

/**
 * Crash points for the fault-injection harness (test/faults/fault-injection.test.ts). Inert unless
 * the environment asks for it; only the embedded runtime arms it (never a Lambda bundle):
 *
 * - `FAULT_AT=state:<StateName>` — SIGKILL on entering that state of the round (its first entry);
 *   `state:<StateName>:<n>` on its n-th entry.
 * - `FAULT_AT=<FunctionId>:<k>` — SIGKILL just after the k-th DynamoDB write (Put, Update, Delete,
 *   BatchWrite, TransactWrite) of one invocation of that function has been acknowledged: the middle
 *   of a multi-write step when the function writes more than k times.
 * - `FAULT_TRACE=<file>` — appends `state <name>` and `write <FunctionId> <k>` lines instead, so a
 *   test can enumerate the crash points of an uninterrupted run.
 * - `FAULT_FAIL=<FunctionId>` — that round function fails every invocation with an error no Retry
 *   names (`InjectedFailure`): the round's failure path, which a season that succeeds never takes.
 *
 * A crash kills the DynamoDB Local JVM this process owns first (SIGKILL, no chance to flush more
 * than it has acknowledged), then this process: nothing of this process runs after the point.
 */
export const FAULT_AT = 'FAULT_AT';
export const FAULT_TRACE = 'FAULT_TRACE';
export const FAULT_FAIL = 'FAULT_FAIL';

type Point = { kind: 'state'; name: string; nth: number } | { kind: 'write'; functionId: string; k: number };

function parsePoint(raw: string | undefined): Point | undefined {
  if (!raw) return undefined;
  const parts = raw.split(':');
  if (parts[0] === 'state' && parts[1]) return { kind: 'state', name: parts[1], nth: Number(parts[2] ?? 1) };
  if (parts.length === 2 && parts[0] && Number.isInteger(Number(parts[1])))
    return { kind: 'write', functionId: parts[0], k: Number(parts[1]) };
  throw new Error(`${FAULT_AT}="${raw}": expected state:<StateName>[:<n>] or <FunctionId>:<k>`);
}

let armed:
  | {
      point: Point | undefined;
      trace: string | undefined;
      failing: string | undefined;
      dataDir: string | undefined;
    }
  | undefined;
const entries = new Map<string, number>();
// Writes per invocation: the caller object is new for each handler run (runAsFunction).
const writesOf = new WeakMap<object, number>();

/**
 * DynamoDB Local answers a TransactWriteItems a few milliseconds before the transaction is in its
 * file: a JVM killed at once loses a write it acknowledged, which DynamoDB never does. This process
 * stands still this long first (nothing of it runs on), so the JVM keeps what it acknowledged.
 */
const ACKNOWLEDGED_WRITES_SETTLE_MS = 250;

/** Kills the JVM this process started for `dataDir` (per its endpoint.json), then this process. */
function crashNow(): never {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ACKNOWLEDGED_WRITES_SETTLE_MS);
  if (armed?.dataDir) {
    try {
      const info = JSON.parse(readFileSync(join(armed.dataDir, 'dynamodb', 'endpoint.json'), 'utf8')) as {
        pid?: number;
        ownerPid?: number;
      };
      if (info.pid && info.ownerPid === process.pid) process.kill(info.pid, 'SIGKILL');
    } catch {
      // no JVM of ours (DYNAMODB_ENDPOINT, or attached to another process's)
    }
  }
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable: SIGKILL');
}

function trace(line: string): void {
  if (armed?.trace) appendFileSync(armed.trace, `${line}\n`);
}

/** Arms the hooks when FAULT_AT, FAULT_TRACE or FAULT_FAIL is set; returns whether they are armed. */
export function armFaultInjection(dataDir: string | undefined, env = process.env): boolean {
  const point = parsePoint(env[FAULT_AT]);
  const traceFile = env[FAULT_TRACE] || undefined;
  const failing = env[FAULT_FAIL] || undefined;
  armed = point || traceFile || failing ? { point, trace: traceFile, failing, dataDir } : undefined;
  return armed !== undefined;
}

/** Called by the round runner before a round function's handler: FAULT_FAIL's function fails. */
export function failIfInjected(functionId: string): void {
  if (armed?.failing !== functionId) return;
  const error = new Error(`${FAULT_FAIL}=${functionId}: this function fails every invocation`);
  error.name = 'InjectedFailure';
  throw error;
}

export function faultInjectionArmed(): boolean {
  return armed !== undefined;
}

/** Called by the round runner as a state is entered (a Task: just before its integration runs). */
export function enteringState(name: string): void {
  if (!armed) return;
  const nth = (entries.get(name) ?? 0) + 1;
  entries.set(name, nth);
  trace(`state ${name}`);
  const point = armed.point;
  if (point?.kind === 'state' && point.name === name && point.nth === nth) crashNow();
}

const WRITES = /^(Put|Update|Delete|BatchWrite|TransactWrite)(Item|Items)?Command$/;

type Client = { middlewareStack: { add: (...args: never[]) => void; remove: (name: string) => boolean } };
const MIDDLEWARE_NAME = 'embeddedRuntimeFaultInjection';

/** A DynamoDB client middleware: counts each function invocation's acknowledged writes. */
export function attachFaultHook(client: Client): void {
  client.middlewareStack.remove(MIDDLEWARE_NAME);
  if (!armed) return;
  const middleware =
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
    async (args: unknown) => {
      const result = await next(args);
      const caller = currentCaller();
      if (armed && caller?.kind === 'function' && WRITES.test(context.commandName ?? '')) {
        const k = (writesOf.get(caller) ?? 0) + 1;
        writesOf.set(caller, k);
        trace(`write ${caller.functionId} ${k}`);
        const point = armed.point;
        if (point?.kind === 'write' && point.functionId === caller.functionId && point.k === k) crashNow();
      }
      return result;
    };
  (client.middlewareStack.add as (...args: unknown[]) => void)(middleware, {
    step: 'initialize',
    priority: 'high',
    name: MIDDLEWARE_NAME,
  });
}
