import { OFFER_DECLINED } from '#commons/errors';
import { taskTokens } from '#commons/task-tokens';
import { reminderTime } from '#delivery/messages';
import { SendOfferInput } from '#schemas/index';
import { answerOffer, cancelReminder, completeWaitingTask, findOffer } from '#services/answer-offer';
import { noticeOfferSent } from '#services/notices';
import { getCounty, getSociety } from '#store/catalog';
import { attachTaskToken, isRefusedNotHandedOver } from '#store/offers';
import { appendVisitLog } from '#store/visit-log';
import { roundStep } from './step.ts';

/**
 * Sends one society its offer (or, on a second or third try, the reassignment notice) and leaves
 * the state machine waiting on the task token until the team answers or the offer times out. The
 * token is kept on the offer in the table. The reminder is queued now with `notBefore` two days
 * before the deadline; the outbox dispatcher drops it if the offer was answered by then.
 * The offer and its reminder go to the society's contact and each of its team members
 * (services/notices.ts), one copy per reader and medium.
 * Reads: 1 GetItem (the offer) + 2 GetItems in parallel (county, society) + 1 Query of the users.
 * Writes: 1 UpdateItem (token and deadline), then the messages and the log entry side by side
 * (conditional puts).
 */
export const handler = roundStep('SendOfferAndWaitForAnswer', SendOfferInput, async (input) => {
  const offer = await findOffer(input.offerId);
  const now = new Date();
  const deadline = new Date(now.getTime() + input.offerTimeoutSeconds * 1000);
  const [county, society] = await Promise.all([
    getCounty(offer.countyId),
    getSociety(offer.societyId),
    attachTaskToken(offer, input.taskToken, now.toISOString(), deadline.toISOString()),
  ]);

  if (isRefusedNotHandedOver(offer)) {
    // Refused before a crash, never handed over: nothing is sent again; the refusal goes on at once
    // (OfferDeclined → RecordOfferDeclined, which changes nothing recorded → FindNextSociety).
    await taskTokens().fail(input.taskToken, OFFER_DECLINED, offer.reason ?? offer.status);
    return { offerId: offer.id, waitingUntil: deadline.toISOString() };
  }

  // Each is conditional on its own key, so side by side they land once whatever the order.
  await Promise.all([
    noticeOfferSent({
      offer,
      county,
      society,
      now,
      deadline,
      reminderAt: reminderTime(now, input.offerTimeoutSeconds),
    }),
    appendVisitLog({
      visitId: offer.visitId,
      key: `offered#${offer.societyId}`,
      kind: 'offered',
      at: now.toISOString(),
      by: 'round-state-machine',
      detail: {
        societyId: offer.societyId,
        needIds: offer.needIds,
        deadline: deadline.toISOString(),
        attempt: offer.attempt ?? 1,
        ...(offer.replaces ? { replaces: offer.replaces } : {}),
      },
    }),
  ]);

  // Read again after the token is attached: an answer recorded meanwhile (or while no execution was
  // waiting, e.g. before a restart) may have settled an older token; either the team's answer finds
  // this token, or this read finds the answer — so the answer always reaches this wait.
  const current = await findOffer(input.offerId);
  if (current.decision) {
    // Answered before the reminder was queued: the answer could not cancel it.
    await cancelReminder(current);
    await completeWaitingTask(current);
  } else if (input.autoAccept) {
    await answerOffer(offer.id, 'accept', 'auto-accept');
  }
  return { offerId: offer.id, waitingUntil: deadline.toISOString() };
});
