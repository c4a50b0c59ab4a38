import { ForbiddenError, NotFoundError } from '#commons/errors';
import { json, requireOwnCounty, routeHandler } from '#commons/http';
import { getOffer } from '#commons/store/offers';
import { getVisit } from '#commons/store/rounds';
import { reportVersions, visitLog } from '#commons/store/visit-log';
import { getVisitLog } from '#routes/visits';
import { parseVisitId } from '#schemas/keys';

/**
 * GET /visits/{visitId}/log — the append-only log of a visit: planned, offered, accepted, declined,
 * timed out, reassigned, reported, edited; each entry with who and when. Every report version is
 * listed too (a new version never replaces the old one). Coordinators, the county's liaison, and
 * a society that had an offer on the visit may read it.
 */
export const handler = routeHandler(getVisitLog, async ({ caller, params: { visitId: id } }) => {
  const parts = parseVisitId(id);
  const visit = parts && (await getVisit(parts.season, parts.countyId));
  if (!parts || !visit) throw new NotFoundError(`没有这次走访（${id}）/ visit "${id}" does not exist`);
  if (caller.role === 'liaison') requireOwnCounty(caller, visit.countyId);
  if (caller.role === 'team' && !(await getOffer(parts.season, parts.countyId, caller.society as string))) {
    throw new ForbiddenError('仅本次走访的学会可查看 / only a society offered this visit reads its log');
  }
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
