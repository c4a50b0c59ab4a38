import { json, routeHandler } from '#commons/http';
import { placeNeed as place } from '#commons/plan-review';
import { placeNeed } from '#routes/seasons';

/** POST /seasons/{season}/needs/{needId}/assign — a hand placement: a new offer with its own timeout. */
export const handler = routeHandler(placeNeed, async ({ caller, params: { season, needId }, body }) =>
  json(201, await place(caller, season, needId, body.societyId)),
);
