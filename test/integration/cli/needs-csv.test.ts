import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataDir } from '#cli/data-dir';
import { decodeCsv, describeCsvIssue, importedNeedId, parseCsv, readNeedRows } from '#cli/needs-csv';
import { DEMO_DATA_DIR } from '#cli/session';
import { ROOT, TSX } from '#support/paths';

// `rounds needs import`: reading a liaison's spreadsheet, with no database (the import against
// DynamoDB Local is tested in test/integration/api/needs-api.test.ts).
const { counties } = loadDataDir(DEMO_DATA_DIR);
const table = (text: string) => parseCsv(text).rows;

describe('parseCsv', () => {
  it('reads quoted cells with commas, doubled quotes and line breaks, CRLF or LF', () => {
    const { rows, issue } = parseCsv('a,b,c\r\n"x, y","say ""hi""","two\nlines"\n1,,3\n');
    expect(issue).toBeUndefined();
    expect(rows).toEqual([
      ['a', 'b', 'c'],
      ['x, y', 'say "hi"', 'two\nlines'],
      ['1', '', '3'],
    ]);
  });

  it('reports a quote that is never closed, with its row', () => {
    expect(parseCsv('a,b\n1,"open\n2,3').issue).toMatchObject({ row: 2 });
  });

  it('reads CR, LF and CRLF line ends mixed in one file, and keeps a quote typed inside an unquoted cell', () => {
    expect(parseCsv('a,b\r1,2\n"3\r\n4",5 寸"屏\r\n').rows).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3\r\n4', '5 寸"屏'],
    ]);
  });

  it('refuses text after a closing quote with its row, instead of dropping the quotes', () => {
    // Typed by hand: `"防诈骗"讲座` is neither a quoted cell nor plain text; the old parser read 防诈骗讲座.
    const { issue } = parseCsv('县,标题\n淳安,好的\n淳安,"防诈骗"讲座\n');
    expect(issue).toMatchObject({ row: 3 });
    expect(issue?.zh).toContain('引号');
    expect(issue?.en).toContain('quote');
  });

  it('drops a byte-order mark and reads GB18030 as the catalog import does (Excel on a Chinese Windows)', () => {
    expect(decodeCsv(Buffer.from('\uFEFF县,乡镇'))).toBe('县,乡镇');
    expect(decodeCsv(Buffer.from([0xcf, 0xd8, 0x2c, 0xcf, 0xe7, 0xd5, 0xf2]))).toBe('县,乡镇');
  });
});

