// The pages' service worker (source; `npx tsx cli/pages-build.ts` bundles it into pages/sw.js with
// the precache list). Every page and asset is precached, so the field pages open with no network;
// the API is never cached here (its last answers are kept by pages/lib/last-data.js, what the person
// submits by pages/lib/outbox.js, both in IndexedDB, so a new worker strands nothing).
// A new version installs and waits: the page asks the person (pages/lib/sw-register.js), and only
// then, once no outbox item is mid-send, sends SKIP_WAITING. See docs/architecture.md.
import { cleanupOutdatedCaches, precacheAndRoute } from 'workbox-precaching';

cleanupOutdatedCaches();
// `/needs` and `/needs.html?id=…` are the same page: cleanURLs and the ignored query find it.
precacheAndRoute(self.__WB_MANIFEST, {
  cleanURLs: true,
  directoryIndex: 'index.html',
  ignoreURLParametersMatching: [/.*/],
});

self.addEventListener('message', (event) => {
  if (event.data?.type === 'SKIP_WAITING') self.skipWaiting();
  if (event.data?.type === 'VERSION') event.ports[0]?.postMessage(self.__APP_VERSION);
});
