import { shanghaiDateTime } from '#schemas/shanghai-time';
import { type CellValue, cellText } from './xlsx.ts';

/**
 * Rule 8: a season's figures — needs collected, handled (resolved) and cooperations reached — per
 * county and in total, with the unassigned and carried-over needs. Pure: the caller reads the
 * season's visits, offers and visit reports.
 */
export interface ReportVisit {
  countyId: string;
  townId: string;
  questions: { needIds: string[] }[];
  unassignedNeedIds: string[];
}
export interface ReportOffer {
  countyId: string;
  needIds: string[];
  status: 'offered' | 'accepted' | 'declined' | 'expired' | 'reassigned';
}
export interface ReportVisitReport {
  countyId: string;
  outcomes: { needId: string; outcome: 'resolved' | 'partial' | 'unresolved' }[];
  cooperations: unknown[];
}

export interface SeasonFigures {
  collected: number;
  assigned: number;
  unassigned: number;
  visited: number;
  handled: number;
  cooperations: number;
  carriedOver: number;
}

export interface SeasonReport {
  season: string;
  total: SeasonFigures;
  counties: ({ countyId: string; townId: string } & SeasonFigures)[];
}

const FIGURES: (keyof SeasonFigures)[] = [
  'collected',
  'assigned',
  'unassigned',
  'visited',
  'handled',
  'cooperations',
  'carriedOver',
];

export function seasonReport(
  season: string,
  visits: readonly ReportVisit[],
  offers: readonly ReportOffer[],
  reports: readonly ReportVisitReport[],
): SeasonReport {
  const counties = [...visits]
    .sort((a, b) => a.countyId.localeCompare(b.countyId))
    .map((visit) => {
      const collected = new Set(visit.questions.flatMap((q) => q.needIds));
      const assigned = new Set(
        offers
          .filter((o) => o.countyId === visit.countyId && (o.status === 'offered' || o.status === 'accepted'))
          .flatMap((o) => o.needIds),
      );
      // Each society on the visit reports on its own needs: together they are the visit's outcomes.
      const filed = reports.filter((r) => r.countyId === visit.countyId);
      const handled = new Set(
        filed
          .flatMap((r) => r.outcomes)
          .filter((o) => o.outcome === 'resolved' && collected.has(o.needId))
          .map((o) => o.needId),
      );
      return {
        countyId: visit.countyId,
        townId: visit.townId,
        collected: collected.size,
        assigned: assigned.size,
        unassigned: [...collected].filter((id) => !assigned.has(id)).length,
        visited: filed.length > 0 ? 1 : 0,
        handled: handled.size,
        cooperations: filed.reduce((sum, r) => sum + r.cooperations.length, 0),
        carriedOver: collected.size - handled.size,
      };
    });
  const total = Object.fromEntries(
    FIGURES.map((f) => [f, counties.reduce((sum, c) => sum + c[f], 0)]),
  ) as unknown as SeasonFigures;
  return { season, total, counties };
}

const CSV_HEADERS: Record<keyof SeasonFigures | 'countyId' | 'townId', string> = {
  countyId: '县（市、区）',
  townId: '走访乡镇',
  collected: '收集需求',
  assigned: '已分派',
  unassigned: '未分派',
  visited: '已走访',
  handled: '已办结',
  cooperations: '达成合作',
  carriedOver: '结转下季',
};

/** When and how a county's visit was reported, for the export's last columns (Asia/Shanghai times). */
export interface ReportDetails {
  visitDate?: string;
  reportedAt?: string;
}

const DETAIL_HEADERS = ['走访日期', '报告提交时间（北京时间）'];

/**
 * The export's table: Chinese headers, a row per county, a total row. With `details`, two more
 * columns: the visit date and when the report was filed, Beijing time, as date cells (CSV writes
 * their text). Shared by CSV and XLSX.
 */
export function seasonReportTable(
  report: SeasonReport,
  names: (countyId: string, townId: string) => [string, string],
  details?: (countyId: string) => ReportDetails | undefined,
): CellValue[][] {
  const columns = Object.keys(CSV_HEADERS) as (keyof typeof CSV_HEADERS)[];
  const rows: CellValue[][] = report.counties.map((county) => {
    const [countyName, townName] = names(county.countyId, county.townId);
    const row: CellValue[] = columns.map((c) =>
      c === 'countyId' ? countyName : c === 'townId' ? townName : county[c],
    );
    if (details) {
      const d = details(county.countyId);
      row.push(
        d?.visitDate ? { date: d.visitDate } : '',
        d?.reportedAt ? { date: shanghaiDateTime(new Date(d.reportedAt)) } : '',
      );
    }
    return row;
  });
  const total: CellValue[] = ['合计', '', ...FIGURES.map((f) => report.total[f])];
  if (details) total.push('', '');
  return [[...columns.map((c) => CSV_HEADERS[c]), ...(details ? DETAIL_HEADERS : [])], ...rows, total];
}

/** CSV for spreadsheets: UTF-8 with a BOM (so Excel reads the Chinese), Chinese headers, a total row. */
export function seasonReportCsv(
  report: SeasonReport,
  names: (countyId: string, townId: string) => [string, string],
  details?: (countyId: string) => ReportDetails | undefined,
): string {
  const quote = (value: CellValue) => {
    const text = cellText(value);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return `\uFEFF${seasonReportTable(report, names, details)
    .map((r) => r.map(quote).join(','))
    .join('\r\n')}\r\n`;
}
