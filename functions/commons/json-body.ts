import type { z } from 'zod';
import { validate } from '#schemas/messages';
import { InvalidInputError, PayloadTooLargeError, UnsupportedMediaTypeError } from './errors.ts';
import type { ApiEvent } from './http.ts';

/*
 * Request bodies and parameters of the write endpoints. API Gateway passes any body up to 10 MB
 * and any Content-Type, so the limits are the handler's: 16 KB of JSON, else 413 / 415 / 400,
 * checked before anything is read from or written to the table.
 */

export const MAX_JSON_BODY_BYTES = 16 * 1024;

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;.*)?$/i;

function header(event: ApiEvent, name: string): string | undefined {
  const headers = event.headers ?? {};
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/**
 * The JSON body of the request. `optional`: an empty body is `undefined` rather than a 400.
 * Order: size (413), then presence (400), then Content-Type (415), then JSON syntax (400).
 */
export function jsonBody(event: ApiEvent, options: { optional?: boolean } = {}): unknown {
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > MAX_JSON_BODY_BYTES) {
    throw new PayloadTooLargeError(
      `请求内容超过 16 KB（${bytes.length} 字节）/ the request body is over 16 KB (${bytes.length} bytes)`,
    );
  }
  if (bytes.length === 0) {
    if (options.optional) return undefined;
    throw new InvalidInputError('缺少请求内容（JSON）/ a JSON request body is required', [
      { path: '(body)', message: '缺少请求内容 / a JSON body is required' },
    ]);
  }
  const type = header(event, 'content-type') ?? '';
  if (!JSON_TYPE.test(type.trim())) {
    throw new UnsupportedMediaTypeError(
      `请求内容须为 JSON（Content-Type: application/json），收到 "${type.slice(0, 80) || '无'}" / the body must be JSON (Content-Type: application/json), got "${type.slice(0, 80) || 'none'}"`,
    );
  }
  const text = bytes.toString('utf8');
  try {
    return JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0]! : 'syntax error';
    throw new InvalidInputError(`请求内容不是有效的 JSON / the body is not valid JSON: ${reason}`, [
      { path: '(body)', message: `不是有效的 JSON / not valid JSON: ${reason}` },
    ]);
  }
}

/** Parses `value` with `schema` or throws a 400 naming every bad field in Chinese and English. */
export function parseBilingual<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: { zh: string; en: string },
): z.output<S> {
  const result = validate(schema, value);
  if (result.ok) return result.data;
  const named = result.issues
    .slice(0, 5)
    .map((i) => i.path)
    .join(', ');
  throw new InvalidInputError(`${what.zh}有误：${named} / invalid ${what.en}: ${named}`, result.issues);
}

/** The `Idempotency-Key` header, if any. */
export function idempotencyKeyOf(event: ApiEvent): string | undefined {
  const value = header(event, 'idempotency-key');
  return value === undefined ? undefined : value;
}
