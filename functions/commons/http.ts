import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import * as z from 'zod';
import { mayAccessCounty } from '#domain/needs';
import type { RouteDeclaration, RouteInput } from '#routes/route';
import { DEFAULT_BODY_LIMIT, type Role } from '#routes/route';
import { type BilingualIssue, labelOf, validate } from '#schemas/messages';
import {
  type FieldIssue,
  ForbiddenError,
  InvalidInputError,
  PayloadTooLargeError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
} from './errors.ts';
import { logger } from './logger.ts';

/*
 * The one middleware every API route runs under: it enforces the route's declaration
 * (functions/routes/) — the caller from the token's claims, the role and own-county / own-society
 * rules, 413 over the body limit before parsing, 415 for a body that is not JSON, 400 naming every
 * bad field (path, query, headers, body) in Chinese and English — and hands the handler typed input.
 * Errors become `{ error: { code, message, fields? } }`; anything unexpected is a 500 without internals.
 */

export type { Role } from '#routes/route';

export interface Caller {
  subject: string;
  role: Role;
  county?: string;
  society?: string;
}

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type ApiHandler = (event: ApiEvent, context: Context) => Promise<APIGatewayProxyResultV2>;

const ROLE_NAMES: Record<Role, { zh: string; en: string }> = {
  coordinator: { zh: '协调人', en: 'coordinator' },
  liaison: { zh: '县联络员', en: 'liaison' },
  team: { zh: '学会团队', en: 'team' },
};

/**
 * Claims come from Cognito access tokens in AWS (`role`, `county`, `society`, put there by
 * functions/triggers/add-token-claims.ts; `username` is the user's id, `sub` Cognito's own) and from local
 * tokens (`role`…, `sub` the user's id); a Cognito ID token's `custom:role` reads the same.
 */
export function callerOf(event: ApiEvent): Caller {
  // AWS China has no Cognito: its own authorizer (functions/triggers/authorize-session.ts) hands the
  // same claims over as the Lambda authorizer's context.
  const authorizer = event.requestContext?.authorizer as
    | { jwt?: { claims?: Record<string, unknown> }; lambda?: Record<string, unknown> }
    | undefined;
  const claims = authorizer?.jwt?.claims ?? authorizer?.lambda ?? {};
  const claim = (name: string) => {
    const value = claims[name] ?? claims[`custom:${name}`];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const role = claim('role');
  if (role !== 'coordinator' && role !== 'liaison' && role !== 'team') {
    throw new UnauthorizedError('令牌中没有可识别的角色 / the token carries no known role');
  }
  const subject = claim('username') ?? claim('cognito:username') ?? claim('sub') ?? 'unknown';
  return { subject, role, county: claim('county'), society: claim('society') };
}

/** Coordinators act in every county, a liaison only in their own; a team in none. */
export function requireOwnCounty(caller: Caller, countyId: string): void {
  if (!mayAccessCounty(caller, countyId)) {
    throw new ForbiddenError(`无权访问其他县（${countyId}）/ no access to another county (${countyId})`);
  }
}

/** A team acts only for its own society. */
export function requireOwnSociety(caller: Caller, societyId: string, what: { zh: string; en: string }): void {
  if (caller.role !== 'team' || caller.society !== societyId) {
    throw new ForbiddenError(`${what.zh}属于其他学会 / ${what.en} belongs to another society`);
  }
}

/** Who did it, for the logs: the society and the person (token subject). */
export function actorOf(caller: Caller): string {
  return caller.society ? `${caller.society}:${caller.subject}` : `${caller.role}:${caller.subject}`;
}

export function json(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

/** A file to download: text as it is, bytes base64-encoded (API Gateway's binary answers). */
export function download(
  file: { contentType: string; fileName: string; body: string | Uint8Array },
  headers: Record<string, string> = {},
): APIGatewayProxyResultV2 {
  const base = {
    statusCode: 200,
    headers: {
      'content-type': file.contentType,
      'content-disposition': `attachment; filename="${file.fileName}"`,
      ...headers,
    },
  };
  return typeof file.body === 'string'
    ? { ...base, body: file.body }
    : { ...base, body: Buffer.from(file.body).toString('base64'), isBase64Encoded: true };
}

// ---- enforcing a declaration ------------------------------------------------------------------------

function checkAccess(route: RouteDeclaration, caller: Caller): void {
  const access = route.access;
  if (!access) return;
  if (!access.roles.includes(caller.role)) {
    const zh = access.roles.map((r) => ROLE_NAMES[r].zh).join('或');
    const en = access.roles.map((r) => ROLE_NAMES[r].en).join(' or ');
    throw new ForbiddenError(
      `此操作仅限${zh}（令牌角色：${ROLE_NAMES[caller.role].zh}）/ this needs the role ${en} (the token is ${caller.role})`,
    );
  }
  if (access.ownCounty && caller.role === 'liaison' && !caller.county) {
    throw new ForbiddenError('联络员令牌未指定所属县 / a liaison token must name a county');
  }
  if (access.ownSociety && caller.role === 'team' && !caller.society) {
    throw new ForbiddenError('团队令牌未指定所属学会 / a team token must name its society');
  }
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;.*)?$/i;

function headerOf(event: ApiEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {}))
    if (key.toLowerCase() === wanted) return value;
  return undefined;
}

