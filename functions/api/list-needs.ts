import { json, routeHandler } from '#commons/http';
import { listNeeds } from '#routes/needs';
import { listNeeds as listNeedPage } from '#services/manage-needs';

/** GET /needs?countyId=&townId=&status=&season=&cursor=&limit= — `{ items, cursor? }`, a page at a time. */
export const handler = routeHandler(listNeeds, async ({ caller, query }) =>
  json(200, await listNeedPage(caller, query)),
);
