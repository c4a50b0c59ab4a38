import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { readSpreadsheet, SpreadsheetError } from '#domain/catalog-file';
import { catalogSheet, readCatalogSheet } from '#domain/catalog-sheet';
import { xlsxWorkbook } from '#domain/xlsx';
import { readFirstSheet } from '#domain/xlsx-read';
import type { County, Society } from '#schemas/catalog';
import { SMALL_CATALOG } from '#support/small-catalog';

// The catalog spreadsheet without a database: the small XLSX reader against files written by an
// independent writer (exceljs), CSV through csv-parse, and the rows read back with an error per
// row and column.

const current = {
  societies: new Map(SMALL_CATALOG.societies.map((s) => [s.id, s as Society])),
  counties: new Map(SMALL_CATALOG.counties.map((c) => [c.id, c as County])),
};

async function exceljsFile(rows: (string | number | null)[][], sheetName = '学会'): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(sheetName);
  for (const row of rows) sheet.addRow(row);
  // A second sheet the reader must not read.
  workbook.addWorksheet('说明').addRow(['这一页不导入']);
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

describe('the XLSX reader', () => {
  it('reads the first sheet of a file written by exceljs: shared strings, numbers, gaps, rich text', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('学会');
    sheet.addRow(['学会编号', '容量', '备注']);
    sheet.getCell('A2').value = 'nongxue';
    sheet.getCell('B2').value = 3;
    sheet.getCell('D2').value = '跳过一列 & <符号>';
    sheet.getCell('A3').value = { richText: [{ text: '富' }, { font: { bold: true }, text: '文本' }] };
    sheet.getCell('B5').value = 12.5;
    workbook.addWorksheet('第二页').addRow(['不读']);
    const rows = readFirstSheet(new Uint8Array(await workbook.xlsx.writeBuffer()));
    expect(rows[0]).toEqual(['学会编号', '容量', '备注']);
    expect(rows[1]).toEqual(['nongxue', '3', '', '跳过一列 & <符号>']);
    expect(rows[2]).toEqual(['富文本']);
    expect(rows[3]).toEqual([]);
    expect(rows[4]).toEqual(['', '12.5']);
  });

  it('reads the inline strings of our own writer (the template) back as written', () => {
    const bytes = xlsxWorkbook([
      {
        name: '表',
        rows: [
          ['甲', 1, '"引号"'],
          ['', 'b'],
        ],
      },
    ]);
    expect(readFirstSheet(bytes)).toEqual([
      ['甲', '1', '"引号"'],
      ['', 'b'],
    ]);
  });

  it('says, in both languages, that a file which is not XLSX cannot be read', () => {
    expect(() => readSpreadsheet('xlsx', new TextEncoder().encode('学会编号,容量'))).toThrow(
      SpreadsheetError,
    );
    expect(() => readSpreadsheet('xlsx', new TextEncoder().encode('x'))).toThrow(
      expect.objectContaining({
        name: 'SpreadsheetError',
        zh: expect.stringMatching(/XLSX/),
        en: expect.stringMatching(/not an XLSX file/),
      }),
    );
  });
});

describe('CSV', () => {
  it('reads UTF-8 with a BOM, quoted cells with commas and line breaks, and GB18030 as Excel saves it', () => {
    const text = '学会编号,学会名称\r\nnongxue,"农学会, 山溪"\r\nkepu,"两\n行"\r\n';
    expect(readSpreadsheet('csv', new TextEncoder().encode(`\uFEFF${text}`))).toEqual([
      ['学会编号', '学会名称'],
      ['nongxue', '农学会, 山溪'],
      ['kepu', '两\n行'],
    ]);
    // 学会编号 in GB18030.
    const gb = new Uint8Array([0xd1, 0xa7, 0xbb, 0xe1, 0xb1, 0xe0, 0xba, 0xc5, 0x0a, 0x61, 0x0a]);
    expect(readSpreadsheet('csv', gb)).toEqual([['学会编号'], ['a']]);
  });

  it('refuses a quote never closed, naming a line', () => {
    expect(() => readSpreadsheet('csv', new TextEncoder().encode('学会编号\n"open\n'))).toThrow(/CSV/);
  });
});

