import { json, routeHandler } from '#commons/http';
import { patchNeed } from '#routes/needs';
import { editNeed } from '#services/manage-needs';

/** PATCH /needs/{needId} — change an open need's town, theme, field, title, detail or urgency. */
export const handler = routeHandler(patchNeed, async ({ caller, params, body }) =>
  json(200, await editNeed(caller, params.needId, body)),
);
