import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { DatabaseSync, backup as sqliteBackup } from 'node:sqlite';
import { unzipSync, type Zippable, zipSync } from 'fflate';

/*
 * One file that holds a whole DATA_DIR, taken while the server runs, and put back into an empty
 * one. DATA_DIR holds (local/dynamodb-local.ts, local/tokens.ts, local/files.ts):
 *   dynamodb/<accessKeyId>_local.db   DynamoDB Local's data: one SQLite file (-dbPath)
 *   dynamodb/access-key.json          the key id that names that file
 *   token-key, files-key              the secrets that sign sessions, tokens and photo links
 *   attachments/<key>                 the visits' photos (attachments/.incoming: uploads under way)
 * The database is copied with SQLite's online backup: a copy of one moment even while DynamoDB
 * Local writes (each write is one SQLite transaction, so a TransactWriteItems is in it whole or
 * not at all). Photos are copied after it: a photo's file is stored before its item says so, so
 * every photo the copied database names is there.
 */

/** The first entry of every backup, and what `restore` recognises one by. */
const MANIFEST = 'mountain-rounds-backup.json';
const FORMAT = 'mountain-rounds-backup';
const FORMAT_VERSION = 1;
const SQLITE_HEADER = 'SQLite format 3\0';
/** What DynamoDB Local and its owner keep only while running (local/dynamodb-local.ts). */
const RUNTIME_ONLY = new Set(['dynamodb/endpoint.json', 'dynamodb/start.lock']);

interface Manifest {
  format: typeof FORMAT;
  version: number;
  createdAt: string;
  /** The database file, relative to DATA_DIR. */
  database: string;
  /** Every file of the backup (the database too), relative to DATA_DIR. */
  files: string[];
}

/** A backup or a restore refused: the message names the flag or file, in Chinese and English. */
export class BackupError extends Error {
  override name = 'BackupError';
}

export interface BackupSummary {
  file: string;
  bytes: number;
  databaseBytes: number;
  attachments: number;
  secrets: string[];
}

const posix = (path: string) => path.split(sep).join('/');

/** The database file of a DATA_DIR: named after its access key id (local/dynamodb-local.ts). */
function databaseOf(dataDir: string): string {
  const keyFile = join(dataDir, 'dynamodb', 'access-key.json');
  let accessKeyId: unknown;
  try {
    accessKeyId = (JSON.parse(readFileSync(keyFile, 'utf8')) as { accessKeyId?: unknown }).accessKeyId;
  } catch {
    accessKeyId = undefined;
  }
  const database = typeof accessKeyId === 'string' ? join('dynamodb', `${accessKeyId}_local.db`) : undefined;
  if (!database || !existsSync(join(dataDir, database)))
    throw new BackupError(
      `DATA_DIR ${dataDir} 里没有数据库（dynamodb/access-key.json 及其数据库文件）：请让 DATA_DIR 指向 npm start 用过的数据目录 / ` +
        `DATA_DIR ${dataDir} holds no database (dynamodb/access-key.json and its database file): point DATA_DIR at a data directory npm start has used`,
    );
  return posix(database);
}

/** Every regular file under `dir`, relative to `root`, skipping uploads under way. */
function filesUnder(root: string, dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === '.incoming' ? [] : filesUnder(root, path);
    return entry.isFile() ? [posix(relative(root, path))] : [];
  });
}

/**
 * SQLite's online backup of the database file. A step that meets DynamoDB Local's write lock
 * fails (busy); the copy then starts again after a pause, until one whole pass has run between
 * writes. All pages in one step: the pass is as short as a read of the file.
 */
async function copyDatabase(file: string, copy: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const source = new DatabaseSync(file, { readOnly: true, timeout: 2000 });
    try {
      await sqliteBackup(source, copy, { rate: 1_000_000 });
      return;
    } catch (error) {
      await rm(copy, { force: true });
      if (attempt >= 20)
        throw new BackupError(
          `数据库 ${file} 一直在写入，20 次都未能复制，请稍后再试 / the database ${file} was busy for 20 tries: try again later (${(error as Error).message})`,
        );
      await new Promise((done) => setTimeout(done, 100 * attempt));
    } finally {
      source.close();
    }
  }
}

/**
 * Writes a backup of `dataDir` to `out` (replaced whole, never half-written: a temporary file
 * renamed into place), readable by its owner only: it carries the DATA_DIR's secrets.
 */
