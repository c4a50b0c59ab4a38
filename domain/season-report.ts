import {
  type Bilingual,
  FIGURE_KEYS,
  FIGURE_LABELS,
  OFFER_STATUS_LABELS,
  OUTCOME_LABELS,
  THEME_LABELS,
  URGENCY_LABELS,
} from '#schemas/labels';
import { THEMES, type Theme } from '#schemas/primitives';
import { shanghaiDate, shanghaiDateTime } from '#schemas/shanghai-time';
import { groupByCounty, type SeasonReport } from './season-figures.ts';
import { type CellValue, cellText, type Sheet, startsLikeFormula } from './sheet-cells.ts';

/*
 * The season report as people read it: the county summary (CSV, and the XLSX's first sheet) and the
 * XLSX's sheets of visits with their five answers, needs with their outcomes, and cooperations. The
 * figures come from domain/season-figures.ts; this module only lays them out, in Chinese.
 */

export type { SeasonReport } from './season-figures.ts';

/** Names of what the report mentions: counties, towns, societies (Chinese). */
export interface ReportNames {
  county(countyId: string): string;
  town(countyId: string, townId: string): string;
  society(societyId: string): string;
}

/** When and how a county's visit was reported, for the summary's last columns. */
export interface ReportDetails {
  visitDate?: string;
  reportedAt?: string;
}

const SUMMARY_HEADERS = ['县（市、区）', '走访乡镇', ...FIGURE_KEYS.map((k) => FIGURE_LABELS[k].zh)];
const DETAIL_HEADERS = ['走访日期', '报告提交时间（北京时间）'];

const dateCell = (date: string | undefined): CellValue => (date ? { date } : '');
const dateTimeCell = (iso: string | undefined): CellValue =>
  iso ? { date: shanghaiDateTime(new Date(iso)) } : '';

/**
 * The county summary: Chinese headers, a row per county, a total row. With `details`, the visit
 * date and when the report was filed (Beijing time) as date cells (CSV writes their text).
 */
export function seasonReportTable(
  report: SeasonReport,
  names: Pick<ReportNames, 'county' | 'town'>,
  details?: (countyId: string) => ReportDetails | undefined,
): CellValue[][] {
  const rows: CellValue[][] = report.counties.map((county) => {
    const row: CellValue[] = [
      names.county(county.countyId),
      county.townId ? names.town(county.countyId, county.townId) : '',
      ...FIGURE_KEYS.map((k) => county[k]),
    ];
    if (details) {
      const d = details(county.countyId);
      row.push(dateCell(d?.visitDate), dateTimeCell(d?.reportedAt));
    }
    return row;
  });
  const total: CellValue[] = ['合计', '', ...FIGURE_KEYS.map((k) => report.total[k])];
  if (details) total.push('', '');
  return [[...SUMMARY_HEADERS, ...(details ? DETAIL_HEADERS : [])], ...rows, total];
}

/**
 * CSV for spreadsheets: UTF-8 with a BOM (so Excel reads the Chinese), Chinese headers, a total row;
 * text that a spreadsheet would run as a formula is written as text.
 */
export function seasonReportCsv(
  report: SeasonReport,
  names: Pick<ReportNames, 'county' | 'town'>,
  details?: (countyId: string) => ReportDetails | undefined,
): string {
  return csvOf(seasonReportTable(report, names, details));
}

/**
 * Rows as CSV for spreadsheets: UTF-8 with a BOM, CRLF; text that a spreadsheet would run as a
 * formula is written as text.
 */
