import { defineConfig } from 'vitest/config';

// The tests in four tiers, one folder each (npm run test:unit, test:integration, test:browser,
// test:faults); `npx vitest run` alone runs them in that order.
export default defineConfig({
  test: {
    // Rounds skip the coordinator's plan review unless a test asks for it (autoApprove: false / AUTO_APPROVE=0).
    env: { AUTO_APPROVE: '1' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          // No I/O and no state a file leaves for the next: every core, and one module graph per worker,
          // so aws-cdk-lib is loaded and the stack synthesized (test/support/template.ts) once per worker.
          maxWorkers: '100%',
          isolate: false,
          testTimeout: 60_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // A DynamoDB Local per worker for the whole run (test/support/dynamodb-per-worker.ts); each
          // file in a fresh process, so a round left running in the background ends with its file.
          globalSetup: ['test/support/dynamodb-per-worker.ts'],
          maxWorkers: 2,
          testTimeout: 60_000,
          hookTimeout: 120_000,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/support/dynamodb-per-worker.ts'],
          maxWorkers: 2,
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // A page waits on the API (a re-plan takes seconds on a busy machine), not only on itself.
          expect: { poll: { timeout: 15_000 } },
          sequence: { groupOrder: 2 },
        },
      },
      {
        extends: true,
        test: {
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          // Whole seasons on `npm start`'s process, timed by the teams' answers: one file at a time, after
          // the rest, so that no other test's load delays an answer past an offer's timeout.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
          sequence: { groupOrder: 3 },
        },
      },
    ],
  },
});
