// The pages' service worker (source; `npx tsx cli/pages-build.ts` bundles it into pages/sw.js with
// the precache list). Every page and asset is precached, so the field pages open with no network;
// the API is never cached here (its last answers are kept by pages/lib/last-data.js, what the person
// submits by pages/lib/outbox.js, both in IndexedDB, so a new worker strands nothing).
// A new version installs and waits: the page asks the person (pages/lib/sw-register.js), and only
// then, once no outbox item is mid-send, sends SKIP_WAITING. See docs/architecture.md.
import { cleanupOutdatedCaches, matchPrecache, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

cleanupOutdatedCaches();
// Files by their exact URL only: `/needs` and `/users` are API routes too (GET /needs?…), which a
// clean-URL or query-blind match would answer with a page.
precacheAndRoute(self.__WB_MANIFEST, {
  cleanURLs: false,
  directoryIndex: null,
  ignoreURLParametersMatching: [],
});

/** The page a navigation opens: `/` is index.html, `/needs` is needs.html, the query ignored. */
export function pageOf(url) {
  const path = new URL(url).pathname;
  if (path === '/' || path.endsWith('/')) return `${path}index.html`;
  return /\.[A-Za-z0-9]+$/.test(path) ? path : `${path}.html`;
}

// A page opened (a link, a reload, the home-screen icon), with or without signal: the precached copy.
registerRoute(
  new NavigationRoute(async ({ request }) => (await matchPrecache(pageOf(request.url))) ?? fetch(request)),
);

self.addEventListener('message', (event) => {
  if (event.data?.type === 'SKIP_WAITING') self.skipWaiting();
  if (event.data?.type === 'VERSION') event.ports[0]?.postMessage(self.__APP_VERSION);
});
