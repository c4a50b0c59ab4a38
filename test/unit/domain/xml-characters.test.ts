/**
 * Characters XML 1.0 cannot hold: refused where people type them (a need's title), and never
 * written into a workbook, so a liaison cannot make the coordinator's XLSX unreadable. No I/O.
 */
import ExcelJS from 'exceljs';
import { unzipSync } from 'fflate';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { xlsxWorkbook } from '#domain/xlsx';
import { validate } from '#schemas/messages';
import { NeedInput } from '#schemas/need-api';

const NEED = {
  countyId: 'chunan',
  townId: 'linqi',
  theme: 'industry',
  field: '茶叶',
  detail: '',
  urgency: 'normal',
};

/** Every XML part of the workbook through a conforming parser; the first error, if any. */
function xmlErrors(bytes: Uint8Array): string[] {
  const errors: string[] = [];
  for (const [name, data] of Object.entries(unzipSync(bytes))) {
    if (!name.endsWith('.xml') && !name.endsWith('.rels')) continue;
    try {
      new SaxesParser().write(new TextDecoder().decode(data)).close();
    } catch (error) {
      errors.push(`${name}: ${(error as Error).message}`);
    }
  }
  return errors;
}

describe('a need title with characters XML cannot hold', () => {
  it.each([
    ['U+FFFE U+FFFF', '茶叶\uFFFE\uFFFF加工'],
    ['U+FDD0', '茶叶\uFDD0'],
    ['U+1FFFF', '茶叶\u{1FFFF}'],
    ['U+10FFFE', '茶叶\u{10FFFE}'],
    ['a lone high surrogate', '茶叶\uD800'],
    ['a lone low surrogate', '\uDC00茶叶'],
  ])('is refused at input, naming the title in both languages (%s)', (_, title) => {
    const result = validate(NeedInput, { ...NEED, title });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toHaveLength(1);
    const [issue] = result.issues;
    expect(issue!.path).toBe('title');
    expect(issue!.zh).toMatch(/^「标题」.*(非字符|孤立的代理项)/);
    expect(issue!.en).toMatch(/^Title .*(noncharacter|lone surrogate)/);
  });

  it('is still accepted with ideographs of the supplementary planes and emoji', () => {
    expect(validate(NeedInput, { ...NEED, title: '𠀀𪚥 加工 🍵' }).ok).toBe(true);
  });
});

describe('the XLSX writer', () => {
  it('leaves out every character XML 1.0 forbids, so each part parses and exceljs opens the file', async () => {
    const hostile = 'a\uFFFEb\uFFFFc\uD800d\uDFFFe\u0000f\u001Fg';
    const bytes = xlsxWorkbook([
      { name: `表\uFFFF`, rows: [['标题'], [hostile], ['茶叶\u{1F375}\u{20000}']] },
    ]);
    expect(xmlErrors(bytes)).toEqual([]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.name).toBe('表');
    expect(sheet.getCell('A2').value).toBe('abcdefg');
    // Characters outside the Basic Multilingual Plane are kept whole.
    expect(sheet.getCell('A3').value).toBe('茶叶\u{1F375}\u{20000}');
  });
});
