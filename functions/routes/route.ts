import type * as z from 'zod';

/*
 * A route is one declaration: what the CDK HTTP API, the local HTTP adapter, the OpenAPI document
 * and the route middleware (functions/commons/http.ts) all read. A handler imports only its own
 * route's module (functions/routes/<resource>.ts), so its bundle carries only its own schemas.
 */

export type Role = 'coordinator' | 'liaison' | 'team';
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** OpenAPI tags; each is described in the document (functions/services/openapi-document.ts). */
export type RouteTag =
  | 'catalog'
  | 'needs'
  | 'rounds'
  | 'assignments'
  | 'visits'
  | 'users'
  | 'notifications'
  | 'meta';

export interface Access {
  /** Roles allowed; any other role is 403 before the request is read. */
  readonly roles: readonly Role[];
  /**
   * A liaison acts only in their own county: the token must name one, and a county named in the
   * request at this place (e.g. `body.countyId`) must be it — 403 before the rest is validated.
   * `true`: the token must name a county; which county a resource is in is the service's check.
   */
  readonly ownCounty?: true | `${'body' | 'query'}.${string}`;
  /** A team acts only for its own society: the token must name one. */
  readonly ownSociety?: true;
}

/** One response of a route. `schema` is its JSON body; `files` other media types it answers with. */
export interface ResponseSpec {
  readonly description: string;
  readonly schema?: z.ZodType;
  readonly files?: Readonly<Record<string, 'text' | 'binary'>>;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Errors a route answers besides those its declaration implies (400, 401, 403, 413, 415). */
export type DeclaredError = 401 | 404 | 409 | 429;

export interface RouteDeclaration {
  readonly method: HttpMethod;
  /** API Gateway v2 route path, e.g. `/seasons/{season}/plan`. */
  readonly path: string;
  /** Construct id of the function that serves it: a key of API_FUNCTIONS (functions/registry.ts checks). */
  readonly functionId: string;
  /** `中文 / English`, shown as the OpenAPI summary. */
  readonly summary: string;
  readonly description?: string;
  readonly tag: RouteTag;
  /** OpenAPI operationId: unique over the API. */
  readonly operationId: string;
  /** Without a token; such routes are few and read-only. */
  readonly public?: true;
  /** Who may call it (every route that is not public). */
  readonly access?: Access;
  /** Path parameters: an id of the wrong shape or length is 400 naming the parameter. */
  readonly params?: z.ZodObject;
  /** Query parameters; a route without them refuses any (400 naming the parameter). */
  readonly query?: z.ZodObject;
  /** Request headers the route reads, by their canonical name (`Idempotency-Key`). */
  readonly headers?: z.ZodObject;
  /** The JSON body. */
  readonly body?: z.ZodType;
  /** An empty body is read as `{}`. @default false (a body is required when one is declared) */
  readonly bodyOptional?: boolean;
  /** Bytes; 413 over it, before the body is parsed. @default 16 KiB */
  readonly bodyLimit?: number;
  readonly responses: Readonly<Record<number, ResponseSpec>>;
  readonly errors?: readonly DeclaredError[];
  /**
   * What one request reads from the table, in DynamoDB requests (e.g. `1 Query on gsi1 + 1 GetItem`):
   * a bounded number whatever the size of the season; shown in OpenAPI as `x-read-cost`.
   */
  readonly readCost: string;
}

export const DEFAULT_BODY_LIMIT = 16 * 1024;

type Out<S> = S extends z.ZodType ? z.output<S> : Record<string, never>;

/** What a handler receives: the validated input of its route. */
export interface RouteInput<R extends RouteDeclaration> {
  params: Out<R['params']>;
  query: Out<R['query']>;
  headers: Out<R['headers']>;
  body: Out<R['body']>;
}

/** Declares a route, keeping its literal types for the handler's input. */
export function defineRoute<const R extends RouteDeclaration>(route: R): R {
  if (!route.public === !route.access) {
    throw new Error(`${route.method} ${route.path}: a route is either public or has an access rule`);
  }
  return route;
}
