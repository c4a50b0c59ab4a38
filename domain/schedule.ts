/**
 * The quarterly trigger `cron(0 9 1 1,4,7,10 ? *)` in Asia/Shanghai (UTC+8, no daylight saving):
 * 09:00 on the first day of each quarter. The embedded runtime uses this; AWS uses EventBridge Scheduler.
 */
const SHANGHAI_OFFSET_HOURS = 8;
const QUARTER_START_MONTHS = [0, 3, 6, 9];
const HOUR = 9;

/** The first trigger strictly after `now`. */
export function nextQuarterlyTrigger(now: Date): Date {
  const shanghaiYear = new Date(now.getTime() + SHANGHAI_OFFSET_HOURS * 3600_000).getUTCFullYear();
  for (const year of [shanghaiYear, shanghaiYear + 1]) {
    for (const month of QUARTER_START_MONTHS) {
      const at = new Date(Date.UTC(year, month, 1, HOUR - SHANGHAI_OFFSET_HOURS));
      if (at.getTime() > now.getTime()) return at;
    }
  }
  throw new Error('unreachable: a quarter starts within a year');
}
