import { apiHandler, json } from '#commons/http';
import { jsonBody } from '#commons/json-body';
import { editNeed, requireNeedsRole } from '#commons/needs-service';

/** PATCH /needs/{id} — change an open need's town, theme, field, title, detail or urgency. */
export const handler = apiHandler(async (event, caller) => {
  requireNeedsRole(caller);
  return json(200, await editNeed(caller, event.pathParameters?.id, jsonBody(event)));
});
