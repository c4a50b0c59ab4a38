/**
 * The pages' security headers, one list for the local server (local/http-server.ts) and CloudFront
 * (infra/pages.ts), so a page behaves the same in both. The pages load their scripts and styles from
 * files only (no inline script); the dashboard's bars set a style attribute, hence style-src-attr.
 * connect-src allows https: because runtime-config.json may name an API and a sign-in domain of
 * their own. The service worker and the manifest make the pages open offline.
 */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "style-src-attr 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self' https:",
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': PAGE_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};
