import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type * as z from 'zod';
import type { OverrideConflict } from '#domain/override-conflict';
import { overrideConflicts } from '#domain/plan';
import { checkOverrideReferences, checkReferences, type DataIssue } from '#domain/references';
import { currentSeason } from '#domain/season';
import { DATA_FILES, type DataSet, Overrides, type SeasonId } from '#schemas/index';
import { bilingualIssues, formatPath } from '#schemas/messages';

/** The issues shown in an error message; all of them stay on `issues`. */
const MAX_ISSUES_SHOWN = 50;

/** A data directory that cannot be used as it is; every issue names the file and the path in it. */
export class DataDirError extends Error {
  override name = 'DataDirError';
  readonly dir: string;
  readonly issues: DataIssue[];

  constructor(dir: string, issues: DataIssue[]) {
    super(describeIssues(dir, issues));
    this.dir = dir;
    this.issues = issues;
  }
}

type DataFileName = keyof typeof DATA_FILES;

/**
 * Reads, parses and validates every file of a data directory (docs/rules.md, the data directory), then checks the
 * references between them. Collects every problem it can before throwing one DataDirError.
 */
export function loadDataDir(dir: string): DataSet {
  if (!isDirectory(dir))
    throw new DataDirError(dir, [{ file: '', path: '', message: '找不到目录 / directory not found' }]);

  const issues: DataIssue[] = [];
  const parsed: Partial<Record<DataFileName, unknown>> = {};
  for (const file of Object.keys(DATA_FILES) as DataFileName[]) {
    const { schema, required } = DATA_FILES[file];
    const text = readDataFile(dir, file, required, issues);
    if (text === undefined) continue;
    const json = parseJson(file, text, issues);
    if (json === undefined) continue;
    const result = (schema as z.ZodType).safeParse(json, { reportInput: true });
    if (result.success) parsed[file] = result.data;
    else issues.push(...result.error.issues.map((issue) => schemaIssue(file, issue)));
  }
  if (issues.length > 0) throw new DataDirError(dir, issues);

  const data = {
    counties: parsed['counties.json'],
    societies: parsed['societies.json'],
    needs: parsed['needs.json'],
    visits: parsed['visits.json'] ?? [],
  } as DataSet;
  const referenceIssues = checkReferences(data);
  if (referenceIssues.length > 0) throw new DataDirError(dir, referenceIssues);
  return data;
}

/** The overrides file a data directory may hold. */
export const OVERRIDES_FILE = 'overrides.json';

/**
 * Reads and validates a coordinator's overrides file (schemas/overrides.ts), then checks it against
 * the data set. Errors name the file and the path in it, like those of the data directory.
 * Returns undefined when `optional` and the file does not exist.
 */
export function loadOverrides(
  path: string,
  data: DataSet,
  season: SeasonId | undefined,
  { optional = false } = {},
): Overrides | undefined {
  const dir = dirname(path);
  const file = basename(path);
  const issues: DataIssue[] = [];
  const text = readDataFile(dir, file, !optional, issues);
  if (text === undefined) {
    if (issues.length > 0) throw new DataDirError(dir, issues);
    return undefined;
  }
  const json = parseJson(file, text, issues);
  if (json === undefined) throw new DataDirError(dir, issues);
  const result = Overrides.safeParse(json, { reportInput: true });
  if (!result.success) {
    throw new DataDirError(
      dir,
      result.error.issues.map((issue) => schemaIssue(file, issue)),
    );
  }
  const referenceIssues = checkOverrideReferences(data, result.data, season, file);
  if (referenceIssues.length > 0) throw new DataDirError(dir, referenceIssues);
  return result.data;
}

/** A data directory with the coordinator's overrides, validated for one season. */
export interface SeasonData {
  dir: string;
  data: DataSet;
  /** Undefined when the directory has no overrides.json (and no other file was named). */
  overrides?: Overrides;
  /** Where the overrides were read from, or would have been. */
  overridesPath: string;
}

/**
 * The one validation of a data directory that `rounds plan`, `rounds run` and `npm start`'s seeding
 * share: every file of the directory, then its overrides.json (or `overridesPath`, which must then
 * exist) against the data and, when given, the season, and whether the planner can honour it
 * there. Throws DataDirError naming every problem.
 */
