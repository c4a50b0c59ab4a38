import { createHash } from 'node:crypto';
import { CsvError, parse } from 'csv-parse/sync';
import { decodeText } from '#domain/catalog-file';
import {
  type County,
  FIELD_LABELS,
  NeedInput,
  THEME_LABELS,
  THEMES,
  type Theme,
  URGENCIES,
  URGENCY_LABELS,
  type Urgency,
} from '#schemas/index';
import { validate } from '#schemas/messages';

/*
 * `rounds needs import FILE.csv`: a liaison's spreadsheet of needs, read and checked row by row
 * with the same NeedInput schema as the API. Pure: no file or database access here.
 *
 * Rows are numbered as the spreadsheet shows them: the header is row 1, the first need row 2.
 */

export interface CsvIssue {
  /** Spreadsheet row (header = 1); 0 for the file as a whole. */
  row: number;
  /** The column as the file names it, if the issue is about one. */
  column?: string;
  zh: string;
  en: string;
}

export interface ImportRow {
  row: number;
  input: NeedInput;
  /** Stable id: the same row imported again is the same need (`need-<county>-<hash>`). */
  id: string;
}

/** The file's text, UTF-8 or GB18030, read as the catalog import reads it; a BOM is dropped. */
export function decodeCsv(bytes: Uint8Array): string {
  const text = decodeText(bytes);
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

/** Why csv-parse refused the text, for the person who saved the sheet. */
const CSV_ERRORS: Record<string, { zh: string; en: string }> = {
  CSV_QUOTE_NOT_CLOSED: { zh: '引号没有闭合', en: 'a quoted cell is not closed' },
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: {
    zh: '引号后还有文字：单元格中的引号要写成两个（""），或把整个单元格放在引号中',
    en: 'text follows a closing quote: write a quote inside a cell as "" and quote the whole cell',
  },
};

/**
 * RFC 4180 CSV (csv-parse): quoted cells may hold commas, quotes ("") and line breaks; CRLF, LF
 * or CR, mixed. A quote inside an unquoted cell is kept as typed. Blank lines stay (as one empty
 * cell) so that row numbers match the spreadsheet's.
 */
export function parseCsv(text: string): { rows: string[][]; issue?: CsvIssue } {
  try {
    const rows: string[][] = parse(text, {
      record_delimiter: ['\r\n', '\n', '\r'],
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      trim: true,
    });
    return { rows };
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const known = CSV_ERRORS[error.code];
    // `records` counts the rows read before the bad one; the header is row 1.
    const row = (typeof error.records === 'number' ? error.records : 0) + 1;
    return {
      rows: [],
      issue: {
        row,
        zh: known?.zh ?? `无法按 CSV 读取（${error.code}）`,
        en: known?.en ?? `not readable as CSV: ${error.message}`,
      },
    };
  }
}

type Column = keyof typeof NeedInput.shape;

/** Header names accepted per field, compared without spaces, case or brackets. */
const HEADERS: Record<Column, string[]> = {
  countyId: ['县', '县区', '县市区', '县（市、区）', '区县', '所属县', 'county', 'countyid', 'county_id'],
  townId: ['乡镇', '乡镇街道', '乡镇（街道）', '镇', '镇街', '街道', 'town', 'townid', 'town_id'],
  theme: ['主题', '五问', '问题类别', 'theme'],
  field: ['领域', '专业领域', 'field'],
  title: ['标题', '需求', '需求标题', '需求名称', 'title'],
  detail: ['详情', '需求详情', '说明', '具体内容', 'detail', 'details', 'description'],
  urgency: ['紧急程度', '紧急', '缓急', '优先级', 'urgency', 'priority'],
};

const normalize = (text: string) =>
  text
    .normalize('NFKC')
    .replace(/[\s()（）、_-]/g, '')
    .toLowerCase();

const HEADER_INDEX = new Map<string, Column>(
  Object.entries(HEADERS).flatMap(([column, names]) =>
    names.map((name) => [normalize(name), column as Column]),
  ),
);

const THEME_INDEX = new Map<string, Theme>(
  THEMES.flatMap((t) => [
    [normalize(t), t],
    [normalize(THEME_LABELS[t].zh), t],
    [normalize(THEME_LABELS[t].en), t],
  ]),
);

const URGENCY_INDEX = new Map<string, Urgency>([
  ...URGENCIES.flatMap((u) => [
    [normalize(u), u] as const,
    [normalize(URGENCY_LABELS[u].zh), u] as const,
    [normalize(URGENCY_LABELS[u].en), u] as const,
  ]),
  ...(['低', '较低', '不紧急', '缓'] as const).map((zh) => [normalize(zh), 'low' as const] as const),
  ...(['中', '普通', '较急', '一般紧急'] as const).map((zh) => [normalize(zh), 'normal' as const] as const),
  ...(['高', '急', '很急', '非常紧急', '特急'] as const).map(
    (zh) => [normalize(zh), 'high' as const] as const,
  ),
]);

/** A county or town named by id, by its Chinese name (with or without 县/市/区/镇/乡/街道) or English name. */
function findPlace<T extends { id: string; name: { zh: string; en: string } }>(
  list: readonly T[],
  text: string,
): T | undefined {
  const wanted = normalize(text);
  const bare = (zh: string) => normalize(zh).replace(/(县|市|区|镇|乡|街道)$/, '');
  return (
    list.find((p) => p.id === text.trim()) ??
    list.find((p) => normalize(p.name.zh) === wanted || normalize(p.name.en) === wanted) ??
    list.find((p) => bare(p.name.zh) === wanted)
  );
}

export interface ReadOptions {
  /** The county of every row, for sheets without a county column; rows naming another are refused. */
  county?: string;
}

export interface HeaderMap {
  /** Column → its index in the row. */
  seen: Map<Column, number>;
  /** Columns that are not used (序号, 备注…, common in liaisons' sheets). */
  ignored: string[];
  issues: CsvIssue[];
}

/** Which column holds what; checkable before the database is opened. */
export function mapHeader(header: readonly string[] | undefined, options: ReadOptions = {}): HeaderMap {
  if (!header || header.every((h) => h.trim() === '')) {
    return {
      seen: new Map(),
      ignored: [],
      issues: [{ row: 1, zh: '文件为空或缺少表头', en: 'the file is empty or has no header row' }],
    };
  }
  const issues: CsvIssue[] = [];
  const columns: (Column | undefined)[] = header.map((name) => HEADER_INDEX.get(normalize(name)));
  const ignored = header.filter((name, index) => columns[index] === undefined && name.trim() !== '');
  const seen = new Map<Column, number>();
  columns.forEach((column, index) => {
    if (!column) return;
    if (seen.has(column)) {
      issues.push({ row: 1, column: header[index], zh: '与前面的列重复', en: 'repeats an earlier column' });
    } else seen.set(column, index);
  });
  const required: Column[] = options.county
    ? ['townId', 'theme', 'field', 'title', 'urgency']
    : ['countyId', 'townId', 'theme', 'field', 'title', 'urgency'];
  for (const column of required) {
    if (!seen.has(column)) {
      const label = FIELD_LABELS[column]!;
      issues.push({ row: 1, zh: `缺少“${label.zh}”列`, en: `the ${label.en} column is missing` });
    }
  }
  return { seen, ignored, issues };
}

/**
 * Turns a parsed CSV into need submissions. Every problem is reported, each naming its row and
 * column; `rows` holds only the rows without any problem; `ignored` names columns that are not used.
 */
export function readNeedRows(
  table: readonly string[][],
  counties: readonly County[],
  options: ReadOptions = {},
): { rows: ImportRow[]; issues: CsvIssue[]; ignored: string[] } {
  const [header = [], ...body] = table;
  const { seen, ignored, issues } = mapHeader(table[0], options);
  const county = options.county ? counties.find((c) => c.id === options.county) : undefined;
  if (options.county && !county) {
    issues.push({
      row: 0,
      zh: `--county ${options.county} 不存在`,
      en: `--county ${options.county} does not exist`,
    });
  }
  if (issues.length > 0) return { rows: [], issues, ignored };

  const headerOf = (column: Column) => header[seen.get(column)!] ?? column;
  const rows: ImportRow[] = [];
  const firstRowOf = new Map<string, number>();
  body.forEach((cells, index) => {
    const row = index + 2;
    if (cells.every((c) => c.trim() === '')) return; // blank lines are skipped
    const cell = (column: Column) => {
      const at = seen.get(column);
      return at === undefined ? undefined : (cells[at] ?? '').trim();
    };
    const rowIssues: CsvIssue[] = [];
    const fail = (column: Column, zh: string, en: string) =>
      rowIssues.push({ row, column: headerOf(column), zh, en });
    // More filled cells than header columns: most often a comma in a cell that is not quoted.
    const extra = cells.slice(header.length).filter((c) => c.trim() !== '').length;
    if (extra > 0) {
      rowIssues.push({
        row,
        zh: `比表头多出 ${extra} 个单元格（含逗号的单元格要放在引号中）`,
        en: `${extra} cell(s) more than the header has (quote a cell that holds a comma)`,
      });
    }

    let rowCounty = county;
    const countyText = cell('countyId');
    if (countyText) {
      const named = findPlace(counties, countyText);
      rowCounty = named && (!county || named.id === county.id) ? named : undefined;
      if (!named) fail('countyId', `没有名为“${countyText}”的县`, `no county "${countyText}"`);
      else if (county && named.id !== county.id) {
        fail(
          'countyId',
          `“${countyText}”不是 --county ${county.id}`,
          `"${countyText}" is not --county ${county.id}`,
        );
      }
    } else if (!county) fail('countyId', '必须填写', 'is required');

    let townId: string | undefined;
    const townText = cell('townId') ?? '';
    if (rowCounty && townText) {
      const town = findPlace(rowCounty.towns, townText);
      if (town) townId = town.id;
      else
        fail(
          'townId',
          `“${townText}”不是${rowCounty.name.zh}的乡镇`,
          `"${townText}" is not a town of ${rowCounty.name.en}`,
        );
    }
    const themeText = cell('theme') ?? '';
    const urgencyText = cell('urgency') ?? '';
    const candidate = {
      countyId: rowCounty?.id ?? countyText ?? '',
      townId: townId ?? townText,
      theme: THEME_INDEX.get(normalize(themeText)) ?? themeText,
      field: cell('field') ?? '',
      title: cell('title') ?? '',
      ...(cell('detail') ? { detail: cell('detail') } : {}),
      urgency: URGENCY_INDEX.get(normalize(urgencyText)) ?? urgencyText,
    };
    const result = validate(NeedInput, candidate);
    if (!result.ok) {
      for (const issue of result.issues) {
        const column = issue.path as Column;
        // A place already reported above is not reported twice; a town can not be told without its county.
        if (rowIssues.some((i) => i.column === headerOf(column))) continue;
        if (column === 'townId' && !rowCounty) continue;
        fail(column, issue.zh, issue.en);
      }
    }
    if (rowIssues.length > 0 || !result.ok) {
      issues.push(...rowIssues);
      return;
    }
    const input = result.data;
    const fingerprint = `${input.countyId}\n${input.townId}\n${input.theme}\n${input.field}\n${input.title}`;
    const first = firstRowOf.get(fingerprint);
    if (first !== undefined) {
      issues.push({ row, zh: `与第 ${first} 行重复`, en: `repeats row ${first}` });
      return;
    }
    firstRowOf.set(fingerprint, row);
    rows.push({ row, input, id: importedNeedId(input.countyId, fingerprint) });
  });
  if (rows.length === 0 && issues.length === 0) {
    issues.push({ row: 0, zh: '文件中没有需求', en: 'the file holds no needs' });
  }
  return { rows, issues, ignored };
}

/** `need-<county>-<hash>`: the same row imported twice is one need. */
export function importedNeedId(countyId: string, fingerprint: string): string {
  const hash = createHash('sha256').update(fingerprint).digest('hex').slice(0, 16);
  return `need-${countyId.slice(0, 64 - 'need--'.length - hash.length)}-${hash}`;
}

/** `第 3 行，“乡镇”列：…` / `row 3, column 乡镇: …` */
export function describeCsvIssue(file: string, issue: CsvIssue, lang: 'zh' | 'en'): string {
  if (lang === 'zh') {
    const where =
      issue.row === 0
        ? ''
        : `第 ${issue.row} 行${issue.column !== undefined ? `，“${issue.column}”列` : ''}：`;
    return `${file}：${where}${issue.zh}`;
  }
  const where =
    issue.row === 0
      ? ''
      : `row ${issue.row}${issue.column !== undefined ? `, column ${issue.column}` : ''}: `;
  return `${file}: ${where}${issue.en}`;
}
