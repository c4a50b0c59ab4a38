import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumForFile } from '#support/browser';
import { ROOT } from '#support/paths';

// The pages read the season off the same Asia/Shanghai clock as the code (schemas/shanghai-time.ts
// in lib/schemas.js), whatever time zone the device is set to. Served as plain files: no API needed.

const PAGES = join(ROOT, 'pages');
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

let server: Server;
let base: string;
const chromium = chromiumForFile();

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const path = normalize(join(PAGES, new URL(req.url ?? '/', 'http://x').pathname));
    try {
      if (!path.startsWith(PAGES)) throw new Error('outside the pages');
      const body = await readFile(path);
      res.writeHead(200, { 'content-type': TYPES[path.slice(path.lastIndexOf('.'))] ?? 'text/plain' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((done) => server?.close(done));
});

describe('the pages’ clock', () => {
  it.each(['index.html', 'dashboard.html'])(
    '%s proposes the Shanghai season: 00:30 on 1 April in Shanghai is 2027-Q2, even on a New York device',
    async (page) => {
      const context = await chromium.browser.newContext({ timezoneId: 'America/New_York' });
      const tab = await context.newPage();
      // 2027-03-31 12:30 in New York (Q1), 2027-04-01 00:30 in Shanghai (Q2).
      await tab.clock.setFixedTime(new Date('2027-03-31T16:30:00Z'));
      // Signed in (the dashboard sends a browser without a session to /signin).
      await tab.addInitScript(() =>
        localStorage.setItem(
          'session.v1',
          JSON.stringify({
            token: 't',
            expiresAt: '2027-04-01T04:30:00Z',
            user: { id: 'c', name: '协调人', role: 'coordinator', status: 'active' },
          }),
        ),
      );
      await tab.goto(`${base}/${page}`);
      await expect.poll(() => tab.locator('#season').inputValue()).toBe('2027-Q2');
      await context.close();
    },
  );
});
