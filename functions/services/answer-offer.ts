import { ConflictError, NotFoundError, OFFER_DECLINED } from '#commons/errors';
import { logger } from '#commons/logger';
import { taskTokens } from '#commons/task-tokens';
import { isOfferSent } from '#schemas/round';
import { getCounty } from '#store/catalog';
import { getOfferById, type OfferRecord, recordDecision } from '#store/offers';
import { cancelOfferReminder } from './notices.ts';

export async function findOffer(id: string): Promise<OfferRecord> {
  const offer = await getOfferById(id);
  if (!offer) throw new NotFoundError(`offer "${id}" does not exist`);
  return offer;
}

/** Hands a recorded decision to the waiting task of the state machine, if one waits. */
export async function completeWaitingTask(offer: OfferRecord): Promise<void> {
  if (!offer.taskToken || !offer.decision) return;
  try {
    if (offer.decision === 'accept') {
      await taskTokens().succeed(offer.taskToken, { decision: 'accept', by: offer.decidedBy ?? 'unknown' });
    } else {
      await taskTokens().fail(offer.taskToken, OFFER_DECLINED, offer.reason ?? 'declined');
    }
  } catch (error) {
    // The other writer (team answer vs. offer step) completed it first, or the wait timed out.
    const name = (error as Error).name;
    if (name === 'TaskTimedOut' || name === 'InvalidToken' || name === 'TaskDoesNotExist') {
      logger.info('waiting task already closed', { offerId: offer.id, reason: name });
      return;
    }
    throw error;
  }
}

/**
 * An answered offer's reminder is cancelled (the dispatcher would drop it when due anyway). Both
 * the answer and SendOfferAndWaitForAnswer call it: the answer may come before SendOfferAndWaitForAnswer has queued the reminder.
 */
export async function cancelReminder(offer: Pick<OfferRecord, 'season' | 'id' | 'societyId'>): Promise<void> {
  await cancelOfferReminder(offer);
}

/** Why an offer cannot be answered, naming its visit's town (never the offer's id). */
async function unanswerable(offer: OfferRecord): Promise<ConflictError> {
  const county = await getCounty(offer.countyId).catch(() => undefined);
  const town = county?.towns.find((t) => t.id === offer.townId)?.name;
  const zh = `${county?.name.zh ?? ''}${town?.zh ?? ''}`;
  const en = town && county ? `${town.en}, ${county.name.en}` : 'this town';
  if (offer.status === 'withdrawn')
    return new ConflictError(
      `${zh}的这项邀请已在计划审核时撤下，从未发出 / the offer for the visit to ${en} was withdrawn at the plan review and never sent`,
    );
  if (!isOfferSent(offer))
    return new ConflictError(
      `${zh}的走访计划尚待协调人批准，这项邀请尚未发出，暂不能答复 / the plan for the visit to ${en} awaits the coordinator's approval; this offer has not been sent and cannot be answered yet`,
    );
  return new ConflictError(
    `${zh}的这项邀请已答复过或已结束 / the offer for the visit to ${en} was already answered or is no longer open`,
  );
}

/**
 * A team's answer to an offer: recorded once (a second answer is a conflict), then passed to the
 * waiting state machine task. Used by the API and by `--auto-accept`.
 */
export async function answerOffer(
  id: string,
  decision: 'accept' | 'decline',
  by: string,
  reason?: string,
): Promise<OfferRecord> {
  const offer = await findOffer(id);
  if (!isOfferSent(offer)) throw await unanswerable(offer);
  const recorded = await recordDecision(offer, decision, by, new Date().toISOString(), reason);
  if (!recorded) throw await unanswerable(await findOffer(id));
  const current = await findOffer(id);
  await cancelReminder(current);
  await completeWaitingTask(current);
  return current;
}
