import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { type FieldIssue, ForbiddenError, UnauthorizedError } from './errors.ts';
import { logger } from './logger.ts';

export type Role = 'coordinator' | 'liaison' | 'team';

export interface Caller {
  subject: string;
  role: Role;
  county?: string;
  society?: string;
}

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;

/** Claims come from Cognito (`custom:role`) in AWS and from local tokens (`role`); both mean the same. */
export function callerOf(event: ApiEvent): Caller {
  const claims = (event.requestContext?.authorizer?.jwt?.claims ?? {}) as Record<string, unknown>;
  const claim = (name: string) => {
    const value = claims[name] ?? claims[`custom:${name}`];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const role = claim('role');
  if (role !== 'coordinator' && role !== 'liaison' && role !== 'team') {
    throw new UnauthorizedError('the token carries no known role');
  }
  return { subject: claim('sub') ?? 'unknown', role, county: claim('county'), society: claim('society') };
}

export function requireRole(caller: Caller, ...roles: Role[]): void {
  if (!roles.includes(caller.role)) throw new ForbiddenError(`this needs the role ${roles.join(' or ')}`);
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

interface HttpError extends Error {
  statusCode?: number;
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
};

/** Errors become `{ error: { code, message, fields? } }` with their status; anything else is a bare 500. */
const errorResponses: middy.MiddlewareObj<ApiEvent, APIGatewayProxyResultV2> = {
  onError: (request) => {
    const error = request.error as HttpError;
    const status = error.statusCode && CODES[error.statusCode] ? error.statusCode : 500;
    if (status === 500) logger.error('request failed', { error });
    request.response = json(status, {
      error: {
        code: CODES[status] ?? 'internal',
        message: status === 500 ? 'internal error' : error.message,
        ...(error.fields?.length ? { fields: error.fields } : {}),
      },
    });
  },
};

/**
 * An HTTP handler: errors become `{ error: { code, message, fields? } }` with their status; anything
 * unexpected is a 500 with no internals (middy's httpErrorHandler answers in plain text, so ours is JSON).
 */
export function apiHandler(
  run: (event: ApiEvent, caller: Caller) => Promise<APIGatewayProxyResultV2>,
): (event: ApiEvent, context: Context) => Promise<APIGatewayProxyResultV2> {
  return middy<ApiEvent, APIGatewayProxyResultV2>()
    .use(errorResponses)
    .handler(async (event) => run(event, callerOf(event))) as unknown as (
    event: ApiEvent,
    context: Context,
  ) => Promise<APIGatewayProxyResultV2>;
}

/** A handler of a route marked `public` in functions/registry.ts: no caller, the same error responses. */
export function publicApiHandler(
  run: (event: ApiEvent) => Promise<APIGatewayProxyResultV2>,
): (event: ApiEvent, context: Context) => Promise<APIGatewayProxyResultV2> {
  return middy<ApiEvent, APIGatewayProxyResultV2>()
    .use(errorResponses)
    .handler(async (event) => run(event)) as unknown as (
    event: ApiEvent,
    context: Context,
  ) => Promise<APIGatewayProxyResultV2>;
}
