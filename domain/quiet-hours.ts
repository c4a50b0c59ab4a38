import { shanghaiClock, shanghaiInstant } from '#schemas/shanghai-time';

/**
 * Quiet hours: no message goes out between `from` and `until` (Asia/Shanghai, minutes after
 * midnight; `from` > `until` spans midnight). QUIET_HOURS sets them for the whole installation:
 * `22:00-07:00` (the default), another `HH:MM-HH:MM`, or `off`.
 */
export interface QuietHours {
  readonly from: number;
  readonly until: number;
}

export const DEFAULT_QUIET_HOURS = '22:00-07:00';

/** The quiet hours `raw` names; null for `off`. Throws a bilingual error naming QUIET_HOURS otherwise. */
export function parseQuietHours(raw: string | undefined): QuietHours | null {
  const value = (raw ?? '').trim() || DEFAULT_QUIET_HOURS;
  if (value.toLowerCase() === 'off') return null;
  const match = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(value);
  const minutes = (h?: string, m?: string) =>
    Number(h) < 24 && Number(m) < 60 ? Number(h) * 60 + Number(m) : Number.NaN;
  const from = minutes(match?.[1], match?.[2]);
  const until = minutes(match?.[3], match?.[4]);
  if (!match || Number.isNaN(from) || Number.isNaN(until) || from === until)
    throw new Error(
      `QUIET_HOURS “${value}” 应为 HH:MM-HH:MM（如 22:00-07:00）或 off / QUIET_HOURS "${value}" must be HH:MM-HH:MM (e.g. 22:00-07:00) or off`,
    );
  return { from, until };
}

let cached: { raw: string | undefined; hours: QuietHours | null } | undefined;

/** The installation's quiet hours from QUIET_HOURS, parsed again only when the variable changed. */
export function configuredQuietHours(): QuietHours | null {
  const raw = process.env.QUIET_HOURS;
  if (!cached || cached.raw !== raw) cached = { raw, hours: parseQuietHours(raw) };
  return cached.hours;
}

/** The earliest moment at or after `at` outside quiet hours (QUIET_HOURS unless `quiet` is given). */
export function nextSendableTime(at: Date, quiet: QuietHours | null = configuredQuietHours()): Date {
  if (!quiet) return at;
  const { year, month, day, hour, minute } = shanghaiClock(at);
  const now = hour * 60 + minute;
  const spansMidnight = quiet.from > quiet.until;
  const inQuiet = spansMidnight
    ? now >= quiet.from || now < quiet.until
    : now >= quiet.from && now < quiet.until;
  if (!inQuiet) return at;
  const untilDay = spansMidnight && now >= quiet.from ? day + 1 : day;
  return shanghaiInstant(year, month, untilDay, Math.floor(quiet.until / 60), quiet.until % 60);
}
