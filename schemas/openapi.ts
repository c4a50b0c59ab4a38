import { z } from 'zod';
import { API_ROUTES, type ApiRoute } from '../functions/registry.ts';
import { County } from './catalog.ts';
import {
  ApiError,
  NeedInput,
  NeedListQuery,
  NeedPage,
  NeedPatch,
  NeedView,
  WithdrawInput,
} from './need-api.ts';
import { Plan } from './plan.ts';
import { SeasonId, Slug } from './primitives.ts';

/*
 * The OpenAPI 3.1 document of the HTTP API, generated from the zod schemas (z.toJSONSchema) and
 * the route table in functions/registry.ts, so it can not drift from either. Served at
 * GET /openapi.json. A route without an entry in OPERATIONS still appears, with the common errors.
 */

type JsonSchema = Record<string, unknown>;

const COMPONENTS = {
  County,
  CountyList: z.object({ items: z.array(County) }),
  NeedInput,
  NeedPatch,
  WithdrawInput,
  Need: NeedView,
  NeedPage,
  Plan,
  Error: ApiError,
} as const;
type ComponentName = keyof typeof COMPONENTS;

function componentSchemas(): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(COMPONENTS)) registry.add(schema as z.ZodType, { id });
  const { schemas } = z.toJSONSchema(registry, {
    io: 'input',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, JsonSchema> };
  for (const schema of Object.values(schemas)) {
    delete schema.$id;
    delete schema.$schema;
  }
  return schemas;
}

function inline(schema: z.ZodType): JsonSchema {
  const out = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  delete out.$schema;
  return out;
}

const ref = (name: ComponentName) => ({ $ref: `#/components/schemas/${name}` });
const jsonContent = (name: ComponentName) => ({ 'application/json': { schema: ref(name) } });

const ERRORS: Record<string, string> = {
  '400': '输入有误（逐项列出字段，中英文）/ invalid input: each bad field named, in Chinese and English',
  '401': '缺少或无效的令牌 / missing or bad bearer token',
  '403': '无权访问（例如其他县）/ not allowed (e.g. another county)',
  '404': '不存在 / not found',
  '409': '状态冲突 / state conflict',
  '413': '请求内容超过 16 KB / body over 16 KB',
  '415': '请求内容不是 JSON / body is not JSON',
};

function errors(...codes: string[]): Record<string, unknown> {
  return Object.fromEntries(
    codes.map((code) => [code, { description: ERRORS[code], content: jsonContent('Error') }]),
  );
}

interface Operation {
  summary: string;
  operationId: string;
  tags: string[];
  parameters?: unknown[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
}

const needIdParameter = { name: 'id', in: 'path', required: true, schema: inline(Slug) };

function queryParameters(schema: z.ZodObject): unknown[] {
  return Object.entries(schema.shape).map(([name, field]) => ({
    name,
    in: 'query',
    required: false,
    schema: inline((field as z.ZodOptional).unwrap() as z.ZodType),
  }));
}

const OPERATIONS: Record<string, Operation> = {
  'GET /counties': {
    summary: '县与乡镇（表单用）/ counties and their towns, for the form',
    operationId: 'listCounties',
    tags: ['catalog'],
    responses: { '200': { description: 'OK', content: jsonContent('CountyList') }, ...errors('401') },
  },
  'GET /seasons/{season}/plan': {
    summary: '本季计划 / the season plan (coordinators: every county; liaisons: their own)',
    operationId: 'getSeasonPlan',
    tags: ['rounds'],
    parameters: [{ name: 'season', in: 'path', required: true, schema: inline(SeasonId) }],
    responses: {
      '200': { description: 'OK', content: jsonContent('Plan') },
      ...errors('400', '401', '403', '404'),
    },
  },
  'POST /needs': {
    summary: '提交需求 / submit a need',
    operationId: 'createNeed',
    tags: ['needs'],
    parameters: [
      {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description:
          '同一键与相同内容只创建一次；不同内容返回 409 / the same key and body create the need once; another body is a 409',
        schema: { type: 'string', minLength: 1, maxLength: 128 },
      },
    ],
    requestBody: { required: true, content: jsonContent('NeedInput') },
    responses: {
      '201': {
        description: 'Created (or replayed for a repeated Idempotency-Key)',
        content: jsonContent('Need'),
      },
      ...errors('400', '401', '403', '409', '413', '415'),
    },
  },
  'GET /needs': {
    summary: '需求列表（分页）/ needs, a page at a time',
    operationId: 'listNeeds',
    tags: ['needs'],
    parameters: queryParameters(NeedListQuery),
    responses: {
      '200': { description: 'OK', content: jsonContent('NeedPage') },
      ...errors('400', '401', '403'),
    },
  },
  'GET /needs/{id}': {
    summary: '查看需求 / one need',
    operationId: 'getNeed',
    tags: ['needs'],
    parameters: [needIdParameter],
    responses: {
      '200': { description: 'OK', content: jsonContent('Need') },
      ...errors('400', '401', '403', '404'),
    },
  },
  'PATCH /needs/{id}': {
    summary: '修改待解决的需求 / change an open need',
    operationId: 'updateNeed',
    tags: ['needs'],
    parameters: [needIdParameter],
    requestBody: { required: true, content: jsonContent('NeedPatch') },
    responses: {
      '200': { description: 'OK', content: jsonContent('Need') },
      ...errors('400', '401', '403', '404', '409', '413', '415'),
    },
  },
  'POST /needs/{id}/withdraw': {
    summary: '撤回需求 / withdraw an open need (again: no change)',
    operationId: 'withdrawNeed',
    tags: ['needs'],
    parameters: [needIdParameter],
    requestBody: { required: false, content: jsonContent('WithdrawInput') },
    responses: {
      '200': { description: 'OK', content: jsonContent('Need') },
      ...errors('400', '401', '403', '404', '409', '413', '415'),
    },
  },
  'GET /openapi.json': {
    summary: '本文档 / this document',
    operationId: 'getOpenApi',
    tags: ['meta'],
    responses: {
      '200': { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } },
    },
  },
};

function fallback(route: ApiRoute): Operation {
  const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  return {
    summary: `${route.method} ${route.path}`,
    operationId: `${route.method.toLowerCase()}${route.functionId}`,
    tags: ['other'],
    ...(params.length ? { parameters: params } : {}),
    responses: {
      '200': { description: 'OK', content: { 'application/json': { schema: {} } } },
      ...errors(...(route.public ? ['400'] : ['400', '401', '403', '404'])),
    },
  };
}

/** The whole document for `routes` (default: every route the API serves). */
export function openApiDocument(routes: readonly ApiRoute[] = API_ROUTES): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const operation = OPERATIONS[`${route.method} ${route.path}`] ?? fallback(route);
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = {
      ...operation,
      ...(route.public ? { security: [] } : {}),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: '山区科技服务轮次 API / Mountain-county science-service rounds API',
      version: '1.0.0',
      description:
        '一季一镇，一镇五问。Bearer tokens: Cognito in AWS; locally `rounds token --role liaison --county ID`. Errors: `{ error: { code, message, fields? } }`.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: componentSchemas(),
    },
  };
}
