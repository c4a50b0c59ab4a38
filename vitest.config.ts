import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start DynamoDB Local (a JVM) per file; two cores, so keep files few and serial-ish.
    fileParallelism: true,
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Rounds skip the coordinator's plan review unless a test asks for it (autoApprove: false / AUTO_APPROVE=0).
    env: { AUTO_APPROVE: '1' },
  },
});
