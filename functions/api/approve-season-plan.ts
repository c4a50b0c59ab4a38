import { json, routeHandler } from '#commons/http';
import { approveSeasonPlan } from '#routes/seasons';
import { approveSeason } from '#services/approve-plan';

/** POST /seasons/{season}/plan/approve — the waiting round goes on and sends the approved plan's offers. */
export const handler = routeHandler(approveSeasonPlan, async ({ caller, params: { season } }) =>
  json(200, await approveSeason(caller, season)),
);
