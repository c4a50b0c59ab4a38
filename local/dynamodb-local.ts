/**
 * The embedded database: DynamoDB Local (the AWS jar shipped in the npm package
 * `amplify-dynamodb-simulator`), run as a child JVM — or an existing endpoint
 * named by `DYNAMODB_ENDPOINT`.
 *
 * Modes
 * - `DYNAMODB_ENDPOINT` set: checked with ListTables and used as is (owned=false).
 * - `inMemory: true`: `-inMemory -sharedDb`, one JVM per call (tests).
 * - `dataDir`: `-dbPath <dataDir>/dynamodb`. Several processes may share one DATA_DIR:
 *   the process that starts the JVM (its owner) writes `<dataDir>/dynamodb/endpoint.json`
 *   `{ pid, ownerPid, port, startedAt }` once it answers, and later callers attach to it
 *   (owned=false) instead of starting a second JVM on the same files. Starting is
 *   serialised by `<dataDir>/dynamodb/start.lock`. Stale files (dead pid, pid reused by
 *   another program) are replaced; a JVM whose owner is gone is stopped first.
 *
 * Private to its DATA_DIR
 * - Loopback only: the jar has no listen-address option (`-help` lists -port, -inMemory,
 *   -dbPath, -sharedDb, -cors, -delayTransientStatuses, -disableTelemetry,
 *   -optimizeDbBeforeStartup, -version; its Jetty server is `new Server(port)`, every
 *   interface), so the JVM runs `DynamoDbLocalLauncher.java`, which sets 127.0.0.1 on
 *   that connector before it starts.
 * - A secret access key per DATA_DIR (`<dataDir>/dynamodb/access-key.json`, mode 600):
 *   without `-sharedDb` DynamoDB Local keeps one database file per access key id and
 *   region (`<accessKeyId>_local.db`), so a client with any other credentials finds an
 *   empty database of its own. Processes attaching to the instance read the same file.
 * - Files under DATA_DIR are 600 and folders 700 (the JVM runs with umask 077).
 *
 * Dies with its owner: the JVM's stdin is a pipe from the owner, and the launcher stops
 * the server when it closes — which the kernel does however the owner ends (SIGKILL too).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { constants as fsConstants, readFileSync, unlinkSync } from 'node:fs';
import {
  access,
  chmod,
  mkdir,
  mkdtemp,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

/** What a client needs to reach one database: DynamoDB Local keeps one per access key id and region. */
export interface DatabaseAccess {
  /** e.g. `http://127.0.0.1:45123` */
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

export interface DynamoDbLocal extends DatabaseAccess {
  /** true when this call started the JVM and `stop()` will end it. */
  owned: boolean;
  /** Stops the JVM if owned; otherwise does nothing. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartDynamoDbLocalOptions {
  /** Persistent mode: files under `<dataDir>/dynamodb/`. */
  dataDir?: string;
  /** In-memory mode (tests). Takes precedence over `dataDir`. */
  inMemory?: boolean;
  /** Port for a JVM we start; default: a free port. Ignored when attaching. */
  port?: number;
  /** Receives our status lines and the JVM's output, one line at a time. */
  log?: (line: string) => void;
  /**
   * What the person starting it must know (a stale instance stopped, a database file
   * adopted), also passed to `log`; default: standard error.
   */
  notice?: (line: string) => void;
  /** Environment used for DYNAMODB_ENDPOINT, PATH and JAVA_HOME lookup and the JVM; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Use this java executable instead of looking in JAVA_HOME and PATH. */
  javaCommand?: string;
  /** How long to wait for the JVM to answer; default 30 000 ms. */
  readyTimeoutMs?: number;
}

/** Java 17+ could not be found. The message stands alone (Chinese, then English). */
export class JavaMissingError extends Error {
  override name = 'JavaMissingError';
}

/** DynamoDB could not be started or reached. The message stands alone (Chinese, then English). */
export class DynamoDbLocalError extends Error {
  override name = 'DynamoDbLocalError';
}

export const MIN_JAVA_VERSION = 17;

const JVM_OPTIONS = [
  // Two of these may run side by side on a 2-core machine: small heap, serial GC,
  // C1 only (starts ~25% faster, ~15% less memory; DynamoDB Local is I/O bound).
  '-Xmx256m',
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-Xshare:auto',
];

const ENDPOINT_FILE = 'endpoint.json';
const LOCK_FILE = 'start.lock';
const STALE_LOCK_MS = 120_000;

const ACCESS_KEY_FILE = 'access-key.json';
const SHARED_DB_FILE = 'shared-local-instance.db';
const LOCAL_REGION = 'local';
/** For the shared in-memory database of tests and for DYNAMODB_ENDPOINT, as before. */
const SHARED_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * The client configuration for a database: a handle (its own credentials), or an endpoint
 * (the shared credentials: in-memory databases and DYNAMODB_ENDPOINT).
 */
export function localClientConfig(database: string | DatabaseAccess): DatabaseAccess {
  if (typeof database !== 'string') {
    const { endpoint, region, credentials } = database;
    return { endpoint, region, credentials: { ...credentials } };
  }
  return { endpoint: database, region: LOCAL_REGION, credentials: { ...SHARED_CREDENTIALS } };
}

/** Where the DynamoDB Local jar and its native libraries live. */
export function dynamoDbLocalJar(): { jar: string; libDir: string } {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('amplify-dynamodb-simulator/package.json');
  const dir = path.join(path.dirname(pkg), 'emulator');
  return { jar: path.join(dir, 'DynamoDBLocal.jar'), libDir: path.join(dir, 'DynamoDBLocal_lib') };
}

export async function startDynamoDbLocal(opts: StartDynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? (() => {});

  const external = env.DYNAMODB_ENDPOINT?.trim();
  if (external) return attachExternal(external, log);

  if (opts.inMemory) {
    const java = await findJava({ env, javaCommand: opts.javaCommand });
    const jvm = await launch({
      java,
      env,
      log,
      port: opts.port,
      dbPath: undefined,
      credentials: SHARED_CREDENTIALS,
      readyTimeoutMs: opts.readyTimeoutMs,
    });
    return ownedHandle(jvm, undefined, localClientConfig(jvm.endpoint));
  }
  if (!opts.dataDir) {
    throw new DynamoDbLocalError(
      '内置数据库需要数据目录（dataDir）或内存模式（inMemory）。\n' +
        'startDynamoDbLocal needs either dataDir or inMemory: true.',
    );
  }
  const notice = (line: string) => {
    log(line);
    (opts.notice ?? ((l: string) => process.stderr.write(`${l}\n`)))(line);
  };
  return startPersistent(path.resolve(opts.dataDir), opts, env, log, notice);
}

// ---------------------------------------------------------------------------
// DYNAMODB_ENDPOINT

async function attachExternal(raw: string, log: (line: string) => void): Promise<DynamoDbLocal> {
  let url: URL;
  try {
    url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
  } catch {
    throw new DynamoDbLocalError(
      `DYNAMODB_ENDPOINT 不是有效的 http(s) 地址：${raw}（例如 http://127.0.0.1:8000）。\n` +
        `DYNAMODB_ENDPOINT is not a valid http(s) URL: ${raw} (for example http://127.0.0.1:8000).`,
    );
  }
  const endpoint = raw.replace(/\/+$/, '');
  const probe = await probeEndpoint(endpoint, 5_000);
  if (!probe.ok) {
    throw new DynamoDbLocalError(
      `DYNAMODB_ENDPOINT=${endpoint} 没有响应（ListTables 失败：${probe.reason}）。请启动该 DynamoDB，或取消设置 DYNAMODB_ENDPOINT 以使用内置数据库。\n` +
        `DYNAMODB_ENDPOINT=${endpoint} does not answer (ListTables failed: ${probe.reason}). Start that DynamoDB, or unset DYNAMODB_ENDPOINT to use the embedded database.`,
    );
  }
  log(`使用 DYNAMODB_ENDPOINT / using DYNAMODB_ENDPOINT: ${endpoint}`);
  return { ...localClientConfig(endpoint), owned: false, stop: async () => {} };
}

// ---------------------------------------------------------------------------
// Persistent mode: one JVM per DATA_DIR, shared by the processes using it.

interface EndpointInfo {
  pid: number;
  /** The process that started the JVM; absent in files written before owners were recorded. */
  ownerPid?: number;
  port: number;
  startedAt: string;
}

async function startPersistent(
  dataDir: string,
  opts: StartDynamoDbLocalOptions,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
  notice: (line: string) => void,
): Promise<DynamoDbLocal> {
  const dbDir = path.join(dataDir, 'dynamodb');
  await makePrivateDir(dataDir);
  await makePrivateDir(dbDir);
  await tightenDataDir(dataDir);
  const endpointFile = path.join(dbDir, ENDPOINT_FILE);
  const lockFile = path.join(dbDir, LOCK_FILE);
  const credentials = await dataDirCredentials(dbDir);
  // Look for Java before anything else so a missing Java is reported even when
  // nothing else is wrong; attaching to a running instance does not need it, though.
  let java: string | undefined;
  let javaError: unknown;
  try {
    java = await findJava({ env, javaCommand: opts.javaCommand });
  } catch (err) {
    javaError = err;
  }

  const deadline = Date.now() + (opts.readyTimeoutMs ?? 30_000) + 30_000;
  let waitedForLock = false;
  for (;;) {
    const running = await checkRunning(endpointFile, dbDir, credentials);
    if (running.kind === 'live') return attached(running.info, credentials, log);
    if (running.kind === 'hung') throw hungError(running.info, endpointFile);

    if (await tryLock(lockFile)) {
      try {
        // Someone may have finished starting between our check and the lock.
        const again = await checkRunning(endpointFile, dbDir, credentials);
        if (again.kind === 'live') return attached(again.info, credentials, log);
        if (again.kind === 'hung') throw hungError(again.info, endpointFile);
        if (again.kind === 'orphan') await stopOrphan(again.info, notice);
        if (again.kind === 'stale' || again.kind === 'orphan') {
          if (again.kind === 'stale') {
            notice(
              `上次的 DynamoDB Local（进程 ${again.info.pid}）已不在运行，清理过期的 ${ENDPOINT_FILE} 并重新启动。/ ` +
                `the previous DynamoDB Local (pid ${again.info.pid}) is no longer running: removing the stale ${endpointFile} and starting clean.`,
            );
          }
          await rm(endpointFile, { force: true });
        }
        if (!java) throw javaError;
        await adoptSharedDatabase(dbDir, credentials, notice);
        const jvm = await launch({
          java,
          env,
          log,
          port: opts.port,
          dbPath: dbDir,
          credentials,
          readyTimeoutMs: opts.readyTimeoutMs,
        });
        const info: EndpointInfo = {
          pid: jvm.child.pid ?? 0,
          ownerPid: process.pid,
          port: jvm.port,
          startedAt: new Date().toISOString(),
        };
        await writeFileAtomic(endpointFile, `${JSON.stringify(info, null, 2)}\n`);
        return ownedHandle(jvm, endpointFile, { endpoint: jvm.endpoint, region: LOCAL_REGION, credentials });
      } finally {
        await rm(lockFile, { force: true });
      }
    }

    // Another process is starting DynamoDB Local for this DATA_DIR: wait for it.
    if (!waitedForLock) {
      log(
        `另一个进程正在启动此数据目录的数据库，等待中… / another process is starting DynamoDB Local for ${dbDir}, waiting…`,
      );
      waitedForLock = true;
    }
    await removeLockIfStale(lockFile);
    if (Date.now() > deadline) {
      throw new DynamoDbLocalError(
        `等待其他进程启动数据库超时。如果没有其他进程在运行，请删除 ${lockFile} 后重试。\n` +
          `Timed out waiting for another process to start DynamoDB Local. If none is running, delete ${lockFile} and retry.`,
      );
    }
    await sleep(200);
  }
}

type Credentials = DatabaseAccess['credentials'];

/**
 * This DATA_DIR's access key, created on first use. Only its id matters to DynamoDB Local
 * (it names the database file); the secret is there because the SDK signs with one.
 */
async function dataDirCredentials(dbDir: string): Promise<Credentials> {
  const file = path.join(dbDir, ACCESS_KEY_FILE);
  const fresh: Credentials = {
    // DynamoDB Local accepts letters and digits in an access key id.
    accessKeyId: `MR${randomBytes(16).toString('hex').toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString('base64url'),
  };
  try {
    await writeFile(file, `${JSON.stringify(fresh, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  // Written by another process a moment ago: its content may not be there yet.
  for (let attempt = 0; ; attempt++) {
    try {
      const stored = JSON.parse(await readFile(file, 'utf8')) as Partial<Credentials>;
      if (
        typeof stored.accessKeyId === 'string' &&
        /^[A-Za-z0-9]{16,128}$/.test(stored.accessKeyId) &&
        typeof stored.secretAccessKey === 'string' &&
        stored.secretAccessKey.length > 0
      ) {
        return { accessKeyId: stored.accessKeyId, secretAccessKey: stored.secretAccessKey };
      }
    } catch {
      // half-written or garbage: retried below, then reported
    }
    if (attempt >= 10) {
      throw new DynamoDbLocalError(
        `数据库访问密钥文件 ${file} 无法读取或内容无效。请恢复该文件；如果数据库是新的，可删除它后重试。\n` +
          `The database access key file ${file} is unreadable or invalid. Restore it; if the database is new, delete it and retry.`,
      );
    }
    await sleep(100);
  }
}

/**
 * A DATA_DIR written while the database was shared (`-sharedDb`) has its data in
 * `shared-local-instance.db`: it becomes this DATA_DIR's private database file, once.
 */
async function adoptSharedDatabase(dbDir: string, credentials: Credentials, log: (line: string) => void) {
  const shared = path.join(dbDir, SHARED_DB_FILE);
  const own = path.join(dbDir, `${credentials.accessKeyId}_${LOCAL_REGION}.db`);
  if (!(await exists(shared)) || (await exists(own))) return;
  await rename(shared, own);
  log(
    `已将共享数据库文件 ${SHARED_DB_FILE} 改为本数据目录的私有数据库 / ` +
      `moved the shared database ${SHARED_DB_FILE} to this data directory's private database`,
  );
}

type RunningState =
  | { kind: 'none' }
  | { kind: 'live'; info: EndpointInfo }
  | { kind: 'stale'; info: EndpointInfo }
  | { kind: 'orphan'; info: EndpointInfo }
  | { kind: 'hung'; info: EndpointInfo };

async function checkRunning(
  endpointFile: string,
  dbDir: string,
  credentials: Credentials,
): Promise<RunningState> {
  const info = await readEndpointFile(endpointFile);
  if (!info) return { kind: 'none' };
  if (!isAlive(info.pid)) return { kind: 'stale', info };
  const identity = await processIdentity(info.pid, dbDir);
  if (identity === 'other') return { kind: 'stale', info }; // pid reused by another program
  // DynamoDB Local on our files whose owner is gone: nobody would ever stop it.
  if (identity === 'ours' && !(await ownerAlive(info))) return { kind: 'orphan', info };
  const access: DatabaseAccess = {
    endpoint: `http://127.0.0.1:${info.port}`,
    region: LOCAL_REGION,
    credentials,
  };
  // Retry for a few seconds: the JVM may be busy (GC, a long query) for a moment.
  for (let i = 0; i < 5; i++) {
    if ((await probeEndpoint(access, 1_500)).ok) return { kind: 'live', info };
    if (!isAlive(info.pid)) return { kind: 'stale', info };
    await sleep(300);
  }
  // Alive but silent. If we know it is DynamoDB Local on these files, refuse to start a
  // second JVM on them; otherwise (no /proc) the pid most likely belongs to someone else.
  return identity === 'ours' ? { kind: 'hung', info } : { kind: 'stale', info };
}

/** The owner is alive and is still the JVM's parent (so not a reused pid). */
async function ownerAlive(info: EndpointInfo): Promise<boolean> {
  const parent = await parentPid(info.pid);
  if (info.ownerPid === undefined) {
    // Written before owners were recorded: that owner was the node process that spawned
    // the JVM; once it is gone the JVM is reparented to init or a subreaper.
    return parent !== undefined && parent > 1 && /(^|\/)node[^/]*$/.test(await commandOf(parent));
  }
  return isAlive(info.ownerPid) && (parent === undefined || parent === info.ownerPid);
}

async function commandOf(pid: number): Promise<string> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0')[0] ?? '';
  } catch {
    return '';
  }
}

async function stopOrphan(info: EndpointInfo, log: (line: string) => void): Promise<void> {
  const owner = info.ownerPid === undefined ? '' : `（启动它的进程 ${info.ownerPid} 已结束）`;
  const ownerEn = info.ownerPid === undefined ? '' : ` (its owner, pid ${info.ownerPid}, is gone)`;
  log(
    `发现上次遗留的 DynamoDB Local（进程 ${info.pid}）${owner}，正在停止它并重新启动。/ ` +
      `found DynamoDB Local left running by a process that is gone (pid ${info.pid})${ownerEn}; stopping it and starting clean.`,
  );
  // SIGCONT first: a stopped process does not act on SIGTERM.
  for (const signal of ['SIGCONT', 'SIGTERM'] as const) signalQuietly(info.pid, signal);
  for (let waited = 0; isAlive(info.pid) && waited < 5_000; waited += 100) await sleep(100);
  if (isAlive(info.pid)) signalQuietly(info.pid, 'SIGKILL');
  for (let waited = 0; isAlive(info.pid) && waited < 5_000; waited += 100) await sleep(100);
  if (isAlive(info.pid)) {
    throw new DynamoDbLocalError(
      `无法停止遗留的 DynamoDB Local（进程 ${info.pid}）。请手动结束它（kill -9 ${info.pid}）后重试。\n` +
        `Could not stop the DynamoDB Local left running (pid ${info.pid}). End it (kill -9 ${info.pid}) and retry.`,
    );
  }
}

function signalQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

function hungError(info: EndpointInfo, endpointFile: string): DynamoDbLocalError {
  return new DynamoDbLocalError(
    `此数据目录的 DynamoDB Local（进程 ${info.pid}，端口 ${info.port}）在运行但没有响应。请结束该进程（kill ${info.pid}）后重试。\n` +
      `DynamoDB Local for this data directory (pid ${info.pid}, port ${info.port}, see ${endpointFile}) is running but does not answer. Stop it (kill ${info.pid}) and retry.`,
  );
}

function attached(info: EndpointInfo, credentials: Credentials, log: (line: string) => void): DynamoDbLocal {
  const endpoint = `http://127.0.0.1:${info.port}`;
  log(`连接到已在运行的 DynamoDB Local / attached to running DynamoDB Local (pid ${info.pid}): ${endpoint}`);
  return { endpoint, region: LOCAL_REGION, credentials, owned: false, stop: async () => {} };
}

async function readEndpointFile(file: string): Promise<EndpointInfo | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const v = JSON.parse(text) as Partial<EndpointInfo>;
    if (Number.isInteger(v.pid) && Number.isInteger(v.port) && (v.pid ?? 0) > 0 && (v.port ?? 0) > 0) {
      return {
        pid: v.pid as number,
        ...(Number.isInteger(v.ownerPid) ? { ownerPid: v.ownerPid as number } : {}),
        port: v.port as number,
        startedAt: String(v.startedAt ?? ''),
      };
    }
  } catch {
    // fall through: unreadable file counts as stale
  }
  return { pid: 0, port: 0, startedAt: '' }; // pid 0 is never alive → stale
}

