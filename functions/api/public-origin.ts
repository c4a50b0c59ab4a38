/*
 * Where the links this server sends start (invitations, device codes, asked-for links): PUBLIC_URL,
 * else the address the local server was started on (LOCAL_ORIGIN, set by local/http-server.ts),
 * else the pages' address in AWS (PAGES_URL). Never the request's Host header: a forged one would
 * end up in a real invitation.
 */
export function publicOrigin(): string {
  const origin = (process.env.PUBLIC_URL || process.env.LOCAL_ORIGIN || process.env.PAGES_URL || '').replace(
    /\/+$/,
    '',
  );
  if (origin) return origin;
  throw new Error(
    'PUBLIC_URL is not set: links cannot name this server (set PUBLIC_URL to the address people open)',
  );
}
