import { type ApiHandler, json, routeDispatcher, serve } from '#commons/http';
import { confirmVisitSchedule, proposeVisitSchedule } from '#routes/schedule';
import { confirmVisitDate, proposeVisitDate } from '#services/schedule-visit';

/**
 * PUT /visits/{visitId}/schedule and POST /visits/{visitId}/schedule/confirm: the visit date both
 * sides agree (a society that accepted the visit, the county's liaison). An `Idempotency-Key` makes a
 * retried request land once. Who may do what: functions/services/schedule-visit.ts.
 */
export const handler: ApiHandler = routeDispatcher([
  serve(proposeVisitSchedule, async ({ caller, params, headers, body }) => {
    const { schedule } = await proposeVisitDate(caller, params.visitId, body, headers['Idempotency-Key']);
    return json(200, schedule);
  }),
  serve(confirmVisitSchedule, async ({ caller, params, headers, body }) => {
    const { schedule } = await confirmVisitDate(caller, params.visitId, body, headers['Idempotency-Key']);
    return json(200, schedule);
  }),
]);
