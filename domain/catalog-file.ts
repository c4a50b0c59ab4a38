import { parse } from 'csv-parse/sync';
import { readFirstSheet, XlsxReadError } from './xlsx-read.ts';

/*
 * A spreadsheet's cells as rows of text, whatever the file: CSV (UTF-8, with or without BOM, or
 * GB18030 as Excel saves "CSV" on a Chinese Windows) through csv-parse, XLSX through the small reader
 * on fflate. Row i of the result is the spreadsheet's row i + 1. Pure.
 */

export class SpreadsheetError extends Error {
  override readonly name = 'SpreadsheetError';
  constructor(
    readonly zh: string,
    readonly en: string,
    readonly row?: number,
  ) {
    super(`${zh} / ${en}`);
  }
}

/** A CSV's bytes as text: UTF-8 (with or without BOM), else GB18030 (Excel's "CSV" on a Chinese Windows). */
export function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

export function readSpreadsheet(format: 'csv' | 'xlsx', bytes: Uint8Array): string[][] {
  if (format === 'xlsx') {
    try {
      return readFirstSheet(bytes);
    } catch (error) {
      if (error instanceof XlsxReadError) throw new SpreadsheetError(error.zh, error.en);
      throw new SpreadsheetError('无法读取 XLSX 文件', 'the XLSX file could not be read');
    }
  }
  try {
    const rows = parse(decodeText(bytes), {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: false,
    }) as string[][];
    return rows;
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw new SpreadsheetError(
      `CSV 格式错误${line ? `（第 ${line} 行附近）` : ''}，例如引号没有闭合`,
      `the CSV is malformed${line ? ` (near line ${line})` : ''}, e.g. a quote is never closed`,
      line,
    );
  }
}
