/** The association's report over a range of seasons (docs/rules.md): sums, people, words, charts, Word. No I/O. */
import { unzipSync } from 'fflate';
import mammoth from 'mammoth';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import {
  caseSentence,
  countySeasonTable,
  type FiledPeople,
  peopleFigures,
  printedCountyTable,
  printedSeasonTable,
  rangeName,
  rangeReport,
  rangeSummary,
  seasonsOfRange,
} from '#domain/range-report';
import { reportCharts } from '#domain/report-charts';
import { imageSize, reportDocx } from '#domain/report-docx';
import { seasonFigures } from '#domain/season-figures';
import { FIGURE_KEYS } from '#schemas/labels';

const wang = { name: '王建国', title: '研究员' };
/** Three seasons: chunan and jiande in the first, jiande again in the second (王建国 twice), the third planned and never reported. */
function fixture() {
  const q1 = seasonFigures({
    season: '2031-Q1',
    visits: [
      { countyId: 'chunan', townId: 'fenkou', questions: [{ needIds: ['a', 'b'] }] },
      { countyId: 'jiande', townId: 'yangxi', questions: [{ needIds: ['c'] }] },
    ],
    offers: [
      { countyId: 'chunan', needIds: ['a', 'b'], status: 'accepted' },
      { countyId: 'jiande', needIds: ['c'], status: 'accepted' },
    ],
    reports: [
      {
        countyId: 'chunan',
        outcomes: [
          { needId: 'a', outcome: 'resolved' },
          { needId: 'b', outcome: 'partial' },
        ],
        cooperations: [{}],
      },
      { countyId: 'jiande', outcomes: [{ needId: 'c', outcome: 'resolved' }], cooperations: [] },
    ],
    submitted: [],
    collectedByCounty: new Map([
      ['chunan', 5],
      ['jiande', 3],
    ]),
  });
  const q2 = seasonFigures({
    season: '2031-Q2',
    visits: [{ countyId: 'jiande', townId: 'yangxi', questions: [{ needIds: ['d'] }] }],
    offers: [{ countyId: 'jiande', needIds: ['d'], status: 'accepted' }],
    reports: [
      { countyId: 'jiande', outcomes: [{ needId: 'd', outcome: 'resolved' }], cooperations: [{}, {}] },
    ],
    submitted: [],
    collectedByCounty: new Map([['jiande', 4]]),
  });
  const q3 = seasonFigures({
    season: '2031-Q3',
    visits: [{ countyId: 'tonglu', townId: 'fuchunjiang', questions: [{ needIds: ['e'] }] }],
    offers: [{ countyId: 'tonglu', needIds: ['e'], status: 'accepted' }],
    reports: [],
    submitted: [],
    collectedByCounty: new Map([['tonglu', 2]]),
  });
  const filed: Record<string, FiledPeople[]> = {
    '2031-Q1': [
      {
        countyId: 'chunan',
        societyId: 'nongxue',
        experts: [wang, { name: '李明', academician: true }],
        participants: 40,
      },
      // Filed before reports named anyone.
      { countyId: 'jiande', societyId: 'linxue', experts: [], participants: 0 },
    ],
    '2031-Q2': [
      { countyId: 'jiande', societyId: 'nongxue', experts: [{ name: '王 建国' }], participants: 25 },
    ],
    '2031-Q3': [],
  };
  const seasons = [q1, q2, q3];
  return {
    seasons,
    report: rangeReport(
      '2031-Q1',
      '2031-Q3',
      seasons.map((r) => ({ report: r, filed: filed[r.season] ?? [] })),
    ),
  };
}

