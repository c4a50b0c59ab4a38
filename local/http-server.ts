import { randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyResultV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { ApiEvent } from '#commons/http';
import { SECURITY_HEADERS } from '#commons/security-headers';
import { installFilesPort } from '#files/files';
import { installIdentityPort } from '#identity/identity';
import { confirmUpload } from '#services/attachments';
import { API_FUNCTIONS, API_ROUTES, type ApiRoute } from '../functions/registry.ts';
import { runAsFunction } from './aws-rules/identity.ts';
import {
  FILES_PATH,
  localFiles,
  receiveUpload,
  signedFile,
  UPLOAD_PATH,
  withRequestOrigin,
} from './files.ts';
import { localIdentity, sessionRefusal } from './identity.ts';
import { tokenKey, verifyLocalToken } from './tokens.ts';

/**
 * The local stand-in for API Gateway: matches API_ROUTES (the same table the CDK HTTP API is built
 * from), checks the bearer token like the JWT authorizer, and feeds the same handlers an API Gateway
 * v2 event. Everything else is served from the pages folder.
 */
const ROOT = resolve(import.meta.dirname, '..');
const MAX_BODY_BYTES = 1024 * 1024;
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
};

type Handler = (event: ApiEvent, context: Context) => Promise<APIGatewayProxyResultV2>;

interface CompiledRoute {
  route: ApiRoute;
  pattern: RegExp;
  params: string[];
}

