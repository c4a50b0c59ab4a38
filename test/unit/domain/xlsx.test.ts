/** The XLSX writer, read back by an independent reader (exceljs). No I/O. */
import ExcelJS from 'exceljs';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { seasonFigures } from '#domain/season-figures';
import { seasonWorkbookSheets } from '#domain/season-report';
import { xlsxWorkbook } from '#domain/xlsx';

async function read(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  return workbook;
}

const names = {
  county: (id: string) => ({ chunan: '淳安县' })[id] ?? id,
  town: (_: string, id: string) => ({ linqi: '临岐镇 <&>' })[id] ?? id,
  society: (id: string) =>
    ({ 'dianzi-shangwu': '杭州市电子商务学会', nongxue: '杭州市农学会', zhongyiyao: '杭州市中医药学会' })[
      id
    ] ?? id,
};
const VISIT = {
  countyId: 'chunan',
  townId: 'linqi',
  questions: [
    { theme: 'talent' as const, needIds: ['n1'] },
    { theme: 'industry' as const, needIds: ['n2'] },
  ],
};
const REPORT = {
  countyId: 'chunan',
  societyId: 'dianzi-shangwu',
  version: 2,
  visitDate: '2026-10-15',
  reportedAt: '2026-10-15T06:30:00Z',
  answers: {
    talent: '需要电商运营讲师两名，长期驻点指导直播带货与网店装修。',
    industry: '山核桃加工',
    literacy: '老年人防诈骗',
    advice: '物流集散点选址',
    grassroots: '科协活动室',
  },
  outcomes: [{ needId: 'n1', outcome: 'resolved' as const, note: '已签约' }],
  cooperations: [{ title: '农村电商直播培训', partner: '临岐镇政府' }],
};

function workbookOfOneVisit(
  offers = [
    { countyId: 'chunan', societyId: 'dianzi-shangwu', needIds: ['n1'], status: 'accepted' as const },
  ],
) {
  const report = seasonFigures({
    season: '2026-Q4',
    visits: [VISIT],
    offers: [{ countyId: 'chunan', needIds: ['n1'], status: 'accepted' }],
    reports: [REPORT],
    submitted: [{ id: 'n1', countyId: 'chunan' }],
  });
  return xlsxWorkbook(
    seasonWorkbookSheets({
      report,
      names,
      visits: [VISIT],
      offers,
      reports: [REPORT],
      needs: new Map([
        [
          'n1',
          {
            id: 'n1',
            title: '农村电商运营人才',
            theme: 'talent',
            field: '电商',
            urgency: 'high',
            submittedAt: '2026-09-30T17:00:00Z',
          },
        ],
      ]),
    }),
  );
}

