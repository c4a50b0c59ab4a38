import { logger } from '#commons/logger';
import { taskTokens } from '#commons/task-tokens';
import { AwaitPlanApprovalInput } from '#schemas/index';
import { awaitApproval, getRound } from '#store/rounds';
import { roundStep } from './step.ts';

/**
 * AwaitPlanApproval: keeps the waiting task's token on the season's round, where
 * POST /seasons/{season}/plan/approve finds it. A plan approved before the wait began (the
 * coordinator was quick, or a re-run of the season) is handed back at once.
 */
export const handler = roundStep('AwaitPlanApproval', AwaitPlanApprovalInput, async (input) => {
  const deadline = new Date(Date.now() + input.planApprovalSeconds * 1000).toISOString();
  const state = await awaitApproval(input.season, input.taskToken, deadline);
  if (state === 'approved') {
    const round = await getRound(input.season);
    logger.info('plan approved before the wait began', { season: input.season });
    await taskTokens().succeed(input.taskToken, { approvedBy: round?.approvedBy ?? 'unknown' });
  }
  return { season: input.season, waitingUntil: deadline };
});
