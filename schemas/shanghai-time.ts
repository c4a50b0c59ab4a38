import type { SeasonId } from './primitives.ts';

/*
 * The association's clock: Asia/Shanghai. Seasons, quiet hours, the quarterly trigger, stored
 * timestamps and every time shown to people (pages included, through pages/lib/schemas.js) are
 * read off it here. Intl does the time-zone arithmetic; no offset is written by hand.
 */

export const TIME_ZONE = 'Asia/Shanghai';

/** A wall-clock reading in Shanghai; `month` is 1–12. */
export interface ShanghaiTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const FORMAT = new Intl.DateTimeFormat('en-US', {
  timeZone: TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

/** What a clock in Shanghai shows at the instant `at`. */
export function shanghaiClock(at: Date): ShanghaiTime {
  if (Number.isNaN(at.getTime())) throw new RangeError('not a valid date');
  const time = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of FORMAT.formatToParts(at)) {
    if (part.type in time) time[part.type as keyof ShanghaiTime] = Number(part.value);
  }
  return time;
}

/** The hour (0–23) in Shanghai at `at`: for quiet hours. */
export function shanghaiHour(at: Date): number {
  return shanghaiClock(at).hour;
}

/** Milliseconds Shanghai's clock is ahead of UTC at `at` (+8 h today), from its reading `c`. */
function offsetAt(at: Date, c = shanghaiClock(at)): number {
  const wall = Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute, c.second);
  return wall - (at.getTime() - at.getUTCMilliseconds());
}

/**
 * The instant a Shanghai clock shows the given time. Out-of-range fields carry over as in
 * `Date.UTC` (day 32 is the next month's first, hour 24 the next day's 00:00).
 */
export function shanghaiInstant(year: number, month: number, day: number, hour = 0, minute = 0): Date {
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  return new Date(asUtc - offsetAt(new Date(asUtc - offsetAt(new Date(asUtc)))));
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

const dateOf = (c: ShanghaiTime) => `${pad(c.year, 4)}-${pad(c.month)}-${pad(c.day)}`;

/** `2026-10-15` in Shanghai. */
export function shanghaiDate(at: Date): string {
  return dateOf(shanghaiClock(at));
}

/** `2026-10-15 14:30` in Shanghai: times as people read them. */
export function shanghaiDateTime(at: Date): string {
  const c = shanghaiClock(at);
  return `${dateOf(c)} ${pad(c.hour)}:${pad(c.minute)}`;
}

/** ISO 8601 with Shanghai's offset, as instants are stored: `2026-10-01T09:00:00.000+08:00`. */
export function shanghaiTimestamp(at: Date): string {
  const c = shanghaiClock(at);
  const offset = offsetAt(at, c) / 60_000;
  const zone = `${offset < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  return `${dateOf(c)}T${pad(c.hour)}:${pad(c.minute)}:${pad(c.second)}.${pad(at.getUTCMilliseconds(), 3)}${zone}`;
}

/** The season (calendar quarter in Shanghai) an instant falls in: 2026-09-30T16:00Z is 2026-Q4. */
export function seasonOfInstant(at: Date): SeasonId {
  const c = shanghaiClock(at);
  return `${pad(c.year, 4)}-Q${Math.floor((c.month - 1) / 3) + 1}`;
}

/** The instant a season begins: 00:00 in Shanghai on the first day of its quarter. */
export function seasonStart(season: SeasonId): Date {
  const match = /^(\d{4})-Q([1-4])$/.exec(season);
  if (!match) throw new RangeError(`"${season}" is not a season like 2026-Q4`);
  return shanghaiInstant(Number(match[1]), (Number(match[2]) - 1) * 3 + 1, 1);
}