export function loadSeasonData(
  dir: string,
  season: SeasonId | undefined,
  { overridesPath }: { overridesPath?: string | undefined } = {},
): SeasonData {
  const data = loadDataDir(dir);
  const path = overridesPath ?? join(dir, OVERRIDES_FILE);
  const overrides = loadOverrides(path, data, season, { optional: overridesPath === undefined });
  if (overrides !== undefined) {
    const conflicts = overrideConflicts(season ?? overrides.season ?? currentSeason(), data, overrides);
    if (conflicts.length > 0) throw conflictsAsDataDirError(path, conflicts);
  }
  return { dir, data, overridesPath: path, ...(overrides === undefined ? {} : { overrides }) };
}

/** An override that names real things but cannot be honoured by the planner is bad input too. */
export function conflictsAsDataDirError(
  overridesPath: string,
  conflicts: readonly OverrideConflict[],
): DataDirError {
  return new DataDirError(
    dirname(overridesPath),
    conflicts.map((conflict) => ({
      file: basename(overridesPath),
      path: conflict.override,
      message: conflict.message,
    })),
  );
}

/** `<dir>/<file>: <path>: <what is wrong>`, one line per issue. */
export function describeIssues(dir: string, issues: readonly DataIssue[]): string {
  const base = dir.replace(/[/\\]+$/, '') || dir;
  const lines = issues.slice(0, MAX_ISSUES_SHOWN).map((issue) => {
    const where = issue.file === '' ? base : `${base}/${issue.file}`;
    return issue.path === '' ? `${where}: ${issue.message}` : `${where}: ${issue.path}: ${issue.message}`;
  });
  if (issues.length > MAX_ISSUES_SHOWN)
    lines.push(
      `…… 另有 ${issues.length - MAX_ISSUES_SHOWN} 处 / … and ${issues.length - MAX_ISSUES_SHOWN} more`,
    );
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
  const header = `数据目录有误 / invalid data directory: ${dir}（${issues.length} 处 / ${count}）`;
  return [header, ...lines].join('\n');
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

function readDataFile(dir: string, file: string, required: boolean, issues: DataIssue[]): string | undefined {
  try {
    return readFileSync(join(dir, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      if (required) issues.push({ file, path: '', message: '找不到文件 / file not found' });
    } else if (code === 'EISDIR') {
      issues.push({ file, path: '', message: '是目录而不是文件 / is a directory, not a file' });
    } else if (code === 'EACCES' || code === 'EPERM') {
      issues.push({ file, path: '', message: '无权读取该文件 / cannot read the file (permission denied)' });
    } else {
      issues.push({
        file,
        path: '',
        message: `无法读取该文件 / cannot read the file (${code ?? String(error)})`,
      });
    }
    return undefined;
  }
}

function parseJson(file: string, text: string, issues: DataIssue[]): unknown {
  // Editors on Windows save a byte-order mark that JSON.parse rejects.
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  try {
    return JSON.parse(body);
  } catch (error) {
    const raw = error instanceof Error ? error.message : String(error);
    const position = /at position (\d+)/.exec(raw)?.[1];
    const reason = raw
      .replace(/\s*in JSON at position \d+.*$/s, '')
      .replace(/\s*\(line \d+ column \d+\)$/, '');
    const offset =
      position !== undefined ? Number(position) : /end of JSON input/.test(raw) ? body.length : undefined;
    issues.push({
      file,
      path: offset === undefined ? '' : lineAndColumn(body, offset),
      message: `JSON 格式错误 / invalid JSON: ${reason}`,
    });
    return undefined;
  }
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

function schemaIssue(file: string, issue: z.core.$ZodIssue): DataIssue {
  const input = (issue as { input?: unknown }).input;
  let message = issue.message;
  if (issue.code === 'invalid_type' && input === undefined) {
    message = `is missing (expected ${issue.expected})`;
  } else if (issue.code !== 'invalid_type' && isShown(input)) {
    message = `${message} (got ${truncate(JSON.stringify(input))})`;
  }
  // The Chinese text the API and the pages give for the same issue (schemas/messages.ts).
  const zh = bilingualIssues([issue])
    .map((bilingual) => bilingual.zh)
    .join('；');
  return { file, path: formatPath(issue.path), message: `${zh} / ${message}` };
}

function isShown(input: unknown): input is string | number | boolean {
  return typeof input === 'string' || typeof input === 'number' || typeof input === 'boolean';
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