describe('reading a catalog sheet', () => {
  const HEADERS = ['学会编号', '学会名称', '英文名称', '主题', '专业领域', '容量', '联系人', '电话', '邮箱'];

  it('names each bad cell by its row and column, in Chinese and English', async () => {
    const rows = readFirstSheet(
      await exceljsFile([
        HEADERS,
        ['nongxue', '山溪农学会', '', '科技兴业', '茶叶', 3, '', '', ''],
        ['kepu', '临河科普协会', '', '科普素养、种地', '健康', '两个', '', '', 'not-an-email'],
        ['Bad Id', '新学会', '', '人才引智', '无人机', 1, '', '', ''],
        ['nongxue', '重复', '', '科技兴业', '茶叶', 1, '', '', ''],
        ['newone', '新学会', '', '人才引智', '', 1, '', '', ''],
      ]),
    );
    const sheet = readCatalogSheet(rows, current);
    expect(sheet.kind).toBe('societies');
    const cells = sheet.issues.map((i) => `${i.row}:${i.column}`);
    expect(cells).toEqual(
      expect.arrayContaining([
        '3:主题',
        '3:容量',
        '3:邮箱',
        '4:学会编号',
        '4:英文名称',
        '5:学会编号',
        '6:专业领域',
        '6:英文名称',
      ]),
    );
    expect(cells).not.toContain('2:英文名称');
    const theme = sheet.issues.find((i) => i.row === 3 && i.column === '主题')!;
    expect(theme.zh).toContain('种地');
    expect(theme.en).toContain('no theme "种地"');
    for (const issue of sheet.issues) {
      expect(issue.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(issue.en).toMatch(/[a-z]/);
    }
  });

  it('keeps the English name a sheet leaves empty for a society that exists, and splits lists on 、 , ；', () => {
    const sheet = readCatalogSheet(
      [
        HEADERS,
        [
          'nongxue',
          '山溪农学会',
          '',
          '科技兴业；industry',
          '茶叶、果树, 蔬菜',
          '4',
          '赵工',
          '+86 571 1234 5678',
          '',
        ],
      ],
      current,
    );
    expect(sheet.issues).toEqual([]);
    expect(sheet.records[0]!.record).toEqual({
      id: 'nongxue',
      name: { zh: '山溪农学会', en: 'Shanxi Agricultural Society' },
      themes: ['industry'],
      fields: ['茶叶', '果树', '蔬菜'],
      capacityPerSeason: 4,
      contact: { name: '赵工', phone: '+86 571 1234 5678' },
    });
  });

  it('reads counties from a row per town, and names a town id twice and a county name that differs', () => {
    const sheet = readCatalogSheet(
      [
        ['县编号', '县名', '县英文名', '镇编号', '镇名', '镇英文名'],
        ['shanxi', '山溪县', '', 'dongcun', '东村镇', ''],
        ['shanxi', '山溪县', '', 'dongcun', '东村镇', ''],
        ['shanxi', '山溪', '', 'beicun', '北村镇', 'Beicun'],
        ['qingshan', '青山县', 'Qingshan County', 'shangcun', '上村镇', ''],
      ],
      current,
    );
    expect(sheet.kind).toBe('counties');
    expect(sheet.issues.map((i) => `${i.row}:${i.column}`)).toEqual(['3:镇编号', '4:县名', '5:镇英文名']);
  });

  it("reads a county's contact from an exceljs file: its first row, a later row empty or the same, robot kind by name", async () => {
    const robot = 'https://oapi.dingtalk.com/robot/send?access_token=abc';
    const file = await exceljsFile(
      [
        [
          '县编号',
          '县名',
          '县英文名',
          '镇编号',
          '镇名',
          '镇英文名',
          '联系人',
          '电子邮件',
          '手机号',
          '群机器人',
          '机器人类型',
          '加签密钥',
        ],
        [
          'shanxi',
          '山溪县',
          '',
          'dongcun',
          '东村镇',
          '',
          '陈联络',
          'shanxi@example.org',
          '+86 571 5555 0101',
          robot,
          '钉钉',
          'SECabc',
        ],
        ['shanxi', '山溪县', '', 'xicun', '西村镇', '', null, null, null, null, null, null],
        ['linhe', '临河县', '', 'hekou', '河口镇', '', '', 'qs@example.org', '', '', '', ''],
        ['linhe', '临河县', '', 'xiacun', '下村镇', 'Xiacun', '', 'other@example.org', '', '', '', ''],
        ['baishi', '白石县', 'Baishi County', 'a', '甲镇', 'A', '', '', '12', '', '飞书', 'SEClonely'],
      ],
      '县与乡镇',
    );
    const sheet = readCatalogSheet(readSpreadsheet('xlsx', file), current);
    expect(sheet.issues.map((i) => `${i.row}:${i.column}`)).toEqual([
      '5:联系人',
      '6:机器人类型',
      '6:加签密钥',
      '6:手机号',
    ]);
    const shanxi = sheet.records.find((r) => r.record.id === 'shanxi')!.record as County;
    expect(shanxi.contact).toEqual({
      name: '陈联络',
      email: 'shanxi@example.org',
      phone: '+86 571 5555 0101',
      webhook: robot,
      webhookKind: 'dingtalk',
      webhookSecret: 'SECabc',
    });
    expect(shanxi.towns.map((t) => t.id)).toEqual(['dongcun', 'xicun']);
  });

  it('keeps a stored secret on an empty 加签密钥 cell and a stored contact when the sheet has no contact columns', () => {
    const robot = 'https://oapi.dingtalk.com/robot/send?access_token=abc';
    const withContact = {
      ...current,
      counties: new Map(
        [...current.counties].map(([id, c]) => [
          id,
          { ...c, contact: { email: 'x@example.org', webhook: robot, webhookSecret: 'SECkept' } },
        ]),
      ),
    };
    const town = SMALL_CATALOG.counties[0]!.towns[0]!;
    const id = SMALL_CATALOG.counties[0]!.id;
    const zh = SMALL_CATALOG.counties[0]!.name.zh;
    const emptySecret = readCatalogSheet(
      [
        ['县编号', '县名', '镇编号', '镇名', '电子邮件', '群机器人', '加签密钥'],
        [id, zh, town.id, town.name.zh, 'new@example.org', robot, ''],
      ],
      withContact,
    );
    expect(emptySecret.issues).toEqual([]);
    expect((emptySecret.records[0]!.record as County).contact).toEqual({
      email: 'new@example.org',
      webhook: robot,
      webhookSecret: 'SECkept',
    });
    const oldSheet = readCatalogSheet(
      [
        ['县编号', '县名', '镇编号', '镇名'],
        [id, zh, town.id, town.name.zh],
      ],
      withContact,
    );
    expect((oldSheet.records[0]!.record as County).contact).toEqual({
      email: 'x@example.org',
      webhook: robot,
      webhookSecret: 'SECkept',
    });
  });

  it('writes no secret in the template: the contact columns without 加签密钥', () => {
    const robot = 'https://oapi.dingtalk.com/robot/send?access_token=abc';
    const counties = SMALL_CATALOG.counties.map((c) => ({
      ...c,
      contact: { name: '陈', webhook: robot, webhookKind: 'wecom' as const, webhookSecret: 'SECnever' },
    }));
    const rows = readFirstSheet(xlsxWorkbook([catalogSheet('counties', { societies: [], counties })]));
    expect(rows[0]).toEqual([
      '县编号',
      '县名',
      '县英文名',
      '镇编号',
      '镇名',
      '镇英文名',
      '联系人',
      '电子邮件',
      '手机号',
      '群机器人',
      '机器人类型',
    ]);
    expect(rows[1]!.slice(6)).toEqual(['陈', '', '', robot, '企业微信']);
    expect(JSON.stringify(rows)).not.toContain('SECnever');
  });

  it('asks for a header it knows when the first row has none', () => {
    const sheet = readCatalogSheet([['名字', '数量']], current);
    expect(sheet.issues[0]).toMatchObject({ row: 1 });
    expect(sheet.issues[0]!.zh).toContain('学会编号');
  });

  it('reads the template of the catalog back into the very same catalog', () => {
    for (const kind of ['societies', 'counties'] as const) {
      const sheet = catalogSheet(kind, SMALL_CATALOG);
      const rows = readFirstSheet(xlsxWorkbook([sheet]));
      const read = readCatalogSheet(rows, current);
      expect(read.issues).toEqual([]);
      const expected = kind === 'societies' ? SMALL_CATALOG.societies : SMALL_CATALOG.counties;
      const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
      expect(read.records.map((r) => r.record)).toEqual([...expected].sort(byId));
    }
  });
});
