import { json, routeHandler } from '#commons/http';
import { putSeasonOverrides } from '#routes/seasons';
import { seasonPlanView } from '#services/read-plan';
import { replanSeason } from '#services/replan-season';

/** PUT /seasons/{season}/overrides — re-plans the season awaiting approval under the coordinator's overrides. */
export const handler = routeHandler(putSeasonOverrides, async ({ caller, params: { season }, body }) => {
  const replanned = await replanSeason(caller, season, body);
  return json(200, { ...replanned, plan: await seasonPlanView(season, caller) });
});
