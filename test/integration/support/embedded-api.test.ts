/**
 * What the integration and browser tiers rest on (test/support/embedded-api.ts): every file's embedded
 * runtime runs on its worker's DynamoDB Local, started once for the run, and starts on an empty table.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { bootTestRuntime, embeddedRuntime } from '#support/embedded-api';

const runtime = embeddedRuntime();

describe('the embedded runtime of a test file', () => {
  it("runs on this worker's DynamoDB Local, the one the tier started", () => {
    const endpoints = inject('dynamodbEndpoints');
    expect(endpoints.length).toBeGreaterThan(0);
    expect(runtime.endpoint).toBe(endpoints[Number(process.env.VITEST_POOL_ID) - 1]);
  });

  it('starts on an empty table: the next boot on this worker finds nothing of the last one', async () => {
    const { documents } = await import('#commons/clients');
    const scan = async () =>
      (await documents().send(new ScanCommand({ TableName: runtime.tableName }))).Items ?? [];
    await runtime.put({ pk: 'LEFT#by-the-last-file', sk: 'x' });
    expect(await scan()).toHaveLength(1);

    const next = await bootTestRuntime();

    expect(next.endpoint).toBe(runtime.endpoint);
    expect(await scan()).toEqual([]);
  });
});
