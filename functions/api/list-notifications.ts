import { json, routeHandler } from '#commons/http';
import { listNotifications } from '#routes/notifications';
import * as notifications from '#services/notifications';

/** GET /notifications?status=&season= (coordinator) — one page of a season's messages, in words. */
export const handler = routeHandler(listNotifications, async ({ query }) =>
  json(200, await notifications.listNotifications(query)),
);