export async function backupDataDir(dataDir: string, out: string): Promise<BackupSummary> {
  const dir = resolve(dataDir);
  const target = resolve(out);
  if (!existsSync(dirname(target)) || !lstatSync(dirname(target)).isDirectory())
    throw new BackupError(
      `--out ${out}：目录 ${dirname(target)} 不存在 / --out ${out}: the folder ${dirname(target)} does not exist`,
    );
  if (existsSync(target) && lstatSync(target).isDirectory())
    throw new BackupError(
      `--out ${out} 是一个目录，请给出文件名 / --out ${out} is a folder: give a file name`,
    );
  if (target.startsWith(`${dir}${sep}`))
    throw new BackupError(
      `--out ${out} 在 DATA_DIR 里面：备份要放在数据目录之外 / --out ${out} is inside DATA_DIR: keep backups outside the data directory`,
    );
  const database = databaseOf(dir);

  const scratch = await mkdtemp(join(dirname(target), `.${basename(target)}.`));
  try {
    // 1. The database, as of one moment, while the server may be writing.
    const copy = join(scratch, 'database.db');
    await copyDatabase(join(dir, database), copy);
    const entries: Zippable = {};
    const files: string[] = [database];
    entries[`data/${database}`] = [await readFile(copy), { level: 6 }];
    // 2. The secrets and the key file: every file at the top of DATA_DIR and the access key.
    const secrets = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => e.name);
    for (const name of [...secrets, 'dynamodb/access-key.json']) {
      entries[`data/${name}`] = [await readFile(join(dir, name)), { level: 6 }];
      files.push(name);
    }
    // 3. The photos (already compressed: stored as they are).
    const attachments = filesUnder(dir, join(dir, 'attachments'));
    for (const name of attachments) {
      entries[`data/${name}`] = [await readFile(join(dir, name)), { level: 0 }];
      files.push(name);
    }
    for (const name of files)
      if (RUNTIME_ONLY.has(name)) throw new Error(`a running database's file in the backup: ${name}`);
    const manifest: Manifest = {
      format: FORMAT,
      version: FORMAT_VERSION,
      createdAt: new Date().toISOString(),
      database,
      files,
    };
    const zip = zipSync({
      [MANIFEST]: new TextEncoder().encode(JSON.stringify(manifest, null, 2)),
      ...entries,
    });
    const partial = join(scratch, 'backup.zip');
    await writeFile(partial, zip, { mode: 0o600 });
    await rename(partial, target);
    await chmod(target, 0o600);
    return {
      file: target,
      bytes: zip.length,
      databaseBytes: (await stat(copy)).size,
      attachments: attachments.length,
      secrets,
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The files of a backup by path, checked whole before anything is written. */
async function readBackup(file: string): Promise<{ manifest: Manifest; files: Map<string, Uint8Array> }> {
  const notABackup = (why: string) =>
    new BackupError(
      `${file} 不是 rounds backup 生成的备份（${why.split(' / ')[0]}）/ ${file} is not a backup made by rounds backup (${why.split(' / ')[1] ?? why})`,
    );
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch {
    throw new BackupError(`找不到或无法读取备份文件 ${file} / cannot read the backup file ${file}`);
  }
  let unzipped: Record<string, Uint8Array>;
  try {
    unzipped = unzipSync(bytes);
  } catch {
    throw notABackup('不是 zip 文件 / not a zip file');
  }
  const rawManifest = unzipped[MANIFEST];
  if (!rawManifest) throw notABackup(`缺少 ${MANIFEST} / no ${MANIFEST}`);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(new TextDecoder().decode(rawManifest)) as Manifest;
  } catch {
    throw notABackup(`${MANIFEST} 不是 JSON / ${MANIFEST} is not JSON`);
  }
  if (manifest?.format !== FORMAT || !Array.isArray(manifest.files) || typeof manifest.database !== 'string')
    throw notABackup(`${MANIFEST} 的格式不对 / ${MANIFEST} has the wrong format`);
  if (manifest.version !== FORMAT_VERSION)
    throw notABackup(
      `格式版本 ${manifest.version}，本程序只认 ${FORMAT_VERSION} / format version ${manifest.version}; this program reads ${FORMAT_VERSION}`,
    );
  const files = new Map<string, Uint8Array>();
  for (const name of manifest.files) {
    const safe = typeof name === 'string' && !name.startsWith('/') && !name.split('/').includes('..');
    const data = safe ? unzipped[`data/${name}`] : undefined;
    if (!data) throw notABackup(`缺少文件 ${String(name)} / the file ${String(name)} is missing`);
    files.set(name, data);
  }
  const db = files.get(manifest.database);
  if (!db || Buffer.from(db.subarray(0, 16)).toString('latin1') !== SQLITE_HEADER)
    throw notABackup('数据库文件损坏 / the database file is damaged');
  return { manifest, files };
}

/**
 * Fills an empty (or missing) `dataDir` from a backup. Refuses a non-empty one and a file that
 * is not a backup before writing anything; the files are written beside it and moved in at once.
 */
export async function restoreDataDir(
  file: string,
  dataDir: string,
): Promise<{ files: number; createdAt: string }> {
  const dir = resolve(dataDir);
  if (existsSync(dir) && (!lstatSync(dir).isDirectory() || readdirSync(dir).length > 0))
    throw new BackupError(
      `DATA_DIR ${dir} 不是空目录：恢复只写入空的或不存在的数据目录，请换一个 DATA_DIR / ` +
        `DATA_DIR ${dir} is not empty: a restore only fills an empty or missing data directory; choose another DATA_DIR`,
    );
  const { manifest, files } = await readBackup(file);
  await mkdir(dirname(dir), { recursive: true });
  const staging = join(dirname(dir), `.${basename(dir)}.restoring-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(staging, { mode: 0o700 });
    for (const [name, data] of files) {
      const path = join(staging, name);
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      await writeFile(path, data, { mode: 0o600, flag: 'wx' });
    }
    if (existsSync(dir) && (await readdir(dir)).length === 0) await rm(dir, { recursive: true });
    await rename(staging, dir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  return { files: files.size, createdAt: manifest.createdAt };
}
