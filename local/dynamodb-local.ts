/**
 * The embedded database: DynamoDB Local (the AWS jar shipped in the npm package
 * `amplify-dynamodb-simulator`), run as a child JVM — or an existing endpoint
 * named by `DYNAMODB_ENDPOINT`.
 *
 * Modes
 * - `DYNAMODB_ENDPOINT` set: checked with ListTables and used as is (owned=false).
 * - `inMemory: true`: `-inMemory -sharedDb`, one JVM per call (tests).
 * - `dataDir`: `-dbPath <dataDir>/dynamodb -sharedDb`. Several processes may share
 *   one DATA_DIR: the process that starts the JVM writes
 *   `<dataDir>/dynamodb/endpoint.json` `{ pid, port, startedAt }` once it answers,
 *   and later callers attach to it (owned=false) instead of starting a second JVM
 *   on the same files. Starting is serialised by `<dataDir>/dynamodb/start.lock`.
 *   Stale files (dead pid, pid reused by another program) are replaced.
 *
 * Network: DynamoDB Local 1.25.1 has no option to choose the listen address
 * (`-help` lists only -port, -inMemory, -dbPath, -sharedDb, -cors,
 * -delayTransientStatuses, -disableTelemetry, -optimizeDbBeforeStartup, -version;
 * its Jetty server is built with `new Server(port)`), so it listens on all
 * interfaces. We always talk to it through 127.0.0.1.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { constants as fsConstants, readFileSync, unlinkSync } from 'node:fs';
import { access, mkdir, open, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

export interface DynamoDbLocal {
  /** e.g. `http://127.0.0.1:45123` */
  endpoint: string;
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

export function localClientConfig(endpoint: string): {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
} {
  return { endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
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
      readyTimeoutMs: opts.readyTimeoutMs,
    });
    return ownedHandle(jvm, undefined);
  }
  if (!opts.dataDir) {
    throw new DynamoDbLocalError(
      '内置数据库需要数据目录（dataDir）或内存模式（inMemory）。\n' +
        'startDynamoDbLocal needs either dataDir or inMemory: true.',
    );
  }
  return startPersistent(path.resolve(opts.dataDir), opts, env, log);
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
  return { endpoint, owned: false, stop: async () => {} };
}

// ---------------------------------------------------------------------------
// Persistent mode: one JVM per DATA_DIR, shared by the processes using it.

interface EndpointInfo {
  pid: number;
  port: number;
  startedAt: string;
}

