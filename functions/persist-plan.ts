import { visitId } from '#commons/keys';
import { logger } from '#commons/logger';
import { roundStep } from '#commons/round-step';
import {
  appendVisitLog,
  createOffer,
  listSocieties,
  markRoundPlanned,
  putVisitIfAbsent,
  startRound,
} from '#commons/store';
import { AssignedPlan } from '#schemas/index';

const BY = 'round-state-machine';

/**
 * Writes the plan so that a retry or a second run of the season changes nothing that exists (rule 5):
 * visits, offers and log entries are conditional writes on deterministic keys.
 */
export const handler = roundStep('PersistPlan', AssignedPlan, async ({ season, visits }) => {
  const capacity = new Map((await listSocieties()).map((s) => [s.id, s.capacityPerSeason]));
  const at = new Date().toISOString();
  await startRound(season, at);
  let visitsCreated = 0;
  let offersCreated = 0;

  for (const visit of visits) {
    const id = visitId(season, visit.countyId);
    const created = await putVisitIfAbsent({
      id,
      season,
      countyId: visit.countyId,
      townId: visit.townId,
      questions: visit.questions,
      ranking: visit.ranking,
      unassignedNeedIds: visit.unassignedNeedIds,
      plannedAt: at,
    });
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
      const result = await createOffer(
        {
          season,
          countyId: visit.countyId,
          townId: visit.townId,
          societyId: assignment.societyId,
          needIds: assignment.needIds,
          createdAt: at,
        },
        capacity.get(assignment.societyId) ?? 0,
      );
      if (result === 'created') offersCreated++;
      // Capacity changed between planning and writing (e.g. a coordinator's edit): say so, never exceed it.
      if (result === 'full')
        logger.warn('society full at persist time', { season, societyId: assignment.societyId });
    }
  }
  await markRoundPlanned(season, at);
  return { visitsCreated, offersCreated };
});
