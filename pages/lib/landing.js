// Where a person lands after signing in: a page of this site their role may use, else their role's
// home. Pure (no DOM), so it is tested on its own (test/unit/pages/landing.test.ts).

/** The page each role lands on. */
export const ROLE_HOME = { liaison: '/needs.html', team: '/team.html', coordinator: '/dashboard.html' };

/**
 * `back` (the `return` parameter, already decoded) resolved against `origin` as the browser would
 * resolve it — backslashes, tabs and newlines included — and kept only when it stays on `origin`.
 */
export function landingFor(user, back, origin = globalThis.location?.origin ?? 'http://localhost') {
  const home = ROLE_HOME[user?.role] ?? '/';
  if (typeof back !== 'string' || !back.startsWith('/')) return home;
  let url;
  try {
    url = new URL(back, origin);
  } catch {
    return home;
  }
  if (url.origin !== new URL(origin).origin || url.pathname.startsWith('/signin')) return home;
  const path = url.pathname;
  const allowed = user.role === 'coordinator' || path === home || path === home.replace(/\.html$/, '');
  return allowed ? `${url.pathname}${url.search}${url.hash}` : home;
}
