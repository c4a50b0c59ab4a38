import { shanghaiClock, shanghaiInstant } from '#schemas/shanghai-time';

/**
 * The quarterly trigger `cron(0 9 1 1,4,7,10 ? *)` in Asia/Shanghai: 09:00 on the first day of
 * each quarter. The embedded runtime uses this; AWS uses EventBridge Scheduler.
 */
const QUARTER_START_MONTHS = [1, 4, 7, 10];
const HOUR = 9;

/** The first trigger strictly after `now`. */
export function nextQuarterlyTrigger(now: Date): Date {
  const { year: shanghaiYear } = shanghaiClock(now);
  for (const year of [shanghaiYear, shanghaiYear + 1]) {
    for (const month of QUARTER_START_MONTHS) {
      const at = shanghaiInstant(year, month, 1, HOUR);
      if (at.getTime() > now.getTime()) return at;
    }
  }
  throw new Error('unreachable: a quarter starts within a year');
}
