// The local HTTP adapter alone, in a process of its own, so a test can see whether a request kills it.
// No database: the fuzz cases never reach a handler that reads the table. Prints `Listening on URL`.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHttpServer } from '#local/http-server';

const dataDir = mkdtempSync(join(tmpdir(), 'http-fuzz-'));
const server = await startHttpServer({
  port: 0,
  dataDir,
  headersTimeoutMs: Number(process.env.HEADERS_TIMEOUT_MS ?? 1000),
});
process.stdout.write(`Listening on ${server.url}\n`);
