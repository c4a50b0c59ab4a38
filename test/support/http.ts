// biome-ignore lint/suspicious/noExplicitAny: JSON replies, checked field by field in each test
export type Json = any;

export interface Reply {
  status: number;
  /** The body parsed as JSON; the text itself when it is not JSON (and '' when empty). */
  body: Json;
  headers: Headers;
}

export interface RequestOptions {
  /** Sent as `authorization: Bearer <token>`. */
  token?: string;
  /** Sent as JSON (content-type application/json unless `headers` name another). */
  body?: unknown;
  /** Sent as it is, with no content-type of its own (fetch's text/plain for a string). */
  raw?: string | Buffer;
  /** The content-type, whatever the body. */
  type?: string;
  headers?: Record<string, string>;
}

/** One request to the HTTP API at `base` (e.g. the embedded server's url). */
export async function request(
  base: string,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body = options.raw;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  if (options.type !== undefined) headers['content-type'] = options.type;
  const res = await fetch(`${base}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: res.status, body: parsed, headers: res.headers };
}
