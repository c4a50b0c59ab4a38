import type * as z from 'zod';
import { Contact, County, Society } from '#schemas/catalog';
import type { CatalogSheetKind } from '#schemas/catalog-api';
import { THEME_LABELS } from '#schemas/need-api';
import { THEMES, type Theme } from '#schemas/primitives';
import { type ContactInput, contactToStore } from './contact-secret.ts';
import type { CellValue, Sheet } from './sheet-cells.ts';

/*
 * The catalog as a spreadsheet with Chinese headers, both ways: the rows a coordinator downloads
 * (the template is the catalog as it stands) and the rows they upload, read back into counties and
 * societies with an error per row and column. One sheet is one kind: societies (a row each) or
 * counties (a row per town). Pure: rows of text in, records or issues out.
 */

export interface SheetIssue {
  /** The spreadsheet's row number (the header is row 1). */
  row: number;
  /** The column's header as the file has it. */
  column: string;
  zh: string;
  en: string;
}

interface Column {
  header: string;
  en: string;
  /** Other headers read as this column. */
  aliases?: readonly string[];
}

export const SOCIETY_COLUMNS = {
  id: { header: '学会编号', en: 'society id', aliases: ['编号', 'id'] },
  nameZh: { header: '学会名称', en: 'name', aliases: ['名称', '中文名称'] },
  nameEn: { header: '英文名称', en: 'English name', aliases: ['english name'] },
  themes: { header: '主题', en: 'themes' },
  fields: { header: '专业领域', en: 'fields', aliases: ['领域'] },
  capacity: { header: '容量', en: 'capacity per season', aliases: ['每季容量'] },
  contactName: { header: '联系人', en: 'contact person' },
  phone: { header: '电话', en: 'phone', aliases: ['联系电话', '手机号'] },
  email: { header: '邮箱', en: 'e-mail', aliases: ['电子邮箱', '电子邮件', 'email'] },
  webhook: { header: 'Webhook', en: 'webhook', aliases: ['网络钩子', '群机器人', '群机器人地址'] },
  webhookKind: { header: '机器人类型', en: 'robot kind' },
  webhookSecret: { header: '加签密钥', en: 'signing secret' },
} as const satisfies Record<string, Column>;

/*
 * A contact's columns, on both sheets. A column the file does not have keeps what is stored (an
 * older file says nothing about it); an empty cell clears that field, but for the secret: it is
 * never written out, so its empty cell keeps it (domain/contact-secret.ts).
 */
export const COUNTY_COLUMNS = {
  countyId: { header: '县编号', en: 'county id' },
  countyZh: { header: '县名', en: 'county name', aliases: ['县名称'] },
  countyEn: { header: '县英文名', en: 'county English name' },
  townId: { header: '镇编号', en: 'town id', aliases: ['乡镇编号'] },
  townZh: { header: '镇名', en: 'town name', aliases: ['乡镇名', '乡镇名称'] },
  townEn: { header: '镇英文名', en: 'town English name', aliases: ['乡镇英文名'] },
  contactName: { header: '联系人', en: 'contact person' },
  email: { header: '电子邮件', en: 'e-mail', aliases: ['邮箱', '电子邮箱', 'email'] },
  phone: { header: '手机号', en: 'phone', aliases: ['电话', '联系电话'] },
  webhook: { header: '群机器人', en: 'group robot', aliases: ['群机器人地址', 'Webhook'] },
  webhookKind: { header: '机器人类型', en: 'robot kind' },
  webhookSecret: { header: '加签密钥', en: 'signing secret' },
} as const satisfies Record<string, Column>;

/** Columns the template writes: the secret only ever goes in. */
const written = (columns: Record<string, Column>) =>
  Object.entries(columns)
    .filter(([key]) => key !== 'webhookSecret')
    .map(([, column]) => column.header);

type ContactColumn = 'contactName' | 'email' | 'phone' | 'webhook' | 'webhookKind' | 'webhookSecret';

