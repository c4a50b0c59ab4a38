/**
 * The quarterly schedule and POST /rounds start a season's round the same way
 * (`startSeasonRound`): one execution name `<season>-<attempt>` and one input `{ season }`, so a
 * scheduled and a manual start of the same season are one Step Functions execution. Against
 * DynamoDB Local (the round log names the attempt) with a StartExecution port that keeps
 * Step Functions' rule: a name is started once.
 */
import type { Context } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RoundExecutionInput } from '#schemas/index';
import type { RoundStarterPort } from '#services/start-round';
import { embeddedRuntime } from '#support/embedded-api';

const runtime = embeddedRuntime();
let scheduled: (
  event: unknown,
  context: Context,
) => Promise<{ season: string; name: string; started: boolean }>;
let startSeasonRound: typeof import('#services/start-round').startSeasonRound;
const starts: { name: string; input: RoundExecutionInput }[] = [];

/** StartExecution as Step Functions answers it: an existing name starts nothing. */
const stepFunctionsLike: RoundStarterPort = {
  async start(name, input) {
    const started = !starts.some((s) => s.name === name);
    starts.push({ name, input });
    return { executionId: `arn:aws:states:ap-southeast-1:123456789012:execution:Round:${name}`, started };
  },
};

const context = { getRemainingTimeInMillis: () => 30_000 } as unknown as Context;
/** EventBridge Scheduler's quarterly event: 09:00 on 1 October, Asia/Shanghai. */
const Q4_TRIGGER = { scheduledTime: '2026-10-01T01:00:00Z' };

beforeAll(async () => {
  const starter = await import('#services/start-round');
  starter.installRoundStarterPort(stepFunctionsLike);
  startSeasonRound = starter.startSeasonRound;
  scheduled = (await import('#functions/triggers/start-scheduled-round')).handler as never;
}, 120_000);

describe('starting a season’s round on schedule and by hand', () => {
  it('names the scheduled start like POST /rounds, so both starts of one season are one execution', async () => {
    starts.length = 0;
    const bySchedule = await scheduled(Q4_TRIGGER, context);
    const byHand = await startSeasonRound('2026-Q4');

    expect(bySchedule).toMatchObject({ season: '2026-Q4', name: '2026-Q4-1', started: true });
    expect(byHand).toMatchObject({ name: '2026-Q4-1', started: false });
    expect(starts).toEqual([
      { name: '2026-Q4-1', input: { season: '2026-Q4' } },
      { name: '2026-Q4-1', input: { season: '2026-Q4' } },
    ]);
  });

  it('starts the next attempt on schedule after a recorded failure, under the same name by hand', async () => {
    starts.length = 0;
    const { keys } = await import('#schemas/keys');
    // What RecordRoundFailure writes when the execution 2026-Q3-1 fails.
    await runtime.put({
      ...keys.roundLog('2026-Q3', 'failed#2026-Q3-1'),
      kind: 'failed',
      season: '2026-Q3',
    });

    const bySchedule = await scheduled({ scheduledTime: '2026-07-01T01:00:00Z' }, context);
    const byHand = await startSeasonRound('2026-Q3');
    expect(bySchedule).toMatchObject({ season: '2026-Q3', name: '2026-Q3-2', started: true });
    expect(byHand).toMatchObject({ name: '2026-Q3-2', started: false });
  });

  it('refuses an event without a scheduled time, naming the field, and starts nothing', async () => {
    starts.length = 0;
    await expect(scheduled({}, context)).rejects.toMatchObject({
      name: 'InvalidInputError',
      fields: [{ path: 'scheduledTime' }],
    });
    expect(starts).toEqual([]);
  });
});
