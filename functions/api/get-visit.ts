import { json, routeHandler } from '#commons/http';
import { getVisit } from '#routes/visits';
import { visitDetail, visitForCaller } from '#services/read-visit';

/**
 * GET /visits/{visitId} — the visit as the visit page shows it: county and town, the five questions
 * as framed, its needs with the societies offered them and their outcomes, the offers, every report
 * version (five answers, outcomes, cooperations) and the log; every id with its name. Coordinators,
 * the county's liaison and a society offered the visit may read it.
 */
export const handler = routeHandler(getVisit, async ({ caller, params: { visitId } }) =>
  json(200, await visitDetail(await visitForCaller(caller, visitId))),
);
