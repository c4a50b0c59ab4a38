import { type ApiHandler, json, routeHandler } from '#commons/http';
import * as routes from '#routes/questions';
import { changeSeasonQuestions, seasonQuestions } from '#services/edit-questions';
import { auditActorOf } from '#store/audit';

/** GET and PUT /seasons/{season}/questions (coordinator): the five questions' wording, versioned. */
const byRoute: Record<string, ApiHandler> = {
  [`${routes.getSeasonQuestions.method} ${routes.getSeasonQuestions.path}`]: routeHandler(
    routes.getSeasonQuestions,
    async ({ params }) => json(200, await seasonQuestions(params.season)),
  ),
  [`${routes.putSeasonQuestions.method} ${routes.putSeasonQuestions.path}`]: routeHandler(
    routes.putSeasonQuestions,
    async ({ caller, params, headers, body }) =>
      json(
        200,
        await changeSeasonQuestions(params.season, body, await auditActorOf(caller), headers['If-Match']),
      ),
  ),
};

export const handler: ApiHandler = async (event, context) => {
  const serve = byRoute[event.routeKey];
  if (!serve) return json(404, { error: { code: 'not-found', message: '没有这个接口 / no such route' } });
  return serve(event, context);
};
