import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listeningPort } from '#support/listening-port';
import { ROOT, TSX } from '#support/paths';

// Raw HTTP/1.1 over node:net against the local adapter running in a process of its own (no process
// guard installed there): no request may kill it, bad input is never answered 5xx, and after every
// case a normal request still succeeds. 127.0.0.1 only.

const HEADERS_TIMEOUT_MS = 800;

let child: ChildProcessWithoutNullStreams;
let port = 0;
let deaths = 0;
let stderr = '';

beforeAll(async () => {
  child = spawn(TSX, ['test/support/http-server-child.ts'], {
    cwd: ROOT,
    env: { ...process.env, HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS) },
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  child.on('exit', () => {
    deaths++;
  });
  port = await listeningPort(child, () => stderr);
});

afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGTERM');
});

/** Writes `chunks` (with `pauseMs` between them) and collects everything until the server closes or `waitMs` passes. */
function exchange(
  chunks: (string | Buffer)[],
  options: { pauseMs?: number; waitMs?: number } = {},
): Promise<{ data: string; closedByServer: boolean }> {
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port });
    let data = '';
    let closedByServer = false;
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      done({ data, closedByServer });
    };
    const timer = setTimeout(finish, options.waitMs ?? 400);
    socket.on('data', (d) => {
      data += d.toString('latin1');
    });
    socket.on('end', () => {
      closedByServer = true;
      finish();
    });
    socket.on('error', () => {
      closedByServer = true;
      finish();
    });
    socket.on('connect', async () => {
      for (const chunk of chunks) {
        if (socket.destroyed) return;
        socket.write(chunk);
        if (options.pauseMs) await new Promise((r) => setTimeout(r, options.pauseMs));
      }
    });
  });
}

