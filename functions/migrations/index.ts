import { readDataVersion, recordDataVersion } from '#store/data-version';
import { backfillCountySummaries } from './001-backfill-county-summaries.ts';
import type { Migration } from './migration.ts';

export type { Migration };

/**
 * Every data migration, in order: a new one gets the next number, its own file, and a line here.
 * Run after each deploy in AWS (functions/triggers/run-migrations.ts, a CDK Trigger) and by
 * `npm start` before it serves (cli/start.ts): docs/deploy.md.
 */
export const MIGRATIONS: readonly Migration[] = [backfillCountySummaries];

/** The newest data version this code knows. */
export const DATA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

/** A migration failed: what ran before it stays recorded, the version stays where it was. */
export class MigrationFailedError extends Error {
  override name = 'MigrationFailedError';
  constructor(
    readonly migration: Migration,
    readonly versionBefore: number,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `数据迁移 ${migration.version}（${migration.name.zh}）失败，数据版本仍为 ${versionBefore}；` +
        `修正原因后重新部署或重新启动即可继续（迁移可重复运行）：${reason} / ` +
        `data migration ${migration.version} (${migration.name.en}) failed; the data version stays ` +
        `${versionBefore}. Fix the cause and deploy or start again to resume (migrations can run again): ${reason}`,
      { cause },
    );
  }
}

export interface MigrationRun {
  /** The data version before and after this run. */
  from: number;
  to: number;
  applied: number[];
}

/**
 * Applies the migrations newer than the table's data version, one after the other, recording each
 * version as soon as its migration has returned. A data version newer than this code (a rollback
 * of the code) is left as it is: migrations only add, so older code reads the data it knew.
 */
export async function runMigrations(
  options: { migrations?: readonly Migration[]; log?: (line: string) => void; now?: () => Date } = {},
): Promise<MigrationRun> {
  const migrations = [...(options.migrations ?? MIGRATIONS)].sort((a, b) => a.version - b.version);
  const log = options.log ?? (() => {});
  const now = options.now ?? (() => new Date());
  const { version: from } = await readDataVersion();
  let version = from;
  const applied: number[] = [];
  for (const migration of migrations) {
    if (migration.version <= version) continue;
    log(
      `数据迁移 ${migration.version}：${migration.name.zh} / data migration ${migration.version}: ${migration.name.en}`,
    );
    try {
      await migration.run(log);
    } catch (error) {
      throw new MigrationFailedError(migration, version, error);
    }
    await recordDataVersion(migration.version, migration.name.en, now().toISOString());
    version = migration.version;
    applied.push(migration.version);
  }
  return { from, to: version, applied };
}