async function writeFileAtomic(file: string, content: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, content, { mode: 0o600 });
  await rename(tmp, file);
}

async function tryLock(lockFile: string): Promise<boolean> {
  try {
    const fh = await open(lockFile, 'wx', 0o600);
    try {
      await fh.writeFile(JSON.stringify({ pid: process.pid, at: new Date().toISOString() }));
    } finally {
      await fh.close();
    }
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** Removes the start lock if its owner died (or it is absurdly old). */
async function removeLockIfStale(lockFile: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(lockFile, 'utf8');
  } catch {
    return;
  }
  let pid = 0;
  let at = 0;
  try {
    const v = JSON.parse(text) as { pid?: number; at?: string };
    pid = Number(v.pid ?? 0);
    at = Date.parse(v.at ?? '');
  } catch {
    // Half-written by a process that is writing it right now, or garbage: judge by age below.
  }
  const dead = pid > 0 ? !isAlive(pid) : false;
  const old = Number.isFinite(at) && at > 0 && Date.now() - at > STALE_LOCK_MS;
  if (!dead && !old) return;
  // Compare-then-unlink; the window in which another process could replace the lock
  // between the two is a few microseconds and needs two processes finding the same
  // dead lock at once.
  try {
    if ((await readFile(lockFile, 'utf8')) === text) await unlink(lockFile);
  } catch {
    // already gone
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A zombie (exited, not yet reaped by its parent) answers signal 0 but is gone.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (macOS, Windows): signal 0 is all we know
  }
}

/** The parent of `pid` on Linux; undefined where there is no /proc. */
async function parentPid(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid …"; comm may contain spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(fields[1]);
    return Number.isInteger(ppid) ? ppid : undefined;
  } catch {
    return undefined;
  }
}

