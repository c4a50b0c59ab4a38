import { shanghaiClock, shanghaiInstant } from '#schemas/shanghai-time';

/** Messages are not sent between 22:00 and 07:00 Asia/Shanghai. */
const QUIET_FROM_HOUR = 22;
const QUIET_UNTIL_HOUR = 7;

/** The earliest moment at or after `at` outside quiet hours. */
export function nextSendableTime(at: Date): Date {
  const { year, month, day, hour } = shanghaiClock(at);
  if (hour >= QUIET_UNTIL_HOUR && hour < QUIET_FROM_HOUR) return at;
  return shanghaiInstant(year, month, hour >= QUIET_FROM_HOUR ? day + 1 : day, QUIET_UNTIL_HOUR);
}
