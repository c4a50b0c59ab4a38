import { inParallel } from '#commons/concurrency';
import { logger } from '#commons/logger';
import { type CountyRange, PersistPlanInput } from '#schemas/index';
import { visitId } from '#schemas/keys';
import { listSocieties } from '#store/catalog';
import { offerPlannedAssignment } from '#store/offers';
import { draftsBetween, markRoundPlanned, putVisitIfAbsent, startRound } from '#store/rounds';
import { appendVisitLog } from '#store/visit-log';
import { roundStep } from './step.ts';

const BY = 'round-state-machine';
const WRITE_CONCURRENCY = 16;

/**
 * Writes the plan so that a retry or a second run of the season changes nothing that exists (nothing twice, docs/rules.md):
 * visits, offers and log entries are conditional writes on deterministic keys.
 *
 * Two steps of the state machine call it. PersistPlanBatch (`{ season, batch }`, one child of the
 * PersistPlanPerBatch Map per range of counties): that range's visits, offers and log entries, so an
 * invocation's work is bounded by the batch, not by the country. PersistPlan (`{ season }`, once every
 * batch is written): marks the round planned, which is what a re-run of the season checks.
 */
export const handler = roundStep('PersistPlan', PersistPlanInput, async ({ season, batch }) => {
  if (batch) return persistBatch(season, batch);
  const plannedAt = new Date().toISOString();
  await markRoundPlanned(season, plannedAt);
  return { plannedAt };
});

async function persistBatch(season: string, batch: CountyRange) {
  const [drafts, societies] = await Promise.all([
    draftsBetween(season, batch.first, batch.last),
    listSocieties(),
  ]);
  const capacity = new Map(societies.map((s) => [s.id, s.capacityPerSeason]));
  const unassigned = drafts.filter((draft) => !draft.assignments);
  if (unassigned.length > 0) {
    throw new Error(
      `draft visits without an assignment: ${unassigned.map((d) => d.visit.countyId).join(', ')}`,
    );
  }
  const at = new Date().toISOString();
  // Every batch makes sure the round record exists (the first one writes it; the others find it).
  await startRound(season, at);
  let visitsCreated = 0;
  let offersCreated = 0;

  // Counties are independent here (capacity was shared out by AssignSocieties); write them side by side.
  await inParallel(drafts, WRITE_CONCURRENCY, async (draft) => {
    const visit = {
      ...draft.visit,
      assignments: draft.assignments ?? [],
      unassignedNeedIds: draft.unassignedNeedIds ?? [],
    };
    const id = visitId(season, visit.countyId);
    const created = await putVisitIfAbsent(
      {
        id,
        season,
        countyId: visit.countyId,
        townId: visit.townId,
        questions: visit.questions,
        ranking: visit.ranking,
        unassignedNeedIds: visit.unassignedNeedIds,
        ...(draft.explain ? { explain: draft.explain } : {}),
        plannedAt: at,
      },
      { countyName: draft.visit.names?.county, townName: draft.visit.names?.town },
    );
    if (created) visitsCreated++;
    await appendVisitLog({
      visitId: id,
      key: 'planned',
      kind: 'planned',
      at,
      by: BY,
      detail: { townId: visit.townId, societies: visit.assignments.map((a) => a.societyId) },
    });

    for (const assignment of visit.assignments) {
      const result = await offerPlannedAssignment(season, visit, assignment, capacity, at);
      if (result === 'created') offersCreated++;
      // Capacity changed between planning and writing (e.g. a coordinator's edit): say so, never exceed it.
      if (result === 'full')
        logger.warn('society full at persist time', { season, societyId: assignment.societyId });
    }
  });
  logger.info('plan batch written', {
    season,
    ...batch,
    counties: drafts.length,
    visitsCreated,
    offersCreated,
  });
  return { visitsCreated, offersCreated };
}
