/**
 * Global setup of the integration and browser tiers: one in-memory DynamoDB Local per vitest worker,
 * started once for the run instead of once per test file (a JVM start is seconds of CPU on two
 * cores). A worker runs one file at a time, and `bootTestRuntime` (embedded-api.ts) empties its
 * database before each boot, so every file still starts on a database of its own.
 */
import type { TestProject } from 'vitest/node';
import { type DynamoDbLocal, startDynamoDbLocal } from '#local/dynamodb-local';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The endpoint of worker n's database at index n - 1 (VITEST_POOL_ID is 1-based). */
    dynamodbEndpoints: string[];
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const env = { ...process.env, DYNAMODB_ENDPOINT: '' };
  const started = await Promise.allSettled(
    Array.from({ length: project.config.maxWorkers }, () => startDynamoDbLocal({ inMemory: true, env })),
  );
  const databases = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const stopAll = () => Promise.all(databases.map((d: DynamoDbLocal) => d.stop())).then(() => {});
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await stopAll();
    throw failed.reason;
  }
  project.provide(
    'dynamodbEndpoints',
    databases.map((d) => d.endpoint),
  );
  return stopAll;
}