describe('the season workbook', () => {
  it('names who holds each need now, never a society that declined, and the way it went in its own column', async () => {
    const moved = await read(
      workbookOfOneVisit([
        { countyId: 'chunan', societyId: 'nongxue', needIds: ['n1', 'n2'], status: 'declined', attempt: 1 },
        { countyId: 'chunan', societyId: 'dianzi-shangwu', needIds: ['n1'], status: 'accepted', attempt: 2 },
      ] as never),
    );
    const needs = moved.getWorksheet('需求')!;
    expect([needs.getCell('H2').value, needs.getCell('I2').value, needs.getCell('L2').value]).toEqual([
      '杭州市电子商务学会',
      '已接受',
      '杭州市农学会（已婉拒） → 杭州市电子商务学会（已接受）',
    ]);
    // Declined and not moved: nobody holds it.
    expect([needs.getCell('H3').value, needs.getCell('I3').value, needs.getCell('L3').value]).toEqual([
      '未分派',
      null,
      '杭州市农学会（已婉拒）',
    ]);
  });

  it('has four sheets: county summary, visits with the five answers, needs with outcomes, cooperations', async () => {
    const workbook = await read(workbookOfOneVisit());

    expect(workbook.worksheets.map((s) => s.name)).toEqual(['县汇总', '走访', '需求', '合作']);
    const [summary, visits, needs, coops] = workbook.worksheets as ExcelJS.Worksheet[] as [
      ExcelJS.Worksheet,
      ExcelJS.Worksheet,
      ExcelJS.Worksheet,
      ExcelJS.Worksheet,
    ];
    expect((summary.getRow(1).values as unknown[]).slice(1)).toEqual([
      '县（市、区）',
      '走访乡镇',
      '收集需求',
      '本次走访涉及需求',
      '已分派',
      '未分派',
      '已走访',
      '已办结',
      '达成合作',
      '结转下季',
      '走访日期',
      '报告提交时间（北京时间）',
    ]);
    expect((summary.getRow(2).values as unknown[]).slice(1, 11)).toEqual([
      '淳安县',
      '临岐镇 <&>',
      1,
      2,
      1,
      1,
      1,
      1,
      1,
      1,
    ]);
    expect(summary.getCell('A3').value).toBe('合计');
    expect((visits.getRow(1).values as unknown[]).slice(1)).toEqual([
      '县（市、区）',
      '乡镇',
      '学会',
      '报告状态',
      '报告版本',
      '走访日期',
      '报告提交时间（北京时间）',
      '人才引智',
      '科技兴业',
      '科普素养',
      '建言献策',
      '强基固本',
    ]);
    expect((visits.getRow(2).values as unknown[]).slice(1, 6)).toEqual([
      '淳安县',
      '临岐镇 <&>',
      '杭州市电子商务学会',
      '已提交',
      2,
    ]);
    expect(visits.getCell('H2').value).toBe(REPORT.answers.talent);
    expect(visits.getCell('L2').value).toBe('科协活动室');
    expect((needs.getRow(1).values as unknown[]).slice(1)).toEqual([
      '县（市、区）',
      '乡镇',
      '需求',
      '主题',
      '领域',
      '紧急程度',
      '提交日期',
      '承接学会',
      '邀请状态',
      '办理结果',
      '说明',
      '经过',
    ]);
    expect((needs.getRow(2).values as unknown[]).slice(1)).toEqual([
      '淳安县',
      '临岐镇 <&>',
      '农村电商运营人才',
      '人才引智',
      '电商',
      '紧急',
      new Date('2026-10-01T00:00:00Z'), // 17:00 UTC on 30 September is 1 October in Beijing
      '杭州市电子商务学会',
      '已接受',
      '已解决',
      '已签约',
    ]);
    // A need on the visit that no society holds, and no report speaks of.
    expect([needs.getCell('H3').value, needs.getCell('J3').value]).toEqual(['未分派', '未报告']);
    expect((coops.getRow(1).values as unknown[]).slice(1)).toEqual([
      '县（市、区）',
      '乡镇',
      '学会',
      '合作内容',
      '合作方',
      '走访日期',
    ]);
    expect((coops.getRow(2).values as unknown[]).slice(1, 6)).toEqual([
      '淳安县',
      '临岐镇 <&>',
      '杭州市电子商务学会',
      '农村电商直播培训',
      '临岐镇政府',
    ]);
  });

  it('writes dates as date cells, freezes each header row and sizes columns for Chinese text', async () => {
    const workbook = await read(workbookOfOneVisit());
    const [summary, visits, needs, coops] = workbook.worksheets as [
      ExcelJS.Worksheet,
      ExcelJS.Worksheet,
      ExcelJS.Worksheet,
      ExcelJS.Worksheet,
    ];

    for (const sheet of workbook.worksheets) {
      expect(sheet.views[0], sheet.name).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(sheet.getCell('A1').font?.bold, sheet.name).toBe(true);
    }
    // Spreadsheet dates are wall-clock times; exceljs hands them back as that time in UTC.
    expect(summary.getCell('K2').value).toEqual(new Date('2026-10-15T00:00:00Z'));
    expect(summary.getCell('K2').numFmt).toBe('yyyy-mm-dd');
    expect(summary.getCell('L2').value).toEqual(new Date('2026-10-15T14:30:00Z')); // 06:30 UTC is 14:30 in Beijing
    expect(summary.getCell('L2').numFmt).toBe('yyyy-mm-dd hh:mm');
    expect(visits.getCell('F2').value).toBeInstanceOf(Date);
    expect(visits.getCell('G2').numFmt).toBe('yyyy-mm-dd hh:mm');
    expect(needs.getCell('G2').numFmt).toBe('yyyy-mm-dd');
    expect(coops.getCell('F2').value).toEqual(new Date('2026-10-15T00:00:00Z'));
    // Widths: a Chinese character counts two; 杭州市电子商务学会 is 9 characters, 18 wide.
    expect(visits.getColumn(3).width).toBeGreaterThanOrEqual(18);
    expect(summary.getColumn(4).width).toBeGreaterThanOrEqual(16); // 本次走访涉及需求
    expect(coops.getColumn(4).width).toBeGreaterThanOrEqual(16); // 农村电商直播培训
    // A long answer wraps in a column at most 40 wide rather than running off the screen.
    expect(visits.getColumn(8).width).toBe(40);
    expect(visits.getCell('H2').alignment?.wrapText).toBe(true);
  });

  it('names its default cell style Normal, so readers (openpyxl) take it as the workbook’s default', () => {
    const files = unzipSync(xlsxWorkbook([{ name: '表', rows: [['县'], ['淳安县']] }]));
    const styles = new TextDecoder().decode(files['xl/styles.xml']);
    expect(styles).toContain(
      '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>',
    );
    // cellStyles follows cellXfs, as the schema orders them.
    expect(styles.indexOf('<cellStyles')).toBeGreaterThan(styles.indexOf('</cellXfs>'));
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
