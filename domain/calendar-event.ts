/*
 * One event as an iCalendar file (RFC 5545) for a phone's calendar: the visit date. Written here
 * rather than with a generator package: the ones on npm write either UTC or floating local times,
 * not a TZID with its VTIMEZONE, and a floating time would move with the phone's own zone.
 * Asia/Shanghai has kept +08:00 without daylight saving since 1991, so one STANDARD rule is exact.
 */

export interface CalendarEvent {
  /** Stable across versions: a re-sent file updates the same event. */
  uid: string;
  /** Bumped on every reschedule (the schedule's version), so calendars take the newer one. */
  sequence: number;
  /** When the file was made. */
  stamp: Date;
  /** `YYYY-MM-DD`, a day in Shanghai. */
  date: string;
  /** `HH:MM` Beijing time; without it the event is all-day. */
  time?: string;
  /** Minutes; @default 240 (half a day), for a timed event. */
  durationMinutes?: number;
  summary: string;
  location?: string;
  description?: string;
  url?: string;
  tentative?: boolean;
}

export const CALENDAR_TIME_ZONE = 'Asia/Shanghai';

const VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  `TZID:${CALENDAR_TIME_ZONE}`,
  'BEGIN:STANDARD',
  'DTSTART:19700101T000000',
  'TZOFFSETFROM:+0800',
  'TZOFFSETTO:+0800',
  'TZNAME:CST',
  'END:STANDARD',
  'END:VTIMEZONE',
];

/** TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon, comma, newline. */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
}

const encoder = new TextEncoder();

/**
 * Folds a content line at 75 octets (RFC 5545 3.1): continuation lines start with one space, and a
 * UTF-8 character is never split (Chinese text is three octets a character).
 */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = encoder.encode(char).length;
    // The first line holds 75 octets; a continuation's leading space counts, so 74 more.
    const limit = parts.length === 0 ? 75 : 74;
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

const compactDate = (date: string) => date.replaceAll('-', '');

function utcStamp(at: Date): string {
  return `${at.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
}

/** The day after `date` (`YYYY-MM-DD`), for an all-day event's exclusive end. */
function nextDay(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/** A wall-clock time plus minutes, in the same zone: `YYYYMMDDTHHMMSS`. */
function localPlus(date: string, time: string, minutes: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  const wall = new Date(Date.UTC(y, m - 1, d, hh, mm + minutes));
  return wall.toISOString().slice(0, 19).replace(/[-:]/g, '');
}

/** The whole file, CRLF line ends, folded. */
export function calendarFile(event: CalendarEvent): string {
  const timed = event.time !== undefined;
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Science Service Rounds//Visit date//ZH',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    ...(timed ? VTIMEZONE : []),
    'BEGIN:VEVENT',
    `UID:${event.uid}`,
    `SEQUENCE:${event.sequence}`,
    `DTSTAMP:${utcStamp(event.stamp)}`,
    ...(timed
      ? [
          `DTSTART;TZID=${CALENDAR_TIME_ZONE}:${localPlus(event.date, event.time as string, 0)}`,
          `DTEND;TZID=${CALENDAR_TIME_ZONE}:${localPlus(event.date, event.time as string, event.durationMinutes ?? 240)}`,
        ]
      : [
          `DTSTART;VALUE=DATE:${compactDate(event.date)}`,
          `DTEND;VALUE=DATE:${compactDate(nextDay(event.date))}`,
        ]),
    `SUMMARY:${escapeText(event.summary)}`,
    ...(event.location ? [`LOCATION:${escapeText(event.location)}`] : []),
    ...(event.description ? [`DESCRIPTION:${escapeText(event.description)}`] : []),
    ...(event.url ? [`URL:${event.url}`] : []),
    `STATUS:${event.tentative ? 'TENTATIVE' : 'CONFIRMED'}`,
    'TRANSP:OPAQUE',
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
}
