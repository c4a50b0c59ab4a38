import { memoized, optionalIntEnv } from '#commons/config';
import { InvalidInputError } from '#commons/errors';
import { countiesToVisit } from '#domain/plan-steps';
import { seasonOfInstant } from '#domain/season';
import { durationWords } from '#domain/wording';
import { type LoadedRound, RoundExecutionInput } from '#schemas/index';
import { listCounties } from '#store/catalog';
import { getRound } from '#store/rounds';
import { roundStep } from './step.ts';

const defaultOfferTimeoutSeconds = memoized(() => optionalIntEnv('OFFER_TIMEOUT_SECONDS', 7 * 24 * 3600));
/** How long the coordinator's plan review waits before the round goes on (3 days). */
const defaultPlanApprovalSeconds = memoized(() => optionalIntEnv('PLAN_APPROVAL_SECONDS', 3 * 24 * 3600));
const defaultAutoApprove = memoized(() => process.env.AUTO_APPROVE === '1');

/**
 * First step: which season, which counties, and whether this season was planned already (nothing twice, docs/rules.md).
 * Reads: 1 GetItem (the round) + 1 Query of the catalog's counties (the Map's input is every county).
 */
export const handler = roundStep('LoadRound', RoundExecutionInput, async (input): Promise<LoadedRound> => {
  const season =
    input.season ?? (input.scheduledTime ? seasonOfInstant(new Date(input.scheduledTime)) : undefined);
  if (!season)
    throw new InvalidInputError('a round needs a season or a scheduledTime', [
      { path: 'season', message: 'required' },
    ]);

  const [round, counties] = await Promise.all([getRound(season), listCounties()]);
  const planApprovalSeconds = input.planApprovalSeconds ?? defaultPlanApprovalSeconds();
  return {
    season,
    autoAccept: input.autoAccept ?? false,
    offerTimeoutSeconds: input.offerTimeoutSeconds ?? defaultOfferTimeoutSeconds(),
    planExists: round?.plannedAt !== undefined,
    planApproved: round?.approvedAt !== undefined || round?.status === 'completed',
    autoApprove: input.autoApprove ?? defaultAutoApprove(),
    planApprovalSeconds,
    // NotifyPlanReady formats its text in the definition, which cannot turn seconds into days.
    planApprovalWords: durationWords(planApprovalSeconds),
    offerIds: input.offerIds ?? null,
    // One town per county (docs/rules.md): every county with at least one town gets a visit.
    counties: countiesToVisit(counties)
      .map((county) => ({ countyId: county.id }))
      .sort((a, b) => a.countyId.localeCompare(b.countyId)),
  };
});
