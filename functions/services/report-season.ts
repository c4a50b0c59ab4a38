import { type SeasonReport, seasonFigures } from '#domain/season-figures';
import { type ReportNames, seasonReportCsv, seasonWorkbookSheets } from '#domain/season-report';
import { visitId } from '#schemas/keys';
import { countiesByIds, societyNamesByIds } from '#store/catalog';
import { EXPORT_BATCH_CONCURRENCY, needSheetRowsByIds } from '#store/needs';
import { seasonSummaries } from '#store/season-summary';
import { reportsByKeys } from '#store/visit-log';

/**
 * The season's visits, offers, latest reports (without answers) and needs submitted per county,
 * from the county summaries: one Query of small items, a page per SUMMARY_PAGE_SIZE counties —
 * never a Query per visit or per county.
 */
export async function seasonData(season: string) {
  const summaries = await seasonSummaries(season);
  const visits = summaries.flatMap((s) =>
    s.townId && s.questions ? [{ countyId: s.countyId, townId: s.townId, questions: s.questions }] : [],
  );
  const offers = summaries.flatMap((s) =>
    Object.entries(s.offers).map(([societyId, o]) => ({ countyId: s.countyId, societyId, ...o })),
  );
  const reports = summaries.flatMap((s) =>
    Object.entries(s.reports).map(([societyId, r]) => ({ countyId: s.countyId, societyId, ...r })),
  );
  const collectedByCounty = new Map(summaries.map((s) => [s.countyId, s.submitted ?? 0]));
  return { visits, offers, reports, submitted: [], collectedByCounty, summaries };
}

/** The season report (season report figures, docs/rules.md): the figures of domain/season-figures.ts from what is stored. */
export async function loadSeasonReport(season: string): Promise<SeasonReport> {
  const { visits, offers, reports, submitted, collectedByCounty } = await seasonData(season);
  return seasonFigures({ season, visits, offers, reports, submitted, collectedByCounty });
}

export type ReportFormat = 'json' | 'csv' | 'xlsx';

/**
 * The season report as served (HTTP) and printed (`rounds report`): the same figures in each
 * format. CSV is the county summary; XLSX adds the visits with their answers, the needs with
 * their outcomes and the cooperations. Both carry Chinese names and Beijing times.
 */
export async function exportSeasonReport(
  season: string,
  format: ReportFormat,
): Promise<{ report: SeasonReport; contentType: string; fileName: string; body: string | Buffer }> {
  const data = await seasonData(season);
  const report = seasonFigures({ season, ...data });
  if (format === 'json') {
    return {
      report,
      contentType: 'application/json; charset=utf-8',
      fileName: `season-report-${season}.json`,
      body: JSON.stringify(report),
    };
  }
  // Names: the summaries carry the county's and town's; the rest from those counties only.
  const summaryOf = new Map(data.summaries.map((s) => [s.countyId, s]));
  const [counties, societies] = await Promise.all([
    countiesByIds(data.summaries.filter((s) => !s.countyName || !s.townName).map((s) => s.countyId)),
    format === 'xlsx' ? societyNamesByIds(data.offers.map((o) => o.societyId)) : new Map(),
  ]);
  const names: ReportNames = {
    county: (id) => summaryOf.get(id)?.countyName?.zh ?? counties.get(id)?.name.zh ?? id,
    town: (countyId, townId) =>
      summaryOf.get(countyId)?.townName?.zh ??
      counties.get(countyId)?.towns.find((t) => t.id === townId)?.name.zh ??
      townId,
    society: (id) => societies.get(id)?.zh ?? id,
  };
  if (format === 'csv') {
    // The county's visit date and filing time: those of its latest filed report.
    const latest = new Map(
      [...data.reports].sort((a, b) => a.reportedAt.localeCompare(b.reportedAt)).map((r) => [r.countyId, r]),
    );
    return {
      report,
      contentType: 'text/csv; charset=utf-8',
      fileName: `season-report-${season}.csv`,
      body: seasonReportCsv(report, names, (countyId) => latest.get(countyId)),
    };
  }
  // The XLSX writer is a chunk of its own in the bundle, read while the workbook's data is: JSON and
  // CSV, most of the requests, never load it (splitBundleCommand in infra/rounds-function.ts).
  const writer = import('#domain/xlsx');
  // The workbook's answers and notes are in the report versions the summaries name (by key, 100 a
  // request, several at once); of the needs, the sheet's columns only.
  const [needList, fullReports] = await Promise.all([
    needSheetRowsByIds(data.visits.flatMap((v) => v.questions.flatMap((q) => q.needIds))),
    reportsByKeys(
      data.reports.map((r) => ({
        visitId: visitId(season, r.countyId),
        societyId: r.societyId,
        version: r.version,
      })),
      { concurrency: EXPORT_BATCH_CONCURRENCY },
    ),
  ]);
  const sheets = seasonWorkbookSheets({
    report,
    names,
    visits: data.visits,
    offers: data.offers,
    reports: fullReports,
    needs: new Map(needList.map((n) => [n.id, n])),
  });
  return {
    report,
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    fileName: `season-report-${season}.xlsx`,
    body: Buffer.from((await writer).xlsxWorkbook(sheets)),
  };
}
