/**
 * `rounds backup` while `npm start` serves and a liaison keeps submitting needs, then `rounds
 * restore` into a new DATA_DIR and `npm start` on it: the seasons report the same (the needs the
 * backup caught are counted exactly, as they were written with their counts), and the same people
 * are still signed in — the signing keys came along.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { currentSeason } from '#domain/season';
import { signLocalToken, signWithKey } from '#local/tokens';
import { chunanNeed } from '#support/builders';
import { ROOT, TSX } from '#support/paths';
import { rounds, temporaryDirs } from '#support/rounds-cli';
import { type Server, startServer } from '#support/season-harness';

const run = promisify(execFile);
const dirs = temporaryDirs();
const servers: Server[] = [];
afterAll(async () => {
  for (const server of servers) if (server.child.exitCode === null) server.child.kill('SIGTERM');
  await Promise.all(servers.map((s) => s.exited));
  dirs.removeAll();
});

const SEASON = currentSeason();
const source = dirs.make('backup-source-');
const target = dirs.make('backup-target-');
const backupFile = join(dirs.make('backup-file-'), 'rounds.backup');

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies of the API
type Json = any;
async function call(base: string, method: string, path: string, token?: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Json) : undefined };
}

async function serve(dataDir: string): Promise<{ url: string; server: Server }> {
  const server = startServer(dataDir, { AUTO_ACCEPT: '1', AUTO_APPROVE: '1' });
  servers.push(server);
  const url = await Promise.race([
    server.url,
    server.exited.then(() => Promise.reject(new Error(server.output.join('\n')))),
  ]);
  await server.roundDone;
  return { url, server };
}

const collectedIn = (report: Json, countyId: string) =>
  report.counties.find((c: Json) => c.countyId === countyId)?.collected ?? 0;

describe('a backup taken while the server writes, restored into a new DATA_DIR', () => {
  const state: {
    before?: Json;
    deviceToken?: string;
    posted: string[];
    coordinator?: string;
  } = { posted: [] };

  it('backs up while a liaison submits needs, without stopping the server', async () => {
    const { url, server } = await serve(source);
    const code = /邀请码 (\S+?)）/.exec(server.output.join('\n'))?.[1];
    expect(code).toBeDefined();
    const session = await call(url, 'POST', '/session', undefined, { invitation: code });
    expect(session.status).toBe(200);
    state.deviceToken = session.json.deviceToken;
    state.coordinator = await signLocalToken(source, { role: 'coordinator', sub: 'coordinator-backup' });
    const liaison = await signLocalToken(source, {
      role: 'liaison',
      county: 'chunan',
      sub: 'liaison-chunan',
    });
    state.before = (await call(url, 'GET', `/seasons/${SEASON}/report`, state.coordinator)).json;

    let writing = true;
    const writes = (async () => {
      for (let i = 0; writing; i++) {
        const res = await call(url, 'POST', '/needs', liaison, chunanNeed({ title: `备份期间的需求 ${i}` }));
        expect(res.status).toBe(201);
        state.posted.push(res.json.id);
      }
    })();
    while (state.posted.length < 3) await new Promise((r) => setTimeout(r, 50));
    const backup = await run(TSX, ['cli/main.ts', 'backup', '--out', backupFile], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: source, DYNAMODB_ENDPOINT: '' },
    });
    const postedDuringBackup = state.posted.length;
    writing = false;
    await writes;
    expect(backup.stdout).toMatch(/^备份已写入 .* \/ backup written to /);
    expect(postedDuringBackup).toBeGreaterThan(3);
    server.child.kill('SIGTERM');
    await server.exited;
  }, 240_000);

  it('restores into an empty DATA_DIR, and npm start serves it', async () => {
    const restored = rounds(['restore', backupFile], target);
    expect(restored.stderr).toBe('');
    expect(restored.status).toBe(0);
    expect(restored.stdout).toMatch(/^已从 .*恢复 \d+ 个文件到 .* \/ restored \d+ files from /);
    expect(readdirSync(target).sort()).toEqual(['dynamodb', 'files-key', 'token-key']);
  });

  it('reports the same seasons, each need the backup caught counted once with it', async () => {
    const { url } = await serve(target);
    const after = (await call(url, 'GET', `/seasons/${SEASON}/report`, state.coordinator)).json;
    // The needs written before the backup's moment are in it, with their counts; none after it.
    // One at a time: the server takes at most 128 connections from one address.
    const found: number[] = [];
    for (const id of state.posted)
      found.push((await call(url, 'GET', `/needs/${id}`, state.coordinator)).status);
    const caught = found.filter((s) => s === 200).length;
    expect(found.filter((s) => s !== 200 && s !== 404)).toEqual([]);
    expect(caught).toBeGreaterThanOrEqual(3);
    expect(found.slice(0, caught).every((s) => s === 200)).toBe(true);
    expect(collectedIn(after, 'chunan')).toBe(collectedIn(state.before, 'chunan') + caught);
    const without = (r: Json, county: string) => ({
      ...r,
      total: undefined,
      counties: r.counties.map((c: Json) => (c.countyId === county ? { ...c, collected: 0 } : c)),
    });
    expect(without(after, 'chunan')).toEqual(without(state.before, 'chunan'));

    // Signed in before the backup: the device renews on the restored server.
    const renewed = await call(url, 'POST', '/session/refresh', undefined, {
      deviceToken: state.deviceToken,
    });
    expect(renewed.status).toBe(200);
    // A token of another DATA_DIR's key is refused there: the key that signs is the one restored.
    const stranger = await signWithKey(new Uint8Array(32).fill(7), { role: 'coordinator', sub: 'x' }, 600);
    expect((await call(url, 'GET', `/seasons/${SEASON}/report`, stranger)).status).toBe(401);
  }, 240_000);
});
