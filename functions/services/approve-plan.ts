import type { Caller } from '#commons/http';
import { logger } from '#commons/logger';
import { taskTokens } from '#commons/task-tokens';
import { approvePlan } from '#store/rounds';
import { planChangePut } from './audit-plan-change.ts';
import { noticePlanApproved } from './notices.ts';
import { refused, seasonPlanView } from './read-plan.ts';

/*
 * The coordinator's approval of the plan under review (docs/rules.md, the coordinator's word): the
 * waiting round goes on and sends exactly the stored offers.
 */

/**
 * POST /seasons/{season}/plan/approve: the waiting round goes on and sends the stored plan's offers;
 * each county's liaisons hear their town (a retry after a failed enqueue, refused as approved
 * already, enqueues what is missing).
 */
export async function approveSeason(caller: Caller, season: string) {
  const at = new Date().toISOString();
  const audit = await planChangePut(caller, {
    action: 'plan.approve',
    target: { kind: 'season', id: season },
    after: { approvedBy: caller.subject, approvedAt: at },
  });
  const result = await approvePlan(season, caller.subject, at, { alongside: [audit] });
  if (!result.ok) {
    // Approved already, perhaps by this very request before it died: the waiting round must still
    // hear of it, or it would wait out the review.
    if (result.reason === 'approved' && result.round?.approvalToken)
      await handOverApproval(season, result.round.approvalToken, result.round.approvedBy ?? caller.subject);
    if (result.reason === 'approved') await noticePlanApproved(season);
    throw refused(result, season);
  }
  // Without a token the round has not begun to wait yet: AwaitPlanApproval sees the approval itself.
  const token = result.round.approvalToken;
  if (token) await handOverApproval(season, token, caller.subject);
  await noticePlanApproved(season);
  return seasonPlanView(season, caller);
}

async function handOverApproval(season: string, token: string, approvedBy: string): Promise<void> {
  try {
    await taskTokens().succeed(token, { approvedBy });
  } catch (error) {
    const name = (error as Error).name;
    if (name !== 'TaskTimedOut' && name !== 'InvalidToken' && name !== 'TaskDoesNotExist') throw error;
    logger.info('plan review already closed', { season, reason: name });
  }
}