const bodyIssue = (zh: string, en: string): FieldIssue => ({
  path: '(body)',
  message: `${zh} / ${en}`,
  zh,
  en,
});

/** The body as JSON: 413 over the limit (before parsing), 400 when missing, 415 when not JSON. */
function jsonBodyOf(route: RouteDeclaration, event: ApiEvent): unknown {
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  const limit = route.bodyLimit ?? DEFAULT_BODY_LIMIT;
  if (bytes.length > limit) {
    const kb = Math.round(limit / 1024);
    throw new PayloadTooLargeError(
      `请求内容超过 ${kb} KB（${bytes.length} 字节）/ the request body is over ${kb} KB (${bytes.length} bytes)`,
    );
  }
  if (bytes.length === 0) {
    if (route.bodyOptional) return {};
    throw new InvalidInputError('缺少请求内容（JSON）/ a JSON request body is required', [
      bodyIssue('缺少请求内容', 'a JSON body is required'),
    ]);
  }
  const type = headerOf(event, 'content-type') ?? '';
  if (!JSON_TYPE.test(type.trim())) {
    const got = type.slice(0, 80);
    throw new UnsupportedMediaTypeError(
      `请求内容须为 JSON（Content-Type: application/json），收到 "${got || '无'}" / the body must be JSON (Content-Type: application/json), got "${got || 'none'}"`,
    );
  }
  const text = bytes.toString('utf8');
  try {
    return JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
  } catch (error) {
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? '') : 'syntax error';
    throw new InvalidInputError(`请求内容不是有效的 JSON / the body is not valid JSON: ${reason}`, [
      bodyIssue('不是有效的 JSON', `not valid JSON: ${reason}`),
    ]);
  }
}

/** `body.countyId` → the raw value there, before validation. */
function claimedCounty(place: string, query: unknown, body: unknown): unknown {
  const [where, field] = place.split('.') as ['body' | 'query', string];
  const from = where === 'body' ? body : query;
  return from && typeof from === 'object' && !Array.isArray(from)
    ? (from as Record<string, unknown>)[field]
    : undefined;
}

const SLUG = /^[a-z0-9-]{1,64}$/;
/** A route that declares no query parameters takes none: a stray one is named, not ignored. */
const NO_QUERY = z.strictObject({});

interface RouteContext {
  route: RouteInput<RouteDeclaration> & { caller: Caller | undefined };
}