/** On Linux, tells whether `pid` is DynamoDB Local running on `dbDir`. */
async function processIdentity(pid: number, dbDir: string): Promise<'ours' | 'other' | 'unknown'> {
  let cmdline: string;
  try {
    cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return 'unknown';
  }
  const args = cmdline.split('\0');
  // `-jar …/DynamoDBLocal.jar` (the jar's own main) or `-cp …/DynamoDBLocal.jar:… DynamoDbLocalLauncher`.
  if (!args.some((a) => a.includes('DynamoDBLocal.jar'))) return 'other';
  const i = args.indexOf('-dbPath');
  if (i < 0) return 'other';
  return path.resolve(args[i + 1] ?? '') === path.resolve(dbDir) ? 'ours' : 'other';
}

// ---------------------------------------------------------------------------
// File modes: DATA_DIR holds the database, its access key and the token signing key.

async function makePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
}

/**
 * Folders 700 and files 600 for DATA_DIR itself and what we keep in it (`dynamodb/`,
 * `token-key`), also when an older version wrote them with the umask's modes.
 */
async function tightenDataDir(dataDir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        await chmod(file, 0o700);
        await walk(file);
      } else if (entry.isFile()) {
        await chmod(file, 0o600).catch(ignoreVanished);
      }
    }
  };
  await walk(path.join(dataDir, 'dynamodb'));
  await chmod(path.join(dataDir, 'token-key'), 0o600).catch(ignoreVanished);
}