const ROBOT_KINDS: Record<string, Contact['webhookKind'] | null> = {
  钉钉: 'dingtalk',
  dingtalk: 'dingtalk',
  企业微信: 'wecom',
  wecom: 'wecom',
  自动: null,
  '': null,
};
const ROBOT_KIND_NAMES = { dingtalk: '钉钉', wecom: '企业微信' } as const;

const contactColumnOf = (path: readonly PropertyKey[]): ContactColumn =>
  path[1] === 'phone'
    ? 'phone'
    : path[1] === 'email'
      ? 'email'
      : path[1] === 'webhook'
        ? 'webhook'
        : path[1] === 'webhookKind'
          ? 'webhookKind'
          : path[1] === 'webhookSecret'
            ? 'webhookSecret'
            : 'contactName';

/**
 * The contact a row gives: each column's cell, or what is stored when the file has no such column.
 * `cell` is undefined for a column the file does not have.
 */
function readContact(
  cell: (key: ContactColumn) => string | undefined,
  stored: Contact | undefined,
  problem: (key: ContactColumn, zh: string, en: string) => void,
): Contact | undefined {
  const kindCell = cell('webhookKind');
  let webhookKind: Contact['webhookKind'] | null | undefined = stored?.webhookKind;
  if (kindCell !== undefined) {
    const kind = ROBOT_KINDS[kindCell] ?? ROBOT_KINDS[kindCell.toLowerCase()];
    if (kind === undefined)
      problem(
        'webhookKind',
        '须为 钉钉、企业微信 或 自动（留空）',
        'must be 钉钉 (dingtalk), 企业微信 (wecom) or empty',
      );
    webhookKind = kind;
  }
  const pick = (key: ContactColumn, field: keyof Contact) => {
    const value = cell(key);
    return value === undefined ? stored?.[field] : value;
  };
  const input: Record<string, string | undefined> = {
    name: pick('contactName', 'name'),
    email: pick('email', 'email'),
    phone: pick('phone', 'phone'),
    webhook: pick('webhook', 'webhook'),
    webhookKind: webhookKind ?? undefined,
    // Empty or absent: keep the stored secret (while the robot stays the same).
    webhookSecret: cell('webhookSecret') || undefined,
  };
  const present = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined && v !== ''));
  if (present.webhookSecret && !present.webhook)
    problem('webhookSecret', '须同时填写群机器人地址', "needs the robot's address too");
  const contact = contactToStore(present as ContactInput, stored);
  return Object.keys(contact).length > 0 ? contact : undefined;
}

const contactCells = (contact: Contact | undefined): CellValue[] => [
  contact?.name ?? '',
  contact?.email ?? '',
  contact?.phone ?? '',
  contact?.webhook ?? '',
  contact?.webhookKind ? ROBOT_KIND_NAMES[contact.webhookKind] : '',
];

type SocietyColumn = keyof typeof SOCIETY_COLUMNS;
type CountyColumn = keyof typeof COUNTY_COLUMNS;

/** A header as typed: spaces and a trailing note in brackets (`容量（每季）`) do not matter. */
const normalizeHeader = (header: string) =>
  header
    .replace(/[（(][^）)]*[）)]\s*$/, '')
    .replace(/\s+/g, '')
    .toLowerCase();

/** Which column each header is, by its index in the header row. */
function headerMap<K extends string>(headers: readonly string[], columns: Record<K, Column>): Map<K, number> {
  const found = new Map<K, number>();
  headers.forEach((raw, index) => {
    const header = normalizeHeader(raw);
    for (const [key, column] of Object.entries(columns) as [K, Column][]) {
      const names = [column.header, ...(column.aliases ?? [])].map(normalizeHeader);
      if (names.includes(header) && !found.has(key)) found.set(key, index);
    }
  });
  return found;
}

