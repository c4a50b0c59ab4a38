import { type FieldIssue, fieldIssue, InvalidInputError } from '#commons/errors';
import { canonicalJson } from '#domain/canonical-json';
import { readSpreadsheet, SpreadsheetError } from '#domain/catalog-file';
import { catalogSheet, readCatalogSheet, type SheetIssue } from '#domain/catalog-sheet';
import { secretChanged } from '#domain/contact-secret';
import { count as countWords } from '#domain/wording';
import { xlsxWorkbook } from '#domain/xlsx';
import type { County, Society } from '#schemas/catalog';
import type { CatalogChange, CatalogImportResult, CatalogSheetKind } from '#schemas/catalog-api';
import { type CapacityGuard, type CatalogWrite, listVersioned, type Versioned } from '#store/catalog';
import type { AuditActor } from '#store/users';
import {
  auditedContents,
  countyHolds,
  type Hold,
  holdConflict,
  secretNote,
  shown,
  societyHolds,
  writeCatalog,
} from './edit-catalog.ts';

/*
 * Bulk edit by spreadsheet: one sheet of societies (a row each) or of counties (a row per town),
 * Chinese headers. All or nothing: every bad cell is reported by row and column and nothing is
 * written; a county in the file gets exactly the towns the file lists; what the file does not
 * mention stays as it is. The same file twice changes nothing the second time (0 changes).
 */

/** A transaction holds 100 items: each change is its item and its audit entry, with room for guards. */
export const MAX_CHANGES_PER_IMPORT = 40;

const NOTE = '表格导入 / spreadsheet import';

/** 表格导入, and when the sheet replaced or cleared a robot's secret, that too. */
function importNote(before: County | Society | undefined, after: County | Society): string {
  if (!before || !secretChanged(before.contact, after.contact)) return NOTE;
  const secret = secretNote(after.contact);
  return `表格导入；${secret.zh} / spreadsheet import; ${secret.en}`;
}

const sheetIssue = (kind: CatalogSheetKind, i: SheetIssue): FieldIssue =>
  fieldIssue(
    `${kind}[${i.row}].${i.column}`,
    `第 ${i.row} 行「${i.column}」：${i.zh}`,
    `row ${i.row}, column ${i.column}: ${i.en}`,
  );

/** `issues` lists the first of `count` errors (domain/catalog-sheet.ts caps the list). */
function refuse(kind: CatalogSheetKind, issues: readonly SheetIssue[], count: number): never {
  const rows = [...new Set(issues.map((i) => i.row))];
  const shown = rows.slice(0, 8).join('、');
  throw new InvalidInputError(
    `表格有 ${count} 处错误（第 ${shown} 行），未做任何修改 / the sheet has ${countWords(count, 'error')} (${rows.length === 1 ? 'row' : 'rows'} ${rows.slice(0, 8).join(', ')}): nothing was changed`,
    issues.map((i) => sheetIssue(kind, i)),
  );
}

