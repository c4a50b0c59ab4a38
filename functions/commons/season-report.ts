import { type SeasonReport, seasonFigures } from '#domain/season-figures';
import { type ReportNames, seasonReportCsv, seasonWorkbookSheets } from '#domain/season-report';
import { xlsxWorkbook } from '#domain/xlsx';
import { inParallel } from './concurrency.ts';
import { listCounties, listSocieties } from './store/catalog.ts';
import { countyNeedsSubmittedIn, needsByIds } from './store/needs.ts';
import { seasonOffers } from './store/offers.ts';
import { seasonVisits } from './store/rounds.ts';
import { latestReports } from './store/visit-log.ts';

const REPORT_READ_CONCURRENCY = 32;

/**
 * The season's visits and offers, the latest version of each society's report on each visit, and
 * the needs submitted in each county that season (for 收集需求).
 */
async function seasonData(season: string) {
  const [visits, offers, counties] = await Promise.all([
    seasonVisits(season),
    seasonOffers(season),
    listCounties(),
  ]);
  // One Query per visit and per county: a national season has thousands, so a bounded number at a time.
  const [reports, submitted] = await Promise.all([
    inParallel(visits, REPORT_READ_CONCURRENCY, (v) => latestReports(v.id)).then((r) => r.flat()),
    inParallel(counties, REPORT_READ_CONCURRENCY, (c) => countyNeedsSubmittedIn(c.id, season)).then((n) =>
      n.flat(),
    ),
  ]);
  return { visits, offers, reports, submitted, counties };
}

/** The season report (rule 8): the figures of domain/season-figures.ts from what is stored. */
export async function loadSeasonReport(season: string): Promise<SeasonReport> {
  const { visits, offers, reports, submitted } = await seasonData(season);
  return seasonFigures({ season, visits, offers, reports, submitted });
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
  const counties = new Map(data.counties.map((c) => [c.id, c]));
  const societies = new Map(
    format === 'xlsx' ? (await listSocieties()).map((s) => [s.id, s.name.zh] as const) : [],
  );
  const names: ReportNames = {
    county: (id) => counties.get(id)?.name.zh ?? id,
    town: (countyId, townId) => counties.get(countyId)?.towns.find((t) => t.id === townId)?.name.zh ?? townId,
    society: (id) => societies.get(id) ?? id,
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
  const needs = new Map(
    (await needsByIds(data.visits.flatMap((v) => v.questions.flatMap((q) => q.needIds)))).map((n) => [
      n.id,
      n,
    ]),
  );
  const sheets = seasonWorkbookSheets({
    report,
    names,
    visits: data.visits,
    offers: data.offers,
    reports: data.reports,
    needs,
  });
  return {
    report,
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    fileName: `season-report-${season}.xlsx`,
    body: Buffer.from(xlsxWorkbook(sheets)),
  };
}
