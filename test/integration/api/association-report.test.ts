/**
 * The association's report over a range of seasons, against DynamoDB Local through the HTTP API:
 * four seasons filed through the report's own transaction (one season planned but never reported,
 * one expert who went twice), the range's figures checked against the season reports of the same
 * seasons, the typical cases, and the exports read back by independent readers (mammoth and a zip
 * reader for the Word document, exceljs for the workbook).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { unzipSync } from 'fflate';
import mammoth from 'mammoth';
import { describe, expect, it } from 'vitest';
import { loadDataDir } from '#cli/data-dir';
import { DEMO_DATA_DIR } from '#cli/session';
import { FIGURE_KEYS } from '#schemas/labels';
import { solidPng, uploadPhoto, fileSeasonVisit as visit } from '#support/association-seasons';
import { embeddedApi } from '#support/embedded-api';

const api = embeddedApi(loadDataDir(DEMO_DATA_DIR), 'association-report-');
const coordinator = { role: 'coordinator', sub: 'coordinator-wang' } as const;
const SEASONS = ['2031-Q1', '2031-Q2', '2031-Q3', '2031-Q4'] as const;

const wang = { name: '王建国', title: '研究员' };
const academician = { name: '李明', academician: true };

describe('GET /reports over four seasons', () => {
  it('sums the season reports, counts an expert who went twice as 2 visits and 1 person, and prints the paragraph', async () => {
    await visit('2031-Q1', 'chunan', 'fenkou', 5, [
      {
        societyId: 'nongxue',
        needs: [
          { id: 'n-a', outcome: 'resolved' },
          { id: 'n-b', outcome: 'partial' },
        ],
        cooperations: 1,
        experts: [wang, academician],
        participants: 40,
        visitDate: '2031-02-12',
      },
      {
        societyId: 'chaye',
        needs: [{ id: 'n-c', outcome: 'resolved' }],
        experts: [{ name: '赵 敏', title: '教授' }],
      },
    ]);
    await visit('2031-Q1', 'jiande', 'yangxi', 3, [
      // Filed before reports named anyone: it counts zero experts and zero people.
      { societyId: 'linxue', needs: [{ id: 'n-d', outcome: 'resolved' }], cooperations: 2 },
    ]);
    await visit('2031-Q2', 'jiande', 'yangxi', 4, [
      {
        societyId: 'nongxue',
        needs: [{ id: 'n-e', outcome: 'resolved' }],
        experts: [{ ...wang }],
        participants: 25,
      },
    ]);
    // Planned, never reported.
    await visit('2031-Q3', 'tonglu', 'fuchunjiang', 2, [
      { societyId: 'shuili', needs: [{ id: 'n-f', outcome: 'unresolved' }], visitDate: 'none' },
    ]);

    const range = await api.call('GET', '/reports?from=2031-Q1&to=2031-Q4', { as: coordinator });
    expect(range.status).toBe(200);
    const seasonReports = await Promise.all(
      SEASONS.map(async (s) => (await api.call('GET', `/seasons/${s}/report`, { as: coordinator })).body),
    );
    for (const key of FIGURE_KEYS) {
      const sum = seasonReports.reduce((n, r) => n + r.total[key], 0);
      expect(range.body.total[key], key).toBe(sum);
      for (const [i, s] of SEASONS.entries()) {
        expect(range.body.bySeason[i][key], `${s} ${key}`).toBe(seasonReports[i].total[key]);
      }
      for (const county of range.body.counties) {
        const countySum = seasonReports
          .flatMap((r) => r.counties)
          .filter((c: { countyId: string }) => c.countyId === county.countyId)
          .reduce((n: number, c: Record<string, number>) => n + (c[key] ?? 0), 0);
        expect(county[key], `${county.countyId} ${key}`).toBe(countySum);
      }
    }
    expect(range.body.total).toMatchObject({
      collected: 14,
      handled: 4,
      cooperations: 3,
      visited: 3,
      expertVisits: 4,
      academicianVisits: 1,
      experts: 3,
      societies: 3,
      participants: 65,
    });
    expect(range.body.bySeason[2]).toMatchObject({
      season: '2031-Q3',
      visited: 0,
      expertVisits: 0,
      participants: 0,
    });
    expect(range.body.bySeason[3]).toMatchObject({ season: '2031-Q4', collected: 0, expertVisits: 0 });
    const jiande = range.body.counties.find((c: { countyId: string }) => c.countyId === 'jiande');
    expect(jiande).toMatchObject({ expertVisits: 1, experts: 1, handled: 2, cooperations: 2 });
    expect(range.body.summary.zh).toBe(
      '2031年，共征集山区3县需求14项，走访乡镇3次，对接各类专家4人次（3人），其中两院院士1人次，3家学会参与服务，开展讲座、培训和现场指导，服务群众65人次，办结4件，达成合作3件。',
    );
    expect(range.body.summary.en).toContain('experts served 4 times (3 people; academicians 1 times)');
    expect(range.body.charts.zh.funnel).toMatch(/^<svg[\s\S]*收集需求[\s\S]*<\/svg>$/);
  });

  it('refuses a range that ends before it starts, or is longer than 20 seasons, naming the field in both languages', async () => {
    const backwards = await api.call('GET', '/reports?from=2031-Q3&to=2031-Q1', { as: coordinator });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.fields[0]).toMatchObject({ path: 'from' });
    expect(backwards.body.error.message).toMatch(/from.*\/.*from/);
    expect(backwards.body.error.fields[0].message).toMatch(/晚于.* \/ .*after/);
    const long = await api.call('GET', '/reports?from=2026-Q1&to=2031-Q1', { as: coordinator });
    expect(long.status).toBe(400);
    expect(long.body.error.fields[0]).toMatchObject({ path: 'to' });
    const liaison = await api.call('GET', '/reports?from=2031-Q1&to=2031-Q1', {
      as: { role: 'liaison', county: 'chunan', sub: 'liaison-chunan' },
    });
    expect(liaison.status).toBe(403);
  });

  it('prints a typical case as the source prints a photo’s caption, and forgets it when unmarked', async () => {
    const never = await api.call('POST', '/visits/2031-Q3.tonglu/highlight', {
      as: coordinator,
      body: { caption: '开展现场指导' },
    });
    expect(never.status).toBe(409);
    const absent = await api.call('POST', '/visits/2031-Q4.linan/highlight', {
      as: coordinator,
      body: { caption: '开展现场指导' },
    });
    expect(absent.status).toBe(404);
    const notItsPhoto = await api.call('POST', '/visits/2031-Q1.chunan/highlight', {
      as: coordinator,
      body: { caption: '为茶农讲解茶园病虫害绿色防控技术', attachmentId: 'att-abcdefghijabcdefghij' },
    });
    expect(notItsPhoto.status).toBe(400);
    expect(notItsPhoto.body.error.fields[0]).toMatchObject({ path: 'attachmentId' });
    expect(notItsPhoto.body.error.fields[0].message).toMatch(/没有编号为.* \/ .*has no photo/);
    const photo = await uploadPhoto(api, '2031-Q1.chunan', solidPng(64, 48), 'image/png', '专家在茶园');
    const marked = await api.call('POST', '/visits/2031-Q1.chunan/highlight', {
      as: coordinator,
      body: { caption: '为茶农讲解茶园病虫害绿色防控技术', attachmentId: photo },
    });
    expect(marked.status).toBe(200);
    const range = await api.call('GET', '/reports?from=2031-Q1&to=2031-Q2', { as: coordinator });
    expect(range.body.cases).toHaveLength(1);
    // The page shows the photo by its signed URL: the very bytes uploaded.
    const shown = await fetch(range.body.cases[0].photoUrl);
    expect(Buffer.from(await shown.arrayBuffer()).equals(solidPng(64, 48))).toBe(true);
    expect(range.body.cases[0].sentence).toBe(
      '2031年2月12日，杭州市茶叶学会赵 敏教授，杭州市农学会王建国研究员、李明院士在淳安县汾口镇为茶农讲解茶园病虫害绿色防控技术。',
    );
    await api.call('POST', '/visits/2031-Q2.jiande/highlight', {
      as: coordinator,
      body: { caption: '开展农民科学素质讲座' },
    });
    const unmarked = await api.call('DELETE', '/visits/2031-Q2.jiande/highlight', { as: coordinator });
    expect(unmarked.status).toBe(200);
    const after = await api.call('GET', '/reports?from=2031-Q1&to=2031-Q2', { as: coordinator });
    expect(after.body.cases.map((c: { visitId: string }) => c.visitId)).toEqual(['2031-Q1.chunan']);
  });

  it('exports a Word document an independent reader reads: the paragraph, the tables, the charts as images', async () => {
    const json = (await api.call('GET', '/reports?from=2031-Q1&to=2031-Q4', { as: coordinator })).body;
    const res = await fetch(`${api.server.url}/reports?from=2031-Q1&to=2031-Q4&format=docx`, {
      headers: { authorization: `Bearer ${await api.token(coordinator)}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('wordprocessingml');
    const bytes = Buffer.from(await res.arrayBuffer());
    mkdirSync('/tmp/shots-report', { recursive: true });
    writeFileSync('/tmp/shots-report/association-report-2031.docx', bytes);
    const { value: text } = await mammoth.extractRawText({ buffer: bytes });
    expect(text).toContain('2031年山区科技服务工作报告');
    expect(text).toContain(json.summary.zh);
    expect(text).toContain('各县情况');
    expect(text).toContain('淳安县');
    expect(text).toContain('2031年2月12日，杭州市茶叶学会');
    const parts = Object.keys(unzipSync(bytes));
    expect(parts.filter((p) => p.startsWith('word/media/') && p.endsWith('.svg'))).toHaveLength(2);
    // The typical case's photo, byte for byte, beside the charts' fallbacks.
    const media = unzipSync(bytes);
    expect(
      parts.some((p) => p.endsWith('.png') && Buffer.from(media[p] as Uint8Array).equals(solidPng(64, 48))),
    ).toBe(true);
    const documentXml = new TextDecoder().decode(unzipSync(bytes)['word/document.xml']);
    // The seasons, the counties, and a table per county.
    expect(documentXml.match(/<w:tbl>/g)).toHaveLength(2 + json.counties.length);
  });

  it('exports a workbook with a sheet per table in real numbers, and the totals as CSV', async () => {
    const res = await fetch(`${api.server.url}/reports?from=2031-Q1&to=2031-Q4&format=xlsx`, {
      headers: { authorization: `Bearer ${await api.token(coordinator)}` },
    });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['汇总', '分季度', '分县', '典型案例']);
    const seasons = workbook.getWorksheet('分季度');
    expect(seasons?.getRow(1).getCell(2).value).toBe('收集需求');
    expect(seasons?.getRow(2).getCell(1).value).toBe('2031-Q1');
    expect(seasons?.getRow(2).getCell(2).value).toBe(8);
    expect(seasons?.getRow(6).getCell(1).value).toBe('合计');
    expect(seasons?.getRow(6).getCell(2).value).toBe(14);
    const counties = workbook.getWorksheet('分县');
    expect(counties?.getRow(2).getCell(1).value).toBe('淳安县');
    const csv = await api.call('GET', '/reports?from=2031-Q1&to=2031-Q4&format=csv', { as: coordinator });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = String(csv.body)
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]?.startsWith('季度,收集需求')).toBe(true);
    expect(lines.at(-1)?.startsWith('合计,14,')).toBe(true);
  });
});
