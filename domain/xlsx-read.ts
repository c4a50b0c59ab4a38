import { strFromU8, type UnzipFileInfo, unzipSync } from 'fflate';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { columnName } from './sheet-cells.ts';

/*
 * A small XLSX reader: the first sheet's cells as text (shared strings, inline strings, numbers,
 * booleans), row by row. Enough for a spreadsheet people fill in; formulas give their cached value,
 * styles and dates are not interpreted. An XLSX file is a ZIP of XML parts: fflate unzips them and
 * saxes, a streaming parser, reads the XML in one pass (regular expressions over hostile XML
 * backtracked for seconds). Every size is bounded before it costs memory or time: the parts in the
 * ZIP, the bytes they unpack to, the rows, columns and cells of the sheet. Pure: bytes in, rows out.
 */

/** What the reader takes at most. A file beyond any of them is refused with a message that says which. */
export const READ_LIMITS = {
  /** Entries in the ZIP, read or not. */
  parts: 1000,
  /** Bytes the parts read (workbook, relationships, shared strings, the first sheet) unpack to, together. */
  unpackedBytes: 8 * 1024 * 1024,
  /** The last row and column a value may be in. */
  rows: 20_000,
  columns: 256,
  /** Cell elements in the sheet, and cells of the rows returned (the gaps before a value included). */
  cells: 200_000,
} as const;

/** A worksheet's own grid (Excel's, and the OOXML format's): no reference lies beyond it. */
const GRID = { rows: 1_048_576, columns: 16_384 } as const;

export class XlsxReadError extends Error {
  override readonly name = 'XlsxReadError';
  constructor(
    readonly zh: string,
    readonly en: string,
  ) {
    super(`${zh} / ${en}`);
  }
}

const MIB = 1024 * 1024;

/** The parts `wanted` keeps, unpacked; every entry counts towards `parts`, every byte unpacked towards the budget. */
function unzipParts(
  bytes: Uint8Array,
  wanted: (name: string) => boolean,
  budget: { bytes: number },
): Record<string, Uint8Array> {
  let entries = 0;
  try {
    return unzipSync(bytes, {
      filter: (file: UnzipFileInfo) => {
        if (++entries > READ_LIMITS.parts)
          throw new XlsxReadError(
            `XLSX 文件中的部分过多（超过 ${READ_LIMITS.parts} 个）`,
            `the XLSX file has too many parts (over ${READ_LIMITS.parts})`,
          );
        if (!wanted(file.name)) return false;
        // fflate unpacks into a buffer of the declared size and no further: the declared size is the cost.
        budget.bytes -= Math.max(file.originalSize, file.size);
        if (budget.bytes < 0)
          throw new XlsxReadError(
            `XLSX 文件解压后过大（超过 ${READ_LIMITS.unpackedBytes / MIB} MiB，在 ${file.name}）`,
            `the XLSX file is too large unpacked (over ${READ_LIMITS.unpackedBytes / MIB} MiB, at ${file.name})`,
          );
        return true;
      },
    });
  } catch (error) {
    if (error instanceof XlsxReadError) throw error;
    throw new XlsxReadError('不是有效的 XLSX 文件（无法解压）', 'not an XLSX file (it does not unzip)');
  }
}

/** `x:row` → `row`: the parts use the SpreadsheetML namespace with or without a prefix. */
const localName = (name: string) => name.slice(name.indexOf(':') + 1);

interface XmlHandlers {
  open?(name: string, attributes: Record<string, string>): void;
  close?(name: string): void;
  text?(text: string): void;
}

/** Streams one part through saxes; malformed XML and document type declarations are refused. */
function parseXml(part: string, xml: Uint8Array, handlers: XmlHandlers): void {
  const parser = new SaxesParser({ xmlns: false, position: false });
  parser.on('doctype', () => {
    throw new XlsxReadError(
      `XLSX 文件的 ${part} 含有文档类型声明（DOCTYPE），不予读取`,
      `the XLSX file's ${part} has a document type declaration (DOCTYPE); it is not read`,
    );
  });
  const { open, close, text } = handlers;
  if (open) parser.on('opentag', (tag: SaxesTagPlain) => open(localName(tag.name), tag.attributes));
  if (close) parser.on('closetag', (tag) => close(localName(tag.name)));
  if (text) {
    parser.on('text', text);
    parser.on('cdata', text);
  }
  try {
    parser.write(strFromU8(xml)).close();
  } catch (error) {
    if (error instanceof XlsxReadError) throw error;
    throw new XlsxReadError(
      `XLSX 文件的 ${part} 不是有效的 XML`,
      `the XLSX file's ${part} is not well-formed XML`,
    );
  }
}