/** The kind of sheet its header row says, or undefined. */
export function sheetKindOf(headers: readonly string[]): CatalogSheetKind | undefined {
  const normalized = headers.map(normalizeHeader);
  if (normalized.includes(normalizeHeader(SOCIETY_COLUMNS.id.header))) return 'societies';
  if (normalized.includes(normalizeHeader(COUNTY_COLUMNS.countyId.header))) return 'counties';
  return undefined;
}

/** Lists in a cell: 、 , ， ; ； / or a line break between items. */
const splitList = (cell: string) =>
  cell
    .split(/[、,，;；/\n]+/)
    .map((item) => item.trim())
    .filter((item) => item !== '');

const THEME_BY_NAME = new Map<string, Theme>(
  THEMES.flatMap((theme) => [
    [theme, theme],
    [THEME_LABELS[theme].zh, theme],
    [THEME_LABELS[theme].en.toLowerCase(), theme],
  ]),
);

const isBlank = (row: readonly string[]) => row.every((cell) => cell.trim() === '');

/** Errors listed at most; past them a last entry counts the rest (a file of bad rows made megabytes of errors). */
export const MAX_LISTED_ISSUES = 100;

/** Keeps the first MAX_LISTED_ISSUES issues and counts them all. */
class IssueList {
  readonly listed: SheetIssue[] = [];
  count = 0;
  private firstUnlisted: number | undefined;
  add(issues: readonly SheetIssue[]): void {
    for (const issue of issues) {
      this.count++;
      if (this.listed.length < MAX_LISTED_ISSUES) this.listed.push(issue);
      else this.firstUnlisted ??= issue.row;
    }
  }
  /** The listed issues, and one more that counts those not listed. */
  issues(): SheetIssue[] {
    const rest = this.count - this.listed.length;
    if (rest === 0) return this.listed;
    return [
      ...this.listed,
      {
        row: this.firstUnlisted ?? 0,
        column: '…',
        zh: `另有 ${rest} 处错误未列出（共 ${this.count} 处），请先改正以上各处`,
        en: `${rest} more errors not listed (${this.count} in all): correct the ones above first`,
      },
    ];
  }
}

export interface ReadSheet<T> {
  kind: CatalogSheetKind;
  /** Each record with the spreadsheet row it came from (the first row for a county). */
  records: { row: number; record: T }[];
  /** The first MAX_LISTED_ISSUES errors, and when there are more, a last entry that counts the rest. */
  issues: SheetIssue[];
  /** Every error, listed or not. */
  issueCount: number;
  /** Data rows read (not counting the header and empty rows). */
  rows: number;
}

/** What the catalog holds now: the English names a sheet may leave empty are kept from it. */
export interface CurrentCatalog {
  societies: ReadonlyMap<string, Society>;
  counties: ReadonlyMap<string, County>;
}

/** Reads a catalog sheet: the first non-empty row is the header. */
export function readCatalogSheet(
  table: readonly (readonly string[])[],
  current: CurrentCatalog,
): ReadSheet<Society> | ReadSheet<County> {
  const headerIndex = table.findIndex((row) => !isBlank(row));
  const headers = headerIndex < 0 ? [] : table[headerIndex]!.map((cell) => cell.trim());
  const kind = sheetKindOf(headers);
  if (!kind) {
    return {
      kind: 'societies',
      records: [],
      rows: 0,
      issueCount: 1,
      issues: [
        {
          row: headerIndex + 1 || 1,
          column: '(表头)',
          zh: `表头须含"${SOCIETY_COLUMNS.id.header}"（学会表）或"${COUNTY_COLUMNS.countyId.header}"（县与乡镇表）`,
          en: `the header row must have "${SOCIETY_COLUMNS.id.header}" (societies) or "${COUNTY_COLUMNS.countyId.header}" (counties and towns)`,
        },
      ],
    };
  }
  const body = table.slice(headerIndex + 1).map((cells, i) => ({ row: headerIndex + 2 + i, cells }));
  return kind === 'societies'
    ? readSocieties(headers, body, current.societies)
    : readCounties(headers, body, current.counties);
}

