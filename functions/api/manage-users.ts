import { memoized } from '#commons/config';
import { type ApiEvent, type ApiHandler, actorOf, json, routeDispatcher, serve } from '#commons/http';
import * as routes from '#routes/users';
import { allUsers, createUser, reinviteUser, revokeUser } from '#services/manage-users';

/*
 * The coordinators' user routes: POST /users, GET /users, POST /users/{userId}/revoke and
 * POST /users/{userId}/invitation. In AWS this function alone may administer the pool's users
 * (infra/auth.ts USER_ADMIN_ACTIONS).
 */

// A configured public URL wins over the Host header (a proxy, or links printed for another machine).
const publicUrl = memoized(() => process.env.PUBLIC_URL?.replace(/\/+$/, ''));

/** The origin invitation links start with: PUBLIC_URL, else the request's own. */
function originOf(event: ApiEvent): string {
  const configured = publicUrl();
  if (configured) return configured;
  const header = (name: string) =>
    Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1];
  const host = header('host') ?? event.requestContext.domainName;
  const proto =
    header('x-forwarded-proto')?.split(',')[0]?.trim() ||
    (host.startsWith('127.') || host.startsWith('localhost') ? 'http' : 'https');
  return `${proto}://${host}`;
}

export const handler: ApiHandler = routeDispatcher([
  serve(routes.createUser, async ({ caller, body, event }) =>
    json(201, await createUser(body, actorOf(caller), originOf(event))),
  ),
  serve(routes.listUsers, async () => json(200, { items: await allUsers() })),
  serve(routes.revokeUser, async ({ params }) => json(200, await revokeUser(params.userId))),
  serve(routes.reinviteUser, async ({ params, event }) =>
    json(201, await reinviteUser(params.userId, originOf(event))),
  ),
]);
