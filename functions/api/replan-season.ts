import { json, routeHandler } from '#commons/http';
import { seasonPlanView } from '#commons/plan-view';
import { replanSeason } from '#commons/replan';
import { putSeasonOverrides } from '#routes/seasons';

/** PUT /seasons/{season}/overrides — re-plans the season awaiting approval under the coordinator's overrides. */
export const handler = routeHandler(putSeasonOverrides, async ({ caller, params: { season }, body }) => {
  const replanned = await replanSeason(caller, season, body);
  return json(200, { ...replanned, plan: await seasonPlanView(season, caller) });
});
