/**
 * The plan review's timeout on the embedded runtime (DynamoDB Local + the synthesized definition):
 * nobody approves within planApprovalSeconds, so ApprovePlanOnTimeout approves it, the round log
 * says so, the offers go out, and a late approval is refused.
 */
import { describe, expect, it } from 'vitest';
import { loadDataDir } from '#cli/data-dir';
import { DEMO_DATA_DIR } from '#cli/session';
import { embeddedRuntime } from '#support/embedded-api';

const SEASON = '2026-Q4';
const runtime = embeddedRuntime(loadDataDir(DEMO_DATA_DIR));

describe('the plan review on the embedded runtime', () => {
  it('goes on after PLAN_APPROVAL_SECONDS: approved by timeout in the round log, offers sent, a late approval refused', async () => {
    const execution = await runtime.runner.run({
      season: SEASON,
      autoAccept: true,
      autoApprove: false,
      planApprovalSeconds: 2,
    });

    expect(execution.status).toBe('SUCCEEDED');
    const { roundLog } = await import('#store/visit-log');
    const { getRound } = await import('#store/rounds');
    const approved = (await roundLog(SEASON)).find((e) => e.kind === 'plan-approved');
    expect(approved?.by).toBe('timeout');
    const round = await getRound(SEASON);
    expect(round).toMatchObject({ status: 'completed', approvedBy: 'timeout' });
    const { seasonOffers } = await import('#store/offers');
    const offers = await seasonOffers(SEASON);
    expect(offers.length).toBeGreaterThan(0);
    expect(offers.every((o) => o.status === 'accepted')).toBe(true);

    // The coordinator's notice says the wait in words, and waits in the outbox as a plan-ready message.
    const { seasonOutbox } = await import('#store/outbox');
    const notice = (await seasonOutbox(SEASON)).find((m) => m.id === `plan-ready#${SEASON}`);
    expect(notice).toMatchObject({ kind: 'plan-ready', audience: 'coordinator', medium: 'topic' });
    expect(notice?.body).toContain('1 分钟内未批准');
    expect(notice?.body).toContain('within 1 minute its offers');

    const { approveSeason } = await import('#services/approve-plan');
    await expect(approveSeason({ subject: 'late', role: 'coordinator' }, SEASON)).rejects.toMatchObject({
      name: 'ConflictError',
    });
  });
});