function routeContract(
  route: RouteDeclaration,
): middy.MiddlewareObj<ApiEvent, APIGatewayProxyResultV2, Error, Context & RouteContext> {
  return {
    before: (request) => {
      const event = request.event;
      const caller = route.public ? undefined : callerOf(event);
      if (caller) checkAccess(route, caller);
      const rawBody = route.body ? jsonBodyOf(route, event) : undefined;
      const rawQuery = event.queryStringParameters ?? {};
      // Another county's data is refused before its content is looked at.
      if (caller?.role === 'liaison' && typeof route.access?.ownCounty === 'string') {
        const claimed = claimedCounty(route.access.ownCounty, rawQuery, rawBody);
        if (typeof claimed === 'string' && SLUG.test(claimed)) requireOwnCounty(caller, claimed);
      }
      const issues: BilingualIssue[] = [];
      const read = (schema: z.ZodType | undefined, value: unknown, root?: string) => {
        if (!schema) return {};
        const result = validate(schema, value);
        if (result.ok) return result.data;
        issues.push(...result.issues.map((i) => (root && i.path === '(root)' ? { ...i, path: root } : i)));
        return undefined;
      };
      const headerNames = Object.keys(route.headers?.shape ?? {});
      const input = {
        params: read(route.params, event.pathParameters ?? {}),
        query: read(route.query ?? NO_QUERY, rawQuery),
        headers: read(
          route.headers,
          Object.fromEntries(
            headerNames.flatMap((n) => (headerOf(event, n) === undefined ? [] : [[n, headerOf(event, n)]])),
          ),
        ),
        body: route.body ? read(route.body, rawBody, '(body)') : {},
      };
      if (issues.length > 0) {
        // Fields by their names in words where they have one (schemas/messages.ts), never bare keys.
        const paths = [...new Set(issues.map((i) => i.path))].slice(0, 5);
        const zh = [...new Set(paths.map((path) => labelOf(path)?.zh ?? path))].join('、');
        const en = [...new Set(paths.map((path) => labelOf(path)?.en ?? path))].join(', ');
        throw new InvalidInputError(`输入有误：${zh} / invalid input: ${en}`, issues);
      }
      request.context.route = { ...(input as RouteInput<RouteDeclaration>), caller };
    },
  };
}

interface HttpError extends Error {
  statusCode?: number;
  retryAfterSeconds?: number;
  fields?: FieldIssue[];
}

const CODES: Record<number, string> = {
  400: 'invalid',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  413: 'too-large',
  415: 'unsupported-media-type',
  429: 'too-many-requests',
};

/** Errors become `{ error: { code, message, fields? } }` with their status; anything else is a bare 500. */
const errorResponses: middy.MiddlewareObj<ApiEvent, APIGatewayProxyResultV2> = {
  onError: (request) => {
    const error = request.error as HttpError;
    const status = error.statusCode && CODES[error.statusCode] ? error.statusCode : 500;
    if (status === 500) logger.error('request failed', { error });
    request.response = json(
      status,
      {
        error: {
          code: CODES[status] ?? 'internal',
          message: status === 500 ? '内部错误 / internal error' : error.message,
          ...(error.fields?.length ? { fields: error.fields } : {}),
        },
      },
      error.retryAfterSeconds ? { 'retry-after': String(error.retryAfterSeconds) } : {},
    );
  },
};

type CallerOf<R extends RouteDeclaration> = R['public'] extends true ? undefined : Caller;

/** What a handler gets: its route's validated input, the caller, and the raw event for what is left. */
export type HandlerInput<R extends RouteDeclaration> = RouteInput<R> & {
  caller: CallerOf<R>;
  event: ApiEvent;
};

/**
 * The Lambda handler of a route: `routeHandler(postNeed, async ({ caller, body, headers }) => …)`.
 * Middleware first (errors last to run, so they catch everything), the handler last.
 */
export function routeHandler<const R extends RouteDeclaration>(
  route: R,
  run: (input: HandlerInput<R>) => Promise<APIGatewayProxyResultV2>,
): ApiHandler {
  return middy<ApiEvent, APIGatewayProxyResultV2, Error, Context & RouteContext>()
    .use(
      errorResponses as middy.MiddlewareObj<ApiEvent, APIGatewayProxyResultV2, Error, Context & RouteContext>,
    )
    .use(routeContract(route))
    .handler(async (event, context) =>
      run({ ...(context.route as unknown as HandlerInput<R>), event }),
    ) as unknown as ApiHandler;
}

/** A route with the handler that serves it, keyed as API Gateway names it in `routeKey`. */
export function serve<const R extends RouteDeclaration>(
  route: R,
  run: (input: HandlerInput<R>) => Promise<APIGatewayProxyResultV2>,
): [string, ApiHandler] {
  return [`${route.method} ${route.path}`, routeHandler(route, run)];
}

/** One function that serves several routes: API Gateway names the route in `routeKey`. */
export function routeDispatcher(routes: readonly (readonly [string, ApiHandler])[]): ApiHandler {
  const byRoute = new Map(routes);
  return async (event, context) => {
    const handle = byRoute.get(event.routeKey);
    if (!handle) return json(404, { error: { code: 'not-found', message: '没有这个接口 / no such route' } });
    return handle(event, context);
  };
}
