import { json, routeHandler } from '#commons/http';
import { startRound } from '#routes/seasons';
import { startSeasonRound } from '#services/start-round';
import { getRound } from '#store/rounds';

/**
 * POST /rounds `{ season }` (coordinator) → 202 `{ executionId }`. The execution's name is the
 * season and its attempt (`2026-Q4-1`; a failed round recorded in the round log makes the next
 * attempt `-2`), the same as the quarterly schedule's, so a second call starts nothing new: Step
 * Functions refuses a name twice and the existing execution's id comes back. The round itself changes
 * nothing that exists (nothing twice, docs/rules.md).
 */
export const handler = routeHandler(startRound, async ({ body: { season } }) => {
  const { executionId, started } = await startSeasonRound(season);
  // Not started now: the season's execution exists; its round record says whether it finished
  // (no record yet means its first step has not run: it is running).
  const outcome = started
    ? 'started'
    : (await getRound(season))?.status === 'completed'
      ? 'completed'
      : 'running';
  return json(202, { executionId, season, started, outcome });
});
