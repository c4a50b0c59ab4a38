import { json, routeHandler } from '#commons/http';
import { getSeasonPlan } from '#routes/seasons';
import { seasonPlanView } from '#services/read-plan';

/**
 * GET /seasons/{season}/plan — the shape of `rounds plan --json`, with visit and assignment ids, each
 * assignment's status, each visit's explanation and the plan review's state (`awaiting-approval`
 * while the round waits for the coordinator). Coordinators see every county with names, a liaison
 * only their own.
 */
export const handler = routeHandler(getSeasonPlan, async ({ caller, params: { season } }) =>
  json(200, await seasonPlanView(season, caller)),
);
