import { json, routeHandler } from '#commons/http';
import { withShownContact } from '#domain/contact-secret';
import { getCounties } from '#routes/catalog';
import type { County } from '#schemas/catalog';
import { listVersioned } from '#store/catalog';

/** GET /counties — the counties and their towns, for the liaisons' form. Any signed-in role. */
export const handler = routeHandler(getCounties, async ({ caller }) => {
  const counties = await listVersioned<County>('county');
  counties.sort((a, b) => a.id.localeCompare(b.id));
  // The county's robot and its secret are the coordinators' (domain/contact-secret.ts).
  return json(200, { items: counties.map((c) => withShownContact(c, caller.role === 'coordinator')) });
});