describe('the range report', () => {
  it('is, figure by figure, the sum of its seasons’ season reports, per season, per county and in total', () => {
    const { seasons, report } = fixture();
    for (const key of FIGURE_KEYS) {
      expect(report.total[key], key).toBe(seasons.reduce((n, s) => n + s.total[key], 0));
      expect(report.bySeason.map((s) => s[key])).toEqual(seasons.map((s) => s.total[key]));
      for (const county of report.counties) {
        const sum = seasons
          .flatMap((s) => s.counties)
          .filter((c) => c.countyId === county.countyId)
          .reduce((n, c) => n + c[key], 0);
        expect(county[key], `${county.countyId} ${key}`).toBe(sum);
      }
    }
    expect(report.total).toMatchObject({ collected: 14, handled: 3, cooperations: 3, visited: 3 });
    expect(report.bySeason[2]).toMatchObject({ season: '2031-Q3', visited: 0, handled: 0, expertVisits: 0 });
  });

  it('counts an expert who went twice as 2 visits and 1 person, and a report without experts as none', () => {
    const { report } = fixture();
    expect(report.total).toMatchObject({
      expertVisits: 3,
      academicianVisits: 1,
      experts: 2,
      societies: 2,
      participants: 65,
    });
    expect(report.counties.find((c) => c.countyId === 'jiande')).toMatchObject({
      expertVisits: 1,
      experts: 1,
      societies: 2,
    });
    expect(peopleFigures([])).toEqual({
      expertVisits: 0,
      academicianVisits: 0,
      experts: 0,
      societies: 0,
      participants: 0,
    });
  });

  it('names its range as the association’s report does', () => {
    expect(seasonsOfRange('2025-Q4', '2026-Q2')).toEqual(['2025-Q4', '2026-Q1', '2026-Q2']);
    expect(rangeName('2026-Q1', '2026-Q4').zh).toBe('2026年');
    expect(rangeName('2025-Q1', '2026-Q4').zh).toBe('2025年至2026年');
    expect(rangeName('2026-Q3', '2026-Q3').zh).toBe('2026年第三季度');
    expect(rangeName('2025-Q4', '2026-Q3')).toEqual({
      zh: '2025年第四季度至2026年第三季度',
      en: 'From the fourth quarter of 2025 to the third quarter of 2026',
    });
  });

  it('writes the paragraph in the source’s style, leaving out clauses whose figure is zero', () => {
    const { report } = fixture();
    expect(rangeSummary(report).zh).toBe(
      '2031年第一季度至2031年第三季度，共征集山区3县需求14项，走访乡镇3次，对接各类专家3人次（2人），其中两院院士1人次，2家学会参与服务，开展讲座、培训和现场指导，服务群众65人次，办结3件，达成合作3件。',
    );
    const empty = rangeReport('2030-Q1', '2030-Q4', []);
    expect(rangeSummary(empty).zh).toBe('2030年，共征集山区0县需求0项，办结0件，达成合作0件。');
    expect(rangeSummary(empty).en).toBe(
      'In 2030, 0 needs were collected in 0 mountain counties; 0 needs were handled and 0 cooperations were reached.',
    );
  });

  it('prints a typical case as the source prints a photo’s caption', () => {
    expect(
      caseSentence({
        visitDate: '2026-08-03',
        teams: [{ society: '杭州市农学会', experts: [wang, { name: '李明', academician: true }] }],
        county: '淳安县',
        town: '汾口镇',
        caption: '为茶农讲解茶园病虫害绿色防控技术。',
      }),
    ).toBe(
      '2026年8月3日，杭州市农学会王建国研究员、李明院士在淳安县汾口镇为茶农讲解茶园病虫害绿色防控技术。',
    );
  });

  it('lays out the printed tables: a row per season, per county, and a county’s seasons, with totals', () => {
    const { report } = fixture();
    const names = { chunan: '淳安县', jiande: '建德市', tonglu: '桐庐县' } as Record<string, string>;
    expect(printedSeasonTable(report).map((r) => r[0])).toEqual([
      '季度',
      '2031-Q1',
      '2031-Q2',
      '2031-Q3',
      '合计',
    ]);
    expect(printedCountyTable(report, (id) => names[id] ?? id).map((r) => r[0])).toEqual([
      '县（市、区）',
      '淳安县',
      '建德市',
      '桐庐县',
      '合计',
    ]);
    const jiande = countySeasonTable(report, 'jiande');
    expect(jiande.map((r) => r[0])).toEqual(['季度', '2031-Q1', '2031-Q2', '合计']);
    expect(jiande[0]?.slice(1, 3)).toEqual(['收集需求', '已走访']);
    expect(jiande.at(-1)?.slice(1, 2)).toEqual([7]);
  });
});

