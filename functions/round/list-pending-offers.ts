import { emitMetrics, METRIC } from '#commons/metrics';
import { ListPendingOffersInput } from '#schemas/index';
import { offerId } from '#schemas/keys';
import { seasonSummaries } from '#store/season-summary';
import { roundStep } from './step.ts';

/**
 * The season's offers still to be seen through: all of them on a first run; on a re-run those still
 * waiting for an answer and those refused (declined or expired) but not yet moved to a successor
 * (a successor turns them `reassigned`) — a run that died between the answer and the hand-over left
 * them so. SendOfferAndWaitForAnswer hands a refused one straight on to FindNextSociety (a successor, or the
 * coordinator's alert once more: the same alert).
 * A hand placement's execution sees through only its own offers (`offerIds`).
 * Reads: 1 Query of the season's county summaries (pages of 200 small items), not the offer items.
 */
const TO_SEE_THROUGH = new Set(['offered', 'declined', 'expired']);

export const handler = roundStep(
  'ListPendingOffers',
  ListPendingOffersInput,
  async ({ season, offerIds }) => {
    const summaries = await seasonSummaries(season);
    const only = offerIds ? new Set(offerIds) : undefined;
    const offers = summaries
      .flatMap((s) =>
        Object.entries(s.offers)
          .filter(([, offer]) => TO_SEE_THROUGH.has(offer.status))
          .map(([societyId]) => ({ offerId: offerId(season, s.countyId, societyId) })),
      )
      .filter((offer) => !only || only.has(offer.offerId))
      .sort((a, b) => a.offerId.localeCompare(b.offerId));
    // The season's offers the round is about to wait on (the operators' dashboard,
    // infra/operations.ts); a hand placement's few are no measure of the season.
    if (!only) emitMetrics({ [METRIC.offersWaiting]: offers.length });
    return { offers };
  },
);