function compile(route: ApiRoute): CompiledRoute {
  const params: string[] = [];
  const source = route.path
    .split('/')
    .map((part) => {
      const match = /^\{(\w+)\}$/.exec(part);
      if (!match) return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
      params.push(match[1] as string);
      return '([^/]+)';
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}$`), params };
}

function send(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  headers: Record<string, string>,
): void {
  // On every answer, pages and API alike: the same headers as CloudFront's.
  res.writeHead(status, { 'cache-control': 'no-store', ...headers, ...SECURITY_HEADERS });
  res.end(body);
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  send(res, status, JSON.stringify({ error: { code, message } }), {
    'content-type': 'application/json; charset=utf-8',
  });
}

const BAD_TARGET = '请求目标无效 / the request target is not a valid path';

/**
 * The path and query of a request target. Origin-form (`/needs?x=1`) and a valid absolute-form
 * (`http://host/needs`) are served; anything else (authority-form, `*`, an absolute URL that does
 * not parse, such as `http://[/`) is undefined, answered 400.
 */
export function requestTarget(raw: string | undefined): URL | undefined {
  const target = raw ?? '/';
  try {
    if (target.startsWith('/') && !target.startsWith('//')) return new URL(target, 'http://localhost');
    const absolute = new URL(target);
    return absolute.protocol === 'http:' || absolute.protocol === 'https:'
      ? new URL(`${absolute.pathname}${absolute.search}`, 'http://localhost')
      : undefined;
  } catch {
    return undefined;
  }
}

/** What the socket gets when the request never became a request (Node's parser refused it). */
function clientErrorResponse(code: string | undefined): string {
  const [status, text] =
    code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Request Timeout']
      : code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large']
        : [400, 'Bad Request'];
  const body = JSON.stringify({
    error: { code: status === 400 ? 'invalid' : 'client-error', message: `请求无法解析 / ${text}` },
  });
  return `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

/**
 * The last line of defence for `npm start`: an error that escaped every handler is logged and the
 * process keeps serving (the database, the pages and a running round live in this process).
 */
export function keepServingOnUncaughtErrors(log: (line: string) => void): void {
  const report = (kind: string) => (error: unknown) =>
    log(
      `未处理的错误，服务继续 / ${kind}, still serving: ${error instanceof Error ? error.message : String(error)}`,
    );
  process.on('uncaughtException', report('uncaught exception'));
  process.on('unhandledRejection', report('unhandled rejection'));
}

/** A photo may take this long to arrive over a slow line. */
const UPLOAD_TIMEOUT_MS = 120_000;
const UPLOAD_CODES: Record<number, string> = {
  400: 'invalid',
  403: 'forbidden',
  413: 'too-large',
  415: 'unsupported-media-type',
};

/** Past the limit the rest of the body is read and dropped (up to this much), so the 413 reaches the client. */
const DRAIN_LIMIT_BYTES = 16 * 1024 * 1024;

/** The body, or why there is none: over MAX_BODY_BYTES, or not all there within `timeoutMs`. */
function readBody(req: IncomingMessage, timeoutMs: number): Promise<Buffer | 'too-large' | 'timeout'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('error', onError);
    };
    const finish = (result: Buffer | 'too-large' | 'timeout') => {
      stop();
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      else if (size > DRAIN_LIMIT_BYTES) finish('too-large');
    };
    const onEnd = () => finish(size > MAX_BODY_BYTES ? 'too-large' : Buffer.concat(chunks));
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    // A client that sends its body a byte at a time holds a connection: it gets this long in all.
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    req.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function isPageNavigation(req: IncomingMessage): boolean {
  return (
    (req.method === 'GET' || req.method === 'HEAD') &&
    !req.headers.authorization &&
    /^text\/html\b/.test(req.headers.accept ?? '')
  );
}

export interface HttpServer {
  url: string;
  close(): Promise<void>;
}

export async function startHttpServer(options: {
  port: number;
  dataDir: string;
  pagesDir?: string;
  /** A client that has not sent its headers by then gets 408 and the connection closes. @default 10000 */
  headersTimeoutMs?: number;
  /** A request body not all there this long after the handler starts reading it gets 408. @default 10000 */
  bodyTimeoutMs?: number;
  /** Connections open at once; past it a new one is closed at once. @default 512 */
  maxConnections?: number;
  /** Connections open at once from one address, so one client cannot take them all. @default 128 */
  maxConnectionsPerAddress?: number;
}): Promise<HttpServer> {
  const headersTimeout = options.headersTimeoutMs ?? 10_000;
  const bodyTimeout = options.bodyTimeoutMs ?? 10_000;
  const maxPerAddress = options.maxConnectionsPerAddress ?? 128;
  const routes = API_ROUTES.map(compile);
  const key = tokenKey(options.dataDir);
  // POST /users, /session…: invitations and sessions of this DATA_DIR.
  installIdentityPort(localIdentity(key));
  // Photos: bytes under DATA_DIR, the upload form and read URLs pointing at this server.
  let serverUrl = '';
  installFilesPort(localFiles({ dataDir: options.dataDir, baseUrl: () => serverUrl }));
  const pagesDir = resolve(options.pagesDir ?? join(ROOT, 'pages'));
  const handlers = new Map<string, Promise<Handler>>();
  // Tokens whose signature was checked, until they expire: an HS256 check costs ~0.2 ms a request.
  // A token that failed is never kept; an expired one is checked again (and refused).
  const verifiedTokens = new Map<string, { claims: Record<string, unknown>; expiresAt: number }>();
  const rememberToken = (token: string, claims: Record<string, unknown>) => {
    if (typeof claims.exp !== 'number') return;
    if (verifiedTokens.size >= 1000) verifiedTokens.delete(verifiedTokens.keys().next().value as string);
    verifiedTokens.set(token, { claims, expiresAt: claims.exp * 1000 });
  };
  const handlerOf = (route: ApiRoute) => {
    let handler = handlers.get(route.functionId);
    if (!handler) {
      handler = import(pathToFileURL(join(ROOT, API_FUNCTIONS[route.functionId].entry)).href).then(
        (m: { handler: Handler }) => m.handler,
      );
      handlers.set(route.functionId, handler);
    }
    return handler;
  };

  const serveApi = async (
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    compiled: CompiledRoute,
    match: RegExpExecArray,
  ) => {
    let claims: Record<string, unknown> = {};
    if (!compiled.route.public) {
      const header = req.headers.authorization ?? '';
      const token = /^Bearer\s+(.+)$/i.exec(header)?.[1];
      if (!token)
        return sendError(
          res,
          401,
          'unauthorized',
          '缺少令牌（rounds token --role …）/ a bearer token is required (rounds token --role …)',
        );
      const known = verifiedTokens.get(token);
      if (known && known.expiresAt > Date.now()) claims = known.claims;
      else {
        const verified = await verifyLocalToken(key, token);
        if (!verified.ok) return sendError(res, 401, 'unauthorized', verified.reason);
        claims = verified.claims;
        rememberToken(token, claims);
      }
      // A revoked user's session stops at once (API Gateway's authorizer cannot know; Cognito's tokens end within their hour).
      const refusal = await sessionRefusal(claims);
      if (refusal) return sendError(res, 401, 'unauthorized', refusal);
    }
    const body = await readBody(req, bodyTimeout);
    if (typeof body === 'string') {
      const seconds = `${Number((bodyTimeout / 1000).toFixed(1))}`;
      const [status, code, message] =
        body === 'too-large'
          ? [413, 'too-large', '请求内容过大 / the request body is too large']
          : [
              408,
              'request-timeout',
              `请求内容未在 ${seconds} 秒内传完 / the request body did not arrive within ${seconds} s`,
            ];
      // The connection is closed after the answer: the client may still be sending the body.
      return send(res, status, JSON.stringify({ error: { code, message } }), {
        'content-type': 'application/json; charset=utf-8',
        connection: 'close',
      });
    }
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([name, value]) => [
        name,
        Array.isArray(value) ? value.join(',') : (value ?? ''),
      ]),
    );
    const query = Object.fromEntries(url.searchParams);
    const event = {
      version: '2.0',
      routeKey: `${compiled.route.method} ${compiled.route.path}`,
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      headers,
      queryStringParameters: Object.keys(query).length ? query : undefined,
      // Like API Gateway: a malformed %-escape is passed on as it is (the handler rejects it), never a 500.
      pathParameters: Object.fromEntries(
        compiled.params.map((name, i) => [name, safeDecode(match[i + 1] ?? '')]),
      ),
      body: body.length ? body.toString('utf8') : undefined,
      isBase64Encoded: false,
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        domainName: url.host,
        domainPrefix: 'local',
        http: {
          method: req.method ?? 'GET',
          path: url.pathname,
          protocol: 'HTTP/1.1',
          sourceIp: req.socket.remoteAddress ?? '',
          userAgent: headers['user-agent'] ?? '',
        },
        requestId: randomUUID(),
        routeKey: `${compiled.route.method} ${compiled.route.path}`,
        stage: '$default',
        time: new Date().toISOString(),
        timeEpoch: Date.now(),
        authorizer: { principalId: '', integrationLatency: 0, jwt: { claims, scopes: [] } },
      },
    } as unknown as ApiEvent;
    const handler = await handlerOf(compiled.route);
    // As the route's function: its AWS calls are checked against that function's role.
    // Upload forms and photo links point at the origin the page was opened from (local/files.ts).
    const result = (await withRequestOrigin(req.headers, () =>
      runAsFunction(compiled.route.functionId, () =>
        handler(event, { awsRequestId: event.requestContext.requestId } as Context),
      ),
    )) as APIGatewayProxyStructuredResultV2;
    const responseHeaders = Object.fromEntries(
      Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)]),
    );
    const payload = result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? '');
    send(res, result.statusCode ?? 200, payload, responseHeaders);
  };

  const serviceWorkerFile = join(pagesDir, 'sw.js');

  /** A page's file: `/` is index.html, and a path without an extension is also `<path>.html` (`/signin`). */
  const pageFile = async (pathname: string): Promise<string | undefined> => {
    if (pathname === '/') return join(pagesDir, 'index.html');
    const file = normalize(join(pagesDir, safeDecode(pathname.slice(1))));
    if (!file.startsWith(pagesDir + sep)) return undefined;
    if (extname(file) === '') {
      const page = await stat(`${file}.html`).catch(() => undefined);
      if (page?.isFile()) return `${file}.html`;
    }
    return file;
  };

  const servePage = async (res: ServerResponse, url: URL) => {
    const file = await pageFile(url.pathname);
    if (!file) return sendError(res, 404, 'not-found', '没有这个页面 / no such page');
    try {
      const info = await stat(file);
      const target = info.isDirectory() ? join(file, 'index.html') : file;
      const content = await readFile(target);
      send(res, 200, content, {
        'content-type': CONTENT_TYPES[extname(target)] ?? 'application/octet-stream',
        // The service worker is checked on every visit, so a new version of the pages is found.
        ...(target === serviceWorkerFile ? { 'cache-control': 'no-cache' } : {}),
      });
    } catch {
      sendError(res, 404, 'not-found', `没有这个接口或页面 / no route or page for ${url.pathname}`);
    }
  };

  /** POST /uploads: the local stand-in for S3's presigned POST, then the check S3's event triggers. */
  const serveUpload = async (req: IncomingMessage, res: ServerResponse) => {
    const timer = setTimeout(() => req.destroy(), UPLOAD_TIMEOUT_MS);
    const received = await receiveUpload(options.dataDir, req, DRAIN_LIMIT_BYTES).finally(() =>
      clearTimeout(timer),
    );
    if (!received.ok)
      return send(
        res,
        received.status,
        JSON.stringify({ error: { code: UPLOAD_CODES[received.status], message: received.message } }),
        {
          'content-type': 'application/json; charset=utf-8',
          connection: 'close',
        },
      );
    const outcome = await runAsFunction('ConfirmAttachmentUpload', () => confirmUpload(received.key));
    if (outcome.status === 'stored') return send(res, 204, '', {});
    const message =
      outcome.status === 'rejected'
        ? `${outcome.reason.zh} / ${outcome.reason.en}`
        : '没有等待上传的照片 / no photo waits for this upload';
    return sendError(
      res,
      outcome.status === 'rejected' ? 400 : 403,
      outcome.status === 'rejected' ? 'invalid' : 'forbidden',
      message,
    );
  };

  /** GET /files/<key>?…: a photo's bytes behind a signed, expiring link. */
  const serveFile = async (res: ServerResponse, url: URL) => {
    const found = await signedFile(options.dataDir, url);
    if (!found.ok)
      return sendError(res, found.status, found.status === 403 ? 'forbidden' : 'not-found', found.message);
    send(res, 200, await readFile(found.file), {
      'content-type': found.contentType,
      'content-disposition': 'inline',
      'cache-control': 'private, max-age=600',
    });
  };

  const route = (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = requestTarget(req.url);
    if (!url) return Promise.resolve(sendError(res, 400, 'invalid', BAD_TARGET));
    const method = req.method ?? 'GET';
    if (url.pathname === UPLOAD_PATH && method === 'POST') return serveUpload(req, res);
    // The pages ask for it (in AWS the stack writes it: infra/pages.ts); here the API is this origin
    // and sign-in is by invitation code, so there is nothing to configure.
    if (url.pathname === '/runtime-config.json' && (method === 'GET' || method === 'HEAD'))
      return Promise.resolve(send(res, 200, '{}', { 'content-type': 'application/json; charset=utf-8' }));
    if (url.pathname.startsWith(FILES_PATH) && (method === 'GET' || method === 'HEAD'))
      return serveFile(res, url);
    const candidates = routes
      .map((compiled) => ({ compiled, match: compiled.pattern.exec(url.pathname) }))
      .filter((c): c is { compiled: CompiledRoute; match: RegExpExecArray } => c.match !== null);
    const chosen = candidates.find((c) => c.compiled.route.method === method);
    // `/users` is a page and a route: a browser opening it (asks for HTML, no bearer token) gets the page.
    if (chosen && isPageNavigation(req))
      return pageFile(url.pathname).then(async (file) => {
        const page =
          file && extname(url.pathname) === '' ? await stat(file).catch(() => undefined) : undefined;
        return page?.isFile() ? servePage(res, url) : serveApi(req, res, url, chosen.compiled, chosen.match);
      });
    if (chosen) return serveApi(req, res, url, chosen.compiled, chosen.match);
    if (candidates.length > 0) {
      return Promise.resolve(
        sendError(
          res,
          405,
          'method-not-allowed',
          `此路径不支持 ${method} / ${method} is not allowed on ${url.pathname}`,
        ),
      );
    }
    if (method === 'GET' || method === 'HEAD') return servePage(res, url);
    return Promise.resolve(
      sendError(res, 404, 'not-found', `没有这个接口 / no route for ${method} ${url.pathname}`),
    );
  };

  const server = createServer(
    // Slow clients: headers within `headersTimeout`, the whole request within 15 s; checked often.
    {
      headersTimeout,
      requestTimeout: Math.max(15_000, headersTimeout),
      connectionsCheckingInterval: Math.min(1000, headersTimeout),
      keepAliveTimeout: 5000,
    },
    (req, res) => {
      const fail = () => {
        if (!res.headersSent) sendError(res, 500, 'internal', '内部错误 / internal error');
        else res.end();
      };
      // Every failure, thrown at once or later, becomes an answer: no request can stop the server.
      try {
        route(req, res).catch(fail);
      } catch {
        fail();
      }
    },
  );
  server.maxConnections = options.maxConnections ?? 512;
  // Per address: thousands of slow connections from one client left none for anyone else.
  const openByAddress = new Map<string, number>();
  server.on('connection', (socket) => {
    const address = socket.remoteAddress ?? '';
    const open = (openByAddress.get(address) ?? 0) + 1;
    if (open > maxPerAddress) {
      socket.destroy();
      return;
    }
    openByAddress.set(address, open);
    socket.once('close', () => {
      const left = (openByAddress.get(address) ?? 1) - 1;
      if (left > 0) openByAddress.set(address, left);
      else openByAddress.delete(address);
    });
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (socket.writable && !(socket as { _httpMessage?: unknown })._httpMessage) {
      socket.end(clientErrorResponse(error.code));
    } else socket.destroy();
  });
  // CONNECT (authority-form) is no tunnel here.
  server.on('connect', (_req, socket) => {
    socket.on('error', () => {});
    socket.end(clientErrorResponse('HPE_INVALID_METHOD'));
  });
  server.on('upgrade', (_req, socket) => {
    socket.on('error', () => {});
    socket.end(clientErrorResponse('HPE_INVALID_METHOD'));
  });

  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port, '127.0.0.1', () => done());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  // Links the functions send name this address unless PUBLIC_URL says otherwise (functions/api/public-origin.ts).
  process.env.LOCAL_ORIGIN = `http://127.0.0.1:${port}`;
  serverUrl = `http://127.0.0.1:${port}`;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}
