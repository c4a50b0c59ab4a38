import { json, routeHandler } from '#commons/http';
import { listCounties } from '#commons/store/catalog';
import { getCounties } from '#routes/catalog';

/** GET /counties — the counties and their towns, for the liaisons' form. Any signed-in role. */
export const handler = routeHandler(getCounties, async () => {
  const counties = await listCounties();
  counties.sort((a, b) => a.id.localeCompare(b.id));
  return json(200, { items: counties });
});
