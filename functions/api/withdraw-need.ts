import { json, routeHandler } from '#commons/http';
import { withdrawNeed } from '#routes/needs';
import { withdrawNeed as withdraw } from '#services/manage-needs';

/** POST /needs/{needId}/withdraw — an open need is withdrawn (body optional: `{ reason }`); again is a no-op. */
export const handler = routeHandler(withdrawNeed, async ({ caller, params, body }) =>
  json(200, await withdraw(caller, params.needId, body)),
);
