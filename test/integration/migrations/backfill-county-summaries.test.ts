/**
 * The first data migration on DynamoDB Local: a season planned (and reported) as the code before
 * the county summaries wrote it — everything but the summaries — gets the very summaries the
 * live writers would have written, so its season report is the report of the same season planned
 * with them. Run as RunMigrations under its role's policy (local/migrations.ts).
 */
import { DeleteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { loadDataDir } from '#cli/data-dir';
import { DEMO_DATA_DIR } from '#cli/session';
import { THEMES } from '#schemas/primitives';
import { embeddedRuntime } from '#support/embedded-api';

const SEASON = '2026-Q3';
const OUTCOMES = ['resolved', 'partial', 'unresolved'] as const;
const rt = embeddedRuntime(loadDataDir(DEMO_DATA_DIR));

async function scanAll(): Promise<Record<string, unknown>[]> {
  const { documents, tableName } = await import('#commons/clients');
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await documents().send(
      new ScanCommand({ TableName: tableName(), ConsistentRead: true, ExclusiveStartKey }),
    );
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items.sort((a, b) => `${a.pk} ${a.sk}`.localeCompare(`${b.pk} ${b.sk}`));
}

/** The table as the code before the county summaries left it: the same items, no summary. */
async function forgetSummaries(): Promise<number> {
  const { documents, tableName } = await import('#commons/clients');
  const summaries = (await scanAll()).filter((item) => String(item.sk).startsWith('SUMMARY#'));
  for (const { pk, sk } of summaries)
    await documents().send(new DeleteCommand({ TableName: tableName(), Key: { pk, sk } }));
  return summaries.length;
}

const seasonReport = async () => {
  const { exportSeasonReport } = await import('#services/report-season');
  const [json, csv] = await Promise.all([
    exportSeasonReport(SEASON, 'json'),
    exportSeasonReport(SEASON, 'csv'),
  ]);
  return { figures: json.report, csv: csv.body };
};

describe('backfilling the county summaries of a season planned before they existed', () => {
  const state: { planned?: Awaited<ReturnType<typeof seasonReport>>; afterFirst?: unknown[] } = {};

  it('plans and reports a season the way the round and the teams do (the summaries written with it)', async () => {
    const execution = await rt.runner.run({ season: SEASON, autoAccept: true });
    expect(execution.status).toBe('SUCCEEDED');
    // Two societies file reports on their visits, one of them twice (the latest version counts).
    const offers = (await rt.store.seasonOffers(SEASON)).filter((o) => o.status === 'accepted').slice(0, 2);
    expect(offers).toHaveLength(2);
    for (const [i, offer] of offers.entries()) {
      const visit = await rt.store.getVisit(SEASON, offer.countyId);
      const needs = await rt.store.needsByIds(offer.needIds);
      for (const version of i === 0 ? [1, 2] : [1]) {
        await rt.store.saveReport({
          visit: { id: visit!.id, season: SEASON, countyId: offer.countyId, townId: visit!.townId },
          societyId: offer.societyId,
          by: `${offer.societyId}:lead`,
          needs,
          report: {
            visitDate: '2026-08-12',
            answers: Object.fromEntries(THEMES.map((t) => [t, `第${version}版：${t}`])) as never,
            outcomes: offer.needIds.map((needId, n) => ({
              needId,
              outcome: OUTCOMES[(n + version) % 3] ?? 'resolved',
            })),
            cooperations: Array.from({ length: version }, (_, c) => ({
              title: `项目${c}`,
              partner: '合作社',
            })),
          },
        });
      }
    }
    state.planned = await seasonReport();
    expect(state.planned.figures.total.visited).toBeGreaterThan(0);
    expect(state.planned.figures.total.cooperations).toBe(3);
    expect(state.planned.figures.total.collected).toBeGreaterThan(0);
  });

  it('writes the summaries the live code writes: the season report is the same again, figures and CSV', async () => {
    const { readDataVersion } = await import('#store/data-version');
    const { migrateLocalData } = await import('#local/migrations');
    expect(await forgetSummaries()).toBeGreaterThan(3);
    // Without its summaries the season reports nothing: the defect the migration mends.
    expect((await seasonReport()).figures).not.toEqual(state.planned?.figures);
    expect((await readDataVersion()).version).toBe(0);

    const lines: string[] = [];
    const run = await migrateLocalData((line) => lines.push(line));

    expect(run).toEqual({ from: 0, to: 1, applied: [1] });
    expect(await seasonReport()).toEqual(state.planned);
    expect(await readDataVersion()).toMatchObject({
      version: 1,
      applied: [{ version: 1, name: expect.stringContaining('backfill the county summaries') }],
    });
    expect(lines.join('\n')).toMatch(/数据迁移 1：.* \/ data migration 1: /);
    state.afterFirst = await scanAll();
  });

  it('changes nothing when run again: not by the runner (version 1 is applied), not by the migration itself', async () => {
    const { migrateLocalData } = await import('#local/migrations');
    const { backfillCountySummaries } = await import('#functions/migrations/001-backfill-county-summaries');
    expect(await migrateLocalData(() => {})).toEqual({ from: 1, to: 1, applied: [] });
    const lines: string[] = [];
    await backfillCountySummaries.run((line) => lines.push(line));
    expect(lines.join('\n')).toMatch(/县汇总补写 0 项/);
    expect(await scanAll()).toEqual(state.afterFirst);
  });

  it('keeps what a live writer wrote meanwhile: a summary part that is there is never overwritten', async () => {
    const { documents, tableName } = await import('#commons/clients');
    const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    const { keys } = await import('#schemas/keys');
    const { backfillCountySummaries } = await import('#functions/migrations/001-backfill-county-summaries');
    const [offer] = await rt.store.seasonOffers(SEASON);
    // An answer recorded after the migration read the offer: its summary entry is newer than the record read.
    const entry = `offer#${offer!.societyId}`;
    await documents().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.countySummary(SEASON, offer!.countyId),
        UpdateExpression: 'SET #e.#s = :declined',
        ExpressionAttributeNames: { '#e': entry, '#s': 'status' },
        ExpressionAttributeValues: { ':declined': 'declined' },
      }),
    );
    await backfillCountySummaries.run(() => {});
    const { countySummary } = await import('#store/season-summary');
    expect((await countySummary(SEASON, offer!.countyId))?.offers[offer!.societyId]?.status).toBe('declined');
  });

  it('leaves the version where it was when a migration fails, and says so in Chinese and English', async () => {
    const { MIGRATIONS, MigrationFailedError, runMigrations } = await import('#functions/migrations/index');
    const { readDataVersion } = await import('#store/data-version');
    const failing = {
      version: 2,
      name: { zh: '试验迁移', en: 'a trial migration' },
      run: async () => {
        throw new Error('磁盘已满 / disk full');
      },
    };
    const run = runMigrations({ migrations: [...MIGRATIONS, failing] });
    await expect(run).rejects.toBeInstanceOf(MigrationFailedError);
    await expect(run).rejects.toThrow(
      /^数据迁移 2（试验迁移）失败，数据版本仍为 1；.*磁盘已满.* \/ data migration 2 \(a trial migration\) failed; the data version stays 1\./,
    );
    expect((await readDataVersion()).version).toBe(1);
  });
});
