import type { z } from 'zod';
import { ForbiddenError, InvalidInputError } from './errors.ts';
import type { ApiEvent, Caller } from './http.ts';
import { parseInput } from './validation.ts';

/** Bodies of the teams' routes: at most 64 KB of JSON (a visit report with its notes). */
const MAX_BODY_BYTES = 64 * 1024;

export function header(event: ApiEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {}))
    if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/** The JSON body parsed with `schema`; an empty body is `{}` when `optional`. 400 names every bad field. */
export function jsonBodyOf<S extends z.ZodType>(
  event: ApiEvent,
  schema: S,
  options: { optional?: boolean } = {},
): z.infer<S> {
  const raw = event.body ?? '';
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) {
    throw Object.assign(new Error('请求内容超过 64 KB / the request body is over 64 KB'), {
      statusCode: 413,
    });
  }
  let value: unknown = {};
  if (text.trim() !== '') {
    try {
      value = JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
    } catch {
      throw new InvalidInputError('请求内容不是有效的 JSON / the body is not valid JSON', [
        { path: '(body)', message: 'not valid JSON' },
      ]);
    }
  } else if (!options.optional) {
    throw new InvalidInputError('缺少请求内容（JSON）/ a JSON request body is required', [
      { path: '(body)', message: 'required' },
    ]);
  }
  return parseInput(schema, value, 'body');
}

/** The society of a team token; 403 for any other role or a token without a society. */
export function teamSocietyOf(caller: Caller): string {
  if (caller.role !== 'team') throw new ForbiddenError('only a society team may do this / 仅限学会团队');
  if (!caller.society) throw new ForbiddenError('a team token must name its society / 团队令牌须含学会');
  return caller.society;
}

/** Who did it, for the logs: the society and the person (token subject). */
export function actorOf(caller: Caller): string {
  return caller.society ? `${caller.society}:${caller.subject}` : `${caller.role}:${caller.subject}`;
}
