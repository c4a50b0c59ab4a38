import type { Caller } from './http.ts';
import { appendAudit, auditActorOf } from './store/audit.ts';

/**
 * What the plan review changes goes to the audit log (SPEC: every coordinator change is appended,
 * who, when, what, before → after; GET /audit).
 */
export interface PlanChange {
  action: 'overrides.update' | 'plan.approve' | 'need.assign';
  target: { kind: string; id: string };
  before?: unknown;
  after?: unknown;
}

export async function recordPlanChange(caller: Caller, change: PlanChange): Promise<void> {
  await appendAudit({
    by: await auditActorOf(caller),
    action: change.action,
    target: change.target,
    ...(change.before === undefined ? {} : { before: change.before }),
    ...(change.after === undefined ? {} : { after: change.after }),
  });
}
