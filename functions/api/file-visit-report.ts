import { actorOf, json, routeHandler } from '#commons/http';
import { fileVisitReport } from '#routes/visits';
import { fileReport, reportingAssignment } from '#services/file-report';

/**
 * POST /visits/{id}/report (a society on the visit — one that accepted its offer — only): the
 * answers to the five questions, an outcome per need of its own assignment, the cooperations
 * reached. Every filing is a new version of the society's report (its first is logged `reported`,
 * later ones `edited`); the old versions stay. A need reported `resolved` leaves the open list;
 * `partial`, `unresolved` or no outcome keeps it open for later seasons. An `Idempotency-Key`
 * header makes the caller's retried submission land once (200 the second time).
 * Who may report what: functions/services/file-report.ts.
 */
export const handler = routeHandler(fileVisitReport, async ({ caller, params, headers, body: report }) => {
  const assignment = await reportingAssignment(params.visitId, caller.society as string);
  const filed = await fileReport(assignment, report, actorOf(caller), headers['Idempotency-Key']);
  return json(filed.replayed ? 200 : 201, filed);
});
