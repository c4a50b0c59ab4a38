// The local HTTP adapter alone in a process of its own, with small connection limits and timeouts
// from the environment, for test/integration/local/http-slow-clients.test.ts. Prints `Listening on URL`.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHttpServer } from '#local/http-server';

const number = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined);
const server = await startHttpServer({
  port: 0,
  dataDir: mkdtempSync(join(tmpdir(), 'slow-clients-')),
  headersTimeoutMs: number('HEADERS_TIMEOUT_MS'),
  bodyTimeoutMs: number('BODY_TIMEOUT_MS'),
  maxConnections: number('MAX_CONNECTIONS'),
  maxConnectionsPerAddress: number('MAX_CONNECTIONS_PER_ADDRESS'),
});
process.stdout.write(`Listening on ${server.url}\n`);
