import { NotFoundError } from '#commons/errors';
import { type ApiHandler, actorOf, type Caller, json, requireOwnSociety, routeHandler } from '#commons/http';
import { acceptAssignment, declineAssignment } from '#routes/assignments';
import { answerOffer } from '#services/answer-offer';
import { getTeamOffer } from '#store/offers';

/**
 * POST /assignments/{assignmentId}/accept and POST /assignments/{assignmentId}/decline `{ reason }`
 * (the team of that society only). The decision is recorded once — answering twice is 409 — and
 * completes the round's waiting task (SendTaskSuccess / SendTaskFailure `OfferDeclined`); the state
 * machine then records the outcome and, for a decline, moves the needs to the next society.
 */
async function answer(caller: Caller, id: string, decision: 'accept' | 'decline', reason?: string) {
  const offer = await getTeamOffer(id);
  if (!offer) throw new NotFoundError(`没有这项邀请（${id}）/ assignment "${id}" does not exist`);
  requireOwnSociety(caller, offer.societyId, { zh: '这项邀请', en: 'this assignment' });
  // Recorded, its reminder cancelled, and handed to the waiting round.
  const answered = await answerOffer(id, decision, actorOf(caller), reason);
  return json(200, {
    id,
    decision,
    decidedBy: answered.decidedBy,
    answeredAt: answered.answeredAt,
    status: answered.status,
    ...(reason ? { reason } : {}),
  });
}

const byRoute: Record<string, ApiHandler> = {
  [`${acceptAssignment.method} ${acceptAssignment.path}`]: routeHandler(
    acceptAssignment,
    async ({ caller, params }) => answer(caller, params.assignmentId, 'accept'),
  ),
  [`${declineAssignment.method} ${declineAssignment.path}`]: routeHandler(
    declineAssignment,
    async ({ caller, params, body }) => answer(caller, params.assignmentId, 'decline', body.reason),
  ),
};

/** One function serves both routes; API Gateway names the route in `routeKey`. */
export const handler: ApiHandler = async (event, context) => {
  const serve = byRoute[event.routeKey];
  if (!serve) return json(404, { error: { code: 'not-found', message: '没有这个接口 / no such route' } });
  return serve(event, context);
};
