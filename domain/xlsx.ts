import { strToU8, Zip, ZipDeflate } from 'fflate';
import { type CellValue, cellText, columnName, type Sheet, startsLikeFormula } from './sheet-cells.ts';

/**
 * A small XLSX writer: sheets of strings, numbers and dates, inline strings (no shared-string
 * table), each sheet's first row a bold header frozen in place. An XLSX file is a ZIP of XML
 * parts (fflate zips them). Pure: bytes in memory, no I/O. Each sheet's XML goes into the ZIP a few
 * hundred rows at a time, so a national workbook never exists as whole XML strings beside its bytes.
 */

/**
 * What XML 1.0 cannot hold (its production `Char`): control characters other than tab and line
 * breaks, lone surrogates, U+FFFE and U+FFFF. One of them makes the whole file unreadable.
 */
const NOT_XML_CHARACTERS = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const escapeXml = (text: string) =>
  text
    .replace(NOT_XML_CHARACTERS, '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    // A parser reads a raw CR as a line feed.
    .replaceAll('\r', '&#13;');

/** Style indexes into `cellXfs` of STYLES; the `…Text` ones keep a cell text when it is edited (quotePrefix). */
const STYLE = { header: 1, date: 2, dateTime: 3, wrap: 4, text: 5, wrapText: 6, headerText: 7 } as const;

const DATE = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}))?$/;

/** Days since 1899-12-30, the spreadsheet epoch (fractions are the time of day). */
function dateSerial(match: RegExpExecArray): number {
  const [, y, m, d, hh = '0', mm = '0'] = match;
  const ms = Date.UTC(Number(y), Number(m) - 1, Number(d), Number(hh), Number(mm)) - Date.UTC(1899, 11, 30);
  return ms / 86_400_000;
}

function cellXml(value: CellValue, ref: string, header: boolean, wrap = false): string {
  const style = header ? ` s="${STYLE.header}"` : wrap ? ` s="${STYLE.wrap}"` : '';
  if (typeof value === 'number' && Number.isFinite(value)) return `<c r="${ref}"${style}><v>${value}</v></c>`;
  if (typeof value === 'object') {
    const match = DATE.exec(value.date);
    if (!match) throw new Error(`not a date cell: "${value.date}" (YYYY-MM-DD or YYYY-MM-DD HH:mm)`);
    const s = header ? STYLE.header : match[4] === undefined ? STYLE.date : STYLE.dateTime;
    return `<c r="${ref}" s="${s}"><v>${dateSerial(match)}</v></c>`;
  }
  const text = String(value);
  // An inline string is never evaluated; quotePrefix keeps it text when someone edits the cell, and
  // the value stays as typed (the catalog template reads back the same).
  const textStyle = !startsLikeFormula(text)
    ? style
    : ` s="${header ? STYLE.headerText : wrap ? STYLE.wrapText : STYLE.text}"`;
  return `<c r="${ref}"${textStyle} t="inlineStr"><is><t xml:space="preserve">${escapeXml(text)}</t></is></c>`;
}

/** Characters a cell takes on screen: CJK characters and full-width forms are two wide. */
const displayWidth = (text: string) =>
  Math.max(0, ...text.split('\n').map((line) => [...line].reduce((w, ch) => w + (isWide(ch) ? 2 : 1), 0)));
const isWide = (ch: string) => {
  const code = ch.codePointAt(0) ?? 0;
  return (
    (code >= 0x2e80 && code <= 0xa4cf) || // CJK radicals … Yi, including ideographs and kana
    (code >= 0xac00 && code <= 0xd7a3) || // Hangul
    (code >= 0xf900 && code <= 0xfaff) || // CJK compatibility ideographs
    (code >= 0xfe30 && code <= 0xfe4f) || // CJK compatibility forms
    (code >= 0xff00 && code <= 0xff60) || // full-width forms（，：）
    (code >= 0xffe0 && code <= 0xffe6) ||
    code >= 0x20000 // ideographs of the supplementary planes
  );
};

/** Width of column `c`: its widest cell plus a margin, at least 8; wrapped columns at most 40. */
function columnWidth(sheet: Sheet, c: number): number {
  const wrap = sheet.wrapColumns?.includes(c) ?? false;
  const widest = Math.max(...sheet.rows.map((r) => displayWidth(cellText(r[c] ?? '')) + 2));
  return Math.min(wrap ? 40 : 60, Math.max(8, widest));
}

