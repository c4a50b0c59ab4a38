import type { SeasonId } from '#schemas/index';
import { asEmbeddedRuntime } from './aws-rules/identity.ts';

/**
 * A hand placement's offer is seen through by an execution of its own (POST
 * /seasons/{season}/needs/{needId}/assign). In AWS that execution outlives any process; here it
 * ends with `npm start`, and a restart does not run a completed round again. So a restart starts
 * again the execution of every offer of a completed round still to be seen through — waiting for
 * an answer, or refused and not yet handed on (ListPendingOffers' rule): once the round is complete,
 * such an offer can only be a placement's, or a successor a placement's execution made.
 * Returns how many were started.
 */
export async function resumeHandPlacements(season: string): Promise<number> {
  const [{ seasonOffers }, { placementExecutionName }, { roundStarter }] = await Promise.all([
    import('#store/offers'),
    import('#services/place-need'),
    import('#services/start-round'),
  ]);
  const pending = (await seasonOffers(season)).filter(
    (o) =>
      o.status === 'offered' ||
      ((o.status === 'declined' || o.status === 'expired') && !o.reassignedTo && !o.alert),
  );
  let started = 0;
  for (const offer of pending) {
    const result = await asEmbeddedRuntime(() =>
      roundStarter().start(placementExecutionName(season, offer.id), {
        season: season as SeasonId,
        offerIds: [offer.id],
      }),
    );
    if (result.started) started++;
  }
  return started;
}
