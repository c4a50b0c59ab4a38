import { type ApiHandler, json, routeDispatcher, serve } from '#commons/http';
import * as routes from '#routes/questions';
import { changeSeasonQuestions, seasonQuestions } from '#services/edit-questions';
import { auditActorOf } from '#store/users';

/** GET and PUT /seasons/{season}/questions (coordinator): the five questions' wording, versioned. */
export const handler: ApiHandler = routeDispatcher([
  serve(routes.getSeasonQuestions, async ({ params }) => json(200, await seasonQuestions(params.season))),
  serve(routes.putSeasonQuestions, async ({ caller, params, headers, body }) =>
    json(
      200,
      await changeSeasonQuestions(params.season, body, await auditActorOf(caller), headers['If-Match']),
    ),
  ),
]);
