import { fieldIssue, invalidInput, PayloadTooLargeError } from '#commons/errors';
import {
  caseSentence,
  countySeasonTable,
  MAX_RANGE_SEASONS,
  printedCountyTable,
  printedSeasonTable,
  type RangeReport,
  rangeReport,
  rangeSummary,
  rangeWorkbookSheets,
  seasonsOfRange,
  seasonTable,
} from '#domain/range-report';
import { type ReportCharts, reportCharts } from '#domain/report-charts';
import { reportDocx } from '#domain/report-docx';
import { seasonOrdinal } from '#domain/season';
import { seasonFigures } from '#domain/season-figures';
import { csvOf } from '#domain/season-report';
import { visitId } from '#schemas/keys';
import type { SeasonId } from '#schemas/primitives';
import { countiesByIds, societyNamesByIds } from '#store/catalog';
import type { CountySummaryRecord } from '#store/season-summary';
import { type CasePhoto, casePhoto, casePhotoUrl } from './report-photos.ts';
import { seasonData } from './report-season.ts';

/*
 * The association's report over a range of seasons (GET /reports): each season's county summaries
 * (one Query per season, the season report's own read), the season figures from the season report's
 * function, the people figures and the typical cases from the same summaries. Nothing else is read
 * but the names of the counties and societies named, and the photos of the typical cases.
 */

export const RANGE_FORMATS = ['json', 'csv', 'xlsx', 'docx'] as const;
export type RangeFormat = (typeof RANGE_FORMATS)[number];

/** 400 naming the field: `from` after `to`, or more than MAX_RANGE_SEASONS seasons. */
export function checkRange(from: SeasonId, to: SeasonId): void {
  const length = seasonOrdinal(to) - seasonOrdinal(from) + 1;
  if (length < 1) {
    throw invalidInput([
      fieldIssue('from', `起始季度 ${from} 晚于结束季度 ${to}`, `from (${from}) is after to (${to})`),
    ]);
  }
  if (length > MAX_RANGE_SEASONS) {
    throw invalidInput([
      fieldIssue(
        'to',
        `一次报告最多 ${MAX_RANGE_SEASONS} 个季度（${from} 至 ${to} 为 ${length} 个）`,
        `a report covers at most ${MAX_RANGE_SEASONS} seasons (${from} to ${to} is ${length})`,
      ),
    ]);
  }
}

export interface ReportCase {
  visitId: string;
  season: SeasonId;
  countyId: string;
  county: string;
  town: string;
  visitDate: string;
  society: string;
  experts: { name: string; title?: string; academician?: boolean }[];
  caption: string;
  /** As the source prints a photo's caption: "2026年10月12日，…在淳安县汾口镇…。" */
  sentence: string;
  attachmentId?: string;
  /** A signed URL of the photo (for a while: READ_URL_SECONDS), when it is still stored. */
  photoUrl?: string;
}

/** The typical cases one report prints, earliest first (each reads its photo). */
export const MAX_CASES = 40;

export interface AssociationReport extends RangeReport {
  summary: { zh: string; en: string };
  countyNames: Record<string, { zh: string; en: string }>;
  cases: ReportCase[];
  /** The charts with Chinese words, and with English ones. */
  charts: { zh: ReportCharts; en: ReportCharts };
}

const plain = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

