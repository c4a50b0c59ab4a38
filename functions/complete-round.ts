import { roundStep } from '#commons/round-step';
import { seasonOffers } from '#commons/store/offers';
import { markRoundCompleted, seasonVisits } from '#commons/store/rounds';
import { unassignedNeedIdsOf } from '#domain/reassignment';
import { type RoundSummary, SeasonOnly } from '#schemas/index';

/** Last step: the round's figures, stored on the round and returned as the execution's output. */
export const handler = roundStep('CompleteRound', SeasonOnly, async ({ season }): Promise<RoundSummary> => {
  const [visits, offers] = await Promise.all([seasonVisits(season), seasonOffers(season)]);
  const count = (status: string) => offers.filter((o) => o.status === status).length;
  const summary: RoundSummary = {
    season,
    visits: visits.length,
    offers: offers.length,
    accepted: count('accepted'),
    declined: count('declined'),
    expired: count('expired'),
    unassignedNeeds: visits.reduce((sum, v) => sum + unassignedNeedIdsOf(v, offers).length, 0),
  };
  const { season: _season, ...figures } = summary;
  await markRoundCompleted(season, new Date().toISOString(), figures);
  return summary;
});
