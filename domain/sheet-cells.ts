// The cells of a sheet, shared by the XLSX writer (domain/xlsx.ts), the CSV and Word reports and the
// spreadsheet reader; apart from the writer so that what only needs cells does not load the zip.

/**
 * A wall-clock date (`2026-10-15`) or date and time (`2026-10-15 14:30`), written as a real
 * spreadsheet date. Spreadsheet dates have no time zone: pass the local time people read
 * (Asia/Shanghai here).
 */
export interface DateCell {
  readonly date: string;
}
export type CellValue = string | number | DateCell;

export interface Sheet {
  /** Shown on the tab; cut to 31 characters, characters Excel refuses become "-". */
  readonly name: string;
  /** The first row is the header: bold, and frozen when the sheet scrolls. */
  readonly rows: readonly (readonly CellValue[])[];
  /** Column widths in characters. @default from the longest cell of each column */
  readonly columnWidths?: readonly number[];
  /** Columns (0-based) of long text: wrapped in the cell, at most 40 characters wide. */
  readonly wrapColumns?: readonly number[];
}

/** The text a cell shows, for CSV and for sizing columns. */
export function cellText(value: CellValue): string {
  return typeof value === 'object' ? value.date : String(value);
}

/** Column index 0 → `A`, 26 → `AA`. */
export function columnName(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26))
    name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

/**
 * Text a spreadsheet would take for a formula: starting with = + - @ (or their full-width forms), a
 * tab or a carriage return (OWASP's "CSV injection"). Written as text: see cellXml and the CSV report.
 */
export const startsLikeFormula = (text: string): boolean => /^[=+\-@\t\r＝＋－＠]/.test(text);
