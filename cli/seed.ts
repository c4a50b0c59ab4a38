import { checkOverrideReferences } from '#domain/references';
import type { DataSet, Overrides, SeasonId } from '#schemas/index';
import { hasCatalog, listCounties, listSocieties, writeCatalog } from '#store/catalog';
import { getSeasonOverrides, putSeasonOverrides } from '#store/overrides';
import { getRound } from '#store/rounds';
import { DataDirError } from './data-dir.ts';

/** Loads a data set into an empty database; a database that has a catalog is left as it is. */
export async function seedIfEmpty(data: DataSet): Promise<{ seeded: boolean; items: number }> {
  if (await hasCatalog()) return { seeded: false, items: 0 };
  const items = await writeCatalog({
    counties: data.counties,
    societies: data.societies,
    needs: data.needs.map((need) => ({ ...need, status: 'open' as const })),
    visits: data.visits,
  });
  return { seeded: true, items };
}

/**
 * Stores a data directory's overrides as the season's, for the round to read, unless the season
 * is planned already (then the plan stands and they are not used). Checked against the catalog in
 * the database, which is the data directory's own when it was just seeded from it.
 */
export async function storeSeasonOverrides(
  season: SeasonId,
  overrides: Overrides,
  source: { dir: string; file: string },
): Promise<'stored' | 'unchanged' | 'season-planned'> {
  const [round, stored] = await Promise.all([getRound(season), getSeasonOverrides(season)]);
  const wanted: Overrides = {
    season,
    pins: overrides.pins,
    exclusions: overrides.exclusions,
    townLocks: overrides.townLocks,
  };
  if (stored !== undefined && canonicalJson(stored) === canonicalJson(wanted)) return 'unchanged';
  if (round?.plannedAt !== undefined) return 'season-planned';
  const [counties, societies] = await Promise.all([listCounties(), listSocieties()]);
  const issues = checkOverrideReferences(
    { counties, societies, needs: [], visits: [] },
    overrides,
    season,
    source.file,
  );
  if (issues.length > 0) throw new DataDirError(source.dir, issues);
  await putSeasonOverrides(season, wanted, new Date().toISOString());
  return 'stored';
}

/** JSON with object keys sorted, so that equal values compare equal whatever order the database kept. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
