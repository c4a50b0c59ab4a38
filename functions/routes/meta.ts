import { OpenApiDocument } from '#schemas/api';
import { defineRoute } from './route.ts';

export const getOpenApi = defineRoute({
  method: 'GET',
  path: '/openapi.json',
  functionId: 'GetOpenApi',
  operationId: 'getOpenApi',
  summary: '本文档（OpenAPI 3.1）/ this document (OpenAPI 3.1)',
  tag: 'meta',
  public: true,
  responses: { 200: { description: 'OpenAPI 3.1', schema: OpenApiDocument } },
  readCost: 'none (built from the route declarations)',
});
