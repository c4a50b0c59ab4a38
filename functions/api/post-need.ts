import { apiHandler, json } from '#commons/http';
import { idempotencyKeyOf, jsonBody } from '#commons/json-body';
import { requireNeedsRole, submitNeed } from '#commons/needs-service';

/**
 * POST /needs — a liaison (own county) or a coordinator submits a need. `Idempotency-Key`: the same
 * key and body give the same need once; another body with the key is a 409.
 */
export const handler = apiHandler(async (event, caller) => {
  requireNeedsRole(caller);
  const { need, replayed } = await submitNeed(caller, jsonBody(event), idempotencyKeyOf(event));
  return json(201, need, {
    location: `/needs/${need.id}`,
    ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
  });
});
