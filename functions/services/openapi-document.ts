import * as z from 'zod';
import { API_ROUTES } from '#functions/registry';
import { DEFAULT_BODY_LIMIT, type RouteDeclaration, type RouteTag } from '#routes/route';
import * as schemas from '#schemas/index';

/*
 * The OpenAPI 3.1 document of the HTTP API, built from the route declarations (functions/routes/)
 * and their zod schemas (z.toJSONSchema), so it can not drift from what the middleware enforces.
 * Served at GET /openapi.json; a test lints it with Redocly's recommended rules.
 */

type JsonSchema = Record<string, unknown>;

const TAGS: Record<RouteTag, string> = {
  catalog: '县、乡镇与学会 / counties, towns and societies',
  needs: '各县的需求（联络员：本县）/ the counties’ needs (liaisons: their own county)',
  rounds: '季度轮次：启动、计划与报告（协调人）/ the season’s round: start, plan and report',
  assignments: '学会团队的邀请：接受或婉拒 / the society teams’ offers: accept or decline',
  visits: '走访：报告与日志 / visits: reports and logs',
  users: '用户、邀请与登录 / users, invitations and sign-in',
  notifications: '发出的消息与重新发送（协调人）/ messages sent, and resending a failed one (coordinator)',
  meta: '接口说明 / about the API',
};

/** The local server (`npm start`) and the deployed HTTP API (the stack output `ApiUrl`). */
const SERVERS = [
  {
    url: 'http://127.0.0.1:{port}',
    description: '本机（npm start）/ this machine (npm start)',
    variables: { port: { default: '3000', description: 'PORT' } },
  },
  {
    url: 'https://{apiId}.execute-api.{region}.amazonaws.com',
    description:
      '部署后的 HTTP API：即堆栈输出 ApiUrl / the deployed HTTP API: the stack output ApiUrl (cdk deploy)',
    variables: {
      apiId: { default: 'api-id', description: 'the id in the stack output ApiUrl' },
      region: { default: 'ap-east-1', description: 'the region the stack is deployed to' },
    },
  },
];

function errorText(route: RouteDeclaration): Record<string, string> {
  const kb = Math.round((route.bodyLimit ?? DEFAULT_BODY_LIMIT) / 1024);
  return {
    '400': '输入有误（逐项列出字段，中英文）/ invalid input: each bad field named, in Chinese and English',
    '401': route.public
      ? '邀请码已用过、已过期、已作废或不存在 / the invitation was used, expired, replaced or is unknown'
      : '缺少或无效的令牌 / missing or bad bearer token',
    '403': '无权访问（角色不符、其他县或其他学会）/ not allowed (another role, county or society)',
    '404': '不存在 / not found',
    '409': '状态冲突 / state conflict',
    '413': `请求内容超过 ${kb} KB / body over ${kb} KB`,
    '415': '请求内容不是 JSON / body is not JSON',
    '429': '尝试次数过多，请稍后再试 / too many attempts, try again later',
  };
}

/** Names of the exported schemas of schemas/, so components read `NeedInput`, not `Schema3`. */
const EXPORTED = new Map<unknown, string>();
for (const [name, value] of Object.entries(schemas)) {
  if (value instanceof z.ZodType && !EXPORTED.has(value)) EXPORTED.set(value, name);
}

const pascal = (id: string) => id.charAt(0).toUpperCase() + id.slice(1);

function inline(schema: z.ZodType): JsonSchema {
  const out = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  delete out.$schema;
  return out;
}

function parameters(route: RouteDeclaration): unknown[] {
  const from = (where: 'path' | 'query' | 'header', object: z.ZodObject | undefined) =>
    Object.entries(object?.shape ?? {}).map(([name, field]) => {
      const schema = field as z.ZodType;
      const described = schema.description ? { description: schema.description } : {};
      return {
        name,
        in: where,
        required: where === 'path' || !schema.safeParse(undefined).success,
        ...described,
        schema: inline(schema),
      };
    });
  return [...from('path', route.params), ...from('query', route.query), ...from('header', route.headers)];
}

/** The whole document for `routes` (default: every route the API serves). */
export function openApiDocument(routes: readonly RouteDeclaration[] = API_ROUTES): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  const named = new Map<z.ZodType, string>();
  const component = (schema: z.ZodType, fallback: string) => {
    let name = named.get(schema);
    if (!name) {
      name = EXPORTED.get(schema) ?? fallback;
      named.set(schema, name);
      registry.add(schema, { id: name });
    }
    return { $ref: `#/components/schemas/${name}` };
  };
  const errorSchema = () => component(schemas.ApiError, 'Error');

  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const texts = errorText(route);
    const codes = [
      // Every route validates its query at least (none declared: none taken).
      '400',
      ...(route.public ? [] : ['401', '403']),
      ...(route.errors ?? []).map(String),
      ...(route.body ? ['413', '415'] : []),
    ];
    const responses: Record<string, unknown> = {};
    for (const [status, spec] of Object.entries(route.responses)) {
      const content: Record<string, unknown> = {};
      if (spec.schema) {
        content['application/json'] = {
          schema: component(spec.schema, `${pascal(route.operationId)}Response`),
        };
      }
      for (const [type, kind] of Object.entries(spec.files ?? {})) {
        content[type] = {
          schema: kind === 'binary' ? { type: 'string', format: 'binary' } : { type: 'string' },
        };
      }
      responses[status] = {
        description: spec.description,
        ...(spec.headers
          ? {
              headers: Object.fromEntries(
                Object.entries(spec.headers).map(([name, description]) => [
                  name,
                  { description, schema: { type: 'string' } },
                ]),
              ),
            }
          : {}),
        content,
      };
    }
    for (const code of codes) {
      responses[code] = {
        description: texts[code],
        content: { 'application/json': { schema: errorSchema() } },
      };
    }
    const params = parameters(route);
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [route.tag],
      ...(route.public ? { security: [] } : {}),
      ...(params.length ? { parameters: params } : {}),
      ...(route.body
        ? {
            requestBody: {
              required: !route.bodyOptional,
              content: {
                'application/json': { schema: component(route.body, `${pascal(route.operationId)}Body`) },
              },
            },
          }
        : {}),
      responses,
      'x-read-cost': route.readCost,
    };
  }

  const { schemas: componentSchemas } = z.toJSONSchema(registry, {
    io: 'input',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, JsonSchema> };
  for (const schema of Object.values(componentSchemas)) {
    delete schema.$id;
    delete schema.$schema;
  }
  const usedTags = new Set(routes.map((r) => r.tag));
  return {
    openapi: '3.1.0',
    info: {
      title: '山区科技服务轮次 API / Mountain-county science-service rounds API',
      version: '1.0.0',
      description:
        '一季一镇，一镇五问。令牌：AWS 中为 Cognito，本机为 `rounds token --role …`。错误：`{ error: { code, message, fields? } }`，中文在前。/ Bearer tokens: Cognito in AWS; locally `rounds token --role liaison --county ID`. Errors: `{ error: { code, message, fields? } }`, Chinese first.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: SERVERS,
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    security: [{ bearer: [] }],
    tags: (Object.keys(TAGS) as RouteTag[])
      .filter((t) => usedTags.has(t))
      .map((name) => ({ name, description: TAGS[name] })),
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: componentSchemas,
    },
  };
}
