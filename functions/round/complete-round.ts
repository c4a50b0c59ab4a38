import { ACTIVE_OFFER_STATUSES } from '#domain/reassignment';
import { type RoundSummary, SeasonOnly } from '#schemas/index';
import { markRoundCompleted } from '#store/rounds';
import { seasonSummaries } from '#store/season-summary';
import { roundStep } from './step.ts';

const ACTIVE: readonly string[] = ACTIVE_OFFER_STATUSES;

/**
 * Last step: the round's figures, stored on the round and returned as the execution's output.
 * Reads: 1 Query of the season's county summaries (pages of 200 small items), not its visits and offers.
 */
export const handler = roundStep('CompleteRound', SeasonOnly, async ({ season }): Promise<RoundSummary> => {
  const planned = (await seasonSummaries(season)).filter((s) => s.townId !== undefined);
  const offers = planned.flatMap((s) => Object.values(s.offers));
  const count = (status: string) => offers.filter((o) => o.status === status).length;
  const unassigned = (s: (typeof planned)[number]) => {
    const assigned = new Set(
      Object.values(s.offers)
        .filter((o) => ACTIVE.includes(o.status))
        .flatMap((o) => o.needIds),
    );
    const onVisit = [...new Set((s.questions ?? []).flatMap((q) => q.needIds))];
    return onVisit.filter((id) => !assigned.has(id)).length;
  };
  const summary: RoundSummary = {
    season,
    visits: planned.length,
    offers: offers.length,
    accepted: count('accepted'),
    declined: count('declined'),
    expired: count('expired'),
    unassignedNeeds: planned.reduce((sum, s) => sum + unassigned(s), 0),
  };
  const { season: _season, ...figures } = summary;
  await markRoundCompleted(season, new Date().toISOString(), figures);
  return summary;
});
