/**
 * The XLSX reader against hostile files: cell references far out, XML that made regular expressions
 * backtrack, ZIP bombs, too many parts and cells. Each is refused quickly with a message in both
 * languages; a well-formed sheet with namespaces, CDATA and character references still reads.
 * No I/O.
 */
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { READ_LIMITS, readFirstSheet, XlsxReadError } from '#domain/xlsx-read';

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const worksheet = (rows: string) => `<worksheet xmlns="${MAIN}"><sheetData>${rows}</sheetData></worksheet>`;
const xlsxOf = (sheetXml: string, more: Record<string, Uint8Array> = {}) =>
  zipSync({ 'xl/worksheets/sheet1.xml': strToU8(sheetXml), ...more }, { level: 9 });

/** What reading the bytes threw (or undefined), and how long it took. */
function attempt(bytes: Uint8Array): { error: unknown; ms: number } {
  const started = performance.now();
  try {
    readFirstSheet(bytes);
    return { error: undefined, ms: performance.now() - started };
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
}

function expectRefusal(bytes: Uint8Array, zh: RegExp, en: RegExp, withinMs = 1000): void {
  const { error, ms } = attempt(bytes);
  expect(error).toBeInstanceOf(XlsxReadError);
  expect((error as XlsxReadError).zh).toMatch(zh);
  expect((error as XlsxReadError).en).toMatch(en);
  expect(ms).toBeLessThan(withinMs);
}

describe('cell references far out', () => {
  it('refuses a value at row 150,000,000 (a 200-byte file that exhausted the heap) naming the cell', () => {
    const bytes = xlsxOf(worksheet('<row r="150000000"><c r="A150000000"><v>1</v></c></row>'));
    expect(bytes.length).toBeLessThan(300);
    expectRefusal(bytes, /A150000000/, /A150000000/);
  });

  it('refuses the column ZZZZZZ (which took 5 s and then threw a RangeError) naming the cell', () => {
    expectRefusal(xlsxOf(worksheet('<row r="1"><c r="ZZZZZZ1"><v>1</v></c></row>')), /ZZZZZZ1/, /ZZZZZZ1/);
  });

  it("refuses a cell just outside a worksheet's grid, and one inside it but past the reader's cap", () => {
    expectRefusal(
      xlsxOf(worksheet('<row r="1048577"><c r="A1048577"><v>1</v></c></row>')),
      /A1048577.*1048576 行/,
      /A1048577.*outside a worksheet/,
    );
    const far = READ_LIMITS.rows + 1;
    expectRefusal(
      xlsxOf(worksheet(`<row r="${far}"><c r="B${far}"><v>1</v></c></row>`)),
      new RegExp(`B${far}.*最多 ${READ_LIMITS.rows} 行`),
      new RegExp(`B${far}.*at most ${READ_LIMITS.rows} rows`),
    );
    // Column AZZ is 1,378: inside the grid (16,384 columns) but past the cap.
    expectRefusal(
      xlsxOf(worksheet('<row r="1"><c r="AZZ1"><v>1</v></c></row>')),
      /AZZ1/,
      new RegExp(`AZZ1.*${READ_LIMITS.columns} columns`),
    );
  });

  it('refuses a reference that is not one, and a row number that is not a number', () => {
    expectRefusal(xlsxOf(worksheet('<row r="1"><c r="1A"><v>1</v></c></row>')), /1A/, /1A/);
    expectRefusal(xlsxOf(worksheet('<row r="-3"><c><v>1</v></c></row>')), /-3/, /-3/);
  });

  it('reads a formatted but empty row or cell far down without filling the rows up to it', () => {
    const rows = readFirstSheet(
      xlsxOf(
        worksheet(
          '<row r="1"><c r="A1" t="inlineStr"><is><t>甲</t></is></c><c r="XFD1" s="1"/></row><row r="1048576" ht="20" customHeight="1"/>',
        ),
      ),
    );
    expect(rows).toEqual([['甲']]);
  });
});

describe('XML that backtracked', () => {
  it('refuses 100,000 unterminated <row> tags in a 1 KB file (13 s of a blocked event loop) at once', () => {
    const bytes = xlsxOf(worksheet('<row>'.repeat(100_000)));
    expect(bytes.length).toBeLessThan(1200);
    // Milliseconds on an idle machine; the bound leaves room for a loaded one.
    expectRefusal(bytes, /XML/, /XML/, 3000);
  });

  it('refuses unterminated cells and shared strings the same way', () => {
    expectRefusal(
      xlsxOf(worksheet(`<row r="1">${'<c r="A1"><v>1'.repeat(50_000)}</row>`)),
      /XML/,
      /XML/,
      3000,
    );
    const shared = strToU8(`<sst xmlns="${MAIN}">${'<si><t>'.repeat(50_000)}</sst>`);
    expectRefusal(
      xlsxOf(worksheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), { 'xl/sharedStrings.xml': shared }),
      /XML/,
      /XML/,
    );
  });

  it('refuses a document type declaration (entities a sheet has no use for)', () => {
    const sheet = `<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]>${worksheet('<row r="1"><c r="A1"><v>1</v></c></row>')}`;
    expectRefusal(xlsxOf(sheet), /DOCTYPE|文档类型/, /DOCTYPE|document type/);
  });

  it('still reads namespace prefixes, CDATA, character references, phonetic runs and cells without a reference', () => {
    const sheet =
      `<x:worksheet xmlns:x="${MAIN}"><x:sheetData>` +
      '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:r><x:t>富</x:t></x:r><x:r><x:t><![CDATA[<文本>]]></x:t></x:r></x:is></x:c>' +
      '<x:c t="inlineStr"><x:is><x:t>&#x4E2D;&amp;&#25991;</x:t><x:rPh sb="0" eb="1"><x:t>ちゅう</x:t></x:rPh></x:is></x:c></x:row>' +
      '<x:row><x:c t="b"><x:v>1</x:v></x:c><x:c r="C2" t="s"><x:v>0</x:v></x:c></x:row>' +
      '</x:sheetData></x:worksheet>';
    const shared = strToU8(
      `<sst xmlns="${MAIN}"><si><r><t>共</t></r><r><t xml:space="preserve"> 享</t></r></si></sst>`,
    );
    expect(readFirstSheet(xlsxOf(sheet, { 'xl/sharedStrings.xml': shared }))).toEqual([
      ['富<文本>', '中&文'],
      ['TRUE', '', '共 享'],
    ]);
  });
});

