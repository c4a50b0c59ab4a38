/**
 * The local server's security headers, on real requests: a strict Content-Security-Policy, nosniff,
 * no framing, no referrer. In Chromium, a page on another port cannot frame /users.html, and the
 * pages load under the policy without a violation. Loopback only.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpServer, startHttpServer } from '#local/http-server';
import { launchChromium } from '#support/browser';
import { ROOT } from '#support/paths';

let server: HttpServer;
let framer: Server;
let framerUrl = '';
let browser: Browser | undefined;

beforeAll(async () => {
  server = await startHttpServer({ port: 0, dataDir: mkdtempSync(join(tmpdir(), 'security-headers-')) });
  // Another origin (another port) whose page tries to frame the coordinator's users page.
  framer = createServer((_, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      `<!doctype html><title>framer</title><iframe name="victim" src="${server.url}/users.html"></iframe>`,
    );
  });
  await new Promise<void>((done) => framer.listen(0, '127.0.0.1', done));
  const address = framer.address();
  framerUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((done) => (framer ? framer.close(() => done()) : done()));
  await server?.close();
});

const EXPECTED = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

describe('security headers of the local server', () => {
  it.each([
    ['a page', '/users.html', 200],
    ['the API document', '/openapi.json', 200],
    ['an API route without a token', '/needs', 401],
    ['a page that does not exist', '/nope.html', 404],
  ])('are on %s (%s)', async (_, path, status) => {
    const res = await fetch(`${server.url}${path}`);
    expect(res.status).toBe(status);
    for (const [name, value] of Object.entries(EXPECTED)) expect(res.headers.get(name)).toBe(value);
    const csp = res.headers.get('content-security-policy') ?? '';
    const directives = new Map(
      csp.split(';').map((d) => {
        const [name = '', ...values] = d.trim().split(/\s+/);
        return [name, values.join(' ')] as const;
      }),
    );
    expect(directives.get('default-src')).toBe("'self'");
    expect(directives.get('script-src')).toBe("'self'");
    expect(directives.get('object-src')).toBe("'none'");
    expect(directives.get('base-uri')).toBe("'none'");
    expect(directives.get('frame-ancestors')).toBe("'none'");
    // No inline script anywhere: not even a nonce or a hash.
    expect(csp).not.toMatch(/script-src[^;]*('unsafe-inline'|'unsafe-eval'|nonce-|sha256-)/);
  });

  it('keeps /users.html out of a frame on another origin (Chromium)', async () => {
    const page = await browser!.newPage();
    const requested: string[] = [];
    page.on('request', (request) => {
      requested.push(new URL(request.url()).pathname);
    });
    await page.goto(framerUrl);
    await page.waitForTimeout(1000);
    // The server answered, and Chromium did not show the answer: the frame holds its error page and
    // the users page's script was never fetched.
    expect(requested).toContain('/users.html');
    expect(requested).not.toContain('/users.js');
    expect(page.frame({ name: 'victim' })?.url()).toMatch(/^chrome-error:/);
    await page.close();
  });

  it('lets every page run its own scripts and style attributes, and no injected inline script (Chromium)', async () => {
    const pages = readdirSync(join(ROOT, 'pages')).filter((f) => f.endsWith('.html'));
    const violations: string[] = [];
    const page = await browser!.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text()))
        violations.push(`${page.url()}: ${message.text()}`);
    });
    // Every page asks for runtime-config.json; locally it is there (empty), so no page logs a 404.
    const missing: string[] = [];
    page.on('response', (response) => {
      if (response.status() === 404) missing.push(new URL(response.url()).pathname);
    });
    for (const name of pages) {
      await page.goto(`${server.url}/${name}`);
      await page.waitForTimeout(300);
    }
    expect(pages.length).toBeGreaterThan(5);
    expect(violations).toEqual([]);
    expect(missing).toEqual([]);

    // What the dashboard does for its bars (a style attribute) applies; an injected handler does not run.
    await page.goto(`${server.url}/dashboard.html`);
    // A string: this file is type-checked without the DOM's types.
    const outcome = await page.evaluate(`(async () => {
      const bar = document.createElement('i');
      bar.setAttribute('style', 'display:block;width:37px');
      document.body.append(bar);
      document.body.insertAdjacentHTML('beforeend', '<img src="/nope.png" onerror="window.injected = true">');
      const script = document.createElement('script');
      script.textContent = 'window.injected = true';
      document.body.append(script);
      await new Promise((r) => setTimeout(r, 300));
      return { width: getComputedStyle(bar).width, injected: window.injected ?? false };
    })()`);
    expect(outcome).toEqual({ width: '37px', injected: false });
    await page.close();
  }, 60_000);
});
