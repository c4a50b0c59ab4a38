import { until } from './until.ts';

/**
 * Every store module in one object, for tests that read what a round wrote. Imported after the
 * embedded runtime is up, like the handlers.
 */
export async function loadStore() {
  const [catalog, needs, rounds, offers, visitLog, outbox, plan] = await Promise.all([
    import('#store/catalog'),
    import('#store/needs'),
    import('#store/rounds'),
    import('#store/offers'),
    import('#store/visit-log'),
    import('#store/outbox'),
    import('#services/read-plan'),
  ]);
  return {
    ...catalog,
    ...needs,
    ...rounds,
    ...offers,
    ...visitLog,
    ...outbox,
    storedPlan: plan.storedPlan,
    /** A season's visits, offers and capacity used, read as the round's steps read them. */
    async seasonItems(season: string) {
      const [visits, offerList, capacityUsed] = await Promise.all([
        rounds.seasonVisits(season),
        offers.seasonOffers(season),
        offers.seasonCapacityUsed(season),
      ]);
      return { visits, offers: offerList, capacityUsed };
    },
    /**
     * The season's offers once at least `atLeast` were sent and every one waits for its team's answer
     * (has its task token); fails when that never comes.
     */
    offersWaiting(season: string, atLeast = 3) {
      return until(`${atLeast} offers of ${season} waiting for an answer`, async () => {
        const offerList = await offers.seasonOffers(season);
        return offerList.length >= atLeast && offerList.every((o) => o.taskToken) ? offerList : undefined;
      });
    },
  };
}

export type Store = Awaited<ReturnType<typeof loadStore>>;
