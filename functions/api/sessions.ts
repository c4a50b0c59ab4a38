import { type ApiHandler, json, routeDispatcher, serve } from '#commons/http';
import { identity } from '#identity/identity';
import { createSession, renewSession } from '#routes/users';
import { signIn } from '#services/manage-users';

/**
 * POST /session `{ invitation }` (public): an invitation code → a session token; POST /session/renew:
 * a fresh token for a signed-in user. Nothing of the code is logged.
 */
export const handler: ApiHandler = routeDispatcher([
  serve(createSession, async ({ body, event }) =>
    json(200, await signIn(body.invitation, event.requestContext.http.sourceIp)),
  ),
  serve(renewSession, async ({ caller }) => json(200, await identity().renew(caller))),
]);
