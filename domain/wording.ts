import { shanghaiClock } from '#schemas/shanghai-time';

/*
 * How messages say times, durations and counts to a person: Beijing time as 12月10日 18:00, a
 * duration in days or hours (3 天), English counts that agree with their noun. One module, so every
 * notice, alert and digest reads the same.
 */

/** 12月10日 18:00 (Beijing time); with the year when it is not the year of `now`. */
export function beijingTime(at: Date, now?: Date): string {
  const c = shanghaiClock(at);
  const year = now && shanghaiClock(now).year !== c.year ? `${c.year}年` : '';
  return `${year}${c.month}月${c.day}日 ${String(c.hour).padStart(2, '0')}:${String(c.minute).padStart(2, '0')}`;
}

/** 12月10日 (Beijing date); with the year when it is not the year of `now`. */
export function beijingDay(at: Date, now?: Date): string {
  const c = shanghaiClock(at);
  const year = now && shanghaiClock(now).year !== c.year ? `${c.year}年` : '';
  return `${year}${c.month}月${c.day}日`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** 10 Dec 18:00 Beijing time, for the English line. */
export function beijingTimeEn(at: Date): string {
  const c = shanghaiClock(at);
  return `${c.day} ${MONTHS[c.month - 1]} ${String(c.hour).padStart(2, '0')}:${String(c.minute).padStart(2, '0')} Beijing time`;
}

/** 10 Dec, for the English line. */
export function beijingDayEn(at: Date): string {
  const c = shanghaiClock(at);
  return `${c.day} ${MONTHS[c.month - 1]}`;
}

/** A duration in whole days when it is some, else hours, else minutes: 3 天 / 3 days. */
export function durationWords(seconds: number): { zh: string; en: string } {
  const days = seconds / 86_400;
  if (days >= 1 && Number.isInteger(days)) return { zh: `${days} 天`, en: count(days, 'day') };
  const hours = Math.round(seconds / 3600);
  if (hours >= 1) return { zh: `${hours} 小时`, en: count(hours, 'hour') };
  const minutes = Math.max(1, Math.round(seconds / 60));
  return { zh: `${minutes} 分钟`, en: count(minutes, 'minute') };
}

/** "1 need", "3 needs". */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}
