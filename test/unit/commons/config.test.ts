import { describe, expect, it, vi } from 'vitest';

describe('configuration read on first use', () => {
  it('lets a module that needs TABLE_NAME be imported before the variable is set, and names it when used', async () => {
    const saved = process.env.TABLE_NAME;
    delete process.env.TABLE_NAME;
    try {
      const clients = await import('#commons/clients');
      expect(() => clients.tableName()).toThrow(/TABLE_NAME/);

      process.env.TABLE_NAME = 'read-later';
      clients.tableName.reset();
      expect(clients.tableName()).toBe('read-later');
      process.env.TABLE_NAME = 'changed-afterwards';
      expect(clients.tableName()).toBe('read-later');
    } finally {
      if (saved === undefined) delete process.env.TABLE_NAME;
      else process.env.TABLE_NAME = saved;
    }
  });

  it('gives the embedded runtime its own table and client settings, whatever the environment says', async () => {
    const clients = await import('#commons/clients');
    clients.configureTable({
      tableName: 'local-table',
      client: {
        endpoint: 'http://127.0.0.1:1',
        region: 'local',
        credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      },
    });
    expect(clients.tableName()).toBe('local-table');
    expect(await clients.dynamodb().config.region()).toBe('local');
    expect(clients.documents()).toBe(clients.documents());
  });

  it('captures the AWS SDK clients with the shared Powertools tracer', async () => {
    const { tracer } = await import('#commons/tracer');
    const clients = await import('#commons/clients');
    const capture = vi.spyOn(tracer, 'captureAWSv3Client');
    clients.dynamodb.reset();

    const client = clients.dynamodb();

    expect(capture).toHaveBeenCalledWith(client);
    capture.mockRestore();
  });
});
