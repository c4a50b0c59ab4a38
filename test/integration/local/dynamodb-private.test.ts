import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  type DatabaseAccess,
  dynamoDbLocalJar,
  findJava,
  freePort,
  localClientConfig,
} from '#local/dynamodb-local';
import { tokenKey } from '#local/tokens';
import { localDatabases } from '#support/local-databases';
import { ROOT } from '#support/paths';

// DynamoDB Local private to its owner and its DATA_DIR, tried from
// outside: other processes, other credentials, this host's other addresses, a killed owner.
vi.setConfig({ testTimeout: 120_000 });

const OWNER = path.join(import.meta.dirname, 'fixtures', 'dynamodb-owner.ts');
const { env: baseEnv, start, tempDir } = localDatabases();

const children: ChildProcess[] = [];
const strayPids: number[] = [];

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  for (const pid of strayPids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z'; // a zombie has exited
  } catch {
    return true;
  }
}

async function waitUntilGone(pid: number, ms: number): Promise<boolean> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; ) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return !isAlive(pid);
}

/** The owner as a separate process (node, no wrapper), once its database answers. */
async function spawnOwner(
  dataDir: string,
): Promise<{ child: ChildProcess; endpoint: string; jvmPid: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', OWNER, dataDir], {
    cwd: ROOT,
    env: baseEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr?.on('data', (chunk) => {
    err += chunk;
  });
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    child.once('exit', (code) => reject(new Error(`owner exited ${code}:\n${out}\n${err}`)));
  });
  const { endpoint } = JSON.parse(line) as { endpoint: string };
  const info = JSON.parse(await readFile(path.join(dataDir, 'dynamodb', 'endpoint.json'), 'utf8'));
  strayPids.push(info.pid);
  return { child, endpoint, jvmPid: info.pid };
}

const TABLE = 'PrivateRounds';

async function createTableWithItem(database: string | DatabaseAccess): Promise<void> {
  const client = new DynamoDBClient(localClientConfig(database));
  try {
    await client.send(
      new CreateTableCommand({
        TableName: TABLE,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    );
    await DynamoDBDocumentClient.from(client).send(
      new PutCommand({ TableName: TABLE, Item: { pk: 'SOCIETY#s1', contact: '王老师 13800000000' } }),
    );
  } finally {
    client.destroy();
  }
}

async function tablesSeenBy(config: DatabaseAccess): Promise<string[]> {
  const client = new DynamoDBClient({ ...config, maxAttempts: 1 });
  try {
    return (await client.send(new ListTablesCommand({}))).TableNames ?? [];
  } finally {
    client.destroy();
  }
}

async function itemSeenBy(config: DatabaseAccess): Promise<unknown> {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ ...config, maxAttempts: 1 }));
  try {
    return (await client.send(new GetCommand({ TableName: TABLE, Key: { pk: 'SOCIETY#s1' } }))).Item;
  } catch (error) {
    return (error as Error).name; // ResourceNotFoundException: no such table in that database
  } finally {
    client.destroy();
  }
}

/** This host's own addresses that are not loopback (link-local IPv6 needs a scope: left out). */
function nonLoopbackAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((a) => a && !a.internal && !a.address.startsWith('fe80'))
    .map((a) => a?.address as string);
}

function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 3_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

describe('reachable only through loopback', () => {
  const addresses = nonLoopbackAddresses();

  it.skipIf(addresses.length === 0)(
    "refuses connections to this host's other addresses (in memory and on disk)",
    async () => {
      const memory = await start({ inMemory: true });
      const disk = await start({ dataDir: path.join(await tempDir('ddb-bind-'), 'data') });
      for (const db of [memory, disk]) {
        const port = Number(new URL(db.endpoint).port);
        expect(await tryConnect('127.0.0.1', port)).toBe('connected');
        for (const host of addresses)
          expect({ host, outcome: await tryConnect(host, port) }).toEqual({
            host,
            outcome: 'ECONNREFUSED',
          });
      }
    },
  );
});