async function startPersistent(
  dataDir: string,
  opts: StartDynamoDbLocalOptions,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): Promise<DynamoDbLocal> {
  const dbDir = path.join(dataDir, 'dynamodb');
  await mkdir(dbDir, { recursive: true });
  const endpointFile = path.join(dbDir, ENDPOINT_FILE);
  const lockFile = path.join(dbDir, LOCK_FILE);
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
    const running = await checkRunning(endpointFile, dbDir);
    if (running.kind === 'live') return attached(running.info, log);
    if (running.kind === 'hung') throw hungError(running.info, endpointFile);

    if (await tryLock(lockFile)) {
      try {
        // Someone may have finished starting between our check and the lock.
        const again = await checkRunning(endpointFile, dbDir);
        if (again.kind === 'live') return attached(again.info, log);
        if (again.kind === 'hung') throw hungError(again.info, endpointFile);
        if (again.kind === 'stale') {
          log(
            `清理过期的 ${ENDPOINT_FILE}（进程 ${again.info.pid} 已结束或不是本目录的数据库）/ removing stale ${endpointFile}`,
          );
          await rm(endpointFile, { force: true });
        }
        if (!java) throw javaError;
        const jvm = await launch({
          java,
          env,
          log,
          port: opts.port,
          dbPath: dbDir,
          readyTimeoutMs: opts.readyTimeoutMs,
        });
        const info: EndpointInfo = {
          pid: jvm.child.pid ?? 0,
          port: jvm.port,
          startedAt: new Date().toISOString(),
        };
        await writeFileAtomic(endpointFile, `${JSON.stringify(info, null, 2)}\n`);
        return ownedHandle(jvm, endpointFile);
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

type RunningState =
  | { kind: 'none' }
  | { kind: 'live'; info: EndpointInfo }
  | { kind: 'stale'; info: EndpointInfo }
  | { kind: 'hung'; info: EndpointInfo };

async function checkRunning(endpointFile: string, dbDir: string): Promise<RunningState> {
  const info = await readEndpointFile(endpointFile);
  if (!info) return { kind: 'none' };
  if (!isAlive(info.pid)) return { kind: 'stale', info };
  const identity = await processIdentity(info.pid, dbDir);
  if (identity === 'other') return { kind: 'stale', info }; // pid reused by another program
  const endpoint = `http://127.0.0.1:${info.port}`;
  // Retry for a few seconds: the JVM may be busy (GC, a long query) for a moment.
  for (let i = 0; i < 5; i++) {
    if ((await probeEndpoint(endpoint, 1_500)).ok) return { kind: 'live', info };
    if (!isAlive(info.pid)) return { kind: 'stale', info };
    await sleep(300);
  }
  // Alive but silent. If we know it is DynamoDB Local on these files, refuse to start a
  // second JVM on them; otherwise (no /proc) the pid most likely belongs to someone else.
  return identity === 'ours' ? { kind: 'hung', info } : { kind: 'stale', info };
}

function hungError(info: EndpointInfo, endpointFile: string): DynamoDbLocalError {
  return new DynamoDbLocalError(
    `此数据目录的 DynamoDB Local（进程 ${info.pid}，端口 ${info.port}）在运行但没有响应。请结束该进程（kill ${info.pid}）后重试。\n` +
      `DynamoDB Local for this data directory (pid ${info.pid}, port ${info.port}, see ${endpointFile}) is running but does not answer. Stop it (kill ${info.pid}) and retry.`,
  );
}

function attached(info: EndpointInfo, log: (line: string) => void): DynamoDbLocal {
  const endpoint = `http://127.0.0.1:${info.port}`;
  log(`连接到已在运行的 DynamoDB Local / attached to running DynamoDB Local (pid ${info.pid}): ${endpoint}`);
  return { endpoint, owned: false, stop: async () => {} };
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
      return { pid: v.pid as number, port: v.port as number, startedAt: String(v.startedAt ?? '') };
    }
  } catch {
    // fall through: unreadable file counts as stale
  }
  return { pid: 0, port: 0, startedAt: '' }; // pid 0 is never alive → stale
}

async function writeFileAtomic(file: string, content: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, content);
  await rename(tmp, file);
}

async function tryLock(lockFile: string): Promise<boolean> {
  try {
    const fh = await open(lockFile, 'wx');
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
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
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
  if (!args.some((a) => a.endsWith('DynamoDBLocal.jar'))) return 'other';
  const i = args.indexOf('-dbPath');
  if (i < 0) return 'other';
  return path.resolve(args[i + 1] ?? '') === path.resolve(dbDir) ? 'ours' : 'other';
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
  const args = [
    ...JVM_OPTIONS,
    `-Djava.library.path=${libDir}`,
    '-jar',
    jar,
    '-port',
    String(opts.port),
    '-sharedDb',
    '-disableTelemetry',
    ...(opts.dbPath ? ['-dbPath', opts.dbPath] : ['-inMemory']),
  ];
  const started = Date.now();
  const child = spawn(opts.java, args, {
    cwd: opts.dbPath ?? tmpdir(),
    env: opts.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    windowsHide: true,
  });
  // Do not keep the parent's event loop alive for the JVM: the 'exit' hook below ends it.
  child.unref();
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
  const client = new DynamoDBClient({ ...localClientConfig(endpoint), maxAttempts: 1 });
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

function ownedHandle(jvm: Jvm, endpointFile: string | undefined): DynamoDbLocal {
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
    endpoint: jvm.endpoint,
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
  endpoint: string,
  timeoutMs: number,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  const client = new DynamoDBClient({ ...localClientConfig(endpoint), maxAttempts: 1 });
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