/** The report's figures, paragraph, charts and typical cases. */
export async function loadAssociationReport(from: SeasonId, to: SeasonId): Promise<AssociationReport> {
  checkRange(from, to);
  const seasons = seasonsOfRange(from, to);
  // One Query per season, a few at a time: 20 seasons are 20 small Queries.
  const data: Awaited<ReturnType<typeof seasonData>>[] = [];
  for (let i = 0; i < seasons.length; i += 4) {
    data.push(...(await Promise.all(seasons.slice(i, i + 4).map((s) => seasonData(s)))));
  }
  const inputs = seasons.map((season, i) => {
    const d = data[i] as Awaited<ReturnType<typeof seasonData>>;
    return {
      report: seasonFigures({ season, ...d }),
      filed: d.summaries.flatMap((s) =>
        s.townId
          ? Object.entries(s.reports).map(([societyId, r]) => ({ countyId: s.countyId, societyId, ...r }))
          : [],
      ),
    };
  });
  const report = rangeReport(from, to, inputs);
  const summaries = data.flatMap((d) => d.summaries);
  const marked = summaries.filter(
    (
      s,
    ): s is CountySummaryRecord & {
      highlight: NonNullable<CountySummaryRecord['highlight']>;
      townId: string;
    } => Boolean(s.highlight && s.townId && Object.keys(s.reports).length > 0),
  );
  const [counties, societies] = await Promise.all([
    countiesByIds([...new Set(report.counties.map((c) => c.countyId))]),
    societyNamesByIds(marked.flatMap((s) => Object.keys(s.reports))),
  ]);
  const nameOf = (s: { countyId: string; countyName?: { zh: string; en: string } | undefined }) =>
    s.countyName ?? counties.get(s.countyId)?.name;
  const countyNames: Record<string, { zh: string; en: string }> = {};
  for (const c of report.counties)
    countyNames[c.countyId] = counties.get(c.countyId)?.name ?? { zh: c.countyId, en: c.countyId };
  const cases = marked
    .map((s): ReportCase => {
      // The earliest visit date, and each society with its experts in the order they went.
      const filed = Object.entries(s.reports).sort(
        ([ia, a], [ib, b]) => a.visitDate.localeCompare(b.visitDate) || ia.localeCompare(ib),
      );
      const teams = filed.map(([id, r]) => ({
        society: societies.get(id)?.zh ?? id,
        experts: r.experts.map((e) => plain(e)),
      }));
      const facts = {
        visitDate: (filed[0] as (typeof filed)[number])[1].visitDate,
        teams,
        county: nameOf(s)?.zh ?? s.countyId,
        town:
          s.townName?.zh ??
          counties.get(s.countyId)?.towns.find((t) => t.id === s.townId)?.name.zh ??
          s.townId,
        caption: s.highlight.caption,
      };
      return {
        visitId: visitId(s.season, s.countyId),
        season: s.season as SeasonId,
        countyId: s.countyId,
        county: facts.county,
        town: facts.town,
        visitDate: facts.visitDate,
        society: teams.map((t) => t.society).join('、'),
        experts: teams.flatMap((t) => t.experts),
        caption: facts.caption,
        sentence: caseSentence(facts),
        ...(s.highlight.attachmentId ? { attachmentId: s.highlight.attachmentId } : {}),
      };
    })
    .sort((a, b) => a.visitDate.localeCompare(b.visitDate) || a.visitId.localeCompare(b.visitId))
    .slice(0, MAX_CASES);
  // The photos' URLs: 1 GetItem of each case's attachment (at most MAX_CASES), 8 at a time.
  for (let i = 0; i < cases.length; i += 8) {
    await Promise.all(
      cases.slice(i, i + 8).map(async (c) => {
        const url = c.attachmentId ? await casePhotoUrl(c.visitId, c.attachmentId) : undefined;
        if (url) c.photoUrl = url;
      }),
    );
  }
  return {
    ...report,
    summary: rangeSummary(report),
    countyNames,
    cases,
    charts: { zh: reportCharts(report, 'zh'), en: reportCharts(report, 'en') },
  };
}

/**
 * Lambda answers at most 6 MB, and a binary body travels as base64 (4/3 larger): the photos of a
 * Word document stop at PHOTO_BUDGET bytes (the cases after it print their captions alone, saying
 * so), and a document still over MAX_BINARY_BYTES is refused with 413.
 */
export const PHOTO_BUDGET = 3_500_000;
export const MAX_BINARY_BYTES = 4_300_000;

export async function exportAssociationReport(
  from: SeasonId,
  to: SeasonId,
  format: RangeFormat,
): Promise<{ report: AssociationReport; contentType: string; fileName: string; body: string | Buffer }> {
  const report = await loadAssociationReport(from, to);
  const base = `association-report-${from}-${to}`;
  const countyName = (id: string) => report.countyNames[id]?.zh ?? id;
  if (format === 'json') {
    return {
      report,
      contentType: 'application/json; charset=utf-8',
      fileName: `${base}.json`,
      body: JSON.stringify(report),
    };
  }
  if (format === 'csv') {
    return {
      report,
      contentType: 'text/csv; charset=utf-8',
      fileName: `${base}.csv`,
      body: csvOf(seasonTable(report)),
    };
  }
  if (format === 'xlsx') {
    // The XLSX writer is a chunk read only for a workbook (splitBundleCommand in infra/rounds-function.ts).
    const { xlsxWorkbook } = await import('#domain/xlsx');
    const sheets = rangeWorkbookSheets(report, report.summary, countyName, report.cases);
    return {
      report,
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      fileName: `${base}.xlsx`,
      body: Buffer.from(xlsxWorkbook(sheets)),
    };
  }
  let budget = PHOTO_BUDGET;
  const photos = new Map<string, CasePhoto | 'too-large'>();
  for (const c of report.cases) {
    if (!c.attachmentId) continue;
    const photo = await casePhoto(c.visitId, c.attachmentId);
    if (!photo) continue;
    if (photo.bytes.byteLength > budget) photos.set(c.visitId, 'too-large');
    else {
      budget -= photo.bytes.byteLength;
      photos.set(c.visitId, photo);
    }
  }
  const body = await reportDocx({
    report,
    summary: report.summary,
    charts: report.charts.zh,
    seasonRows: printedSeasonTable(report),
    countyRows: printedCountyTable(report, countyName),
    perCounty: report.counties.map((c) => ({
      name: countyName(c.countyId),
      rows: countySeasonTable(report, c.countyId),
    })),
    cases: report.cases.map((c) => ({ sentence: c.sentence, photo: photos.get(c.visitId) })),
  });
  if (body.byteLength > MAX_BINARY_BYTES) {
    throw new PayloadTooLargeError(
      `Word 文档过大（${Math.ceil(body.byteLength / 1e6)} MB），请缩小季度范围或减少典型案例的照片 / the Word document is too large (${Math.ceil(body.byteLength / 1e6)} MB); choose fewer seasons or fewer photos of typical cases`,
    );
  }
  return {
    report,
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    fileName: `${base}.docx`,
    body,
  };
}
