import { json, routeHandler } from '#commons/http';
import { editNeed } from '#commons/needs-service';
import { patchNeed } from '#routes/needs';

/** PATCH /needs/{needId} — change an open need's town, theme, field, title, detail or urgency. */
export const handler = routeHandler(patchNeed, async ({ caller, params, body }) =>
  json(200, await editNeed(caller, params.needId, body)),
);
