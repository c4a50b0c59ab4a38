import { type ApiHandler, json, routeHandler } from '#commons/http';
import { identity } from '#identity/identity';
import { createSession, renewSession } from '#routes/users';
import { signIn } from '#services/manage-users';

/**
 * POST /session `{ invitation }` (public): an invitation code → a session token; POST /session/renew:
 * a fresh token for a signed-in user. Nothing of the code is logged.
 */
const byRoute: Record<string, ApiHandler> = {
  [`${createSession.method} ${createSession.path}`]: routeHandler(createSession, async ({ body, event }) =>
    json(200, await signIn(body.invitation, event.requestContext.http.sourceIp)),
  ),
  [`${renewSession.method} ${renewSession.path}`]: routeHandler(renewSession, async ({ caller }) =>
    json(200, await identity().renew(caller)),
  ),
};

/** One function serves both routes; API Gateway names the route in `routeKey`. */
export const handler: ApiHandler = async (event, context) => {
  const serve = byRoute[event.routeKey];
  if (!serve) return json(404, { error: { code: 'not-found', message: '没有这个接口 / no such route' } });
  return serve(event, context);
};
