import { json, routeHandler } from '#commons/http';
import { getOpenApi } from '#routes/meta';
import { openApiDocument } from '#services/openapi-document';

// Built once per container: it depends only on the route declarations and their schemas.
const document = openApiDocument();

/** GET /openapi.json — the OpenAPI 3.1 document, generated from the route declarations. Public. */
export const handler = routeHandler(getOpenApi, async () =>
  json(200, document, { 'cache-control': 'public, max-age=300' }),
);
