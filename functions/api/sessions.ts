import { type ApiHandler, json, routeDispatcher, serve } from '#commons/http';
import { identity } from '#identity/identity';
import * as routes from '#routes/users';
import { deviceCode, refreshSession, requestLink, signIn, signOut } from '#services/manage-users';
import { publicOrigin } from './public-origin.ts';

/**
 * The ways in (docs/api.md, users and sign-in): POST /session (a code → a session and the device's
 * credential), /session/refresh, /session/sign-out, /session/device-code, /session/link and the
 * bearer renewal /session/renew. Nothing of a code, a credential or a token is logged.
 */
export const handler: ApiHandler = routeDispatcher([
  serve(routes.createSession, async ({ body, event }) =>
    json(200, await signIn(body.invitation, event.requestContext.http.sourceIp)),
  ),
  serve(routes.renewSession, async ({ caller }) => json(200, await identity().renew(caller))),
  serve(routes.refreshSession, async ({ body, event }) =>
    json(200, await refreshSession(body.deviceToken, event.requestContext.http.sourceIp)),
  ),
  serve(routes.signOutSession, async ({ body, event }) =>
    json(200, await signOut(body.deviceToken, event.requestContext.http.sourceIp)),
  ),
  serve(routes.createDeviceCode, async ({ caller }) => json(201, await deviceCode(caller, publicOrigin()))),
  serve(routes.requestSignInLink, async ({ body, event }) =>
    json(202, await requestLink(body.contact, event.requestContext.http.sourceIp, publicOrigin())),
  ),
]);
