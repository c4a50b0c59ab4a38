import { json, publicApiHandler } from '#commons/http';
import { openApiDocument } from '#schemas/openapi';

// Built once per container: it depends only on the schemas and the route table.
const document = openApiDocument();

/** GET /openapi.json — the OpenAPI 3.1 document, generated from the zod schemas. Public. */
export const handler = publicApiHandler(async () =>
  json(200, document, { 'cache-control': 'public, max-age=300' }),
);
