import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  BROWSER_BUNDLE,
  buildBrowserExifr,
  buildBrowserQrCode,
  buildBrowserSchemas,
  EXIFR_BUNDLE,
  QRCODE_BUNDLE,
} from '#schemas/browser-bundle';
import { ROOT } from '#support/paths';

// The pages are served as files (locally and from S3): no build step at run time. So the schema
// bundle is committed, and these tests keep it honest and every page light.

const PAGES = join(ROOT, 'pages');
const BUDGET_GZIPPED = 100 * 1024;

/** The JS and CSS a page loads: its <script src> and <link rel=stylesheet>, and every JS import, transitively. */
function assetsOf(page: string): string[] {
  const html = readFileSync(join(PAGES, page), 'utf8');
  const found = new Set<string>();
  const local = (ref: string, from: string) => {
    expect(ref, `${page} loads ${ref} from elsewhere`).not.toMatch(/^(https?:)?\/\//);
    return ref.startsWith('/') ? join(PAGES, ref) : resolve(dirname(from), ref);
  };
  const visit = (file: string) => {
    if (found.has(file)) return;
    found.add(file);
    if (!file.endsWith('.js')) return;
    const source = readFileSync(file, 'utf8');
    for (const m of source.matchAll(
      /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
    )) {
      visit(local((m[1] ?? m[2]) as string, file));
    }
  };
  for (const m of html.matchAll(/<script[^>]*\bsrc="([^"]+)"/g))
    visit(local(m[1] as string, join(PAGES, page)));
  for (const m of html.matchAll(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g))
    visit(local(m[1] as string, join(PAGES, page)));
  return [...found];
}

describe('pages', () => {
  it('pages/lib/schemas.js is the current bundle of schemas/browser.ts (npx tsx schemas/browser-bundle.ts)', async () => {
    const digest = (text: string) => createHash('sha256').update(text).digest('hex');
    expect(digest(readFileSync(BROWSER_BUNDLE, 'utf8')), 'run: npx tsx schemas/browser-bundle.ts').toBe(
      digest(await buildBrowserSchemas()),
    );
  });

  it('pages/lib/qrcode.js is the current bundle of qrcode-generator (npx tsx schemas/browser-bundle.ts)', async () => {
    expect(readFileSync(QRCODE_BUNDLE, 'utf8'), 'run: npx tsx schemas/browser-bundle.ts').toBe(
      await buildBrowserQrCode(),
    );
  });

  it('pages/lib/vendor/exifr.js is the current bundle of exifr (npx tsx schemas/browser-bundle.ts)', async () => {
    expect(readFileSync(EXIFR_BUNDLE, 'utf8'), 'run: npx tsx schemas/browser-bundle.ts').toBe(
      await buildBrowserExifr(),
    );
  });

  const pages = readdirSync(PAGES).filter((f) => f.endsWith('.html'));
  it.each(pages)('%s loads at most 100 KB of JavaScript and CSS, gzipped, all from the project', (page) => {
    const assets = assetsOf(page);
    expect(assets.length).toBeGreaterThan(0);
    const gzipped = assets.reduce((sum, file) => sum + gzipSync(readFileSync(file), { level: 9 }).length, 0);
    expect(gzipped).toBeLessThanOrEqual(BUDGET_GZIPPED);
  });

  it('the needs page loads the bundled schemas, the API client and session (with its landing rule and the add-device QR code), the DOM and language helpers, the outbox and its view, the kept answers, the service worker’s registration, its script, the one-column pages’ stylesheet and its own', () => {
    const names = assetsOf('needs.html')
      .map((f) => f.slice(PAGES.length + 1))
      .sort();
    expect(names).toEqual([
      'lib/api-client.js',
      'lib/cognito.js',
      'lib/dom.js',
      'lib/i18n.js',
      'lib/landing.js',
      'lib/last-data.js',
      'lib/one-column.css',
      'lib/outbox-view.js',
      'lib/outbox.js',
      'lib/qr-svg.js',
      'lib/qrcode.js',
      'lib/schemas.js',
      'lib/session-store.js',
      'lib/session.css',
      'lib/session.js',
      'lib/sw-register.js',
      'lib/vendor/idb.js',
      'needs.css',
      'needs.js',
    ]);
  });
});
