import { strFromU8, type UnzipFileInfo, unzipSync } from 'fflate';

/*
 * A small XLSX reader: the first sheet's cells as text (shared strings, inline strings, numbers,
 * booleans), row by row. Enough for a spreadsheet people fill in; formulas give their cached value,
 * styles and dates are not interpreted. An XLSX file is a ZIP of XML parts (fflate unzips them).
 * Pure: bytes in, rows out, no I/O.
 */

/** A part larger than this when unpacked is refused (a "ZIP bomb" must not exhaust a Lambda's memory). */
const MAX_PART_BYTES = 32 * 1024 * 1024;

export class XlsxReadError extends Error {
  override readonly name = 'XlsxReadError';
  constructor(
    readonly zh: string,
    readonly en: string,
  ) {
    super(`${zh} / ${en}`);
  }
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (whole, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
    return ENTITIES[name] ?? whole;
  });
}

/** The text of every `<t>` inside a fragment (a shared string may be rich text of several runs). */
function textOf(fragment: string): string {
  let out = '';
  for (const match of fragment.matchAll(/<t(?:\s[^>]*)?>([\s\S]*?)<\/t>/g))
    out += unescapeXml(match[1] ?? '');
  // Phonetic runs (<rPh>) repeat the reading of East Asian text; they are not part of the value.
  return out;
}

function withoutPhonetics(fragment: string): string {
  return fragment.replace(/<rPh\b[\s\S]*?<\/rPh>/g, '');
}

/** `C12` → column index 2. */
function columnIndex(reference: string): number {
  let index = 0;
  for (const ch of reference.replace(/\d+$/, '')) index = index * 26 + (ch.charCodeAt(0) - 64);
  return index - 1;
}

function attribute(tag: string, name: string): string | undefined {
  return new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
}

/** The path of the workbook's first sheet, from workbook.xml and its relationships. */
function firstSheetPath(files: Record<string, Uint8Array>): string {
  const workbook = files['xl/workbook.xml'];
  const rels = files['xl/_rels/workbook.xml.rels'];
  if (workbook && rels) {
    const sheet = /<sheet\b[^>]*>/.exec(strFromU8(workbook))?.[0];
    const relationId = sheet && (attribute(sheet, 'r:id') ?? attribute(sheet, 'id'));
    for (const rel of strFromU8(rels).matchAll(/<Relationship\b[^>]*>/g)) {
      if (attribute(rel[0], 'Id') !== relationId) continue;
      const target = attribute(rel[0], 'Target') ?? '';
      return target.startsWith('/') ? target.slice(1) : `xl/${target.replace(/^\.\//, '')}`;
    }
  }
  return 'xl/worksheets/sheet1.xml';
}

/**
 * The first sheet's rows: `rows[i]` is spreadsheet row `i + 1`, each a list of cell texts (empty
 * string for an empty cell). Throws XlsxReadError when the bytes are not an XLSX workbook.
 */
export function readFirstSheet(bytes: Uint8Array): string[][] {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (file: UnzipFileInfo) => {
        if (file.originalSize > MAX_PART_BYTES)
          throw new XlsxReadError('文件中有过大的部分', `a part of the file is too large (${file.name})`);
        return (file.name.startsWith('xl/') && file.name.endsWith('.xml')) || file.name.endsWith('.rels');
      },
    });
  } catch (error) {
    if (error instanceof XlsxReadError) throw error;
    throw new XlsxReadError('不是有效的 XLSX 文件（无法解压）', 'not an XLSX file (it does not unzip)');
  }
  const sheetPath = firstSheetPath(files);
  const sheet = files[sheetPath];
  if (!sheet) throw new XlsxReadError('XLSX 文件中没有工作表', 'the XLSX file has no worksheet');

  const shared = files['xl/sharedStrings.xml'];
  const sharedStrings = shared
    ? [...strFromU8(shared).matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) =>
        textOf(withoutPhonetics(m[1] ?? '')),
      )
    : [];

  const rows: string[][] = [];
  for (const row of strFromU8(sheet).matchAll(/<row\b([^>]*?)(?:\/>|>([\s\S]*?)<\/row>)/g)) {
    const rowNumber = Number(attribute(row[1] ?? '', 'r') ?? rows.length + 1);
    const cells: string[] = [];
    for (const cell of (row[2] ?? '').matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const tag = cell[1] ?? '';
      const body = cell[2] ?? '';
      const reference = attribute(tag, 'r');
      const index = reference ? columnIndex(reference) : cells.length;
      const type = attribute(tag, 't');
      const value = /<v>([\s\S]*?)<\/v>/.exec(body)?.[1];
      let textValue: string;
      if (type === 's') textValue = sharedStrings[Number(value)] ?? '';
      else if (type === 'inlineStr')
        textValue = textOf(withoutPhonetics(/<is>([\s\S]*?)<\/is>/.exec(body)?.[1] ?? ''));
      else if (type === 'b') textValue = value === '1' ? 'TRUE' : value === '0' ? 'FALSE' : '';
      else textValue = value === undefined ? '' : unescapeXml(value);
      while (cells.length < index) cells.push('');
      cells[index] = textValue;
    }
    while (rows.length < rowNumber - 1) rows.push([]);
    rows[rowNumber - 1] = cells;
  }
  return rows;
}
