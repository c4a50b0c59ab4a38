/**
 * Hostile spreadsheets through POST /catalog/import on the local server and DynamoDB Local: a tiny
 * XLSX that pointed at row 150,000,000 (it used to exhaust the server's heap), one that made the
 * reader backtrack for seconds, and a CSV of bad rows as large as a request may be (its errors were
 * tens of megabytes). Each is answered 400 at once, small, in both languages, and the server serves on.
 */
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { MAX_LISTED_ISSUES } from '#domain/catalog-sheet';
import { embeddedApi } from '#support/embedded-api';
import { SMALL_CATALOG } from '#support/small-catalog';

const api = embeddedApi(SMALL_CATALOG, 'catalog-import-hostile-');
const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const xlsx = (rows: string) =>
  zipSync(
    {
      'xl/worksheets/sheet1.xml': strToU8(
        `<worksheet xmlns="${MAIN}"><sheetData>${rows}</sheetData></worksheet>`,
      ),
    },
    { level: 9 },
  );

async function upload(format: 'csv' | 'xlsx', bytes: Uint8Array) {
  const token = await api.token({ role: 'coordinator', sub: 'coordinator-wang' });
  const started = performance.now();
  const res = await fetch(`${api.server.url}/catalog/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ format, content: Buffer.from(bytes).toString('base64'), apply: false }),
  });
  const text = await res.text();
  return {
    status: res.status,
    bytes: Buffer.byteLength(text),
    json: JSON.parse(text),
    ms: performance.now() - started,
  };
}

async function stillServes(): Promise<boolean> {
  const token = await api.token({ role: 'coordinator', sub: 'coordinator-wang' });
  const res = await fetch(`${api.server.url}/counties`, { headers: { authorization: `Bearer ${token}` } });
  return res.status === 200;
}

describe('POST /catalog/import with a hostile file', () => {
  it('answers a 200-byte XLSX with a value at A150000000 with 400 naming the cell, and serves on', async () => {
    const bytes = xlsx('<row r="150000000"><c r="A150000000"><v>1</v></c></row>');
    const answer = await upload('xlsx', bytes);
    process.stdout.write(
      `A150000000: ${bytes.length}-byte XLSX answered ${answer.status} in ${Math.round(answer.ms)} ms\n`,
    );
    expect(answer.status).toBe(400);
    const [field] = answer.json.error.fields;
    expect(field.zh).toContain('单元格 A150000000');
    expect(field.en).toContain('the cell A150000000');
    expect(answer.ms).toBeLessThan(2000);
    expect(await stillServes()).toBe(true);
  });

  it('answers a 1 KB XLSX of 100,000 unterminated rows with 400 at once', async () => {
    const bytes = xlsx('<row>'.repeat(100_000));
    const answer = await upload('xlsx', bytes);
    process.stdout.write(
      `unterminated rows: ${bytes.length}-byte XLSX answered ${answer.status} in ${Math.round(answer.ms)} ms\n`,
    );
    expect(answer.status).toBe(400);
    expect(answer.json.error.fields[0].en).toContain('not well-formed XML');
    expect(answer.ms).toBeLessThan(3000);
  });

  it(`answers a CSV of bad rows, as large as a request may be, with ${MAX_LISTED_ISSUES} errors and a count of the rest`, async () => {
    // Base64 in JSON must stay under the 1 MiB body limit: about 760 KB of CSV.
    const header = '学会编号,学会名称,英文名称,主题,专业领域,容量\r\n';
    const row = (i: number) => `Bad Id ${String(i).padStart(6, '0')},名称,,没有这个主题,田,很多\r\n`;
    const rows = Math.floor((760_000 - Buffer.byteLength(header)) / Buffer.byteLength(row(0)));
    const bytes = strToU8(header + Array.from({ length: rows }, (_, i) => row(i)).join(''));
    const answer = await upload('csv', bytes);
    process.stdout.write(
      `bad CSV: ${bytes.length} bytes answered ${answer.status} with ${answer.bytes} bytes in ${Math.round(answer.ms)} ms\n`,
    );
    expect(answer.status).toBe(400);
    expect(answer.json.error.fields).toHaveLength(MAX_LISTED_ISSUES + 1);
    expect(answer.json.error.fields.at(-1).zh).toMatch(/另有 \d+ 处错误未列出/);
    expect(answer.json.error.fields.at(-1).en).toMatch(/\d+ more errors not listed/);
    expect(answer.bytes).toBeLessThan(100_000);
    expect(await stillServes()).toBe(true);
  });
});
