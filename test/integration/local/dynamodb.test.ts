import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DynamoDbLocal,
  DynamoDbLocalError,
  freePort,
  JavaMissingError,
  localClientConfig,
  startDynamoDbLocal,
} from '#local/dynamodb-local';
import { createTablesFromTemplate } from '#local/tables';
import { localDatabases } from '#support/local-databases';

// The embedded JVM is what is under test: never let a DYNAMODB_ENDPOINT from the
// developer's shell redirect these tests.
const { env: baseEnv, start, tempDir } = localDatabases();

// As `cdk synth` writes a TableV1 with a GSI, TTL, PITR and RemovalPolicy.RETAIN.
const template = {
  Resources: {
    RoundsTable6A1F2B3C: {
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
          { AttributeName: 'gsi1pk', AttributeType: 'S' },
          { AttributeName: 'gsi1sk', AttributeType: 'S' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        GlobalSecondaryIndexes: [
          {
            IndexName: 'gsi1',
            KeySchema: [
              { AttributeName: 'gsi1pk', KeyType: 'HASH' },
              { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      },
      UpdateReplacePolicy: 'Retain',
      DeletionPolicy: 'Retain',
      Metadata: { 'aws:cdk:path': 'RoundsStack/RoundsTable/Resource' },
    },
    RoundsBucket1234ABCD: { Type: 'AWS::S3::Bucket', Properties: {} },
  },
};

describe('in memory', () => {
  let db: DynamoDbLocal;
  let client: DynamoDBClient;

  beforeAll(async () => {
    const t0 = Date.now();
    db = await start({ inMemory: true });
    console.log(`DynamoDB Local (in memory) ready in ${Date.now() - t0} ms at ${db.endpoint}`);
    client = new DynamoDBClient(localClientConfig(db.endpoint));
  });
  afterAll(() => client?.destroy());

  it('is owned and listens on 127.0.0.1', () => {
    expect(db.owned).toBe(true);
    expect(db.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('creates the tables of a template, with GSI and TTL, and they work', async () => {
    const names = await createTablesFromTemplate(client, template);
    expect(names).toEqual({ RoundsTable6A1F2B3C: 'RoundsTable6A1F2B3C' });

    const { Table } = await client.send(new DescribeTableCommand({ TableName: 'RoundsTable6A1F2B3C' }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName)).toEqual(['gsi1']);
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: 'RoundsTable6A1F2B3C' }));
    expect(ttl.TimeToLiveDescription).toMatchObject({
      AttributeName: 'expiresAt',
      TimeToLiveStatus: 'ENABLED',
    });

    const doc = DynamoDBDocumentClient.from(client);
    const TableName = names.RoundsTable6A1F2B3C;
    await doc.send(
      new PutCommand({
        TableName,
        Item: {
          pk: 'SOCIETY#s1',
          sk: 'META',
          gsi1pk: 'COUNTY#chunan',
          gsi1sk: 'SOCIETY#s1',
          name: '淳安县茶叶学会',
        },
      }),
    );
    await doc.send(
      new PutCommand({
        TableName,
        Item: {
          pk: 'SOCIETY#s2',
          sk: 'META',
          gsi1pk: 'COUNTY#jiande',
          gsi1sk: 'SOCIETY#s2',
          name: '建德市农学会',
        },
      }),
    );
    const q = await doc.send(
      new QueryCommand({
        TableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :c',
        ExpressionAttributeValues: { ':c': 'COUNTY#chunan' },
      }),
    );
    expect(q.Items?.map((i) => i.name)).toEqual(['淳安县茶叶学会']);
  });

  it('a second createTablesFromTemplate is a no-op', async () => {
    const before = await client.send(new DescribeTableCommand({ TableName: 'RoundsTable6A1F2B3C' }));
    const names = await createTablesFromTemplate(client, template);
    expect(names).toEqual({ RoundsTable6A1F2B3C: 'RoundsTable6A1F2B3C' });
    const after = await client.send(new DescribeTableCommand({ TableName: 'RoundsTable6A1F2B3C' }));
    expect(after.Table?.CreationDateTime).toEqual(before.Table?.CreationDateTime);
    expect(after.Table?.ItemCount).toBe(before.Table?.ItemCount);
  });

  it('uses a plain-string TableName and AWS::DynamoDB::GlobalTable (TableV2)', async () => {
    const names = await createTablesFromTemplate(client, {
      Resources: {
        Tokens: {
          Type: 'AWS::DynamoDB::GlobalTable',
          Properties: {
            TableName: 'rounds-tokens',
            AttributeDefinitions: [{ AttributeName: 'token', AttributeType: 'S' }],
            KeySchema: [{ AttributeName: 'token', KeyType: 'HASH' }],
            BillingMode: 'PAY_PER_REQUEST',
            Replicas: [{ Region: { Ref: 'AWS::Region' } }],
            StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
          },
        },
        Named: {
          Type: 'AWS::DynamoDB::Table',
          Properties: {
            TableName: { 'Fn::Join': ['', ['x-', { Ref: 'AWS::StackName' }]] },
            AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
            KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
            ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
          },
        },
      },
    });
    expect(names).toEqual({ Tokens: 'rounds-tokens', Named: 'Named' });
  });

  it('DYNAMODB_ENDPOINT pointing at a running DynamoDB is used as is', async () => {
    const other = await startDynamoDbLocal({ env: { ...baseEnv, DYNAMODB_ENDPOINT: `${db.endpoint}/` } });
    expect(other).toMatchObject({ endpoint: db.endpoint, owned: false });
    await other.stop();
  });
});

describe('persistent', () => {
  it('attaches a second caller, keeps data across stop/start, and replaces a stale endpoint.json', async () => {
    const dataDir = await tempDir('ddb-local-test-');
    const endpointFile = path.join(dataDir, 'dynamodb', 'endpoint.json');

    const t0 = Date.now();
    const first = await start({ dataDir });
    console.log(`DynamoDB Local (persistent) ready in ${Date.now() - t0} ms at ${first.endpoint}`);
    expect(first.owned).toBe(true);
    const info = JSON.parse(await readFile(endpointFile, 'utf8'));
    expect(info).toMatchObject({ port: Number(new URL(first.endpoint).port) });
    expect(info.pid).toBeGreaterThan(0);
    expect(typeof info.startedAt).toBe('string');

    const second = await start({ dataDir });
    expect(second).toMatchObject({ owned: false, endpoint: first.endpoint });
    await second.stop(); // no-op: the first one keeps running

    const client = new DynamoDBClient(localClientConfig(first));
    const doc = DynamoDBDocumentClient.from(client);
    try {
      const names = await createTablesFromTemplate(client, template);
      await doc.send(
        new PutCommand({
          TableName: names.RoundsTable6A1F2B3C,
          Item: { pk: 'TOWN#qiandaohu', sk: 'META', name: '千岛湖镇' },
        }),
      );
    } finally {
      client.destroy();
    }

    await first.stop();
    expect(existsSync(endpointFile)).toBe(false);

    // A stale endpoint.json (its JVM is gone) must not stop the next start.
    const dead = spawnSync(process.execPath, ['-e', '0']);
    await writeFile(
      endpointFile,
      JSON.stringify({ pid: dead.pid, port: 1, startedAt: new Date().toISOString() }),
    );

    const third = await start({ dataDir });
    expect(third.owned).toBe(true);
    expect(JSON.parse(await readFile(endpointFile, 'utf8')).pid).not.toBe(dead.pid);
    const client2 = new DynamoDBClient(localClientConfig(third));
    try {
      const got = await DynamoDBDocumentClient.from(client2).send(
        new GetCommand({ TableName: 'RoundsTable6A1F2B3C', Key: { pk: 'TOWN#qiandaohu', sk: 'META' } }),
      );
      expect(got.Item?.name).toBe('千岛湖镇');
    } finally {
      client2.destroy();
    }
    await third.stop();
    expect(existsSync(endpointFile)).toBe(false);
  });
});

describe('errors', () => {
  it('no java on PATH: JavaMissingError that stands alone', async () => {
    const err = await startDynamoDbLocal({
      inMemory: true,
      env: { PATH: path.join(tmpdir(), 'no-such-dir-for-java') },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JavaMissingError);
    expect((err as Error).name).toBe('JavaMissingError');
    const message = (err as Error).message;
    expect(message).toContain('Java 17');
    expect(message).toContain('openjdk-17-jre-headless');
    expect(message).toContain('DYNAMODB_ENDPOINT');
    expect(message).toMatch(/^[^\n]*[\u4e00-\u9fff]/); // Chinese first
  });

  it.skipIf(process.platform === 'win32')(
    'java older than 17: JavaMissingError naming the version',
    async () => {
      const dir = await tempDir('ddb-old-java-');
      const fakeJava = path.join(dir, 'java');
      await writeFile(fakeJava, '#!/bin/sh\necho \'java version "1.8.0_392"\' >&2\n');
      await chmod(fakeJava, 0o755);
      const err = await startDynamoDbLocal({ inMemory: true, env: { PATH: dir } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(JavaMissingError);
      expect((err as Error).message).toContain('Java 8');
      expect((err as Error).message).toContain('Java 17');
    },
  );

  it('DYNAMODB_ENDPOINT at a closed port: error naming DYNAMODB_ENDPOINT', async () => {
    const port = await freePort();
    const err = await startDynamoDbLocal({
      inMemory: true,
      env: { ...baseEnv, DYNAMODB_ENDPOINT: `http://127.0.0.1:${port}` },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DynamoDbLocalError);
    expect((err as Error).message).toContain(`DYNAMODB_ENDPOINT=http://127.0.0.1:${port}`);
  });
});