describe('readNeedRows', () => {
  it('accepts Chinese headers, names for counties, towns, themes and urgency, and ignores other columns', () => {
    const { rows, issues, ignored } = readNeedRows(
      table(
        '序号,县（市、区）,乡镇（街道）,主题,领域,标题,详情,紧急程度,备注\n1,淳安县,千岛湖,科普素养,科普,防诈骗讲座,,不急,x',
      ),
      counties,
    );
    expect(issues).toEqual([]);
    expect(ignored).toEqual(['序号', '备注']);
    expect(rows).toEqual([
      {
        row: 2,
        id: rows[0]!.id,
        input: {
          countyId: 'chunan',
          townId: 'qiandaohu',
          theme: 'literacy',
          field: '科普',
          title: '防诈骗讲座',
          urgency: 'low',
        },
      },
    ]);
    expect(rows[0]!.id).toMatch(/^need-chunan-[0-9a-f]{16}$/);
  });

  it('accepts English headers and ids, and --county for sheets without a county column', () => {
    const { rows, issues } = readNeedRows(
      table('town,theme,field,title,urgency\nxinanjiang,industry,农业,草莓连作障碍,high'),
      counties,
      { county: 'jiande' },
    );
    expect(issues).toEqual([]);
    expect(rows[0]?.input).toMatchObject({ countyId: 'jiande', townId: 'xinanjiang', urgency: 'high' });
  });

  it('reports every bad row with its row number and column, and keeps no row when any is bad', () => {
    const { issues } = readNeedRows(
      table(
        [
          '县,乡镇,主题,领域,标题,紧急程度',
          '淳安,千岛湖镇,人才引智,旅游,好的,紧急',
          '淳安,新安江街道,人才引智,旅游,镇不对,紧急',
          '',
          '临海,某镇,人才引智,旅游,县不对,紧急',
          '淳安,千岛湖镇,人才引智,,'.concat('长'.repeat(201), ',紧急'),
          '淳安,千岛湖镇,人才引智,旅游,好的,紧急',
        ].join('\n'),
      ),
      counties,
    );
    expect(issues.map((i) => `${i.row}:${i.column ?? ''}`)).toEqual([
      '3:乡镇',
      '5:县',
      '6:领域',
      '6:标题',
      '7:',
    ]);
    expect(issues.every((i) => /[\u4e00-\u9fff]/.test(i.zh) && /[a-z]/.test(i.en))).toBe(true);
    expect(describeCsvIssue('a.csv', issues[0]!, 'zh')).toMatch(/^a\.csv：第 3 行，“乡镇”列：/);
    expect(describeCsvIssue('a.csv', issues[0]!, 'en')).toMatch(/^a\.csv: row 3, column 乡镇: /);
    expect(issues.at(-1)?.zh).toBe('与第 2 行重复');
  });

  it('refuses a row with more filled cells than the header (an unquoted comma) instead of dropping them', () => {
    const { rows, issues } = readNeedRows(
      table(
        [
          '县,乡镇,主题,领域,标题,紧急程度,详情',
          '淳安,千岛湖,人才引智,旅游,讲座,紧急,需要投影仪,音响',
          '淳安,千岛湖,人才引智,旅游,培训,紧急,,,', // empty cells past the header are harmless
        ].join('\n'),
      ),
      counties,
    );
    expect(issues.map((i) => [i.row, i.column])).toEqual([[2, undefined]]);
    expect(issues[0]?.zh).toContain('多出 1 个单元格');
    expect(rows.map((r) => r.row)).toEqual([3]);
  });

  it('names a missing column, and refuses a row of another county than --county', () => {
    expect(readNeedRows(table('县,乡镇,主题,标题,紧急程度\n'), counties).issues.map((i) => i.zh)).toEqual([
      '缺少“领域”列',
    ]);
    const other = readNeedRows(
      table('县,乡镇,主题,领域,标题,紧急程度\n建德,新安江,人才引智,旅游,x,紧急'),
      counties,
      {
        county: 'chunan',
      },
    );
    expect(other.issues.map((i) => [i.row, i.column])).toEqual([[2, '县']]);
  });

  it('gives one row the same id on every import', () => {
    expect(importedNeedId('chunan', 'a\nb')).toBe(importedNeedId('chunan', 'a\nb'));
    expect(importedNeedId('chunan', 'a\nb')).not.toBe(importedNeedId('chunan', 'a\nc'));
    expect(importedNeedId('c'.repeat(64), 'x').length).toBeLessThanOrEqual(64);
  });
});

describe('rounds needs import (the command line)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'needs-import-'));
  const rounds = (args: string[]) =>
    spawnSync(TSX, ['cli/main.ts', ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, DATA_DIR: join(dir, 'data'), DYNAMODB_ENDPOINT: '' },
      timeout: 60_000,
    });

  it('exits 2 naming the file when it is missing or lacks a column, before starting the database', () => {
    const missing = rounds(['needs', 'import', join(dir, 'nope.csv')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('nope.csv：文件不存在');

    // A GB18030 file is read: its header is found, short of the 主题 column.
    const gbk = join(dir, 'gbk.csv');
    writeFileSync(gbk, Buffer.from([0xcf, 0xd8, 0x2c, 0xcf, 0xe7, 0xd5, 0xf2, 0x0a]));
    const encoding = rounds(['needs', 'import', gbk]);
    expect(encoding.status).toBe(2);
    expect(encoding.stderr).toContain('第 1 行：缺少“主题”列');

    const columns = join(dir, 'columns.csv');
    writeFileSync(columns, '县,乡镇,标题\n淳安,千岛湖,x\n');
    const header = rounds(['needs', 'import', columns]);
    expect(header.status).toBe(2);
    expect(header.stderr).toContain('第 1 行：缺少“主题”列');
    expect(header.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('exits 2 with the usage for a wrong command line', () => {
    const wrong = rounds(['needs', 'export', 'x.csv']);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('Usage: rounds needs import FILE.csv');
  });
});
