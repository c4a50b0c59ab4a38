import { json, routeHandler } from '#commons/http';
import { postNeed } from '#routes/needs';
import { submitNeed } from '#services/manage-needs';

/**
 * POST /needs — a liaison (own county) or a coordinator submits a need. `Idempotency-Key`: the same
 * key and body give the same need once; another body with the key is a 409.
 */
export const handler = routeHandler(postNeed, async ({ caller, body, headers }) => {
  const { need, replayed } = await submitNeed(caller, body, headers['Idempotency-Key']);
  return json(201, need, {
    location: `/needs/${need.id}`,
    ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
  });
});