/** An attribute by its local name (`r:id` is `id`). */
function attributeOf(attributes: Record<string, string>, name: string): string | undefined {
  if (name in attributes) return attributes[name];
  for (const [key, value] of Object.entries(attributes)) if (localName(key) === name) return value;
  return undefined;
}

/** The path of the workbook's first sheet, from workbook.xml and its relationships. */
function firstSheetPath(files: Record<string, Uint8Array>): string {
  const workbook = files['xl/workbook.xml'];
  const rels = files['xl/_rels/workbook.xml.rels'];
  if (workbook && rels) {
    let relationId: string | undefined;
    parseXml('xl/workbook.xml', workbook, {
      open(name, attributes) {
        if (name === 'sheet' && relationId === undefined) relationId = attributeOf(attributes, 'id') ?? '';
      },
    });
    let target: string | undefined;
    parseXml('xl/_rels/workbook.xml.rels', rels, {
      open(name, attributes) {
        if (name === 'Relationship' && target === undefined && attributes.Id === relationId)
          target = attributes.Target ?? '';
      },
    });
    if (target !== undefined)
      return target.startsWith('/') ? target.slice(1) : `xl/${target.replace(/^\.\//, '')}`;
  }
  return 'xl/worksheets/sheet1.xml';
}

/**
 * Collects the text of `<t>` elements inside `container` elements (a shared string `<si>`, an
 * inline string `<is>`), leaving out phonetic runs (`<rPh>` repeats the reading of East Asian text).
 */
class RichText {
  private depth = 0;
  private phonetic = 0;
  private inT = false;
  value: string | undefined;
  constructor(private readonly container: string) {}
  open(name: string): void {
    if (name === this.container && this.depth++ === 0) this.value = '';
    else if (this.depth > 0 && name === 'rPh') this.phonetic++;
    else if (this.depth > 0 && name === 't' && this.phonetic === 0) this.inT = true;
  }
  /** True when the container closed (its text is in `value`). */
  close(name: string): boolean {
    if (name === 't') this.inT = false;
    else if (name === 'rPh' && this.phonetic > 0) this.phonetic--;
    else if (name === this.container && this.depth > 0) return --this.depth === 0;
    return false;
  }
  text(text: string): void {
    if (this.inT) this.value += text;
  }
}

function readSharedStrings(xml: Uint8Array | undefined): string[] {
  const strings: string[] = [];
  if (!xml) return strings;
  const item = new RichText('si');
  parseXml('xl/sharedStrings.xml', xml, {
    open: (name) => item.open(name),
    close: (name) => {
      if (item.close(name)) strings.push(item.value ?? '');
    },
    text: (text) => item.text(text),
  });
  return strings;
}

const REFERENCE = /^([A-Za-z]+)(\d+)$/;

/** `C12` → column index 2. The row is the `<row>`'s: a reference's digits only have to be digits. */
function columnOf(reference: string): number {
  const match = reference.length <= 32 ? REFERENCE.exec(reference) : null;
  if (!match)
    throw new XlsxReadError(
      `单元格引用"${reference.slice(0, 32)}"无效`,
      `the cell reference "${reference.slice(0, 32)}" is not valid`,
    );
  const letters = match[1]!.toUpperCase();
  if (letters.length > 3) throw outsideGrid(cellNamed(reference));
  let column = 0;
  for (const ch of letters) column = column * 26 + (ch.charCodeAt(0) - 64);
  if (column > GRID.columns) throw outsideGrid(cellNamed(reference));
  return column - 1;
}

interface Where {
  zh: string;
  en: string;
}
const cellNamed = (reference: string): Where => ({ zh: `单元格 ${reference}`, en: `the cell ${reference}` });

const outsideGrid = (where: Where) =>
  new XlsxReadError(
    `${where.zh} 超出了工作表的范围（最多 ${GRID.rows} 行、${GRID.columns} 列）`,
    `${where.en} lies outside a worksheet (at most ${GRID.rows.toLocaleString('en')} rows and ${GRID.columns.toLocaleString('en')} columns)`,
  );

const beyondCap = (reference: string) =>
  new XlsxReadError(
    `单元格 ${reference} 超出了可读取的范围：最多 ${READ_LIMITS.rows} 行、${READ_LIMITS.columns} 列`,
    `the cell ${reference} is beyond what is read: at most ${READ_LIMITS.rows} rows and ${READ_LIMITS.columns} columns`,
  );

const tooManyCells = (reference: string) =>
  new XlsxReadError(
    `工作表的单元格过多（超过 ${READ_LIMITS.cells} 个，到 ${reference} 为止）`,
    `the worksheet has too many cells (over ${READ_LIMITS.cells.toLocaleString('en')}, as far as ${reference})`,
  );

