import { ForbiddenError, NotFoundError } from '#commons/errors';
import { apiHandler, json } from '#commons/http';
import { getOffer } from '#commons/store/offers';
import { getVisit } from '#commons/store/rounds';
import { reportVersions, visitLog } from '#commons/store/visit-log';
import { parseVisitId } from '#schemas/keys';

/**
 * GET /visits/{id}/log — the append-only log of a visit: planned, offered, accepted, declined,
 * timed out, reassigned, reported, edited; each entry with who and when. Every report version is
 * listed too (a new version never replaces the old one). Coordinators, the county's liaison, and
 * a society that had an offer on the visit may read it.
 */
export const handler = apiHandler(async (event, caller) => {
  const id = event.pathParameters?.id ?? '';
  const parts = parseVisitId(id);
  const visit = parts && (await getVisit(parts.season, parts.countyId));
  if (!parts || !visit) throw new NotFoundError(`visit "${id}" does not exist / 没有这次走访`);
  if (caller.role === 'liaison' && caller.county !== visit.countyId) {
    throw new ForbiddenError('a liaison reads only the visits of their county / 联络员只能查看本县的走访');
  }
  if (
    caller.role === 'team' &&
    !(caller.society && (await getOffer(parts.season, parts.countyId, caller.society)))
  ) {
    throw new ForbiddenError('only a society offered this visit reads its log / 仅本次走访的学会可查看');
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