export function csvOf(rows: readonly (readonly CellValue[])[]): string {
  const quote = (value: CellValue) => {
    if (typeof value === 'number') return String(value);
    // Names people typed: one that looks like a formula gets a leading ' and quotes (as OWASP advises).
    const text = startsLikeFormula(cellText(value)) ? `'${cellText(value)}` : cellText(value);
    return /[",\r\n']/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return `\uFEFF${rows.map((r) => r.map(quote).join(',')).join('\r\n')}\r\n`;
}

// ---- the workbook's other sheets ----------------------------------------------------------------

export interface SheetVisit {
  countyId: string;
  townId: string;
  questions: { theme: Theme; needIds: string[] }[];
}
export interface SheetOffer {
  countyId: string;
  societyId: string;
  needIds: string[];
  status: keyof typeof OFFER_STATUS_LABELS;
  /** 1 for the plan's offer, 2 and 3 for the societies its needs moved to. */
  attempt?: number | undefined;
  offeredAt?: string | undefined;
}
export interface SheetReport {
  countyId: string;
  societyId: string;
  version: number;
  visitDate: string;
  reportedAt: string;
  answers: Record<Theme, string>;
  outcomes: { needId: string; outcome: keyof typeof OUTCOME_LABELS; note?: string | undefined }[];
  cooperations: { title: string; partner: string }[];
}
export interface SheetNeed {
  id: string;
  title: string;
  theme: Theme;
  field: string;
  urgency: keyof typeof URGENCY_LABELS;
  submittedAt: string;
}

const isHolding = (offer: SheetOffer) => offer.status === 'accepted' || offer.status === 'offered';

export interface SeasonWorkbookInput {
  report: SeasonReport;
  names: ReportNames;
  visits: readonly SheetVisit[];
  offers: readonly SheetOffer[];
  /** The latest version of each society's report on each visit. */
  reports: readonly SheetReport[];
  /** The needs on the visits, by id. */
  needs: ReadonlyMap<string, SheetNeed>;
}

const zh = (label: Bilingual | undefined) => label?.zh ?? '';
const byCounty = <T extends { countyId: string }>(a: T, b: T) => a.countyId.localeCompare(b.countyId);

/**
 * The four sheets of the season's workbook: 县汇总 (the county summary), 走访 (a row per society's
 * latest report, with the five answers; a visit with none gets one row saying so), 需求 (a row per
 * need on a visit: who holds it and its outcome), 合作 (a row per cooperation). Dates are date cells.
 */
export function seasonWorkbookSheets(input: SeasonWorkbookInput): Sheet[] {
  const { report, names, needs } = input;
  // Each visit reads only its county's offers and reports: grouped once, not filtered per visit.
  const offersOf = groupByCounty(input.offers);
  const reportsOf = groupByCounty(input.reports);
  const reports = input.reports;
  const visits = [...input.visits].sort(byCounty);
  const latestFiled = new Map(
    [...reports].sort((a, b) => a.reportedAt.localeCompare(b.reportedAt)).map((r) => [r.countyId, r]),
  );
  const summary = seasonReportTable(report, names, (countyId) => latestFiled.get(countyId));

  const visitRows: CellValue[][] = visits.flatMap((visit) => {
    const place = [names.county(visit.countyId), names.town(visit.countyId, visit.townId)];
    const filed = [...(reportsOf.get(visit.countyId) ?? [])];
    if (filed.length === 0) return [[...place, '', '未提交报告', '', '', '', ...THEMES.map(() => '')]];
    return filed
      .sort((a, b) => a.societyId.localeCompare(b.societyId))
      .map((r) => [
        ...place,
        names.society(r.societyId),
        '已提交',
        r.version,
        dateCell(r.visitDate),
        dateTimeCell(r.reportedAt),
        ...THEMES.map((theme) => r.answers[theme] ?? ''),
      ]);
  });

  const needRows: CellValue[][] = visits.flatMap((visit) => {
    const offers = offersOf.get(visit.countyId) ?? [];
    const filed = reportsOf.get(visit.countyId) ?? [];
    return visit.questions.flatMap((question) =>
      question.needIds.map((needId) => {
        const need = needs.get(needId);
        // Who holds the need now (an offer waiting or accepted), and every society it went to, in order.
        const tried = offers
          .filter((o) => o.needIds.includes(needId) && o.status !== 'withdrawn')
          // By try; summaries written before tries were kept have none: the holder goes last.
          .sort(
            (a, b) =>
              (a.attempt ?? 0) - (b.attempt ?? 0) ||
              Number(isHolding(a)) - Number(isHolding(b)) ||
              (a.offeredAt ?? '').localeCompare(b.offeredAt ?? ''),
          );
        const offer = tried.find(isHolding);
        const history =
          tried.length > 1 || (tried.length === 1 && !offer)
            ? tried
                .map((o) => `${names.society(o.societyId)}（${zh(OFFER_STATUS_LABELS[o.status])}）`)
                .join(' → ')
            : '';
        const outcome = offer
          ? filed.find((r) => r.societyId === offer.societyId)?.outcomes.find((o) => o.needId === needId)
          : undefined;
        return [
          names.county(visit.countyId),
          names.town(visit.countyId, visit.townId),
          need?.title ?? '（需求已删除）',
          zh(THEME_LABELS[question.theme]),
          need?.field ?? '',
          need ? zh(URGENCY_LABELS[need.urgency]) : '',
          need ? dateCell(shanghaiDate(new Date(need.submittedAt))) : '',
          offer ? names.society(offer.societyId) : '未分派',
          offer ? zh(OFFER_STATUS_LABELS[offer.status]) : '',
          outcome ? zh(OUTCOME_LABELS[outcome.outcome]) : '未报告',
          outcome?.note ?? '',
          history,
        ];
      }),
    );
  });

  const coopRows: CellValue[][] = visits.flatMap((visit) =>
    [...(reportsOf.get(visit.countyId) ?? [])]
      .sort((a, b) => a.societyId.localeCompare(b.societyId))
      .flatMap((r) =>
        r.cooperations.map((c) => [
          names.county(visit.countyId),
          names.town(visit.countyId, visit.townId),
          names.society(r.societyId),
          c.title,
          c.partner,
          dateCell(r.visitDate),
        ]),
      ),
  );

  return [
    { name: '县汇总', rows: summary },
    {
      name: '走访',
      rows: [
        [
          '县（市、区）',
          '乡镇',
          '学会',
          '报告状态',
          '报告版本',
          '走访日期',
          '报告提交时间（北京时间）',
          ...THEMES.map((theme) => zh(THEME_LABELS[theme])),
        ],
        ...visitRows,
      ],
      wrapColumns: THEMES.map((_, i) => 7 + i),
    },
    {
      name: '需求',
      rows: [
        [
          '县（市、区）',
          '乡镇',
          '需求',
          '主题',
          '领域',
          '紧急程度',
          '提交日期',
          '承接学会',
          '邀请状态',
          '办理结果',
          '说明',
          '经过',
        ],
        ...needRows,
      ],
    },
    {
      name: '合作',
      rows: [['县（市、区）', '乡镇', '学会', '合作内容', '合作方', '走访日期'], ...coopRows],
    },
  ];
}
