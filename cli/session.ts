import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { currentSeason } from '#domain/season';
import { bootEmbeddedRuntime, type EmbeddedRuntime } from '#local/runtime';
import type { SeasonId } from '#schemas/index';
import { loadSeasonData } from './data-dir.ts';

export const DEMO_DATA_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'demo', 'data');

/** DATA_DIR from the environment, default `.data`. */
export function dataDirFromEnv(): string {
  return resolve(process.env.DATA_DIR || '.data');
}

export interface LocalSession extends EmbeddedRuntime {
  dataDir: string;
  /** Where the catalog came from when the database was empty, else undefined. */
  seededFrom?: string;
  /** What became of the data directory's overrides.json, when it has one. */
  overrides?: {
    season: SeasonId;
    file: string;
    outcome: 'stored' | 'unchanged' | 'season-planned';
  };
}

export interface LocalSessionOptions {
  dataDir?: string;
  /** The data directory for an empty database, and its overrides.json. @default the demo data */
  seedFrom?: string;
  /**
   * The season the command is for (`rounds run --season`): the overrides must be for it. Without
   * it (`npm start`) they are stored for their own `season`, or the current one.
   */
  season?: SeasonId;
  log?: (line: string) => void;
}

/** openLocalSession for as long as `use` runs, then closed, whether `use` returns or throws. */
export async function withLocalSession<T>(
  options: LocalSessionOptions,
  use: (session: LocalSession) => Promise<T>,
): Promise<T> {
  const session = await openLocalSession(options);
  try {
    return await use(session);
  } finally {
    await session.close();
  }
}

/**
 * The embedded runtime on DATA_DIR's database. An empty database first gets the given data
 * directory's files (validated before anything is written, by the same code as `rounds plan`), or
 * the demo data; the directory's overrides.json becomes the season's overrides that the round reads.
 */
export async function openLocalSession(options: LocalSessionOptions = {}): Promise<LocalSession> {
  const dataDir = options.dataDir ?? dataDirFromEnv();
  const seedDir = options.seedFrom ?? DEMO_DATA_DIR;
  // Validate first: bad input writes nothing.
  const { data, overrides, overridesPath } = loadSeasonData(seedDir, options.season);
  const runtime = await bootEmbeddedRuntime({ dataDir, log: options.log });
  try {
    const { seedIfEmpty, storeSeasonOverrides } = await import('./seed.ts');
    const { seeded } = await seedIfEmpty(data);
    const session: LocalSession = { ...runtime, dataDir, ...(seeded ? { seededFrom: seedDir } : {}) };
    if (overrides !== undefined) {
      const season = options.season ?? overrides.season ?? currentSeason();
      const file = basename(overridesPath);
      const outcome = await storeSeasonOverrides(season, overrides, { dir: dirname(overridesPath), file });
      session.overrides = { season, file: overridesPath, outcome };
    }
    return session;
  } catch (error) {
    await runtime.close();
    throw error;
  }
}
