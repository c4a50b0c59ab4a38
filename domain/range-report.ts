import {
  FIGURE_KEYS,
  FIGURE_LABELS,
  PEOPLE_FIGURE_KEYS,
  PEOPLE_FIGURE_LABELS,
  type PeopleFigureKey,
} from '#schemas/labels';
import type { SeasonId } from '#schemas/primitives';
import { seasonFromOrdinal, seasonOrdinal } from './season.ts';
import type { SeasonFigures, SeasonReport } from './season-figures.ts';
import type { CellValue, Sheet } from './sheet-cells.ts';

/*
 * The association's report over a range of seasons (docs/rules.md, "The association's report"):
 * each season's figures come from domain/season-figures.ts (the season report's one function) and
 * are summed here; the people figures (专家人次, 院士人次, 专家人数, 学会, 服务群众) are counted
 * from the latest report of each society on each visit, as the county summaries keep them. Pure.
 */

/** The longest range one report covers: five years. */
export const MAX_RANGE_SEASONS = 20;

export type PeopleFigures = Record<PeopleFigureKey, number>;
export type RangeFigures = SeasonFigures & PeopleFigures;

/** A society's latest report on a county's visit, as far as the people figures need it. */
export interface FiledPeople {
  countyId: string;
  societyId: string;
  experts: readonly { name: string; title?: string | undefined; academician?: boolean | undefined }[];
  participants: number;
}

export interface RangeSeasonInput {
  report: SeasonReport;
  filed: readonly FiledPeople[];
}

export interface RangeReport {
  from: SeasonId;
  to: SeasonId;
  seasons: SeasonId[];
  total: RangeFigures;
  counties: ({ countyId: string } & RangeFigures)[];
  bySeason: ({ season: SeasonId } & RangeFigures)[];
  /** Each county in each season it has a row in (its season report's row and its people). */
  byCountySeason: ({ season: SeasonId; countyId: string } & RangeFigures)[];
}

/** The seasons from `from` to `to`, both included, oldest first. */
export function seasonsOfRange(from: SeasonId, to: SeasonId): SeasonId[] {
  const first = seasonOrdinal(from);
  return Array.from({ length: seasonOrdinal(to) - first + 1 }, (_, i) => seasonFromOrdinal(first + i));
}

/** One person, however the name was spaced: "王 建国" and "王建国" went once. */
const personKey = (name: string) => name.replace(/\s+/g, '');

/** The people figures of some filed reports: each expert named counts once per report (人次). */
export function peopleFigures(filed: readonly FiledPeople[]): PeopleFigures {
  const experts = filed.flatMap((f) => f.experts);
  return {
    expertVisits: experts.length,
    academicianVisits: experts.filter((e) => e.academician === true).length,
    experts: new Set(experts.map((e) => personKey(e.name))).size,
    societies: new Set(filed.map((f) => f.societyId)).size,
    participants: filed.reduce((sum, f) => sum + f.participants, 0),
  };
}

function sumFigures(rows: readonly SeasonFigures[]): SeasonFigures {
  return Object.fromEntries(
    FIGURE_KEYS.map((key) => [key, rows.reduce((sum, row) => sum + row[key], 0)]),
  ) as SeasonFigures;
}

/**
 * The range's figures: per season (its season report's total), per county and in total (the sum of
 * its seasons' figures), each with the people figures of the reports in it.
 */
export function rangeReport(from: SeasonId, to: SeasonId, seasons: readonly RangeSeasonInput[]): RangeReport {
  const bySeason = seasons.map(({ report, filed }) => ({
    season: report.season as SeasonId,
    ...report.total,
    ...peopleFigures(filed),
  }));
  const countyIds = [
    ...new Set(
      seasons.flatMap((s) => [
        ...s.report.counties.map((c) => c.countyId),
        ...s.filed.map((f) => f.countyId),
      ]),
    ),
  ].sort((a, b) => a.localeCompare(b));
  const counties = countyIds.map((countyId) => ({
    countyId,
    ...sumFigures(seasons.flatMap((s) => s.report.counties.filter((c) => c.countyId === countyId))),
    ...peopleFigures(seasons.flatMap((s) => s.filed.filter((f) => f.countyId === countyId))),
  }));
  const total = {
    ...sumFigures(seasons.map((s) => s.report.total)),
    ...peopleFigures(seasons.flatMap((s) => s.filed)),
  };
  const byCountySeason = seasons.flatMap(({ report, filed }) =>
    report.counties.map(({ countyId, townId: _town, ...figures }) => ({
      season: report.season as SeasonId,
      countyId,
      ...figures,
      ...peopleFigures(filed.filter((f) => f.countyId === countyId)),
    })),
  );
  return {
    from,
    to,
    seasons: seasons.map((s) => s.report.season as SeasonId),
    total,
    counties,
    bySeason,
    byCountySeason,
  };
}