describe('private to its DATA_DIR', () => {
  it('a client with other credentials sees none of the tables or items; a second process of the DATA_DIR sees them', async () => {
    const dataDir = path.join(await tempDir('ddb-creds-'), 'data');
    const db = await start({ dataDir });
    await createTableWithItem(db);
    expect(await tablesSeenBy(localClientConfig(db))).toEqual([TABLE]);

    // Made-up keys, the keys the code used before, and the right key in another region.
    const strangers: DatabaseAccess[] = [
      {
        endpoint: db.endpoint,
        region: 'local',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      },
      {
        endpoint: db.endpoint,
        region: 'local',
        credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'x' },
      },
      { endpoint: db.endpoint, region: 'us-east-1', credentials: { ...db.credentials } },
      {
        endpoint: db.endpoint,
        region: 'local',
        credentials: { accessKeyId: db.credentials.accessKeyId.slice(0, -1), secretAccessKey: 'x' },
      },
    ];
    for (const stranger of strangers) {
      expect(await tablesSeenBy(stranger)).toEqual([]);
      expect(await itemSeenBy(stranger)).toBe('ResourceNotFoundException');
    }

    // Another process on the same DATA_DIR reads the secret and attaches.
    const attached = await start({ dataDir });
    expect(attached.owned).toBe(false);
    expect(attached.credentials).toEqual(db.credentials);
    expect(await itemSeenBy(localClientConfig(attached))).toEqual({
      pk: 'SOCIETY#s1',
      contact: '王老师 13800000000',
    });
    const keyFile = JSON.parse(await readFile(path.join(dataDir, 'dynamodb', 'access-key.json'), 'utf8'));
    expect(keyFile.accessKeyId).toBe(db.credentials.accessKeyId);
    expect(keyFile.accessKeyId).toMatch(/^[A-Za-z0-9]{32,}$/);
  });

  it('files under DATA_DIR are 600 and folders 700 after a start, also when they existed with wider modes', async () => {
    const dataDir = path.join(await tempDir('ddb-modes-'), 'data');
    await mkdir(path.join(dataDir, 'dynamodb'), { recursive: true, mode: 0o755 });
    await chmod(dataDir, 0o755);
    await chmod(path.join(dataDir, 'dynamodb'), 0o755);
    await writeFile(path.join(dataDir, 'dynamodb', 'leftover.json'), '{}', { mode: 0o644 });

    const owner = await spawnOwner(dataDir);
    const attached = await start({ dataDir });
    expect(attached.owned).toBe(false);
    await createTableWithItem(attached);
    tokenKey(dataDir); // the HTTP server's signing key

    const wrong: string[] = [];
    const seen: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      const mode = (await stat(dir)).mode & 0o777;
      if (mode !== 0o700) wrong.push(`${path.relative(dataDir, dir) || '.'}/ ${mode.toString(8)}`);
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) await walk(file);
        else {
          seen.push(path.relative(dataDir, file));
          const fileMode = (await stat(file)).mode & 0o777;
          if (fileMode !== 0o600) wrong.push(`${path.relative(dataDir, file)} ${fileMode.toString(8)}`);
        }
      }
    };
    await walk(dataDir);
    expect(wrong).toEqual([]);
    expect(seen).toEqual(
      expect.arrayContaining([
        'token-key',
        path.join('dynamodb', 'endpoint.json'),
        path.join('dynamodb', 'access-key.json'),
        path.join('dynamodb', `${attached.credentials.accessKeyId}_local.db`),
      ]),
    );
    owner.child.kill('SIGKILL');
  });
});