function ignoreVanished(err: NodeJS.ErrnoException): void {
  if (err.code !== 'ENOENT') throw err;
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------
// Java

interface FindJavaOptions {
  env?: NodeJS.ProcessEnv;
  javaCommand?: string;
}

/**
 * Finds a Java 17+ executable: `javaCommand` if given, else `$JAVA_HOME/bin/java`,
 * else `java` on PATH (the first one that is new enough wins).
 * Throws JavaMissingError otherwise.
 */
export async function findJava(opts: FindJavaOptions = {}): Promise<string> {
  const env = opts.env ?? process.env;
  const candidates: string[] = [];
  if (opts.javaCommand) {
    candidates.push(opts.javaCommand);
  } else {
    const exe = process.platform === 'win32' ? 'java.exe' : 'java';
    if (env.JAVA_HOME) candidates.push(path.join(env.JAVA_HOME, 'bin', exe));
    for (const dir of (env.PATH ?? env.Path ?? '').split(path.delimiter)) {
      if (dir) candidates.push(path.join(dir, exe));
    }
  }
  const tooOld: string[] = [];
  const seen = new Set<string>();
  for (const candidate of candidates) {
    if (seen.has(candidate)) continue;
    seen.add(candidate);
    if (!opts.javaCommand && !(await isExecutable(candidate))) continue;
    const version = await javaVersion(candidate, env);
    if (version === undefined) continue;
    if (version >= MIN_JAVA_VERSION) return candidate;
    tooOld.push(`${candidate} (Java ${version})`);
  }
  throw new JavaMissingError(javaMissingMessage(tooOld));
}

function javaMissingMessage(tooOld: string[]): string {
  const foundZh = tooOld.length
    ? `找到的 Java 版本过旧：${tooOld.join('，')}。`
    : '没有找到 java（已查看 JAVA_HOME 和 PATH）。';
  const foundEn = tooOld.length
    ? `Found only older Java: ${tooOld.join(', ')}.`
    : 'No java executable was found (looked in JAVA_HOME and PATH).';
  return [
    `内置数据库 DynamoDB Local 需要 Java ${MIN_JAVA_VERSION} 或更高版本。${foundZh}`,
    `请安装 Java ${MIN_JAVA_VERSION}+（Debian/Ubuntu：sudo apt-get install -y openjdk-17-jre-headless；macOS：brew install openjdk@17），` +
      '或设置 DYNAMODB_ENDPOINT 指向一个已在运行的 DynamoDB（例如 DYNAMODB_ENDPOINT=http://127.0.0.1:8000）。',
    `The embedded database (DynamoDB Local) needs Java ${MIN_JAVA_VERSION} or newer. ${foundEn}`,
    `Install Java ${MIN_JAVA_VERSION}+ (Debian/Ubuntu: sudo apt-get install -y openjdk-17-jre-headless; macOS: brew install openjdk@17), ` +
      'or set DYNAMODB_ENDPOINT to a DynamoDB that is already running (e.g. DYNAMODB_ENDPOINT=http://127.0.0.1:8000).',
  ].join('\n');
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, process.platform === 'win32' ? fsConstants.F_OK : fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Major version from `java -version` (e.g. 17, 21; 8 for "1.8.0"), or undefined if it does not run. */
function javaVersion(java: string, env: NodeJS.ProcessEnv): Promise<number | undefined> {
  return new Promise((resolve) => {
    execFile(java, ['-version'], { env, timeout: 15_000, windowsHide: true }, (_err, stdout, stderr) => {
      const out = `${stderr}\n${stdout}`;
      const m = /version "(\d+)(?:\.(\d+))?/.exec(out) ?? /^(?:openjdk|java) (\d+)(?:\.(\d+))?/m.exec(out);
      if (!m) {
        resolve(undefined); // does not run (ENOENT, not Java, …)
        return;
      }
      const major = Number(m[1]);
      resolve(major === 1 ? Number(m[2] ?? 0) : major);
    });
  });
}

// ---------------------------------------------------------------------------
// The launcher (DynamoDbLocalLauncher.java): loopback only, stops when its owner goes.

const LAUNCHER_CLASS = 'DynamoDbLocalLauncher';
const LAUNCHER_SOURCE = fileURLToPath(new URL(`./${LAUNCHER_CLASS}.java`, import.meta.url));

let launcherBuild: Promise<string> | undefined;

/**
 * The folder holding the compiled launcher. Compiled once per source and jar, with the
 * compiler module of the Java we run (javac itself is not needed), into the user's cache
 * folder; starting from the source each time would cost 2–3 s per JVM.
 */
function compiledLauncher(java: string, env: NodeJS.ProcessEnv): Promise<string> {
  launcherBuild ??= buildLauncher(java, env).catch((err: unknown) => {
    launcherBuild = undefined;
    throw err;
  });
  return launcherBuild;
}

async function buildLauncher(java: string, env: NodeJS.ProcessEnv): Promise<string> {
  const { jar } = dynamoDbLocalJar();
  const source = await readFile(LAUNCHER_SOURCE);
  const jarSize = (await stat(jar)).size;
  const hash = createHash('sha256').update(source).update(`\0${jarSize}`).digest('hex').slice(0, 16);
  let root = path.join(env.XDG_CACHE_HOME || path.join(homedir(), '.cache'), 'mountain-rounds');
  try {
    await mkdir(root, { recursive: true, mode: 0o700 });
  } catch {
    root = await mkdtemp(path.join(tmpdir(), 'mountain-rounds-')); // no writable home
  }
  const dir = path.join(root, `dynamodb-launcher-${hash}`);
  if (await exists(path.join(dir, `${LAUNCHER_CLASS}.class`))) return dir;

  const building = await mkdtemp(path.join(root, 'dynamodb-launcher-building-'));
  const args = ['-m', 'jdk.compiler/com.sun.tools.javac.Main', '--release', '17', '-nowarn'];
  const compiled = await new Promise<{ ok: boolean; output: string }>((resolve) => {
    execFile(
      java,
      ['-XX:TieredStopAtLevel=1', ...args, '-cp', jar, '-d', building, LAUNCHER_SOURCE],
      { env, timeout: 120_000, windowsHide: true },
      (err, stdout, stderr) => resolve({ ok: !err, output: `${stderr}\n${stdout}`.trim() }),
    );
  });
  if (!compiled.ok) {
    await rm(building, { recursive: true, force: true });
    throw new DynamoDbLocalError(
      `无法编译 DynamoDB Local 的启动器（${java} 缺少 jdk.compiler 模块？）。` +
        '请安装完整的 Java 17+（Debian/Ubuntu：openjdk-17-jre-headless 或 openjdk-17-jdk-headless 已包含），' +
        '或设置 DYNAMODB_ENDPOINT。\n' +
        `Could not compile the DynamoDB Local launcher (does ${java} lack the jdk.compiler module?). ` +
        'Install a full Java 17+ (Debian/Ubuntu openjdk-17-jre-headless or -jdk-headless have it), or set DYNAMODB_ENDPOINT.\n' +
        indent(compiled.output),
    );
  }
  try {
    await rename(building, dir);
  } catch {
    await rm(building, { recursive: true, force: true }); // another process finished first
  }
  return dir;
}

// ---------------------------------------------------------------------------
// The JVM

interface Jvm {
  child: ChildProcess;
  port: number;
  endpoint: string;
  log: (line: string) => void;
}

interface LaunchOptions {
  java: string;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  port: number | undefined;
  dbPath: string | undefined;
  /** Those the readiness probe uses (on disk, another key would create another database file). */
  credentials: Credentials;
  readyTimeoutMs: number | undefined;
}

async function launch(opts: LaunchOptions): Promise<Jvm> {
  // A port picked by binding :0 can be taken by someone else before the JVM binds it;
  // retry with a fresh port in that case (only when the port was not given).
  for (let attempt = 1; ; attempt++) {
    const port = opts.port ?? (await freePort());
    try {
      return await launchOnce({ ...opts, port });
    } catch (err) {
      if (err instanceof PortInUseError && opts.port === undefined && attempt < 3) continue;
      if (err instanceof PortInUseError) {
        throw new DynamoDbLocalError(
          `端口 ${port} 已被占用，DynamoDB Local 无法启动。\nPort ${port} is already in use; DynamoDB Local cannot start.`,
        );
      }
      throw err;
    }
  }
}

class PortInUseError extends Error {}

async function launchOnce(opts: LaunchOptions & { port: number }): Promise<Jvm> {
  const { jar, libDir } = dynamoDbLocalJar();
  const launcher = await compiledLauncher(opts.java, opts.env);
  const args = [
    ...JVM_OPTIONS,
    `-Djava.library.path=${libDir}`,
    '-cp',
    [jar, launcher].join(path.delimiter),
    LAUNCHER_CLASS,
    '-port',
    String(opts.port),
    '-disableTelemetry',
    // In memory (tests): one database for any credentials. On disk: one per access key id.
    ...(opts.dbPath ? ['-dbPath', opts.dbPath] : ['-inMemory', '-sharedDb']),
  ];
  const started = Date.now();
  // `umask 077`: the database files DynamoDB Local creates are the owner's alone. `exec`
  // keeps the pid, so the pid we hold is the JVM's, and its parent is this process.
  const [command, commandArgs] =
    process.platform === 'win32'
      ? [opts.java, args]
      : ['/bin/sh', ['-c', 'umask 077 && exec "$0" "$@"', opts.java, ...args]];
  const child = spawn(command, commandArgs, {
    cwd: opts.dbPath ?? tmpdir(),
    env: opts.env,
    // stdin is the owner watchdog: the launcher stops the server when this pipe closes.
    stdio: ['pipe', 'pipe', 'pipe'],
    windowsHide: true,
  });
  // Do not keep the parent's event loop alive for the JVM: the 'exit' hook below ends it.
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  child.stdin?.on('error', () => {}); // EPIPE once the JVM is gone
  const tail: string[] = [];
  const onLine = (line: string) => {
    if (!line.trim()) return;
    tail.push(line);
    if (tail.length > 30) tail.shift();
    opts.log(`[dynamodb] ${line}`);
  };
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    (stream as unknown as { unref?: () => void }).unref?.();
    stream.setEncoding('utf8');
    let buf = '';
    stream.on('data', (chunk: string) => {
      buf += chunk;
      let nl = buf.indexOf('\n');
      while (nl >= 0) {
        onLine(buf.slice(0, nl).replace(/\r$/, ''));
        buf = buf.slice(nl + 1);
        nl = buf.indexOf('\n');
      }
    });
    stream.on('end', () => {
      if (buf) onLine(buf);
      buf = '';
    });
  }

  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let spawnError: Error | undefined;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
  });
  child.on('error', (err) => {
    spawnError = err;
  });
  const killNow = () => {
    if (exited === undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.on('exit', killNow);

  const endpoint = `http://127.0.0.1:${opts.port}`;
  const timeoutMs = opts.readyTimeoutMs ?? 30_000;
  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: { ...opts.credentials }, // the SDK writes into the object it is given
    maxAttempts: 1,
  });
  try {
    let delay = 50;
    for (;;) {
      if (spawnError) {
        throw new DynamoDbLocalError(
          `无法运行 ${opts.java}：${spawnError.message}\nCould not run ${opts.java}: ${spawnError.message}`,
        );
      }
      if (exited) {
        const text = tail.join('\n');
        if (/BindException|Address already in use/i.test(text)) throw new PortInUseError(text);
        throw new DynamoDbLocalError(
          `DynamoDB Local 启动失败（退出码 ${exited.code ?? exited.signal}）。输出末尾：\n` +
            `DynamoDB Local exited during startup (code ${exited.code ?? exited.signal}). Last output:\n${indent(text)}`,
        );
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2_000) });
        break;
      } catch {
        // not up yet
      }
      if (Date.now() - started > timeoutMs) {
        killNow();
        throw new DynamoDbLocalError(
          `DynamoDB Local 在 ${Math.round(timeoutMs / 1000)} 秒内没有就绪（端口 ${opts.port}）。输出末尾：\n` +
            `DynamoDB Local did not answer within ${Math.round(timeoutMs / 1000)} s (port ${opts.port}). Last output:\n${indent(tail.join('\n'))}`,
        );
      }
      await sleep(delay);
      delay = Math.min(Math.round(delay * 1.5), 500);
    }
  } catch (err) {
    process.removeListener('exit', killNow);
    killNow();
    throw err;
  } finally {
    client.destroy();
  }
  process.removeListener('exit', killNow);
  opts.log(
    `DynamoDB Local 已启动 / started: ${endpoint} (pid ${child.pid}, ${opts.dbPath ?? 'in memory'}, ${Date.now() - started} ms)`,
  );
  return { child, port: opts.port, endpoint, log: opts.log };
}

