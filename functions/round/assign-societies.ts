import { inParallel } from '#commons/concurrency';
import { explainPlan } from '#domain/explain';
import { assignVisits } from '#domain/plan-assign';
import type { FramedChoice } from '#domain/plan-steps';
import { type CountyRange, SeasonOnly } from '#schemas/index';
import type { OfferRecord } from '#schemas/records';
import { listSocieties } from '#store/catalog';
import { seasonCapacityUsed, seasonOffers } from '#store/offers';
import { getSeasonOverrides } from '#store/overrides';
import { saveDraftAssignment, seasonDrafts } from '#store/rounds';
import { roundStep } from './step.ts';

const WRITE_CONCURRENCY = 16;

/**
 * The assignment objective (docs/rules.md): which societies go where, sharing each society's capacity across all counties and
 * honouring the season's pins and exclusions. Reads the season's draft visits and writes each
 * one's assignment and explanation back: only counts travel in the state machine's payload,
 * whatever the size of the round.
 * Reads: the season's drafts (1 Query; the planner shares capacity across every county), the societies
 * and the season's capacity (1 Query each: one item per society), the season's offers (1 Query: what
 * an earlier run of this step already wrote) + 1 GetItem (overrides).
 */
export const handler = roundStep('AssignSocieties', SeasonOnly, async ({ season }) => {
  const [drafts, societies, capacityTaken, offers, overrides] = await Promise.all([
    seasonDrafts(season),
    listSocieties(),
    seasonCapacityUsed(season),
    seasonOffers(season),
    getSeasonOverrides(season),
  ]);
  const capacityUsed = capacityUsedBeforePlan(capacityTaken, offers);
  const framed = drafts.map(
    ({ visit }): FramedChoice => ({
      countyId: visit.countyId,
      townId: visit.townId,
      needs: visit.needs,
      rankings: visit.ranking,
      townLocked: visit.townLocked ?? false,
      questions: visit.questions,
    }),
  );
  const core = assignVisits(framed, societies, overrides ?? {}, { capacityUsed, timeLimit: 30 });
  // What each override costs needs re-plans of the whole season; the coordinator's re-plan shows it.
  const explanation = explainPlan(core, overrides ?? {}, []);
  const explained = new Map(explanation.visits.map((v) => [v.countyId, v]));

  await inParallel(core.visits, WRITE_CONCURRENCY, (visit) =>
    saveDraftAssignment(season, visit.countyId, {
      assignments: visit.assignments,
      unassignedNeedIds: visit.unassignedNeedIds,
      explain: explained.get(visit.countyId) ?? null,
    }),
  );
  return {
    visits: core.visits.length,
    pairs: core.solution.objective.pairs,
    weight: core.solution.objective.weight,
    bound: core.solution.bound.weight,
    batches: countyBatches(drafts.map((draft) => draft.visit.countyId)),
  };
});

/**
 * The capacity used this season by anything but this plan. This step runs only while the round is not
 * yet planned; a run that died inside PersistPlan (or after it, before the round was marked planned)
 * left this same plan's offers behind, unsent, each holding a unit. Counted as used, they would make
 * the re-run plan around its own offers (and PersistPlan add a second set beside the first).
 */
function capacityUsedBeforePlan(
  capacityTaken: Readonly<Record<string, number>>,
  offers: readonly Pick<OfferRecord, 'societyId' | 'status' | 'offeredAt' | 'replaces' | 'placedBy'>[],
): Record<string, number> {
  const used = { ...capacityTaken };
  for (const offer of offers) {
    const ownUnsentOffer =
      offer.status === 'offered' && !offer.offeredAt && !offer.replaces && !offer.placedBy;
    if (ownUnsentOffer) used[offer.societyId] = Math.max(0, (used[offer.societyId] ?? 0) - 1);
  }
  return used;
}

/**
 * Counties per PersistPlanBatch invocation: about 200 conditional writes. On one loaded machine's
 * disk-backed DynamoDB Local, 100 counties 4 at a time took up to about 24 s a batch (disk-bound);
 * 50 counties 2 at a time keep a batch to a quarter of that, far inside the function's 30 s.
 */
export const PLAN_BATCH_COUNTIES = 50;

/**
 * The county ranges PersistPlan writes the plan in: consecutive runs of at most PLAN_BATCH_COUNTIES
 * ids, in the table's sort-key order (byte order, which a Query's BETWEEN follows).
 */
export function countyBatches(countyIds: readonly string[], size = PLAN_BATCH_COUNTIES): CountyRange[] {
  const sorted = [...countyIds].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const batches: CountyRange[] = [];
  for (let start = 0; start < sorted.length; start += size) {
    const run = sorted.slice(start, start + size);
    batches.push({ first: run[0] as string, last: run.at(-1) as string });
  }
  return batches;
}
