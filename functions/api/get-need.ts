import { json, routeHandler } from '#commons/http';
import { showNeed } from '#commons/needs-service';
import { getNeed } from '#routes/needs';

/** GET /needs/{needId} — one need, for a coordinator or its county's liaison. */
export const handler = routeHandler(getNeed, async ({ caller, params }) =>
  json(200, await showNeed(caller, params.needId)),
);
