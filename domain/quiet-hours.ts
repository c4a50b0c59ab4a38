/** Messages are not sent between 22:00 and 07:00 Asia/Shanghai (UTC+8, no daylight saving). */
const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;
const QUIET_FROM_HOUR = 22;
const QUIET_UNTIL_HOUR = 7;

/** The earliest moment at or after `at` outside quiet hours. */
export function nextSendableTime(at: Date): Date {
  const local = new Date(at.getTime() + SHANGHAI_OFFSET_MS);
  const hour = local.getUTCHours();
  if (hour >= QUIET_UNTIL_HOUR && hour < QUIET_FROM_HOUR) return at;
  const morning = new Date(local);
  if (hour >= QUIET_FROM_HOUR) morning.setUTCDate(morning.getUTCDate() + 1);
  morning.setUTCHours(QUIET_UNTIL_HOUR, 0, 0, 0);
  return new Date(morning.getTime() - SHANGHAI_OFFSET_MS);
}
