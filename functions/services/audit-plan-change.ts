import type { Caller } from '#commons/http';
import { appendAudit } from '#store/audit';
import { auditPut } from '#store/items/audit';
import { auditActorOf } from '#store/users';

/**
 * What the plan review changes goes to the audit log (docs/api.md: every coordinator change is appended,
 * who, when, what, before → after; GET /audit).
 */
export interface PlanChange {
  action: 'overrides.update' | 'plan.approve' | 'need.assign';
  target: { kind: string; id: string };
  before?: unknown;
  after?: unknown;
}

export async function recordPlanChange(caller: Caller, change: PlanChange): Promise<void> {
  await appendAudit(await auditChange(caller, change));
}

/** The audit entry of a change as an item of the change's own transaction. */
export async function planChangePut(caller: Caller, change: PlanChange) {
  return auditPut(await auditChange(caller, change));
}

async function auditChange(caller: Caller, change: PlanChange) {
  return {
    by: await auditActorOf(caller),
    action: change.action,
    target: change.target,
    ...(change.before === undefined ? {} : { before: change.before }),
    ...(change.after === undefined ? {} : { after: change.after }),
  };
}
