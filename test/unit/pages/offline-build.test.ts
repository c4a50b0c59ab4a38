import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildIdb, buildServiceWorker, IDB_BUNDLE, precacheList, SERVICE_WORKER } from '#cli/pages-build';

// The pages are served as files: the IndexedDB wrapper and the service worker are committed, built by
// `npm run pages:build`. A page changed without rebuilding would leave phones on its old copy.

describe('the offline build', () => {
  it('pages/lib/vendor/idb.js is the current bundle of idb (npm run pages:build)', async () => {
    expect(readFileSync(IDB_BUNDLE, 'utf8'), 'run: npm run pages:build').toBe(await buildIdb());
  });

  it('pages/sw.js precaches every file in pages/ as it is now (npm run pages:build)', async () => {
    expect(readFileSync(SERVICE_WORKER, 'utf8'), 'run: npm run pages:build').toBe(await buildServiceWorker());
  });

  it('the precache list holds every page, script, stylesheet, icon and the manifest, and not the worker itself', () => {
    const urls = precacheList().map((entry) => entry.url);
    for (const url of [
      '/needs.html',
      '/team.html',
      '/visit.html',
      '/index.html',
      '/lib/outbox.js',
      '/lib/vendor/idb.js',
    ])
      expect(urls).toContain(url);
    expect(urls).not.toContain('/sw.js');
    expect(urls.filter((url) => !/\.(html|js|css|png|svg|webmanifest)$/.test(url))).toEqual([]);
  });
});
