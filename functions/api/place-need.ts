import { json, routeHandler } from '#commons/http';
import { placeNeed } from '#routes/seasons';
import { placeNeed as place } from '#services/place-need';

/** POST /seasons/{season}/needs/{needId}/assign — a hand placement: a new offer with its own timeout. */
export const handler = routeHandler(placeNeed, async ({ caller, params: { season, needId }, body }) =>
  json(201, await place(caller, season, needId, body.societyId)),
);
