import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { BackupError, backupDataDir, restoreDataDir } from '#local/backup';

// What `rounds backup` and `rounds restore` refuse, and that a refusal writes nothing (local/backup.ts).
const root = mkdtempSync(join(tmpdir(), 'backup-refusals-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = (name: string) => join(root, `${name}-${n++}`);
const file = (name: string, bytes: Uint8Array | string) => {
  const path = fresh(name);
  writeFileSync(path, bytes);
  return path;
};
const manifest = (m: object) => new TextEncoder().encode(JSON.stringify(m));
const SQLITE = new Uint8Array(Buffer.from('SQLite format 3\0rest of the file', 'latin1'));
const bilingual = /[\u4e00-\u9fff].*\/ .*[A-Za-z]{3}/;

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BackupError);
  const message = (error as Error).message;
  expect(message).toMatch(bilingual);
  return message;
}

describe('rounds restore refuses', () => {
  const goodManifest = {
    format: 'mountain-rounds-backup',
    version: 1,
    createdAt: '2026-12-08T00:00:00.000Z',
    database: 'dynamodb/K_local.db',
    files: ['dynamodb/K_local.db', 'token-key'],
  };
  const good = () =>
    file(
      'good',
      zipSync({
        'mountain-rounds-backup.json': manifest(goodManifest),
        'data/dynamodb/K_local.db': SQLITE,
        'data/token-key': new TextEncoder().encode('key'),
      }),
    );

  it('a DATA_DIR that is not empty, naming it, and leaves it as it was', async () => {
    const dataDir = fresh('data');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'token-key'), 'mine');
    expect(await refusal(restoreDataDir(good(), dataDir))).toContain(`DATA_DIR ${dataDir}`);
    expect(readdirSync(dataDir)).toEqual(['token-key']);
  });

  it.each([
    ['a missing file', () => fresh('missing'), /无法读取备份文件 .* \/ cannot read the backup file /],
    ['a file that is not a zip', () => file('text', 'hello'), /不是 zip 文件.*not a zip file/],
    [
      'a zip without the manifest',
      () => file('zip', zipSync({ 'a.txt': new Uint8Array([1]) })),
      /缺少 mountain-rounds-backup\.json/,
    ],
    [
      'a manifest of another format',
      () => file('other', zipSync({ 'mountain-rounds-backup.json': manifest({ format: 'x' }) })),
      /格式不对.*wrong format/,
    ],
    [
      'a backup that lacks a file it lists',
      () =>
        file(
          'lacking',
          zipSync({
            'mountain-rounds-backup.json': manifest(goodManifest),
            'data/dynamodb/K_local.db': SQLITE,
          }),
        ),
      /缺少文件 token-key.*the file token-key is missing/,
    ],
    [
      'a database that is not SQLite',
      () =>
        file(
          'damaged',
          zipSync({
            'mountain-rounds-backup.json': manifest(goodManifest),
            'data/dynamodb/K_local.db': new Uint8Array([0, 1, 2]),
            'data/token-key': new Uint8Array([1]),
          }),
        ),
      /数据库文件损坏.*damaged/,
    ],
    [
      'a path that climbs out of DATA_DIR',
      () =>
        file(
          'climbing',
          zipSync({
            'mountain-rounds-backup.json': manifest({ ...goodManifest, files: ['../escape'] }),
            'data/../escape': new Uint8Array([1]),
          }),
        ),
      /缺少文件 \.\.\/escape/,
    ],
  ])('%s, naming the file, and writes nothing', async (_what, make, reason) => {
    const backup = make();
    const dataDir = fresh('empty');
    const message = await refusal(restoreDataDir(backup, dataDir));
    expect(message).toContain(backup);
    expect(message).toMatch(reason);
    expect(readdirSync(root).filter((name) => name.startsWith('.'))).toEqual([]);
    expect(readdirSync(root)).not.toContain(dataDir.split('/').at(-1));
  });

  it('restores a good one into a missing DATA_DIR, files readable by the owner only', async () => {
    const dataDir = fresh('restored');
    expect(await restoreDataDir(good(), dataDir)).toEqual({ files: 2, createdAt: goodManifest.createdAt });
    expect(readdirSync(dataDir).sort()).toEqual(['dynamodb', 'token-key']);
  });
});

describe('rounds backup refuses', () => {
  it('a DATA_DIR without a database, naming it', async () => {
    const dataDir = fresh('nodb');
    mkdirSync(dataDir);
    const out = join(root, 'out.backup');
    expect(await refusal(backupDataDir(dataDir, out))).toContain(`DATA_DIR ${dataDir} 里没有数据库`);
    expect(readdirSync(root)).not.toContain('out.backup');
  });

  it('an --out in a folder that does not exist, or inside DATA_DIR, naming the flag', async () => {
    const dataDir = fresh('data');
    mkdirSync(dataDir);
    expect(await refusal(backupDataDir(dataDir, join(root, 'nowhere', 'x.backup')))).toMatch(/^--out /);
    expect(await refusal(backupDataDir(dataDir, join(dataDir, 'x.backup')))).toMatch(
      /--out .* 在 DATA_DIR 里面/,
    );
  });
});
