import { type SeasonReport, seasonReport, seasonReportCsv, seasonReportTable } from '#domain/season-report';
import { xlsxWorkbook } from '#domain/xlsx';
import { inParallel } from './concurrency.ts';
import { listCounties } from './store/catalog.ts';
import { seasonOffers } from './store/offers.ts';
import { seasonVisits } from './store/rounds.ts';
import { latestReports } from './store/visit-log.ts';

const REPORT_READ_CONCURRENCY = 32;

/** The season's visits and offers, with the latest version of each society's report on each visit. */
async function seasonData(season: string) {
  const [visits, offers] = await Promise.all([seasonVisits(season), seasonOffers(season)]);
  // One Query per county: a national season has thousands, so a bounded number at a time.
  const reports = (await inParallel(visits, REPORT_READ_CONCURRENCY, (v) => latestReports(v.id))).flat();
  return { visits, offers, reports };
}

/** The season report (rule 8) from the stored plan, offers and the latest visit reports. */
export async function loadSeasonReport(season: string): Promise<SeasonReport> {
  const { visits, offers, reports } = await seasonData(season);
  return seasonReport(season, visits, offers, reports);
}

export type ReportFormat = 'json' | 'csv' | 'xlsx';

/**
 * The season report as served (HTTP) and printed (`rounds report`): the same figures in each
 * format. CSV and XLSX carry Chinese county and town names, the visit date and when the report was
 * filed (Beijing time).
 */
export async function exportSeasonReport(
  season: string,
  format: ReportFormat,
): Promise<{ report: SeasonReport; contentType: string; fileName: string; body: string | Buffer }> {
  const { visits, offers, reports } = await seasonData(season);
  const report = seasonReport(season, visits, offers, reports);
  if (format === 'json') {
    return {
      report,
      contentType: 'application/json; charset=utf-8',
      fileName: `season-report-${season}.json`,
      body: JSON.stringify(report),
    };
  }
  const counties = new Map((await listCounties()).map((c) => [c.id, c]));
  const names = (countyId: string, townId: string): [string, string] => {
    const county = counties.get(countyId);
    return [county?.name.zh ?? countyId, county?.towns.find((t) => t.id === townId)?.name.zh ?? townId];
  };
  // The county's visit date and filing time: those of its latest filed report.
  const byCounty = new Map(
    [...reports].sort((a, b) => a.reportedAt.localeCompare(b.reportedAt)).map((r) => [r.countyId, r]),
  );
  const details = (countyId: string) => {
    const r = byCounty.get(countyId);
    return r ? { visitDate: r.visitDate, reportedAt: r.reportedAt } : {};
  };
  if (format === 'csv') {
    return {
      report,
      contentType: 'text/csv; charset=utf-8',
      fileName: `season-report-${season}.csv`,
      body: seasonReportCsv(report, names, details),
    };
  }
  return {
    report,
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    fileName: `season-report-${season}.xlsx`,
    body: Buffer.from(
      xlsxWorkbook([{ name: `${season} 季度报告`, rows: seasonReportTable(report, names, details) }]),
    ),
  };
}