// ---- the words ----------------------------------------------------------------------------------

const QUARTER_ZH = ['', '第一季度', '第二季度', '第三季度', '第四季度'];
const QUARTER_EN = ['', 'the first quarter', 'the second quarter', 'the third quarter', 'the fourth quarter'];

const yearOf = (season: SeasonId) => Number(season.slice(0, 4));
const quarterOf = (season: SeasonId) => Number(season.slice(6));

/** The range as the report names it: "2026年", "2025年至2026年", "2026年第三季度", "2025年第四季度至2026年第三季度". */
export function rangeName(from: SeasonId, to: SeasonId): { zh: string; en: string } {
  const whole = quarterOf(from) === 1 && quarterOf(to) === 4;
  const [fy, ty] = [yearOf(from), yearOf(to)];
  if (whole) {
    return fy === ty
      ? { zh: `${fy}年`, en: `In ${fy}` }
      : { zh: `${fy}年至${ty}年`, en: `From ${fy} to ${ty}` };
  }
  const zhOf = (s: SeasonId) => `${yearOf(s)}年${QUARTER_ZH[quarterOf(s)]}`;
  const enOf = (s: SeasonId) => `${QUARTER_EN[quarterOf(s)]} of ${yearOf(s)}`;
  if (from === to) return { zh: zhOf(from), en: `In ${enOf(from)}` };
  return { zh: `${zhOf(from)}至${zhOf(to)}`, en: `From ${enOf(from)} to ${enOf(to)}` };
}

/**
 * The paragraph in the style of the association's yearly report ("两年来，共征集…需求478项，对接各类
 * 专家为企服务520人次，办结393件，达成合作223件"); a clause whose figure is zero is left out,
 * except the needs collected, handled and the cooperations, which the city always asks for.
 */
export function rangeSummary(
  report: RangeReport,
  countyCount = report.counties.length,
): { zh: string; en: string } {
  const t = report.total;
  const name = rangeName(report.from, report.to);
  const zh = [
    `${name.zh}，共征集山区${countyCount}县需求${t.collected}项`,
    t.visited > 0 ? `走访乡镇${t.visited}次` : '',
    t.expertVisits > 0
      ? `对接各类专家${t.expertVisits}人次（${t.experts}人）${t.academicianVisits > 0 ? `，其中两院院士${t.academicianVisits}人次` : ''}`
      : '',
    t.societies > 0 ? `${t.societies}家学会参与服务` : '',
    t.participants > 0 ? `开展讲座、培训和现场指导，服务群众${t.participants}人次` : '',
    `办结${t.handled}件`,
    `达成合作${t.cooperations}件`,
  ]
    .filter(Boolean)
    .join('，');
  const en = [
    `${name.en}, ${t.collected} needs were collected in ${countyCount} mountain ${countyCount === 1 ? 'county' : 'counties'}`,
    t.visited > 0 ? `${t.visited} town visits were made` : '',
    t.expertVisits > 0
      ? `experts served ${t.expertVisits} times (${t.experts} people${t.academicianVisits > 0 ? `; academicians ${t.academicianVisits} times` : ''})`
      : '',
    t.societies > 0 ? `${t.societies} societies took part` : '',
    t.participants > 0 ? `lectures, trainings and field guidance reached ${t.participants} people` : '',
    `${t.handled} needs were handled`,
    `${t.cooperations} cooperations were reached`,
  ].filter(Boolean);
  return { zh: `${zh}。`, en: `${en.slice(0, -1).join('; ')} and ${en.at(-1)}.` };
}

type Expert = { name: string; title?: string | undefined; academician?: boolean | undefined };

/** A typical case as the source prints its photo captions. */
export interface CaseFacts {
  visitDate: string;
  /** Each society that reported on the visit, with the experts it named. */
  teams: readonly { society: string; experts: readonly Expert[] }[];
  county: string;
  town: string;
  caption: string;
}

/** "2026年10月12日" from "2026-10-12". */
export function chineseDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

const expertName = (e: Expert) => `${e.name}${e.academician ? '院士' : (e.title ?? '')}`;