interface BodyRow {
  row: number;
  cells: readonly string[];
}

function missingColumns<K extends string>(
  found: Map<K, number>,
  columns: Record<K, Column>,
  required: readonly K[],
  row: number,
): SheetIssue[] {
  return required
    .filter((key) => !found.has(key))
    .map((key) => ({
      row,
      column: columns[key].header,
      zh: `缺少"${columns[key].header}"列`,
      en: `the column "${columns[key].header}" (${columns[key].en}) is missing`,
    }));
}

/** zod's message in both languages, for one cell. */
function cellIssue(row: number, column: Column, issue: z.core.$ZodIssue): SheetIssue {
  const zh = (issue as { params?: { zh?: string } }).params?.zh;
  return {
    row,
    column: column.header,
    zh: zh ?? `格式不正确（${issue.message}）`,
    en: `${column.en}: ${issue.message}`,
  };
}

function readSocieties(
  headers: readonly string[],
  body: readonly BodyRow[],
  current: ReadonlyMap<string, Society>,
): ReadSheet<Society> {
  const at = headerMap(headers, SOCIETY_COLUMNS);
  const issues = missingColumns(
    at,
    SOCIETY_COLUMNS,
    ['id', 'nameZh', 'themes', 'fields', 'capacity'],
    body[0] ? body[0].row - 1 : 1,
  );
  if (issues.length > 0)
    return { kind: 'societies', records: [], issues, issueCount: issues.length, rows: 0 };
  const listed = new IssueList();
  const records: { row: number; record: Society }[] = [];
  const seen = new Map<string, number>();
  let rows = 0;
  for (const { row, cells } of body) {
    if (isBlank(cells)) continue;
    rows++;
    const cellOrAbsent = (key: SocietyColumn) => {
      const index = at.get(key);
      return index === undefined ? undefined : (cells[index] ?? '').trim();
    };
    const cell = (key: SocietyColumn) => cellOrAbsent(key) ?? '';
    const rowIssues: SheetIssue[] = [];
    const problem = (key: SocietyColumn, zh: string, en: string) =>
      rowIssues.push({
        row,
        column: SOCIETY_COLUMNS[key].header,
        zh,
        en: `${SOCIETY_COLUMNS[key].en}: ${en}`,
      });

    const id = cell('id');
    const earlier = seen.get(id);
    if (id && earlier !== undefined) problem('id', `与第 ${earlier} 行重复`, `the same id as row ${earlier}`);
    else if (id) seen.set(id, row);

    const themes: Theme[] = [];
    for (const name of splitList(cell('themes'))) {
      const theme = THEME_BY_NAME.get(name) ?? THEME_BY_NAME.get(name.toLowerCase());
      if (!theme)
        problem(
          'themes',
          `没有"${name}"这个主题（可用：${THEMES.map((t) => THEME_LABELS[t].zh).join('、')}）`,
          `no theme "${name}" (one of: ${THEMES.join(', ')})`,
        );
      else if (!themes.includes(theme)) themes.push(theme);
    }
    const fields = [...new Set(splitList(cell('fields')))];
    const capacityText = cell('capacity');
    let capacityPerSeason = Number.NaN;
    if (!/^\d{1,6}$/.test(capacityText))
      problem('capacity', '须为 0 或正整数', `must be a whole number, 0 or more (got "${capacityText}")`);
    else capacityPerSeason = Number(capacityText);

    const existing = current.get(id);
    const nameEn = cell('nameEn') || existing?.name.en || '';
    const contact = readContact(cellOrAbsent, existing?.contact, problem);
    const candidate = {
      id,
      name: { zh: cell('nameZh'), en: nameEn },
      themes,
      fields,
      capacityPerSeason,
      ...(contact ? { contact } : {}),
    };
    const parsed = Society.safeParse(candidate);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const column = societyColumnOf(issue.path);
        // A cell already named above (themes unknown, capacity not a number) is not named twice.
        if (rowIssues.some((known) => known.column === SOCIETY_COLUMNS[column].header)) continue;
        if (column === 'nameEn' && nameEn === '') {
          problem('nameEn', '新学会须填写英文名称', 'a new society needs its English name');
          continue;
        }
        rowIssues.push(cellIssue(row, SOCIETY_COLUMNS[column], issue));
      }
    }
    listed.add(rowIssues);
    if (rowIssues.length === 0 && parsed.success) records.push({ row, record: parsed.data });
  }
  return { kind: 'societies', records, issues: listed.issues(), issueCount: listed.count, rows };
}

