import * as z from 'zod';
import { IsoDateTime, LocalizedName, Slug, text } from './primitives.ts';

/*
 * The visit date both sides agree (docs/rules.md, "The visit date"): a society on the visit or the
 * county's liaison proposes a day (and maybe a time, Beijing time), the other side confirms it.
 */

export const SCHEDULE_STATUSES = ['proposed', 'confirmed'] as const;
export const ScheduleStatus = z.enum(SCHEDULE_STATUSES);
export type ScheduleStatus = z.infer<typeof ScheduleStatus>;

/** The two sides of a visit date: the society's team and the county's liaison. */
export const ScheduleSide = z.enum(['team', 'liaison']);
export type ScheduleSide = z.infer<typeof ScheduleSide>;

/** A real calendar day `YYYY-MM-DD` (not 2027-02-30). */
function isCalendarDay(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const day = new Date(Date.UTC(y, m - 1, d));
  return day.getUTCFullYear() === y && day.getUTCMonth() === m - 1 && day.getUTCDate() === d;
}

// Custom checks, so the message carries its Chinese (schemas/messages.ts).
const VisitDay = z.string().refine(isCalendarDay, {
  error: 'must be a date like 2027-01-15',
  params: { zh: '须为日期，如 2027-01-15' },
});
const ClockTime = z.string().refine((value) => /^(?:[01]\d|2[0-3]):[0-5]\d$/.test(value), {
  error: 'must be a time like 09:30 (Beijing time)',
  params: { zh: '须为时刻，如 09:30（北京时间）' },
});

/** `PUT /visits/{visitId}/schedule`: the day, optionally the time (Beijing time) and a note. */
export const ScheduleInput = z.strictObject({
  date: VisitDay,
  time: ClockTime.optional(),
  note: text(200).optional(),
});
export type ScheduleInput = z.infer<typeof ScheduleInput>;

/** `POST /visits/{visitId}/schedule/confirm`: the version seen, so a queued confirmation never confirms a later date. */
export const ScheduleConfirmInput = z.strictObject({
  version: z.int().min(1).optional(),
});
export type ScheduleConfirmInput = z.infer<typeof ScheduleConfirmInput>;

/** Who proposed or confirmed, as a page names them. */
export const ScheduleParty = z.object({
  role: ScheduleSide,
  /** The society's name, or the county's liaison (淳安县联络员). */
  name: LocalizedName,
  /** The person, when the user list knows their name. */
  person: z.string().optional(),
  societyId: Slug.optional(),
  countyId: Slug.optional(),
});
export type ScheduleParty = z.infer<typeof ScheduleParty>;

/** A visit's date as `GET /visits/{visitId}` and the schedule routes answer it. */
export const VisitSchedule = z.object({
  visitId: z.string(),
  date: VisitDay,
  time: ClockTime.optional(),
  note: z.string().optional(),
  status: ScheduleStatus,
  proposedBy: ScheduleParty,
  proposedAt: IsoDateTime,
  confirmedBy: ScheduleParty.optional(),
  confirmedAt: IsoDateTime.optional(),
  /** +1 on every proposal: a reschedule's reminders replace the older version's. */
  version: z.int().min(1),
  /** The instant it starts (Beijing time, 00:00 for a day without a time): what reminders count from. */
  startsAt: IsoDateTime,
});
export type VisitSchedule = z.infer<typeof VisitSchedule>;