/** A sheet's XML in pieces (the head, then a piece per ROWS_PER_PIECE rows, then the tail). */
function* sheetXml(sheet: Sheet): Generator<string> {
  const width = Math.max(1, ...sheet.rows.map((r) => r.length));
  const widths = Array.from({ length: width }, (_, c) => sheet.columnWidths?.[c] ?? columnWidth(sheet, c));
  const cols = widths
    .map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`)
    .join('');
  yield '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>' +
    `<cols>${cols}</cols><sheetData>`;
  const wrap = widths.map((_, c) => sheet.wrapColumns?.includes(c) ?? false);
  const refs = widths.map((_, c) => columnName(c));
  for (let start = 0; start < sheet.rows.length; start += ROWS_PER_PIECE) {
    let piece = '';
    for (let r = start; r < Math.min(sheet.rows.length, start + ROWS_PER_PIECE); r++) {
      const row = sheet.rows[r]!;
      let cells = '';
      for (let c = 0; c < row.length; c++)
        cells += cellXml(row[c]!, `${refs[c] ?? columnName(c)}${r + 1}`, r === 0, wrap[c] ?? false);
      piece += `<row r="${r + 1}">${cells}</row>`;
    }
    yield piece;
  }
  yield '</sheetData></worksheet>';
}

/** Rows of sheet XML turned into bytes and zipped at a time. */
const ROWS_PER_PIECE = 500;

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const SHEET_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

const contentTypes = (count: number) =>
  `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
  '<Default Extension="xml" ContentType="application/xml"/>' +
  '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
  Array.from(
    { length: count },
    (_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="${SHEET_TYPE}"/>`,
  ).join('') +
  '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
  '</Types>';

const ROOT_RELS =
  `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
  `<Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/>` +
  '</Relationships>';

const workbookRels = (count: number) =>
  `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
  Array.from(
    { length: count },
    (_, i) =>
      `<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
  ).join('') +
  `<Relationship Id="rId${count + 1}" Type="${REL}/styles" Target="styles.xml"/>` +
  '</Relationships>';

/** Normal, bold header, date, date and time, wrapped text; then normal, wrapped and header kept as text. */
const STYLES =
  `${XML_HEAD}<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
  '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts>' +
  '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>' +
  '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
  '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
  '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
  '<cellXfs count="8">' +
  '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
  '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>' +
  '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
  '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
  '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment wrapText="1" vertical="top"/></xf>' +
  '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>' +
  '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1" quotePrefix="1"><alignment wrapText="1" vertical="top"/></xf>' +
  '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" quotePrefix="1"/>' +
  '</cellXfs>' +
  // The Normal style named: readers (openpyxl among them) otherwise warn of a workbook with no default style.
  '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
  '</styleSheet>';

/** Tab names as Excel allows them: at most 31 characters, none of \ / ? * [ ] :, no two alike. */
function tabNames(sheets: readonly Sheet[]): string[] {
  const used = new Set<string>();
  return sheets.map((sheet, i) => {
    const base = sheet.name.replace(/[\\/?*[\]:]/g, '-').trim() || `Sheet${i + 1}`;
    let name = base.slice(0, 31);
    for (let n = 2; used.has(name.toLowerCase()); n++) name = `${base.slice(0, 31 - `(${n})`.length)}(${n})`;
    used.add(name.toLowerCase());
    return name;
  });
}

const workbookXml = (names: readonly string[]) =>
  `${XML_HEAD}<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="${REL}">` +
  `<sheets>${names.map((name, i) => `<sheet name="${escapeXml(name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('')}</sheets>` +
  '</workbook>';

/** A fixed file time keeps the same workbook byte for byte the same. */
const FILE_TIME = new Date(1980, 0, 1);

/** An .xlsx workbook of the given sheets, in order. */
export function xlsxWorkbook(sheets: readonly Sheet[]): Uint8Array {
  if (sheets.length === 0) throw new Error('a workbook needs at least one sheet');
  const chunks: Uint8Array[] = [];
  let failure: Error | null = null;
  // fflate's streaming ZIP with synchronous deflate: each push is compressed and handed over at once.
  const zip = new Zip((error, chunk) => {
    if (error) failure = error;
    else chunks.push(chunk);
  });
  const add = (name: string, pieces: Iterable<string>) => {
    const file = new ZipDeflate(name, { level: 6 });
    file.mtime = FILE_TIME;
    zip.add(file);
    for (const piece of pieces) file.push(strToU8(piece));
    file.push(new Uint8Array(0), true);
  };
  add('[Content_Types].xml', [contentTypes(sheets.length)]);
  add('_rels/.rels', [ROOT_RELS]);
  add('xl/workbook.xml', [workbookXml(tabNames(sheets))]);
  add('xl/_rels/workbook.xml.rels', [workbookRels(sheets.length)]);
  add('xl/styles.xml', [STYLES]);
  sheets.forEach((sheet, i) => {
    add(`xl/worksheets/sheet${i + 1}.xml`, sheetXml(sheet));
  });
  zip.end();
  if (failure) throw failure;
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}
