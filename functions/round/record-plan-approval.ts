import { RecordPlanApprovalInput } from '#schemas/index';
import { noticePlanApproved } from '#services/notices';
import { approvePlan } from '#store/rounds';
import { roundStep } from './step.ts';

/**
 * ApprovePlanAutomatically (AUTO_APPROVE) and ApprovePlanOnTimeout (nobody approved within
 * PLAN_APPROVAL_SECONDS): the plan is approved by the round itself, and the round log says so.
 * A coordinator's approval that came first stands (idempotent). Each county's liaisons hear their
 * town before the approval is written: once approved, a round resumed after a crash goes straight to
 * the offers and never runs this step again. A retried step enqueues only what is missing
 * (services/notices.ts).
 */
export const handler = roundStep('RecordPlanApproval', RecordPlanApprovalInput, async ({ season, by }) => {
  await noticePlanApproved(season);
  const result = await approvePlan(season, by, new Date().toISOString(), { force: true });
  return { season, approvedBy: result.ok ? by : (result.round?.approvedBy ?? by), changed: result.ok };
});