describe('dies with its owner', () => {
  it('SIGKILL of the owning process ends the JVM; the next start says it found the stale instance and starts clean', async () => {
    const dataDir = path.join(await tempDir('ddb-owner-'), 'data');
    const owner = await spawnOwner(dataDir);
    expect(isAlive(owner.jvmPid)).toBe(true);

    // While the owner lives, other processes attach and the instance keeps running.
    const attached = await start({ dataDir });
    expect(attached).toMatchObject({ owned: false, endpoint: owner.endpoint });
    await createTableWithItem(attached);
    await attached.stop();
    expect(isAlive(owner.jvmPid)).toBe(true);

    owner.child.kill('SIGKILL');
    expect(await waitUntilGone(owner.jvmPid, 15_000)).toBe(true);

    const lines: string[] = [];
    const next = await start({ dataDir, notice: (line) => lines.push(line) });
    expect(next.owned).toBe(true);
    const said = lines.find((l) => /starting clean/.test(l));
    expect(said).toMatch(/[\u4e00-\u9fff]/); // Chinese, then English
    expect(said).toMatch(/^[^/]*[\u4e00-\u9fff].*\/ .*[a-z]/);
    expect(await itemSeenBy(localClientConfig(next))).toMatchObject({ pk: 'SOCIETY#s1' });
    const info = JSON.parse(await readFile(path.join(dataDir, 'dynamodb', 'endpoint.json'), 'utf8'));
    expect(info.ownerPid).toBe(process.pid);
  });

  it.skipIf(process.platform !== 'linux')(
    'a JVM still running when its owner died (frozen, so its watchdog could not act) is stopped by the next start',
    async () => {
      const dataDir = path.join(await tempDir('ddb-frozen-'), 'data');
      const owner = await spawnOwner(dataDir);
      process.kill(owner.jvmPid, 'SIGSTOP');
      owner.child.kill('SIGKILL');
      await new Promise((resolve) => owner.child.once('exit', resolve));
      expect(isAlive(owner.jvmPid)).toBe(true);

      const lines: string[] = [];
      const next = await start({ dataDir, notice: (line) => lines.push(line) });

      expect(next.owned).toBe(true);
      expect(isAlive(owner.jvmPid)).toBe(false);
      const said = lines.find((l) => l.includes('left running'));
      expect(said).toContain(`pid ${owner.jvmPid}`);
      expect(said).toContain(`owner, pid ${owner.child.pid}, is gone`);
      expect(said).toMatch(/^[^/]*[\u4e00-\u9fff]/);
    },
  );

  it.skipIf(process.platform !== 'linux')(
    'a JVM left running by a dead owner (as before this change: no watchdog, shared database) is stopped, not attached to, and its data kept',
    async () => {
      const dataDir = path.join(await tempDir('ddb-orphan-'), 'data');
      const dbDir = path.join(dataDir, 'dynamodb');
      await mkdir(dbDir, { recursive: true });
      const java = await findJava({ env: baseEnv });
      const { jar, libDir } = dynamoDbLocalJar();
      const port = await freePort();
      // Started the old way and orphaned: its parent shell exits at once, as a killed owner would.
      const started = spawnSync(
        '/bin/sh',
        [
          '-c',
          `"$0" -Djava.library.path="$1" -jar "$2" -port "$3" -sharedDb -disableTelemetry -dbPath "$4" </dev/null >/dev/null 2>&1 & echo $!`,
          java,
          libDir,
          jar,
          String(port),
          dbDir,
        ],
        { encoding: 'utf8', cwd: dbDir },
      );
      const orphanPid = Number(started.stdout.trim());
      strayPids.push(orphanPid);
      const shared = `http://127.0.0.1:${port}`;
      for (let i = 0; ; i++) {
        if ((await tablesSeenBy(localClientConfig(shared)).catch(() => undefined)) !== undefined) break;
        if (i > 300) throw new Error('the orphan JVM did not answer');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await createTableWithItem(shared);
      await writeFile(
        path.join(dbDir, 'endpoint.json'),
        JSON.stringify({ pid: orphanPid, port, startedAt: new Date().toISOString() }),
      );

      const lines: string[] = [];
      const next = await start({ dataDir, notice: (line) => lines.push(line) });

      expect(next.owned).toBe(true);
      expect(next.endpoint).not.toBe(shared);
      expect(isAlive(orphanPid)).toBe(false);
      const said = lines.find((l) => l.includes('left running'));
      expect(said).toContain(`pid ${orphanPid}`);
      expect(said).toMatch(/^[^/]*[\u4e00-\u9fff]/);
      // The shared database became this DATA_DIR's own: the data is there, for its key only.
      expect(await itemSeenBy(localClientConfig(next))).toMatchObject({ contact: '王老师 13800000000' });
      expect(await tablesSeenBy(localClientConfig(next.endpoint))).toEqual([]);
    },
  );
});
