import { type MigrationRun, runMigrations } from '#functions/migrations/index';
import { runAsFunction } from './aws-rules/identity.ts';

/**
 * The data migrations on this machine's database, as in AWS after a deploy: the same runner, as
 * the RunMigrations function under its role's policy (functions/registry.ts). `npm start` runs
 * them before it serves (cli/start.ts).
 */
export function migrateLocalData(log: (line: string) => void): Promise<MigrationRun> {
  return runAsFunction('RunMigrations', () => runMigrations({ log }));
}