function societyColumnOf(path: readonly PropertyKey[]): SocietyColumn {
  const [first, second] = path;
  if (first === 'name') return second === 'en' ? 'nameEn' : 'nameZh';
  if (first === 'themes') return 'themes';
  if (first === 'fields') return 'fields';
  if (first === 'capacityPerSeason') return 'capacity';
  if (first === 'contact') return contactColumnOf(path);
  return 'id';
}

function readCounties(
  headers: readonly string[],
  body: readonly BodyRow[],
  current: ReadonlyMap<string, County>,
): ReadSheet<County> {
  const at = headerMap(headers, COUNTY_COLUMNS);
  const issues = missingColumns(
    at,
    COUNTY_COLUMNS,
    ['countyId', 'countyZh', 'townId', 'townZh'],
    body[0] ? body[0].row - 1 : 1,
  );
  if (issues.length > 0) return { kind: 'counties', records: [], issues, issueCount: issues.length, rows: 0 };
  const listed = new IssueList();
  const counties = new Map<string, { row: number; county: County; bad: boolean }>();
  let rows = 0;
  for (const { row, cells } of body) {
    if (isBlank(cells)) continue;
    rows++;
    const cellOrAbsent = (key: CountyColumn) => {
      const index = at.get(key);
      return index === undefined ? undefined : (cells[index] ?? '').trim();
    };
    const cell = (key: CountyColumn) => cellOrAbsent(key) ?? '';
    const rowIssues: SheetIssue[] = [];
    const problem = (key: CountyColumn, zh: string, en: string) =>
      rowIssues.push({ row, column: COUNTY_COLUMNS[key].header, zh, en: `${COUNTY_COLUMNS[key].en}: ${en}` });
    const check = (key: CountyColumn, schema: z.ZodType, value: string) => {
      const parsed = schema.safeParse(value);
      if (!parsed.success) rowIssues.push(cellIssue(row, COUNTY_COLUMNS[key], parsed.error.issues[0]!));
    };

    const countyId = cell('countyId');
    const existing = current.get(countyId);
    const countyName = { zh: cell('countyZh'), en: cell('countyEn') || existing?.name.en || '' };
    check('countyId', County.shape.id, countyId);
    check('countyZh', County.shape.name.shape.zh, countyName.zh);
    if (countyName.en === '') problem('countyEn', '新县须填写英文名', 'a new county needs its English name');
    else check('countyEn', County.shape.name.shape.en, countyName.en);

    let entry = counties.get(countyId);
    if (entry && rowIssues.length === 0 && entry.county.name.zh !== countyName.zh)
      problem(
        'countyZh',
        `与第 ${entry.row} 行的县名"${entry.county.name.zh}"不同`,
        `differs from the county's name in row ${entry.row} ("${entry.county.name.zh}")`,
      );

    // The county's contact is its first row's; a later row may repeat it or leave it empty.
    const contactKeys = ['contactName', 'email', 'phone', 'webhook', 'webhookKind', 'webhookSecret'] as const;
    const contactGiven = contactKeys.some((key) => cell(key) !== '');
    let contact: Contact | undefined;
    if (!entry) {
      contact = readContact(cellOrAbsent, existing?.contact, problem);
      const parsed = contact ? Contact.safeParse(contact) : undefined;
      if (parsed && !parsed.success)
        for (const zodIssue of parsed.error.issues)
          rowIssues.push(
            cellIssue(row, COUNTY_COLUMNS[contactColumnOf(['contact', ...zodIssue.path])], zodIssue),
          );
    } else if (contactGiven && rowIssues.length === 0) {
      const again = readContact(cellOrAbsent, existing?.contact, () => {});
      if (canonical(again) !== canonical(entry.county.contact))
        problem(
          'contactName',
          `与第 ${entry.row} 行的联系方式不同（同一县的各行留空或相同）`,
          `differs from the county's contact in row ${entry.row} (leave it empty on later rows, or the same)`,
        );
    }
    const withContact = contact ? { contact } : {};

    const townId = cell('townId');
    const townZh = cell('townZh');
    if (townId !== '' || townZh !== '') {
      const oldTown = existing?.towns.find((town) => town.id === townId);
      const townName = { zh: townZh, en: cell('townEn') || oldTown?.name.en || '' };
      check('townId', County.shape.id, townId);
      check('townZh', County.shape.name.shape.zh, townName.zh);
      if (townName.en === '') problem('townEn', '新乡镇须填写英文名', 'a new town needs its English name');
      else check('townEn', County.shape.name.shape.en, townName.en);
      const duplicate = entry?.county.towns.find((town) => town.id === townId);
      if (duplicate) problem('townId', '同一县中乡镇编号重复', 'the same town id twice in one county');
      if (rowIssues.length === 0) {
        if (!entry) {
          entry = { row, county: { id: countyId, name: countyName, towns: [], ...withContact }, bad: false };
          counties.set(countyId, entry);
        }
        entry.county.towns.push({ id: townId, name: townName });
      }
    } else if (rowIssues.length === 0 && !entry) {
      entry = { row, county: { id: countyId, name: countyName, towns: [], ...withContact }, bad: false };
      counties.set(countyId, entry);
    }
    if (rowIssues.length > 0 && entry) entry.bad = true;
    listed.add(rowIssues);
  }
  const records = [...counties.values()].filter((e) => !e.bad).map((e) => ({ row: e.row, record: e.county }));
  return { kind: 'counties', records, issues: listed.issues(), issueCount: listed.count, rows };
}

