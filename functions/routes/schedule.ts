import * as z from 'zod';
import { SubmissionKey } from '#schemas/api';
import { VisitId } from '#schemas/primitives';
import { ScheduleConfirmInput, ScheduleInput, VisitSchedule } from '#schemas/schedule';
import { defineRoute } from './route.ts';

const VisitParams = z.strictObject({ visitId: VisitId });
/** The two sides of a visit date: a society on the visit and the county's liaison. */
const SIDES = { roles: ['team', 'liaison'], ownCounty: true, ownSociety: true } as const;
const RetryKey = z.object({ 'Idempotency-Key': SubmissionKey.optional() });

export const proposeVisitSchedule = defineRoute({
  method: 'PUT',
  path: '/visits/{visitId}/schedule',
  functionId: 'ScheduleVisit',
  operationId: 'proposeVisitSchedule',
  summary: '提出走访日期（北京时间）/ propose the visit date (Beijing time)',
  description:
    '承接本次走访的学会或本县联络员提出；由另一方确认。确认后再提出则重新待确认（版本加一）。日期不能早于今天、不能晚于一年后。同一 Idempotency-Key 的重试只记录一次。/ By a society that accepted the visit or the county’s liaison; the other side confirms. A proposal after confirmation re-opens the date (version + 1). Not before today nor more than a year ahead. A retry with the same Idempotency-Key lands once.',
  tag: 'visits',
  access: SIDES,
  params: VisitParams,
  headers: RetryKey,
  body: ScheduleInput,
  responses: { 200: { description: '已提出 / proposed', schema: VisitSchedule } },
  errors: [404, 409],
  readCost:
    '1 GetItem of the visit + 1 GetItem of the offer (team) + 1 GetItem of the user + 1 GetItem of the schedule + 1 GetItem of the county (+ 1 GetItem of a retried Idempotency-Key)',
});

export const confirmVisitSchedule = defineRoute({
  method: 'POST',
  path: '/visits/{visitId}/schedule/confirm',
  functionId: 'ScheduleVisit',
  operationId: 'confirmVisitSchedule',
  summary: '确认对方提出的走访日期 / confirm the visit date the other side proposed',
  description:
    '确认本方自己提出的日期为 409；`version` 为所见的版本，日期若已改动则 409。/ Confirming one’s own side’s proposal is 409; `version` is the one seen, 409 when the date has changed since.',
  tag: 'visits',
  access: SIDES,
  params: VisitParams,
  headers: RetryKey,
  body: ScheduleConfirmInput,
  bodyOptional: true,
  responses: { 200: { description: '已确认 / confirmed', schema: VisitSchedule } },
  errors: [404, 409],
  readCost:
    '1 GetItem of the visit + 1 GetItem of the offer (team) + 1 GetItem of the user + 1 GetItem of the schedule + 1 GetItem of the county (+ 1 GetItem of a retried Idempotency-Key)',
});

export const getVisitCalendar = defineRoute({
  method: 'GET',
  path: '/visits/{visitId}/calendar.ics',
  functionId: 'GetVisitCalendar',
  operationId: 'getVisitCalendar',
  summary: '走访日期的日历文件（iCalendar）/ the visit date as a calendar file (iCalendar)',
  description:
    '可读本次走访者均可下载；尚未约定日期为 409。/ Whoever may read the visit; 409 while it has no date.',
  tag: 'visits',
  access: { roles: ['coordinator', 'liaison', 'team'], ownCounty: true, ownSociety: true },
  params: VisitParams,
  responses: {
    200: { description: '日历文件 / the calendar file', files: { 'text/calendar': 'text' } },
  },
  errors: [404, 409],
  readCost:
    "1 GetItem of the visit (+ 1 GetItem of the offer for a team) + 1 GetItem of the schedule + 1 GetItem of the county + 1 Query of the county's offers + BatchGetItem of the societies' names",
});
