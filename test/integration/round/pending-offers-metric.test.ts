/**
 * ListPendingOffers writes the season's offers it is about to wait on as the `OffersWaiting` EMF
 * metric the operators' dashboard shows (infra/operations.ts); a hand placement's few offers are no
 * measure of the season and write nothing.
 */
import type { Context } from 'aws-lambda';
import { afterEach, expect, it, vi } from 'vitest';
import { loadDataDir } from '#cli/data-dir';
import { DEMO_DATA_DIR } from '#cli/session';
import { METRIC, METRICS_DIMENSION, METRICS_NAMESPACE } from '#commons/metrics';
import { runAsFunction } from '#local/aws-rules/identity';
import { embeddedRuntime } from '#support/embedded-api';

const SEASON = '2032-Q2';
const context = { getRemainingTimeInMillis: () => 60_000 } as unknown as Context;
embeddedRuntime(loadDataDir(DEMO_DATA_DIR));
afterEach(() => {
  delete process.env.AWS_LAMBDA_FUNCTION_NAME;
});

/** The EMF documents the call writes to stdout. */
async function metricsOf(call: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    await call();
  } finally {
    write.mockRestore();
  }
  return lines
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line));
}

it('writes how many of the season’s offers the round waits on, for the whole season only', async () => {
  const { createOffer } = await import('#store/offers');
  const base = { season: SEASON, countyId: 'chunan', townId: 'linqi', createdAt: new Date().toISOString() };
  expect(await createOffer({ ...base, societyId: 'zhongyiyao', needIds: ['need-chunan-011'] }, 10)).toBe(
    'created',
  );
  expect(await createOffer({ ...base, societyId: 'nongxue', needIds: ['need-chunan-012'] }, 10)).toBe(
    'created',
  );
  process.env.AWS_LAMBDA_FUNCTION_NAME = 'RoundsStack-ListPendingOffers';
  const { handler } = await import('#functions/round/list-pending-offers');
  let listed: { offers: unknown[] } = { offers: [] };
  const whole = await metricsOf(async () => {
    listed = (await runAsFunction('ListPendingOffers', () => handler({ season: SEASON }, context))) as {
      offers: unknown[];
    };
  });
  expect(listed.offers).toHaveLength(2);
  expect(whole).toEqual([
    expect.objectContaining({
      _aws: expect.objectContaining({
        CloudWatchMetrics: [
          {
            Namespace: METRICS_NAMESPACE,
            Dimensions: [[METRICS_DIMENSION]],
            Metrics: [{ Name: METRIC.offersWaiting, Unit: 'Count' }],
          },
        ],
      }),
      [METRICS_DIMENSION]: 'RoundsStack-ListPendingOffers',
      [METRIC.offersWaiting]: 2,
    }),
  ]);

  const placement = await metricsOf(() =>
    runAsFunction('ListPendingOffers', () =>
      handler({ season: SEASON, offerIds: [`${SEASON}.chunan.zhongyiyao`] }, context),
    ),
  );
  expect(placement).toEqual([]);
});
