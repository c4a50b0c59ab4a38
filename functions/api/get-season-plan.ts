import { NotFoundError } from '#commons/errors';
import { json, routeHandler } from '#commons/http';
import { storedPlan } from '#commons/store/rounds';
import { getSeasonPlan } from '#routes/seasons';

/**
 * GET /seasons/{season}/plan — the shape of `rounds plan --json`, with visit and assignment ids and
 * each assignment's status. Coordinators see every county, a liaison only their own.
 */
export const handler = routeHandler(getSeasonPlan, async ({ caller, params: { season } }) => {
  // A liaison's county only: three key reads, whatever the size of the season.
  const plan = await storedPlan(season, caller.role === 'coordinator' ? undefined : (caller.county ?? ''));
  if (!plan) throw new NotFoundError(`${season} 还没有计划 / season ${season} has no plan yet`);
  return json(200, plan);
});