/** "2026年10月12日，杭州市农学会王建国研究员、李梅教授在淳安县汾口镇为茶农讲解…。" */
export function caseSentence(facts: CaseFacts): string {
  const who = facts.teams
    .map(
      (t) =>
        `${t.society}${t.experts.slice(0, 3).map(expertName).join('、')}${t.experts.length > 3 ? '等专家' : ''}`,
    )
    .join('，');
  const caption = facts.caption.replace(/[。.!！]?\s*$/, '');
  return `${chineseDate(facts.visitDate)}，${who}在${facts.county}${facts.town}${caption}。`;
}

// ---- the tables (XLSX sheets, CSV, the page and the Word document) --------------------------------

/** The columns every table of the report has, in order, with their Chinese labels. */
export const RANGE_COLUMNS: readonly { key: keyof RangeFigures; zh: string; en: string }[] = [
  ...FIGURE_KEYS.map((key) => ({ key, zh: FIGURE_LABELS[key].zh, en: FIGURE_LABELS[key].en })),
  ...PEOPLE_FIGURE_KEYS.map((key) => ({
    key,
    zh: PEOPLE_FIGURE_LABELS[key].zh,
    en: PEOPLE_FIGURE_LABELS[key].en,
  })),
];

/** The columns of the printed tables (page and Word): the figures the city reads, A4 wide. */
export const PRINTED_COLUMNS = RANGE_COLUMNS.filter((c) =>
  (
    [
      'collected',
      'visited',
      'handled',
      'cooperations',
      'expertVisits',
      'academicianVisits',
      'experts',
      'participants',
    ] as string[]
  ).includes(c.key),
);

const figureCells = (row: RangeFigures, columns = RANGE_COLUMNS): CellValue[] =>
  columns.map((c) => row[c.key]);

/** A county's seasons as printed: a row per season with its figures, and the county's total. */
export function countySeasonTable(report: RangeReport, countyId: string): CellValue[][] {
  const total = report.counties.find((c) => c.countyId === countyId);
  return [
    ['季度', ...PRINTED_COLUMNS.map((c) => c.zh)],
    ...report.byCountySeason
      .filter((r) => r.countyId === countyId)
      .map((row) => [row.season, ...figureCells(row, PRINTED_COLUMNS)]),
    ...(total ? [['合计', ...figureCells(total, PRINTED_COLUMNS)]] : []),
  ];
}

/** The counties as printed: a row per county and the total. */
export function printedCountyTable(
  report: RangeReport,
  countyName: (countyId: string) => string,
): CellValue[][] {
  return [
    ['县（市、区）', ...PRINTED_COLUMNS.map((c) => c.zh)],
    ...report.counties.map((row) => [countyName(row.countyId), ...figureCells(row, PRINTED_COLUMNS)]),
    ['合计', ...figureCells(report.total, PRINTED_COLUMNS)],
  ];
}

/** The seasons side by side, as printed (the printed columns). */
export function printedSeasonTable(report: RangeReport): CellValue[][] {
  return [
    ['季度', ...PRINTED_COLUMNS.map((c) => c.zh)],
    ...report.bySeason.map((row) => [row.season, ...figureCells(row, PRINTED_COLUMNS)]),
    ['合计', ...figureCells(report.total, PRINTED_COLUMNS)],
  ];
}

/** 分季度: a row per season and the total; numbers as numbers. */
export function seasonTable(report: RangeReport): CellValue[][] {
  return [
    ['季度', ...RANGE_COLUMNS.map((c) => c.zh)],
    ...report.bySeason.map((row) => [row.season, ...figureCells(row)]),
    ['合计', ...figureCells(report.total)],
  ];
}

/** 分县: a row per county and the total. */
export function countyTable(report: RangeReport, countyName: (countyId: string) => string): CellValue[][] {
  return [
    ['县（市、区）', ...RANGE_COLUMNS.map((c) => c.zh)],
    ...report.counties.map((row) => [countyName(row.countyId), ...figureCells(row)]),
    ['合计', ...figureCells(report.total)],
  ];
}

/** The workbook: 汇总 (the paragraph and the totals), 分季度, 分县, 典型案例. */
export function rangeWorkbookSheets(
  report: RangeReport,
  summary: { zh: string },
  countyName: (countyId: string) => string,
  cases: readonly { sentence: string }[],
): Sheet[] {
  return [
    {
      name: '汇总',
      rows: [
        ['指标', '数值'],
        ...RANGE_COLUMNS.map((c) => [c.zh, report.total[c.key]]),
        ['概述', summary.zh],
      ],
      wrapColumns: [1],
    },
    { name: '分季度', rows: seasonTable(report) },
    { name: '分县', rows: countyTable(report, countyName) },
    { name: '典型案例', rows: [['典型案例'], ...cases.map((c) => [c.sentence])], wrapColumns: [0] },
  ];
}
