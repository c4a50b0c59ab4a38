import { apiHandler, json } from '#commons/http';
import { jsonBody } from '#commons/json-body';
import { requireNeedsRole, withdrawNeed } from '#commons/needs-service';

/** POST /needs/{id}/withdraw — an open need is withdrawn (body optional: `{ reason }`); again is a no-op. */
export const handler = apiHandler(async (event, caller) => {
  requireNeedsRole(caller);
  return json(200, await withdrawNeed(caller, event.pathParameters?.id, jsonBody(event, { optional: true })));
});
