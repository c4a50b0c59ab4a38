import { json, routeHandler } from '#commons/http';
import { getNeed } from '#routes/needs';
import { showNeed } from '#services/manage-needs';

/** GET /needs/{needId} — one need, for a coordinator or its county's liaison. */
export const handler = routeHandler(getNeed, async ({ caller, params }) =>
  json(200, await showNeed(caller, params.needId)),
);
