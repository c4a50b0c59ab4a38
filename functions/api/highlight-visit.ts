import { type ApiHandler, actorOf, json, routeDispatcher, serve } from '#commons/http';
import { highlightVisit, unhighlightVisit } from '#routes/visits';
import * as typical from '#services/highlight-visit';

/** POST /visits/{visitId}/highlight `{ caption, attachmentId? }` and DELETE (coordinator): the typical case. */
export const handler: ApiHandler = routeDispatcher([
  serve(highlightVisit, async ({ caller, params, body }) =>
    json(200, await typical.highlightVisit(params.visitId, body, actorOf(caller))),
  ),
  serve(unhighlightVisit, async ({ params }) => json(200, await typical.unhighlightVisit(params.visitId))),
]);
