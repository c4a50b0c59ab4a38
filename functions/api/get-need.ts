import { apiHandler, json } from '#commons/http';
import { showNeed } from '#commons/needs-service';

/** GET /needs/{id} — one need, for a coordinator or its county's liaison. */
export const handler = apiHandler(async (event, caller) =>
  json(200, await showNeed(caller, event.pathParameters?.id)),
);
