import { afterAll } from 'vitest';
import {
  type DynamoDbLocal,
  type StartDynamoDbLocalOptions,
  startDynamoDbLocal,
} from '#local/dynamodb-local';
import { temporaryDirs } from './rounds-cli.ts';

/**
 * The DynamoDB Locals a test of the database itself starts (local/dynamodb-local.ts) and their
 * temporary folders, for one test file: stopped and removed after its tests. Their environment is
 * this process's without DYNAMODB_ENDPOINT, so each start is the test's own.
 */
export function localDatabases() {
  const { DYNAMODB_ENDPOINT: _ignored, ...env } = process.env;
  const running: DynamoDbLocal[] = [];
  const dirs = temporaryDirs();
  afterAll(async () => {
    await Promise.all(running.map((db) => db.stop()));
    dirs.removeAll();
  });
  return {
    env,
    async start(opts: StartDynamoDbLocalOptions): Promise<DynamoDbLocal> {
      const db = await startDynamoDbLocal({ env, ...opts });
      running.push(db);
      return db;
    },
    tempDir: async (prefix: string) => dirs.make(prefix),
  };
}
