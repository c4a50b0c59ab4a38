import { json, routeHandler } from '#commons/http';
import { getCounties } from '#routes/catalog';
import type { County } from '#schemas/catalog';
import { listVersioned } from '#store/catalog';

/** GET /counties — the counties and their towns, for the liaisons' form. Any signed-in role. */
export const handler = routeHandler(getCounties, async () => {
  const counties = await listVersioned<County>('county');
  counties.sort((a, b) => a.id.localeCompare(b.id));
  return json(200, { items: counties });
});
