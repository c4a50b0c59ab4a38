/** The XLSX writer, read back by an independent reader (exceljs). No I/O. */
import ExcelJS from 'exceljs';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { seasonReport, seasonReportTable } from '../../domain/season-report.ts';
import { xlsxWorkbook } from '../../domain/xlsx.ts';

async function read(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  return workbook;
}

describe('xlsxWorkbook', () => {
  it('writes the season table with a bold frozen header, numbers as numbers and visit/report times as dates', async () => {
    const report = seasonReport(
      '2026-Q4',
      [{ countyId: 'chunan', townId: 'linqi', questions: [{ needIds: ['n1'] }], unassignedNeedIds: [] }],
      [],
      [],
    );
    const rows = seasonReportTable(
      report,
      () => ['淳安县', '临岐镇 <&>'],
      () => ({ visitDate: '2026-10-15', reportedAt: '2026-10-15T06:30:00Z' }),
    );

    const workbook = await read(xlsxWorkbook([{ name: '2026-Q4 季度报告', rows }]));

    expect(workbook.worksheets.map((s) => s.name)).toEqual(['2026-Q4 季度报告']);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getRow(1).values).toEqual([
      undefined, // exceljs rows are 1-based
      '县（市、区）',
      '走访乡镇',
      '收集需求',
      '已分派',
      '未分派',
      '已走访',
      '已办结',
      '达成合作',
      '结转下季',
      '走访日期',
      '报告提交时间（北京时间）',
    ]);
    expect(sheet.getCell('A1').font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.getCell('A2').value).toBe('淳安县');
    expect(sheet.getCell('B2').value).toBe('临岐镇 <&>');
    expect(sheet.getCell('C2').value).toBe(1);
    expect(sheet.getCell('C2').type).toBe(ExcelJS.ValueType.Number);
    // Spreadsheet dates are wall-clock times; exceljs hands them back as that time in UTC.
    expect(sheet.getCell('J2').value).toEqual(new Date('2026-10-15T00:00:00Z'));
    expect(sheet.getCell('J2').numFmt).toBe('yyyy-mm-dd');
    expect(sheet.getCell('K2').value).toEqual(new Date('2026-10-15T14:30:00Z')); // 06:30 UTC is 14:30 in Beijing
    expect(sheet.getCell('K2').numFmt).toBe('yyyy-mm-dd hh:mm');
    expect(sheet.getCell('A3').value).toBe('合计');
    expect(sheet.getCell('C3').value).toBe(1);
  });

  it('writes several sheets in order, each with its header frozen, column widths as given and unique tab names', async () => {
    const bytes = xlsxWorkbook([
      {
        name: '县汇总',
        rows: [
          ['县', '需求'],
          ['淳安县', 3],
        ],
        columnWidths: [20, 9],
      },
      { name: '走访/visits: [2026]', rows: [['日期'], [{ date: '2026-10-01' }]] },
      { name: '县汇总', rows: [['x']] },
      { name: 'x'.repeat(40), rows: [['y']] },
    ]);

    const workbook = await read(bytes);

    expect(workbook.worksheets.map((s) => s.name)).toEqual([
      '县汇总',
      '走访-visits- -2026-',
      '县汇总(2)',
      'x'.repeat(31),
    ]);
    for (const sheet of workbook.worksheets)
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const [summary, visits] = workbook.worksheets;
    expect([summary!.getColumn(1).width, summary!.getColumn(2).width]).toEqual([20, 9]);
    expect(summary!.getCell('B2').value).toBe(3);
    expect(visits!.getCell('A2').value).toEqual(new Date('2026-10-01T00:00:00Z'));
    // Widths by default follow the longest cell; Chinese characters count double.
    expect(visits!.getColumn(1).width).toBeGreaterThanOrEqual(12);
  });

  it('drops characters XML can not hold and writes the same bytes for the same sheets', () => {
    const sheets = [{ name: 'a', rows: [['x\u0001y\u000bz\tw']] }];
    const bytes = xlsxWorkbook(sheets);

    const sheetXml = new TextDecoder().decode(unzipSync(bytes)['xl/worksheets/sheet1.xml']);
    expect(sheetXml).toContain('<t xml:space="preserve">xyz\tw</t>');
    expect(Buffer.from(xlsxWorkbook(sheets)).equals(Buffer.from(bytes))).toBe(true);
  });

  it('refuses a date cell that is not a date, and a workbook without sheets', () => {
    expect(() => xlsxWorkbook([{ name: 'a', rows: [['h'], [{ date: '15/10/2026' }]] }])).toThrow(
      /not a date cell/,
    );
    expect(() => xlsxWorkbook([])).toThrow(/at least one sheet/);
  });
});
