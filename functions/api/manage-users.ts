import { type ApiHandler, actorOf, json, routeDispatcher, serve } from '#commons/http';
import * as routes from '#routes/users';
import { allUsers, createUser, reinviteUser, revokeUser } from '#services/manage-users';
import { publicOrigin } from './public-origin.ts';

/*
 * The coordinators' user routes: POST /users, GET /users, POST /users/{userId}/revoke and
 * POST /users/{userId}/invitation. In AWS this function alone may administer the pool's users
 * (infra/auth.ts USER_ADMIN_ACTIONS).
 */

export const handler: ApiHandler = routeDispatcher([
  serve(routes.createUser, async ({ caller, body }) =>
    json(201, await createUser(body, actorOf(caller), publicOrigin())),
  ),
  serve(routes.listUsers, async () => json(200, { items: await allUsers() })),
  serve(routes.revokeUser, async ({ params }) => json(200, await revokeUser(params.userId))),
  serve(routes.reinviteUser, async ({ params }) =>
    json(201, await reinviteUser(params.userId, publicOrigin())),
  ),
]);
