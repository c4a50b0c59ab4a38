import { roundStep } from '#commons/round-step';
import { inParallel, listSocieties, saveDraftAssignment, seasonDrafts, seasonItems } from '#commons/store';
import { solveAssignment } from '#domain/assignment';
import { explainPlan } from '#domain/explain';
import type { PlannedVisit } from '#schemas/index';
import { SeasonOnly } from '#schemas/index';

const WRITE_CONCURRENCY = 16;

/**
 * Rule 4: which societies go where, sharing each society's capacity across all counties. Reads the
 * season's draft visits and writes each one's assignment and explanation back: only counts travel
 * in the state machine's payload, whatever the size of the round.
 */
export const handler = roundStep('AssignSocieties', SeasonOnly, async ({ season }) => {
  const [drafts, societies, { capacityUsed }] = await Promise.all([
    seasonDrafts(season),
    listSocieties(),
    seasonItems(season),
  ]);
  const chosen = drafts.map(({ visit }) => ({
    countyId: visit.countyId,
    townId: visit.townId,
    needs: visit.needs,
    rankings: visit.ranking,
    townLocked: false,
  }));
  const solution = solveAssignment({ visits: chosen, societies, capacityUsed }, { timeLimit: 30 });
  const visits = drafts.map(
    ({ visit }, i): PlannedVisit => ({
      countyId: visit.countyId,
      townId: visit.townId,
      questions: visit.questions,
      assignments: solution.visits[i]!.assignments,
      unassignedNeedIds: solution.visits[i]!.unassignedNeedIds,
    }),
  );
  const explanation = explainPlan({ chosen, solution, visits }, {}, []);

  await inParallel(visits, WRITE_CONCURRENCY, (visit) =>
    saveDraftAssignment(season, visit.countyId, {
      assignments: visit.assignments,
      unassignedNeedIds: visit.unassignedNeedIds,
      explain: explanation.visits.find((v) => v.countyId === visit.countyId) ?? null,
    }),
  );
  return {
    visits: visits.length,
    pairs: solution.objective.pairs,
    weight: solution.objective.weight,
    bound: solution.bound.weight,
  };
});
