/**
 * A catalog sheet of bad rows is answered with the first errors and a count of the rest, not with
 * an error per cell of the whole file (a 988 KiB CSV made a 40 MB error body). No I/O.
 */
import { describe, expect, it } from 'vitest';
import { readSpreadsheet } from '#domain/catalog-file';
import { MAX_LISTED_ISSUES, readCatalogSheet } from '#domain/catalog-sheet';

const EMPTY = { societies: new Map(), counties: new Map() };

/** A CSV of `bytes` bytes or just under, whose every row has four bad cells. */
function badCsv(bytes: number): Uint8Array {
  const header = '学会编号,学会名称,英文名称,主题,专业领域,容量\r\n';
  const row = (i: number) => `Bad Id ${String(i).padStart(6, '0')},名称,,没有这个主题,田,很多\r\n`;
  const encoder = new TextEncoder();
  const rows = Math.floor((bytes - encoder.encode(header).length) / encoder.encode(row(0)).length);
  return encoder.encode(header + Array.from({ length: rows }, (_, i) => row(i)).join(''));
}

describe('the errors of a catalog sheet', () => {
  it(`lists the first ${MAX_LISTED_ISSUES} and counts the rest, in Chinese and English`, () => {
    const bytes = badCsv(988 * 1024);
    const table = readSpreadsheet('csv', bytes);
    const sheet = readCatalogSheet(table, EMPTY);

    expect(sheet.issueCount).toBeGreaterThan(40_000);
    expect(sheet.issues).toHaveLength(MAX_LISTED_ISSUES + 1);
    const rest = sheet.issues.at(-1)!;
    const unlisted = sheet.issueCount - MAX_LISTED_ISSUES;
    expect(rest.zh).toContain(`另有 ${unlisted} 处错误未列出`);
    expect(rest.en).toContain(`${unlisted} more errors not listed`);
    // The answer stays small whatever the file: tens of kilobytes, not megabytes.
    expect(JSON.stringify(sheet.issues).length).toBeLessThan(64 * 1024);
  });

  it('lists every error when there are no more than the cap, with no note of a rest', () => {
    const table = [
      ['学会编号', '学会名称', '英文名称', '主题', '专业领域', '容量'],
      ['Bad Id', '名称', 'Name', '人才引智', '田', '1'],
    ];
    const sheet = readCatalogSheet(table, EMPTY);
    expect(sheet.issueCount).toBe(1);
    expect(sheet.issues.map((i) => i.column)).toEqual(['学会编号']);
  });

  it('caps the errors of a counties sheet the same way', () => {
    const table = [['县编号', '县名', '县英文名', '镇编号', '镇名', '镇英文名']];
    for (let i = 0; i < 500; i++) table.push([`Bad ${i}`, '县', 'County', `Bad ${i}`, '镇', 'Town']);
    const sheet = readCatalogSheet(table, EMPTY);
    expect(sheet.issueCount).toBe(1000);
    expect(sheet.issues).toHaveLength(MAX_LISTED_ISSUES + 1);
    expect(sheet.issues.at(-1)!.en).toContain('900 more errors not listed');
  });
});
