import { RecordAnswerInput } from '#schemas/index';
import { findOffer } from '#services/answer-offer';
import { noticeAnswer } from '#services/notices';
import { getTeamOffer, settleOffer, type TeamOffer } from '#store/offers';
import { appendVisitLog } from '#store/visit-log';
import { roundStep } from './step.ts';

const LOG_KIND = { accepted: 'accepted', declined: 'declined', expired: 'timed-out' } as const;

/**
 * Records how an offer ended: accepted, declined, or no answer in time. Idempotent. The log entry is
 * written only when the offer did end that way (a stale wait that times out after the team answered
 * through a newer execution logs nothing).
 * The county's liaisons hear the outcome (services/notices.ts) before the offer is settled when the
 * team's decision already says it, else once it did end that way — a retried step included (the
 * copies' ids make it once).
 * Reads: 1 GetItem of the offer (+ 1 after a lost race), and the notice's (county, society, users).
 */
export const handler = roundStep(
  'RecordAnswer',
  RecordAnswerInput,
  async ({ offerId, outcome, by, cause }) => {
    const offer = await findOffer(offerId);
    const at = new Date().toISOString();
    const entry = {
      visitId: offer.visitId,
      key: `${LOG_KIND[outcome]}#${offer.societyId}`,
      kind: LOG_KIND[outcome],
      at,
      by: by ?? offer.decidedBy ?? (outcome === 'expired' ? 'round-state-machine' : offer.societyId),
      detail: { societyId: offer.societyId, needIds: offer.needIds, ...(cause ? { reason: cause } : {}) },
    };
    // The liaisons are told before the offer is settled: once settled, a round resumed after a crash
    // no longer visits this offer (ListPendingOffers), so a notice after the settle could be lost.
    const toldBefore = offer.status === 'offered' && decidedSo(offer, outcome);
    if (toldBefore) await noticeAnswer(offer, outcome);
    // The outcome and its log entry: one transaction.
    const changed = await settleOffer(offer, outcome, at, entry);
    let endedSo = changed;
    if (!changed) {
      // A retried step, or an answer recorded before a crash: the entry is written once, if it ended so.
      const after: TeamOffer = (await getTeamOffer(offerId)) ?? offer;
      endedSo = after.status === outcome || (after.status === 'reassigned' && after.endedAs === outcome);
      if (endedSo) await appendVisitLog(entry);
    }
    if (endedSo && !toldBefore) await noticeAnswer(offer, outcome);
    return { offerId, outcome, changed };
  },
);

/** The team's recorded decision says this outcome (an expiry: no decision at all). */
function decidedSo(offer: TeamOffer, outcome: 'accepted' | 'declined' | 'expired'): boolean {
  if (outcome === 'expired') return !offer.decision;
  return offer.decision === (outcome === 'accepted' ? 'accept' : 'decline');
}
