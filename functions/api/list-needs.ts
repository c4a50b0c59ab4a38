import { apiHandler, json } from '#commons/http';
import { listNeeds } from '#commons/needs-service';

/** GET /needs?countyId=&townId=&status=&season=&cursor=&limit= — `{ items, cursor? }`, a page at a time. */
export const handler = apiHandler(async (event, caller) =>
  json(200, await listNeeds(caller, event.queryStringParameters ?? {})),
);
