import { json, routeHandler } from '#commons/http';
import { listUnassignedNeeds } from '#routes/seasons';
import { seasonUnassigned } from '#services/read-plan';

/** GET /seasons/{season}/unassigned — needs without a society, why, and the societies that could take them. */
export const handler = routeHandler(listUnassignedNeeds, async ({ params: { season } }) =>
  json(200, await seasonUnassigned(season)),
);
