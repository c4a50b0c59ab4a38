import { hasCatalog, writeCatalog } from '#commons/store';
import type { DataSet } from '#schemas/index';

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