describe('the ZIP', () => {
  it('refuses parts that together unpack past the budget, before unpacking them', () => {
    // Whitespace after the root element is well-formed XML: each part alone is under the budget.
    const padding = ' '.repeat(READ_LIMITS.unpackedBytes / 2 + 1024);
    const bytes = zipSync(
      {
        'xl/worksheets/sheet1.xml': strToU8(
          worksheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>') + padding,
        ),
        'xl/sharedStrings.xml': strToU8(`<sst xmlns="${MAIN}"><si><t>x</t></si></sst>${padding}`),
      },
      { level: 1 },
    );
    expectRefusal(bytes, /解压后过大/, /too large unpacked/);
  });

  it('does not unpack the sheets after the first (the 23 × 31 MiB bomb is never inflated)', () => {
    const big = new Uint8Array(READ_LIMITS.unpackedBytes + 1).fill(0x20);
    const bytes = zipSync(
      {
        'xl/worksheets/sheet1.xml': strToU8(worksheet('<row r="1"><c r="A1"><v>7</v></c></row>')),
        'xl/worksheets/sheet2.xml': big,
      },
      { level: 1 },
    );
    expect(readFirstSheet(bytes)).toEqual([['7']]);
  });

  it('refuses a file of too many parts', () => {
    const parts: Record<string, Uint8Array> = {};
    for (let i = 0; i <= READ_LIMITS.parts; i++) parts[`docProps/p${i}.xml`] = strToU8('<a/>');
    expectRefusal(
      xlsxOf(worksheet('<row r="1"><c r="A1"><v>1</v></c></row>'), parts),
      /部分过多/,
      /too many parts/,
    );
  });

  it('refuses a sheet of too many cells, naming where it stopped', () => {
    // Formatting-only cells, 100 to a row: no value, yet each one is parsed.
    const row = `<row>${'<c s="1"/>'.repeat(100)}</row>`;
    expectRefusal(
      xlsxOf(worksheet(row.repeat(READ_LIMITS.cells / 100 + 1))),
      /单元格过多.*A2001/,
      /too many cells.*A2001/,
      3000,
    );
  });
});