// ---- the template ---------------------------------------------------------------------------------

const societyRow = (society: Society): CellValue[] => [
  society.id,
  society.name.zh,
  society.name.en,
  society.themes.map((theme) => THEME_LABELS[theme].zh).join('、'),
  society.fields.join('、'),
  society.capacityPerSeason,
  society.contact?.name ?? '',
  society.contact?.phone ?? '',
  society.contact?.email ?? '',
  society.contact?.webhook ?? '',
  society.contact?.webhookKind ? ROBOT_KIND_NAMES[society.contact.webhookKind] : '',
];

const canonical = (value: unknown) =>
  JSON.stringify(value, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort()) : v,
  );

/** The catalog as the sheet a coordinator edits and uploads again (unchanged, it changes nothing). */
export function catalogSheet(
  kind: CatalogSheetKind,
  catalog: { societies: readonly Society[]; counties: readonly County[] },
): Sheet {
  if (kind === 'societies') {
    return {
      name: '学会',
      rows: [
        written(SOCIETY_COLUMNS),
        ...[...catalog.societies].sort((a, b) => a.id.localeCompare(b.id)).map(societyRow),
      ],
    };
  }
  const rows: CellValue[][] = [written(COUNTY_COLUMNS)];
  for (const county of [...catalog.counties].sort((a, b) => a.id.localeCompare(b.id))) {
    // The contact on every row of its county, so a sorted or filtered sheet keeps it.
    const contact = contactCells(county.contact);
    if (county.towns.length === 0)
      rows.push([county.id, county.name.zh, county.name.en, '', '', '', ...contact]);
    for (const town of county.towns)
      rows.push([county.id, county.name.zh, county.name.en, town.id, town.name.zh, town.name.en, ...contact]);
  }
  return { name: '县与乡镇', rows };
}
