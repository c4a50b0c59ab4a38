import type { Caller } from './http.ts';
import { logger } from './logger.ts';

/**
 * What the plan review changes, for the audit log (SPEC: every coordinator change is appended,
 * who, when, what, before → after). The audit store lands with the catalog routes; until then the
 * change is logged.
 */
export interface PlanChange {
  action: 'overrides.update' | 'plan.approve' | 'need.assign';
  target: { kind: string; id: string };
  before?: unknown;
  after?: unknown;
}

export async function recordPlanChange(caller: Caller, change: PlanChange): Promise<void> {
  logger.info('coordinator change', { by: caller.subject, ...change });
}
