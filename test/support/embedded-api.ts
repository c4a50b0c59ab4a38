import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, inject } from 'vitest';
import { localClientConfig } from '#local/dynamodb-local';
import type { HttpServer } from '#local/http-server';
import { bootEmbeddedRuntime, type EmbeddedRuntime } from '#local/runtime';
import { type LocalClaims, signLocalToken } from '#local/tokens';
import type { DataSet } from '#schemas/index';
import { type Reply, type RequestOptions, request } from './http.ts';
import { loadStore, type Store } from './store.ts';

/**
 * The embedded runtime (DynamoDB Local with the synthesized template's table, the state machine ready
 * to run) on an empty database: this worker's, emptied first, when the tier started one per worker
 * (dynamodb-per-worker.ts); else one of its own, as `npm start` has.
 */
export async function bootTestRuntime(): Promise<EmbeddedRuntime> {
  const endpoint = (inject('dynamodbEndpoints') ?? [])[Number(process.env.VITEST_POOL_ID ?? 1) - 1];
  if (!endpoint) return bootEmbeddedRuntime();
  const client = new DynamoDBClient(localClientConfig(endpoint));
  try {
    const { TableNames = [] } = await client.send(new ListTablesCommand({}));
    for (const TableName of TableNames) await client.send(new DeleteTableCommand({ TableName }));
  } finally {
    client.destroy();
  }
  const before = process.env.DYNAMODB_ENDPOINT;
  process.env.DYNAMODB_ENDPOINT = endpoint;
  try {
    return await bootEmbeddedRuntime();
  } finally {
    if (before === undefined) delete process.env.DYNAMODB_ENDPOINT;
    else process.env.DYNAMODB_ENDPOINT = before;
  }
}

/** The embedded runtime's own fields, and what tests read and write its table with. */
export interface Embedded extends EmbeddedRuntime {
  /** Every store module (store.ts), imported once the runtime is up. */
  store: Store;
  /** Writes one item to the table as it is: what no store module would write (a malformed item…). */
  put(item: Record<string, unknown>): Promise<void>;
}

/**
 * The embedded runtime for one test file, seeded with `data` when given: booted before the file's
 * tests, closed after them. Its fields are set once `beforeAll` has run.
 */
export function embeddedRuntime(data?: DataSet): Embedded {
  const embedded = {
    async put(Item) {
      const { documents, tableName } = await import('#commons/clients');
      await documents().send(new PutCommand({ TableName: tableName(), Item }));
    },
  } as Embedded;
  beforeAll(async () => {
    Object.assign(embedded, await bootTestRuntime());
    if (data) {
      const { seedIfEmpty } = await import('#cli/seed');
      await seedIfEmpty(data);
    }
    embedded.store = await loadStore();
  });
  afterAll(async () => {
    await embedded.close?.();
  });
  return embedded;
}

export interface LocalHttpServer {
  server: HttpServer;
  /** Its data directory: the key that signs local tokens and invitations. */
  dataDir: string;
  /** Closes the server for real (every connection dropped): the phone finds no one there. */
  stopServer(): Promise<void>;
  /** Starts it again on the same port and data directory; `pagesDir` serves another build of the pages. */
  restartServer(options?: { pagesDir?: string }): Promise<void>;
}

/**
 * The local HTTP adapter on a free port with a data directory of its own, for one test file: started
 * before its tests, closed after them. Alone it has no database: a request that reaches a handler
 * reading the table fails.
 */
export function httpServer(dirPrefix = 'http-server-'): LocalHttpServer {
  const http = {} as LocalHttpServer;
  http.stopServer = () => http.server.close();
  http.restartServer = async ({ pagesDir } = {}) => {
    const { startHttpServer } = await import('#local/http-server');
    const port = Number(new URL(http.server.url).port);
    http.server = await startHttpServer({ port, dataDir: http.dataDir, ...(pagesDir ? { pagesDir } : {}) });
  };
  beforeAll(async () => {
    http.dataDir = mkdtempSync(join(tmpdir(), dirPrefix));
    const { startHttpServer } = await import('#local/http-server');
    http.server = await startHttpServer({ port: 0, dataDir: http.dataDir });
  });
  afterAll(async () => {
    await http.server?.close();
    if (http.dataDir) rmSync(http.dataDir, { recursive: true, force: true });
  });
  return http;
}

export interface EmbeddedApi extends Embedded, LocalHttpServer {
  /** A signed local token for these claims (one per claims and lifetime, reused). */
  token(claims: LocalClaims, expiresInSeconds?: number): Promise<string>;
  /** A request to the API as `as` (claims, or a token as it is); the reply's JSON parsed. */
  call(
    method: string,
    path: string,
    options?: RequestOptions & { as?: LocalClaims | string },
  ): Promise<Reply>;
}

/**
 * The embedded runtime seeded with `data` and the HTTP API on it (`httpServer`), for one test file.
 * Its fields are set once `beforeAll` has run.
 */
export function embeddedApi(data: DataSet, dirPrefix = 'embedded-api-'): EmbeddedApi {
  const tokens = new Map<string, string>();
  const api = embeddedRuntime(data) as EmbeddedApi;
  const http = httpServer(dirPrefix);
  Object.defineProperties(api, {
    server: { get: () => http.server },
    dataDir: { get: () => http.dataDir },
  });
  api.stopServer = () => http.stopServer();
  api.restartServer = (options) => http.restartServer(options);
  api.token = async (claims, expiresInSeconds) => {
    const key = JSON.stringify([claims, expiresInSeconds]);
    if (!tokens.has(key)) tokens.set(key, await signLocalToken(api.dataDir, claims, expiresInSeconds));
    return tokens.get(key) as string;
  };
  api.call = async (method, path, { as, ...options } = {}) =>
    request(api.server.url, method, path, {
      ...options,
      ...(as === undefined ? {} : { token: typeof as === 'string' ? as : await api.token(as) }),
    });
  return api;
}
