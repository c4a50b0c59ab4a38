import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { HttpServer } from '#local/http-server';
import { bootEmbeddedRuntime, type EmbeddedRuntime } from '#local/runtime';
import { type LocalClaims, signLocalToken } from '#local/tokens';
import type { DataSet } from '#schemas/index';
import { loadStore, type Store } from './store.ts';

export interface EmbeddedApi {
  runtime: EmbeddedRuntime;
  server: HttpServer;
  dataDir: string;
  store: Store;
  /** A signed local token for these claims (one per claims, reused). */
  token(claims: LocalClaims): Promise<string>;
}

/**
 * The embedded runtime seeded with `data` and the HTTP API on a free port, for one test file: booted
 * before its tests, closed after them. Its fields are set once `beforeAll` has run.
 */
export function embeddedApi(data: DataSet, dirPrefix: string): EmbeddedApi {
  const tokens = new Map<string, string>();
  const api = {
    async token(claims: LocalClaims) {
      const key = JSON.stringify(claims);
      if (!tokens.has(key)) tokens.set(key, await signLocalToken(api.dataDir, claims));
      return tokens.get(key) as string;
    },
  } as EmbeddedApi;
  beforeAll(async () => {
    api.dataDir = mkdtempSync(join(tmpdir(), dirPrefix));
    api.runtime = await bootEmbeddedRuntime();
    const { seedIfEmpty } = await import('#cli/seed');
    await seedIfEmpty(data);
    api.store = await loadStore();
    const { startHttpServer } = await import('#local/http-server');
    api.server = await startHttpServer({ port: 0, dataDir: api.dataDir });
  });
  afterAll(async () => {
    await api.server?.close();
    await api.runtime?.close();
    if (api.dataDir) rmSync(api.dataDir, { recursive: true, force: true });
  });
  return api;
}
