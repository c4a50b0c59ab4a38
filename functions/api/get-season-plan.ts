import { z } from 'zod';
import { ForbiddenError, NotFoundError } from '#commons/errors';
import { apiHandler, json, requireRole } from '#commons/http';
import { storedPlan } from '#commons/store/rounds';
import { parseInput } from '#commons/validation';
import { SeasonId } from '#schemas/index';

const Params = z.object({ season: SeasonId });

/**
 * GET /seasons/{season}/plan — the shape of `rounds plan --json`, with visit and assignment ids and
 * each assignment's status. Coordinators see every county, a liaison only their own.
 */
export const handler = apiHandler(async (event, caller) => {
  requireRole(caller, 'coordinator', 'liaison');
  const { season } = parseInput(Params, event.pathParameters ?? {}, 'path');
  if (caller.role === 'liaison' && !caller.county)
    throw new ForbiddenError('a liaison token must name a county');

  const plan = await storedPlan(season);
  if (!plan) throw new NotFoundError(`season ${season} has no plan yet`);
  const visits = plan.visits.filter((v) => caller.role === 'coordinator' || v.countyId === caller.county);
  return json(200, { ...plan, visits });
});
