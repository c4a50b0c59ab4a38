// The load generator of bench/intake.ts, in a worker thread: 32 concurrent clients, either raw
// PutItem on DynamoDB Local (the baseline) or POST /needs through the local HTTP adapter. Kept off
// the main thread so the system under test (adapter, handler, SDK) does not also pay for its load.
import { Agent, request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { inParallel } from '../functions/commons/concurrency.ts';
import { keys } from '../schemas/keys.ts';

export interface LoadJob {
  kind: 'raw' | 'post' | 'post-no-key';
  total: number;
  concurrency: number;
  /** Distinguishes the items and keys of one job from another's. */
  tag: string;
}

export interface LoadResult {
  seconds: number;
  latencies: number[];
  failures: number;
}

const { endpoint, tableName, serverUrl, token } = workerData as {
  endpoint: string;
  tableName: string;
  serverUrl: string;
  token: string;
};
const documents = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 3,
  }),
  { marshallOptions: { removeUndefinedValues: true } },
);
const base = new URL(serverUrl);
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

const need = (tag: string, i: number) => ({
  countyId: 'chunan',
  townId: 'qiandaohu',
  theme: 'industry',
  field: '茶叶',
  title: `春茶机采与加工工艺指导 ${tag}-${i}`,
  detail: '春茶采摘期短、用工紧，希望专家指导机采与加工工艺，提高名优茶比例。',
  urgency: 'high',
});

/** The item POST /needs stores (functions/store/needs.ts needItem), written the way it writes it. */
async function rawPut(tag: string, i: number): Promise<boolean> {
  const id = `need-bench-${tag}-${i}`;
  await documents.send(
    new PutCommand({
      TableName: tableName,
      Item: {
        ...keys.need(id),
        ...keys.needIndex('chunan', 'open', 'qiandaohu', id),
        type: 'need',
        id,
        ...need(tag, i),
        status: 'open',
        submittedAt: new Date().toISOString(),
        submittedBy: 'bench-raw',
        requestHash: 'x'.repeat(43),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return true;
}

function post(tag: string, i: number, withKey: boolean): Promise<boolean> {
  const payload = Buffer.from(JSON.stringify(need(tag, i)));
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: base.hostname,
        port: base.port,
        path: '/needs',
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': String(payload.length),
          ...(withKey ? { 'idempotency-key': `bench-${tag}-${i}` } : {}),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 201));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

parentPort?.on('message', async (job: LoadJob) => {
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  await inParallel(
    Array.from({ length: job.total }, (_, i) => i),
    job.concurrency,
    async (i) => {
      const t0 = performance.now();
      try {
        const ok =
          job.kind === 'raw' ? await rawPut(job.tag, i) : await post(job.tag, i, job.kind === 'post');
        if (!ok) failures++;
      } catch {
        failures++;
      }
      latencies.push(performance.now() - t0);
    },
  );
  const result: LoadResult = { seconds: (performance.now() - started) / 1000, latencies, failures };
  parentPort?.postMessage(result);
});
