import { json, routeHandler } from '#commons/http';
import { getVisitLog } from '#routes/visits';
import { visitForCaller } from '#services/read-visit';
import { reportVersions, visitLog } from '#store/visit-log';

/**
 * GET /visits/{visitId}/log — the append-only log of a visit: planned, offered, accepted, declined,
 * timed out, reassigned, reported, edited; each entry with who and when. Every report version is
 * listed too (a new version never replaces the old one). Coordinators, the county's liaison, and
 * a society that had an offer on the visit may read it.
 */
export const handler = routeHandler(getVisitLog, async ({ caller, params: { visitId: id } }) => {
  const visit = await visitForCaller(caller, id);
  const [entries, reports] = await Promise.all([visitLog(id), reportVersions(id)]);
  return json(200, {
    visitId: id,
    season: visit.season,
    countyId: visit.countyId,
    townId: visit.townId,
    entries,
    reports,
  });
});