/** A row's `r`: a whole number from 1 (whether it lies within the grid is checked where it is used). */
function parseRowNumber(value: string): number {
  const row = /^\d{1,15}$/.test(value) ? Number(value) : 0;
  if (row < 1) {
    const shown = value.slice(0, 32);
    throw new XlsxReadError(`行号"${shown}"无效`, `the row number "${shown}" is not valid`);
  }
  return row;
}

/** The text of one cell from its type (`t`), its value (`<v>`) and its inline string (`<is>`). */
function cellText(
  type: string | undefined,
  value: string | undefined,
  inline: string | undefined,
  shared: readonly string[],
): string {
  if (type === 's') return shared[Number(value)] ?? '';
  if (type === 'inlineStr') return inline ?? '';
  if (type === 'b') return value === '1' ? 'TRUE' : value === '0' ? 'FALSE' : '';
  return value ?? '';
}

/**
 * The first sheet's rows: `rows[i]` is spreadsheet row `i + 1`, each a list of cell texts (empty
 * string for an empty cell). Rows and cells with no value (formatting only) are not filled in past
 * the last value. Throws XlsxReadError when the bytes are not an XLSX workbook or exceed READ_LIMITS.
 */
export function readFirstSheet(bytes: Uint8Array): string[][] {
  const budget = { bytes: READ_LIMITS.unpackedBytes };
  // Two passes over the ZIP's directory: the workbook says which sheet is first, and only that one
  // (with the shared strings) is unpacked; the other sheets never cost memory.
  const workbook = unzipParts(
    bytes,
    (name) => name === 'xl/workbook.xml' || name === 'xl/_rels/workbook.xml.rels',
    budget,
  );
  const sheetPath = firstSheetPath(workbook);
  const files = unzipParts(bytes, (name) => name === sheetPath || name === 'xl/sharedStrings.xml', budget);
  const sheet = files[sheetPath];
  if (!sheet) throw new XlsxReadError('XLSX 文件中没有工作表', 'the XLSX file has no worksheet');
  const shared = readSharedStrings(files['xl/sharedStrings.xml']);

  const rows: string[][] = [];
  let cellCount = 0;
  let lastRow = 0;
  let row: { number: number; cells: string[]; lastColumn: number } | undefined;
  let cell: { reference: string; column: number; type?: string; value?: string } | undefined;
  let inValue = false;
  const inline = new RichText('is');

  const countCells = (n: number, where: string) => {
    cellCount += n;
    if (cellCount > READ_LIMITS.cells) throw tooManyCells(where);
  };
  const place = (where: string, column: number, text: string) => {
    if (!row) return;
    if (row.number > READ_LIMITS.rows || column >= READ_LIMITS.columns) throw beyondCap(where);
    const { cells } = row;
    if (column >= cells.length) {
      countCells(column + 1 - cells.length, where);
      while (cells.length < column) cells.push('');
    }
    cells[column] = text;
  };

  parseXml(sheetPath, sheet, {
    open(name, attributes) {
      if (name === 'row') {
        const number = attributes.r === undefined ? lastRow + 1 : parseRowNumber(attributes.r);
        lastRow = number;
        row = { number, cells: [], lastColumn: -1 };
      } else if (name === 'c' && row) {
        const column = attributes.r === undefined ? row.lastColumn + 1 : columnOf(attributes.r);
        // Named where the value would go: the row's number and the reference's column.
        const reference = `${columnName(Math.min(column, GRID.columns))}${row.number}`;
        if (column >= GRID.columns || row.number > GRID.rows) throw outsideGrid(cellNamed(reference));
        row.lastColumn = column;
        countCells(1, reference);
        cell = { reference, column, ...(attributes.t === undefined ? {} : { type: attributes.t }) };
        inline.value = undefined;
      } else if (name === 'v' && cell) {
        inValue = true;
        cell.value ??= '';
      } else if (cell) inline.open(name);
    },
    close(name) {
      if (name === 'v') inValue = false;
      else if (name === 'c' && cell) {
        // A cell without a value is formatting only: it does not stretch the row.
        if (cell.value !== undefined || inline.value !== undefined)
          place(cell.reference, cell.column, cellText(cell.type, cell.value, inline.value, shared));
        cell = undefined;
      } else if (name === 'row' && row) {
        if (row.number > GRID.rows) throw outsideGrid({ zh: `第 ${row.number} 行`, en: `row ${row.number}` });
        if (row.cells.length > 0) {
          if (rows.length < row.number - 1) countCells(row.number - 1 - rows.length, `A${row.number}`);
          while (rows.length < row.number - 1) rows.push([]);
          rows[row.number - 1] = row.cells;
        }
        row = undefined;
      } else if (cell) inline.close(name);
    },
    text(text) {
      if (inValue && cell) cell.value += text;
      else if (cell) inline.text(text);
    },
  });
  return rows;
}