/** Whether `svg` is well-formed XML (what an <img> and Word need to draw it). */
function xmlErrors(svg: string): string[] {
  const errors: string[] = [];
  const parser = new SaxesParser({ xmlns: true });
  parser.on('error', (e) => errors.push(e.message));
  parser.write(svg).close();
  return errors;
}

describe('the charts', () => {
  it('are well-formed SVG with the figures and their words, in Chinese and in English', () => {
    const { report } = fixture();
    for (const lang of ['zh', 'en'] as const) {
      const charts = reportCharts(report, lang);
      for (const svg of [charts.funnel, charts.seasons]) {
        expect(svg.startsWith('<svg')).toBe(true);
        expect(xmlErrors(svg)).toEqual([]);
      }
      expect(charts.funnel).toContain(lang === 'zh' ? '收集需求' : 'Needs collected');
      expect(charts.seasons).toContain(lang === 'zh' ? '2031年Q2' : '2031-Q2');
    }
  });
});

/** A 3 × 2 PNG: enough for its header to be read. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAMAAAACCAIAAAASFvFNAAAAF0lEQVR4nGP4z8DAAMFcInIaRjZuAVEAM1kEwOQkmMsAAAAASUVORK5CYII=',
  'base64',
);

describe('the Word document', () => {
  it('reads back with an independent reader: title, paragraph, tables, charts and photo as image parts, captions', async () => {
    const { report } = fixture();
    const summary = rangeSummary(report);
    const bytes = await reportDocx({
      report,
      summary,
      charts: reportCharts(report),
      seasonRows: printedSeasonTable(report),
      countyRows: printedCountyTable(report, (id) => id),
      perCounty: [{ name: '建德市', rows: countySeasonTable(report, 'jiande') }],
      cases: [
        {
          sentence: '2031年2月12日，杭州市农学会王建国研究员在淳安县汾口镇开展现场指导。',
          photo: { bytes: PNG, contentType: 'image/png' },
        },
        { sentence: '2031年5月20日，杭州市茶叶学会在建德市杨溪乡开展讲座。', photo: 'too-large' },
      ],
    });
    const { value: text } = await mammoth.extractRawText({ buffer: bytes });
    expect(text).toContain('2031年第一季度至2031年第三季度山区科技服务工作报告');
    expect(text).toContain(summary.zh);
    expect(text).toContain('建德市');
    expect(text).toContain('开展现场指导。');
    expect(text).toContain('照片过大');
    const parts = unzipSync(bytes);
    const media = Object.keys(parts).filter((p) => p.startsWith('word/media/'));
    expect(media.filter((p) => p.endsWith('.svg'))).toHaveLength(2);
    expect(media.filter((p) => p.endsWith('.png')).length).toBeGreaterThanOrEqual(2);
    const xml = new TextDecoder().decode(parts['word/document.xml']);
    expect(xml.match(/<w:tbl>/g)).toHaveLength(3);
    expect(xmlErrors(xml)).toEqual([]);
  });

  it('reads a photo’s size from its PNG or JPEG header', () => {
    expect(imageSize(PNG)).toEqual({ width: 3, height: 2 });
    const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x01, 0xe0, 0x02, 0x80, 0x03]);
    expect(imageSize(jpeg)).toEqual({ width: 640, height: 480 });
    expect(imageSize(Uint8Array.from([1, 2, 3]))).toBeUndefined();
  });
});
