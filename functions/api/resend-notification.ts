import { json, routeHandler } from '#commons/http';
import { resendNotification } from '#routes/notifications';
import * as notifications from '#services/notifications';

/** POST /notifications/resend `{ season, id }` (coordinator) — a failed message, queued again and audited. */
export const handler = routeHandler(resendNotification, async ({ caller, body }) =>
  json(200, await notifications.resendNotification(caller, body.season, body.id)),
);
