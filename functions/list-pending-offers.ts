import { roundStep } from '#commons/round-step';
import { seasonOffers } from '#commons/store/offers';
import { SeasonOnly } from '#schemas/index';

/** The season's offers still waiting for an answer: all of them on a first run, the rest on a re-run. */
export const handler = roundStep('ListPendingOffers', SeasonOnly, async ({ season }) => {
  const offers = await seasonOffers(season);
  return {
    offers: offers
      .filter((offer) => offer.status === 'offered')
      .map((offer) => ({ offerId: offer.id }))
      .sort((a, b) => a.offerId.localeCompare(b.offerId)),
  };
});