export async function importCatalog(
  request: { format: 'csv' | 'xlsx'; content: string; apply: boolean },
  by: AuditActor,
): Promise<CatalogImportResult> {
  let table: string[][];
  try {
    table = readSpreadsheet(request.format, Buffer.from(request.content, 'base64'));
  } catch (error) {
    if (!(error instanceof SpreadsheetError)) throw error;
    throw new InvalidInputError(`无法读取表格 / the spreadsheet cannot be read: ${error.en}`, [
      { path: 'content', message: error.message, zh: error.zh, en: error.en },
    ]);
  }
  const [societies, counties] = await Promise.all([
    listVersioned<Society>('society'),
    listVersioned<County>('county'),
  ]);
  const societyById = new Map(societies.map((s) => [s.id, s]));
  const countyById = new Map(counties.map((c) => [c.id, c]));
  const sheet = readCatalogSheet(table, { societies: societyById, counties: countyById });
  if (sheet.issues.length > 0) refuse(sheet.kind, sheet.issues, sheet.issueCount);

  const kind = sheet.kind === 'societies' ? 'society' : 'county';
  const changes: (CatalogChange & { row: number; version: number | 'absent' })[] = [];
  for (const { row, record } of sheet.records as { row: number; record: County | Society }[]) {
    const existing: Versioned<County | Society> | undefined =
      kind === 'society' ? societyById.get(record.id) : countyById.get(record.id);
    if (existing) {
      const { version, ...before } = existing;
      if (canonicalJson(before) === canonicalJson(record)) continue;
      changes.push({
        kind,
        id: record.id,
        name: record.name,
        change: 'update',
        before,
        after: record,
        row,
        version,
      });
    } else {
      changes.push({
        kind,
        id: record.id,
        name: record.name,
        change: 'create',
        after: record,
        row,
        version: 'absent',
      });
    }
  }
  const unchanged = sheet.records.length - changes.length;

  // What holds a change back (open needs, waiting offers, capacity used), named by its row.
  const holds: SheetIssue[] = [];
  const guards: CapacityGuard[] = [];
  const columnOf = (hold: Hold) =>
    kind === 'county'
      ? '镇编号'
      : hold.path.endsWith('capacityPerSeason')
        ? '容量'
        : hold.path.endsWith('themes')
          ? '主题'
          : '学会编号';
  for (const change of changes) {
    if (change.change !== 'update') continue;
    const found =
      kind === 'county'
        ? await countyHolds(change.before as County, change.after as County)
        : await societyHolds(change.before as Society, change.after as Society, async () => counties);
    const list = Array.isArray(found) ? found : found.holds;
    if (!Array.isArray(found) && found.guard) guards.push(found.guard);
    holds.push(
      ...list.map((hold) => ({ row: change.row, column: columnOf(hold), zh: hold.zh, en: hold.en })),
    );
  }
  if (holds.length > 0)
    holdConflict(
      holds.map((h) => ({
        path: `${sheet.kind}[${h.row}].${h.column}`,
        zh: `第 ${h.row} 行：${h.zh}`,
        en: `row ${h.row}: ${h.en}`,
      })),
    );
  if (changes.length > MAX_CHANGES_PER_IMPORT)
    throw new InvalidInputError(
      `一次最多导入 ${MAX_CHANGES_PER_IMPORT} 项修改（本表 ${changes.length} 项），请分成几个文件 / at most ${MAX_CHANGES_PER_IMPORT} changes per file (this one has ${changes.length}): split it`,
      [
        {
          path: 'content',
          message: `${changes.length} > ${MAX_CHANGES_PER_IMPORT}`,
          zh: '修改过多',
          en: 'too many changes',
        },
      ],
    );

  if (request.apply && changes.length > 0) {
    const at = new Date().toISOString();
    const writes: CatalogWrite[] = changes.map((change) => ({
      kind,
      id: change.id,
      expected: change.version,
      after: change.after as County | Society,
      audit: {
        at,
        by,
        action: `${kind}.${change.change}`,
        target: { kind, id: change.id, name: change.name },
        ...auditedContents(change.before as County | Society | undefined, change.after as County | Society),
        note: importNote(change.before as County | Society | undefined, change.after as County | Society),
      },
    }));
    await writeCatalog(writes, guards);
  }
  return {
    sheet: sheet.kind,
    applied: request.apply && changes.length > 0,
    rows: sheet.rows,
    unchanged,
    // The preview and its answer show what changes, never a robot's secret.
    changes: changes.map(({ row: _row, version: _version, before, after, ...change }) => ({
      ...change,
      ...(before ? { before: shown(before as County | Society) } : {}),
      after: shown(after as County | Society),
    })),
  };
}

/** The catalog as it stands, as the XLSX a coordinator edits and uploads again. */
export async function catalogTemplate(kind: CatalogSheetKind): Promise<Uint8Array> {
  const [societies, counties] = await Promise.all([
    kind === 'societies' ? listVersioned<Society>('society') : Promise.resolve([]),
    kind === 'counties' ? listVersioned<County>('county') : Promise.resolve([]),
  ]);
  const strip = <T extends { version: number }>({ version: _v, ...rest }: T) => rest;
  return xlsxWorkbook([
    catalogSheet(kind, { societies: societies.map(strip), counties: counties.map(strip) }),
  ]);
}
