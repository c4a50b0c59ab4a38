import { answerOffer, completeWaitingTask, findOffer } from '#commons/offers';
import { roundStep } from '#commons/round-step';
import { appendVisitLog, attachTaskToken, enqueueMessage, getCounty, listSocieties } from '#commons/store';
import { nextSendableTime } from '#domain/quiet-hours';
import { SendOfferInput } from '#schemas/index';

/**
 * Sends one society its offer and leaves the state machine waiting on the task token until the team
 * answers (or the offer times out). The token is kept on the offer in the table.
 */
export const handler = roundStep('SendOfferAndWaitForAnswer', SendOfferInput, async (input) => {
  const offer = await findOffer(input.offerId);
  const now = new Date();
  await attachTaskToken(offer, input.taskToken, now.toISOString());

  const [county, societies] = await Promise.all([getCounty(offer.countyId), listSocieties()]);
  const town = county?.towns.find((t) => t.id === offer.townId);
  const society = societies.find((s) => s.id === offer.societyId);
  const deadline = new Date(now.getTime() + input.offerTimeoutSeconds * 1000);
  const place = `${county?.name.zh ?? offer.countyId}${town?.name.zh ?? offer.townId}`;

  await enqueueMessage({
    id: `${offer.id}#offered`,
    season: offer.season,
    channel: 'team',
    to: society?.contact?.email ?? society?.contact?.webhook ?? offer.societyId,
    subject: `【${offer.season} 科技服务】${place} 邀请 ${society?.name.zh ?? offer.societyId}`,
    body: `${place}本季有 ${offer.needIds.length} 项需求请贵会对接。请在 ${deadline.toISOString()} 前接受或婉拒。`,
    createdAt: now.toISOString(),
    notBefore: nextSendableTime(now).toISOString(),
  });
  await appendVisitLog({
    visitId: offer.visitId,
    key: `offered#${offer.societyId}`,
    kind: 'offered',
    at: now.toISOString(),
    by: 'round-state-machine',
    detail: { societyId: offer.societyId, needIds: offer.needIds, deadline: deadline.toISOString() },
  });

  if (offer.decision) {
    // Answered while no execution was waiting (e.g. the runtime restarted): hand it over now.
    await completeWaitingTask(await findOffer(input.offerId));
  } else if (input.autoAccept) {
    await answerOffer(offer.id, 'accept', 'auto-accept');
  }
  return { offerId: offer.id, waitingUntil: deadline.toISOString() };
});
