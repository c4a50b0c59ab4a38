import { ForbiddenError, NotFoundError } from '#commons/errors';
import { apiHandler, json } from '#commons/http';
import { answerOffer } from '#commons/offer-answers';
import { getTeamOffer } from '#commons/store/offers';
import { settleMessage } from '#commons/store/outbox';
import { actorOf, jsonBodyOf, teamSocietyOf } from '#commons/teams-http';
import { AcceptBody, DeclineBody } from '#schemas/index';

/**
 * POST /assignments/{id}/accept and POST /assignments/{id}/decline `{ reason }` (the team of that
 * society only). The decision is recorded once — answering twice is 409 — and completes the round's
 * waiting task (SendTaskSuccess / SendTaskFailure `OfferDeclined`); the state machine then records
 * the outcome and, for a decline, moves the needs to the next society.
 */
export const handler = apiHandler(async (event, caller) => {
  const societyId = teamSocietyOf(caller);
  const id = event.pathParameters?.id ?? '';
  const decision = (event.routeKey ?? event.rawPath ?? '').endsWith('/decline') ? 'decline' : 'accept';
  const offer = await getTeamOffer(id);
  if (!offer) throw new NotFoundError(`assignment "${id}" does not exist / 没有这项邀请`);
  if (offer.societyId !== societyId)
    throw new ForbiddenError('this assignment belongs to another society / 这不是贵会的邀请');
  let reason: string | undefined;
  if (decision === 'decline') reason = jsonBodyOf(event, DeclineBody).reason;
  else jsonBodyOf(event, AcceptBody, { optional: true });

  const answered = await answerOffer(id, decision, actorOf(caller), reason);
  // The reminder is no longer needed (the dispatcher would drop it anyway).
  await settleMessage(offer.season, `${offer.id}#reminder`, 'cancelled', new Date().toISOString());
  return json(200, {
    id,
    decision,
    decidedBy: answered.decidedBy,
    answeredAt: answered.answeredAt,
    status: answered.status,
    ...(reason ? { reason } : {}),
  });
});