const statusesOf = (data: string) => [...data.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((m) => Number(m[1]));

const CRLF = '\r\n';
const req = (line: string, headers: string[] = ['Host: 127.0.0.1'], body = '') =>
  `${line}${CRLF}${headers.map((h) => `${h}${CRLF}`).join('')}${CRLF}${body}`;

const CASES: { name: string; chunks: (string | Buffer)[]; pauseMs?: number; waitMs?: number }[] = [
  // malformed request lines
  { name: 'garbage line', chunks: [`GARBAGE${CRLF}${CRLF}`] },
  { name: 'method only', chunks: [`GET${CRLF}${CRLF}`] },
  { name: 'no version', chunks: [`GET /${CRLF}${CRLF}`] },
  { name: 'unknown version', chunks: [req('GET / HTTP/9.9')] },
  { name: 'two spaces', chunks: [req('GET  /  HTTP/1.1')] },
  { name: 'binary bytes', chunks: [Buffer.from([0, 1, 2, 3, 255, 254, 13, 10, 13, 10])] },
  { name: 'lowercase method', chunks: [req('get / HTTP/1.1')] },
  { name: 'unknown method', chunks: [req('BREW /needs HTTP/1.1')] },
  { name: 'url of 100 KB', chunks: [req(`GET /${'a'.repeat(100_000)} HTTP/1.1`)] },
  { name: 'bad percent escape', chunks: [req('GET /%E0%A4%A HTTP/1.1')] },
  { name: 'percent-encoded NUL in a page path', chunks: [req('GET /%00 HTTP/1.1')] },
  { name: 'dot segments', chunks: [req('GET /../../etc/passwd HTTP/1.1')] },
  { name: 'encoded dot segments', chunks: [req('GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1')] },
  { name: 'backslashes', chunks: [req('GET /..\\..\\package.json HTTP/1.1')] },
  {
    name: 'route with bad escape',
    chunks: [req('GET /needs/%ZZ HTTP/1.1', ['Host: x', 'Authorization: Bearer x'])],
  },
  { name: 'query with bad escape', chunks: [req('GET /openapi.json?x=%ZZ&&=&%% HTTP/1.1')] },
  // absolute-form targets
  { name: 'absolute-form, bad IPv6 host (http://[/)', chunks: [req('GET http://[/ HTTP/1.1')] },
  {
    name: 'absolute-form, bad host on a route',
    chunks: [req('POST http://[/needs HTTP/1.1', ['Host: x', 'Content-Length: 2'], '{}')],
  },
  { name: 'absolute-form, valid', chunks: [req('GET http://127.0.0.1/openapi.json HTTP/1.1')] },
  { name: 'absolute-form, empty host', chunks: [req('GET http:// HTTP/1.1')] },
  { name: 'absolute-form, bad port', chunks: [req('GET http://a:99999/ HTTP/1.1')] },
  { name: 'absolute-form, user info and bad host', chunks: [req('GET http://u:p@[::1/x HTTP/1.1')] },
  { name: 'absolute-form, other scheme', chunks: [req('GET ftp://[x]/ HTTP/1.1')] },
  { name: 'absolute-form, file scheme', chunks: [req('GET file:///etc/passwd HTTP/1.1')] },
  { name: 'scheme-relative target', chunks: [req('GET //evil.example/ HTTP/1.1')] },
  { name: 'target without a slash', chunks: [req('GET needs HTTP/1.1')] },
  // authority-form and asterisk-form
  { name: 'CONNECT authority-form', chunks: [req('CONNECT 127.0.0.1:80 HTTP/1.1')] },
  { name: 'CONNECT bad authority', chunks: [req('CONNECT [ HTTP/1.1')] },
  { name: 'GET authority-form', chunks: [req('GET 127.0.0.1:3000 HTTP/1.1')] },
  { name: 'OPTIONS asterisk-form', chunks: [req('OPTIONS * HTTP/1.1')] },
  { name: 'GET asterisk-form', chunks: [req('GET * HTTP/1.1')] },
  // bad headers
  { name: 'header without colon', chunks: [req('GET / HTTP/1.1', ['Host: x', 'NoColonHere'])] },
  { name: 'NUL in a header', chunks: [req('GET / HTTP/1.1', ['Host: x', 'X-A: a\u0000b'])] },
  { name: 'header of 64 KB', chunks: [req('GET / HTTP/1.1', ['Host: x', `X-Big: ${'b'.repeat(65_536)}`])] },
  {
    name: 'two Content-Lengths',
    chunks: [req('POST /needs HTTP/1.1', ['Host: x', 'Content-Length: 2', 'Content-Length: 3'], '{}')],
  },
  {
    name: 'negative Content-Length',
    chunks: [req('POST /needs HTTP/1.1', ['Host: x', 'Content-Length: -1'])],
  },
  {
    name: 'Content-Length not a number',
    chunks: [req('POST /needs HTTP/1.1', ['Host: x', 'Content-Length: abc'])],
  },
  {
    name: 'Content-Length longer than the body',
    chunks: [req('POST /needs HTTP/1.1', ['Host: x', 'Content-Length: 100'], '{}')],
  },
  {
    name: 'bad chunk size',
    chunks: [
      req(
        'POST /needs HTTP/1.1',
        ['Host: x', 'Transfer-Encoding: chunked'],
        `zz${CRLF}{}${CRLF}0${CRLF}${CRLF}`,
      ),
    ],
  },
  {
    name: 'chunked and Content-Length',
    chunks: [
      req(
        'POST /needs HTTP/1.1',
        ['Host: x', 'Transfer-Encoding: chunked', 'Content-Length: 4'],
        `2${CRLF}{}${CRLF}0${CRLF}${CRLF}`,
      ),
    ],
  },
  { name: 'obsolete line folding', chunks: [req('GET / HTTP/1.1', ['Host: x', 'X-A: a', ' folded'])] },
  { name: 'space before colon', chunks: [req('GET / HTTP/1.1', ['Host : x'])] },
  { name: 'no Host in HTTP/1.1', chunks: [req('GET / HTTP/1.1', [])] },
  { name: 'two Hosts', chunks: [req('GET / HTTP/1.1', ['Host: a', 'Host: b'])] },
  {
    name: 'Latin-1 bytes in a header',
    chunks: [Buffer.from(`GET / HTTP/1.1\r\nHost: x\r\nX-A: \xe9\xff\r\n\r\n`, 'latin1')],
  },
  {
    name: 'garbage bearer token',
    chunks: [req('GET /needs HTTP/1.1', ['Host: x', 'Authorization: Bearer \u00ff\u00fe.a.b'])],
  },
  { name: 'empty bearer token', chunks: [req('GET /needs HTTP/1.1', ['Host: x', 'Authorization: Bearer '])] },
  {
    name: 'a JWT with alg none',
    chunks: [
      req('GET /needs HTTP/1.1', [
        'Host: x',
        `Authorization: Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"role":"coordinator"}').toString('base64url')}.`,
      ]),
    ],
  },
  {
    name: 'Expect: 100-continue',
    chunks: [req('POST /needs HTTP/1.1', ['Host: x', 'Expect: 100-continue', 'Content-Length: 2'], '{}')],
  },
  {
    name: 'Upgrade: websocket',
    chunks: [req('GET / HTTP/1.1', ['Host: x', 'Connection: Upgrade', 'Upgrade: websocket'])],
  },
  { name: 'h2c preface', chunks: [`PRI * HTTP/2.0${CRLF}${CRLF}SM${CRLF}${CRLF}`] },
  { name: 'TLS client hello', chunks: [Buffer.from('160301002c010000280303', 'hex')] },
  // pipelining
  {
    name: 'three pipelined requests',
    chunks: [req('GET /openapi.json HTTP/1.1') + req('GET / HTTP/1.1') + req('GET /nope HTTP/1.1')],
  },
  {
    name: 'pipelined, the bad target in the middle',
    chunks: [req('GET /openapi.json HTTP/1.1') + req('GET http://[/ HTTP/1.1') + req('GET / HTTP/1.1')],
  },
  {
    name: 'pipelined, a garbage line after a good request',
    chunks: [`${req('GET / HTTP/1.1')}GARBAGE${CRLF}${CRLF}`],
  },
  {
    name: 'pipelined POSTs without a token',
    chunks: [req('POST /needs HTTP/1.1', ['Host: x', 'Content-Length: 2'], '{}').repeat(20)],
  },
  // slow clients
  {
    name: 'slow client: headers never finish',
    chunks: [`GET / HTTP/1.1${CRLF}Host: x${CRLF}`],
    waitMs: HEADERS_TIMEOUT_MS * 6,
  },
  {
    name: 'slow client: a byte at a time',
    chunks: [...`GET / HTTP/1.1${CRLF}Host: x${CRLF}X-Slow: ${'s'.repeat(30)}`],
    pauseMs: 60,
    waitMs: HEADERS_TIMEOUT_MS * 6,
  },
  { name: 'connect and say nothing', chunks: [], waitMs: HEADERS_TIMEOUT_MS * 6 },
  { name: 'half a request line, then close', chunks: ['GET /ope'], waitMs: 200 },
];

async function normalRequestSucceeds(): Promise<boolean> {
  const res = await fetch(`http://127.0.0.1:${port}/openapi.json`);
  return res.status === 200 && ((await res.json()) as { openapi?: string }).openapi === '3.1.0';
}

describe('the local HTTP adapter under raw, malformed traffic', () => {
  it('reproduces the finding: GET http://[/ HTTP/1.1 is answered 400 and the server keeps serving', async () => {
    const { data } = await exchange([req('GET http://[/ HTTP/1.1')]);
    expect(statusesOf(data)).toEqual([400]);
    expect(deaths).toBe(0);
    expect(await normalRequestSucceeds()).toBe(true);
  });

  it(`survives every fuzz case (${CASES.length}), never answers bad input 5xx, and still serves after each`, async () => {
    const fiveHundreds: string[] = [];
    const answered: Record<number, number> = {};
    const unserved: string[] = [];
    for (const c of CASES) {
      const { data } = await exchange(c.chunks, c);
      for (const status of statusesOf(data)) {
        answered[status] = (answered[status] ?? 0) + 1;
        if (status >= 500) fiveHundreds.push(`${c.name}: ${status}`);
      }
      if (deaths > 0) break;
      if (!(await normalRequestSucceeds())) unserved.push(c.name);
    }
    process.stdout.write(
      `http fuzz: ${CASES.length} cases, ${deaths} server deaths, ${fiveHundreds.length} 5xx answers; answers by status ${JSON.stringify(answered)}\n`,
    );
    expect({ deaths, fiveHundreds, unserved, stderr }).toEqual({
      deaths: 0,
      fiveHundreds: [],
      unserved: [],
      stderr: '',
    });
  }, 120_000);

  it('closes a connection whose headers do not arrive within the header timeout', async () => {
    const { closedByServer, data } = await exchange([`GET / HTTP/1.1${CRLF}Host: x${CRLF}`], {
      waitMs: HEADERS_TIMEOUT_MS * 8,
    });
    expect(closedByServer).toBe(true);
    // Node answers 408 when it gives up on the headers.
    expect(statusesOf(data).every((s) => s === 408)).toBe(true);
    expect(await normalRequestSucceeds()).toBe(true);
  });
});
