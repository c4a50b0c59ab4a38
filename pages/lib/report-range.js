// The association report's range picker, shared by the dashboard and the report page: 今年, 去年,
// 最近4季 (this season and the three before), or any range typed as seasons. Seasons are Beijing
// quarters (seasonOfInstant), as the API's.
import { seasonOfInstant } from './schemas.js';

export const RANGE_CHOICES = ['thisYear', 'lastYear', 'last4', 'custom'];
export const RANGE_TEXT = {
  thisYear: ['今年', 'This year'],
  lastYear: ['去年', 'Last year'],
  last4: ['最近4季', 'Last 4 seasons'],
  custom: ['自定义', 'Custom'],
  from: ['起始季度', 'From season'],
  to: ['结束季度', 'To season'],
  openReport: ['打开协会报告', 'Open the association’s report'],
};

const ordinal = (season) => Number(season.slice(0, 4)) * 4 + Number(season.slice(6)) - 1;
const fromOrdinal = (n) => `${Math.floor(n / 4)}-Q${(n % 4) + 1}`;

/** The seasons of a choice at `now`: { from, to }. */
export function rangeFor(choice, now = new Date()) {
  const current = seasonOfInstant(now);
  const year = current.slice(0, 4);
  if (choice === 'lastYear') return { from: `${Number(year) - 1}-Q1`, to: `${Number(year) - 1}-Q4` };
  if (choice === 'last4') return { from: fromOrdinal(ordinal(current) - 3), to: current };
  return { from: `${year}-Q1`, to: `${year}-Q4` };
}

/** A year typed alone ("2026") as its four seasons; else null. */
export function yearRange(text) {
  return /^\d{4}$/.test(text) ? { from: `${text}-Q1`, to: `${text}-Q4` } : null;
}

export const reportHref = ({ from, to }) =>
  `/report.html?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
