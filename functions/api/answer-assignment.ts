import { NotFoundError } from '#commons/errors';
import {
  type ApiHandler,
  actorOf,
  type Caller,
  json,
  requireOwnSociety,
  routeDispatcher,
  serve,
} from '#commons/http';
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

export const handler: ApiHandler = routeDispatcher([
  serve(acceptAssignment, async ({ caller, params }) => answer(caller, params.assignmentId, 'accept')),
  serve(declineAssignment, async ({ caller, params, body }) =>
    answer(caller, params.assignmentId, 'decline', body.reason),
  ),
]);
