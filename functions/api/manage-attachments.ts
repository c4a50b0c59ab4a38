import { type ApiHandler, json, routeDispatcher, serve } from '#commons/http';
import * as routes from '#routes/attachments';
import {
  attachmentSummary,
  captionAttachment,
  createAttachment,
  removeAttachment,
} from '#services/attachments';

/*
 * A visit's photos: announce one (the answer carries the form that uploads its bytes), caption it,
 * remove it. Who may do what: functions/services/attachments.ts.
 */

// The uploader is named by role here; GET /visits/{id} names their society.
const noSocietyNames = () => undefined;

export const handler: ApiHandler = routeDispatcher([
  serve(routes.createAttachment, async ({ caller, params, headers, body }) => {
    const created = await createAttachment(caller, params.visitId, body, headers['Idempotency-Key']);
    return json(created.replayed ? 200 : 201, {
      attachment: attachmentSummary(created.attachment, noSocietyNames),
      upload: created.upload,
    });
  }),
  serve(routes.updateAttachment, async ({ caller, params, body }) => {
    const attachment = await captionAttachment(caller, params.visitId, params.attachmentId, body.caption);
    return json(200, { attachment: attachmentSummary(attachment, noSocietyNames) });
  }),
  serve(routes.removeAttachment, async ({ caller, params }) => {
    await removeAttachment(caller, params.visitId, params.attachmentId);
    return json(200, { removed: params.attachmentId });
  }),
]);
