import { memoized } from '#commons/config';
import { type ApiEvent, type ApiHandler, actorOf, json, routeHandler } from '#commons/http';
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

const byRoute: Record<string, ApiHandler> = {
  [`${routes.createUser.method} ${routes.createUser.path}`]: routeHandler(
    routes.createUser,
    async ({ caller, body, event }) => json(201, await createUser(body, actorOf(caller), originOf(event))),
  ),
  [`${routes.listUsers.method} ${routes.listUsers.path}`]: routeHandler(routes.listUsers, async () =>
    json(200, { items: await allUsers() }),
  ),
  [`${routes.revokeUser.method} ${routes.revokeUser.path}`]: routeHandler(
    routes.revokeUser,
    async ({ params }) => json(200, await revokeUser(params.userId)),
  ),
  [`${routes.reinviteUser.method} ${routes.reinviteUser.path}`]: routeHandler(
    routes.reinviteUser,
    async ({ params, event }) => json(201, await reinviteUser(params.userId, originOf(event))),
  ),
};

/** One function serves the four routes; API Gateway names the route in `routeKey`. */
export const handler: ApiHandler = async (event, context) => {
  const serve = byRoute[event.routeKey];
  if (!serve) return json(404, { error: { code: 'not-found', message: '没有这个接口 / no such route' } });
  return serve(event, context);
};
