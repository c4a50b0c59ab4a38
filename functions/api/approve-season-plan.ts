import { json, routeHandler } from '#commons/http';
import { approveSeason } from '#commons/plan-review';
import { approveSeasonPlan } from '#routes/seasons';

/** POST /seasons/{season}/plan/approve — the waiting round goes on and sends the approved plan's offers. */
export const handler = routeHandler(approveSeasonPlan, async ({ caller, params: { season } }) =>
  json(200, await approveSeason(caller, season)),
);