// Cleanups for the JVMs this process owns, run on process exit / fatal signals.
const exitCleanups = new Set<() => void>();

function runExitCleanups(): void {
  for (const cleanup of [...exitCleanups]) cleanup();
  exitCleanups.clear();
}

// SIGINT/SIGTERM/SIGHUP with no handler end node without 'exit' events, which would
// leave the JVM running. When ours is the only handler: stop the JVMs, then let the
// signal do what it would have done. When the application has its own handler, it is
// in charge of shutting down, and its process.exit() runs the 'exit' hook.
const FATAL_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
function onFatalSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return;
  runExitCleanups();
  uninstallExitHooks();
  process.kill(process.pid, signal);
}

function installExitHooks(): void {
  if (process.listeners('exit').includes(runExitCleanups)) return;
  process.on('exit', runExitCleanups);
  for (const s of FATAL_SIGNALS) process.on(s, onFatalSignal);
}

function uninstallExitHooks(): void {
  process.removeListener('exit', runExitCleanups);
  for (const s of FATAL_SIGNALS) process.removeListener(s, onFatalSignal);
}

function ownedHandle(jvm: Jvm, endpointFile: string | undefined, access: DatabaseAccess): DynamoDbLocal {
  const { child } = jvm;
  const pid = child.pid;
  let stopped = false;
  const isRunning = () => child.exitCode === null && child.signalCode === null;
  const exited = new Promise<void>((resolve) => {
    if (!isRunning()) resolve();
    else child.once('exit', () => resolve());
  });

  // Synchronous: also used from the process 'exit' hook. Only removes the file if it
  // still describes our JVM.
  const removeEndpointFile = () => {
    if (!endpointFile) return;
    try {
      const text = readFileSync(endpointFile, 'utf8');
      if ((JSON.parse(text) as { pid?: number }).pid === pid) unlinkSync(endpointFile);
    } catch {
      // gone already, or not ours
    }
  };
  const cleanup = () => {
    if (isRunning()) child.kill('SIGTERM');
    removeEndpointFile();
  };
  const forget = () => {
    exitCleanups.delete(cleanup);
    if (exitCleanups.size === 0) uninstallExitHooks();
  };
  exitCleanups.add(cleanup);
  installExitHooks();

  child.once('exit', (code, signal) => {
    if (stopped) return;
    jvm.log(`DynamoDB Local 意外退出 / exited unexpectedly (code ${code ?? signal})`);
    forget();
    removeEndpointFile();
  });

  return {
    ...access,
    owned: true,
    async stop() {
      if (stopped) return exited;
      stopped = true;
      forget();
      if (isRunning()) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => {
          if (isRunning()) child.kill('SIGKILL');
        }, 5_000);
        await exited;
        clearTimeout(timer);
      }
      removeEndpointFile();
    },
  };
}

// ---------------------------------------------------------------------------
// helpers

async function probeEndpoint(
  database: string | DatabaseAccess,
  timeoutMs: number,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  const client = new DynamoDBClient({ ...localClientConfig(database), maxAttempts: 1 });
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(timeoutMs) });
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: describeError(err) };
  } finally {
    client.destroy();
  }
}

function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as NodeJS.ErrnoException).code;
  const nested = (err as { errors?: unknown[] }).errors;
  if (!code && Array.isArray(nested) && nested[0] instanceof Error) return describeError(nested[0]);
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'timeout';
  return code ? `${code}` : `${err.name}: ${err.message}`;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no port'))));
    });
  });
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
