import { roundStep } from '#commons/round-step';
import { seasonSummaries } from '#commons/store/season-summary';
import { SeasonOnly } from '#schemas/index';
import { offerId } from '#schemas/keys';

/**
 * The season's offers still waiting for an answer: all of them on a first run, the rest on a re-run.
 * Reads: 1 Query of the season's county summaries (pages of 200 small items), not the offer items.
 */
export const handler = roundStep('ListPendingOffers', SeasonOnly, async ({ season }) => {
  const summaries = await seasonSummaries(season);
  return {
    offers: summaries
      .flatMap((s) =>
        Object.entries(s.offers)
          .filter(([, offer]) => offer.status === 'offered')
          .map(([societyId]) => ({ offerId: offerId(season, s.countyId, societyId) })),
      )
      .sort((a, b) => a.offerId.localeCompare(b.offerId)),
  };
});
