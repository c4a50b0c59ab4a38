import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataDir } from '../cli/data-dir.ts';
import { bootEmbeddedRuntime, type EmbeddedRuntime } from './runtime.ts';

export const DEMO_DATA_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'demo', 'data');

/** DATA_DIR from the environment, default `.data`. */
export function dataDirFromEnv(): string {
  return resolve(process.env.DATA_DIR || '.data');
}

export interface LocalSession extends EmbeddedRuntime {
  dataDir: string;
  /** Where the catalog came from when the database was empty, else undefined. */
  seededFrom?: string;
}

/**
 * The embedded runtime on DATA_DIR's database. An empty database first gets the given data
 * directory's files (validated before anything is written), or the demo data.
 */
export async function openLocalSession(
  options: { dataDir?: string; seedFrom?: string; log?: (line: string) => void } = {},
): Promise<LocalSession> {
  const dataDir = options.dataDir ?? dataDirFromEnv();
  const seedDir = options.seedFrom ?? DEMO_DATA_DIR;
  // Validate first: bad input writes nothing.
  const data = loadDataDir(seedDir);
  const runtime = await bootEmbeddedRuntime({ dataDir, log: options.log });
  try {
    const { seedIfEmpty } = await import('./seed.ts');
    const { seeded } = await seedIfEmpty(data);
    return { ...runtime, dataDir, ...(seeded ? { seededFrom: seedDir } : {}) };
  } catch (error) {
    await runtime.close();
    throw error;
  }
}
