/**
 * Slow clients against the local HTTP adapter, in a process of its own with few file descriptors:
 * many connections from one address that trickle their bodies must not keep a client at another
 * address from being served, and a body that does not arrive in time is answered 408. Loopback
 * only (127.0.0.2 and 127.0.0.3 stand for other machines); every loop is bounded and every socket
 * is closed at the end.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listeningPort } from '#support/listening-port';
import { ROOT } from '#support/paths';

/** The server may have this many file descriptors: a few dozen of its own, the rest for sockets. */
const FILE_DESCRIPTORS = 160;
const LIMITS = { MAX_CONNECTIONS: 60, MAX_CONNECTIONS_PER_ADDRESS: 20, BODY_TIMEOUT_MS: 1500 };
/** More slow clients than the server has descriptors. */
const SLOW_CLIENTS = 200;

let child: ChildProcessWithoutNullStreams;
let port = 0;
const sockets: Socket[] = [];

beforeAll(async () => {
  // `ulimit -n` in a shell that then becomes the server: the limit is the server's alone.
  child = spawn(
    'bash',
    [
      '-c',
      `ulimit -n ${FILE_DESCRIPTORS} && exec "$0" --import tsx test/support/limited-server-child.ts`,
      process.execPath,
    ],
    {
      cwd: ROOT,
      env: { ...process.env, ...Object.fromEntries(Object.entries(LIMITS).map(([k, v]) => [k, String(v)])) },
    },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  port = await listeningPort(child, () => stderr);
});

afterAll(() => {
  for (const socket of sockets) socket.destroy();
  if (child && child.exitCode === null) child.kill('SIGTERM');
});

/** A sign-in whose body of 1,000 bytes comes a byte every 500 ms, from `localAddress`. */
function slowSignIn(localAddress: string): Promise<Socket> {
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress });
    sockets.push(socket);
    socket.on('error', () => {});
    socket.on('connect', () => {
      socket.write(
        'POST /session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{',
      );
      const drip = setInterval(() => {
        if (socket.destroyed) clearInterval(drip);
        else socket.write(' ');
      }, 500);
      socket.on('close', () => clearInterval(drip));
      done(socket);
    });
    socket.on('close', () => done(socket));
  });
}

/** A plain GET from `localAddress` over a fresh connection: its status, or the error. */
function get(path: string, localAddress: string, timeoutMs: number): Promise<number | string> {
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress });
    sockets.push(socket);
    let data = '';
    const timer = setTimeout(() => {
      socket.destroy();
      done('no answer');
    }, timeoutMs);
    socket.on('connect', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
    socket.on('data', (d) => {
      data += d.toString('latin1');
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      done(error.code ?? 'error');
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const status = /^HTTP\/1\.1 (\d{3})/.exec(data)?.[1];
      done(status ? Number(status) : 'closed without an answer');
    });
  });
}

describe('the local HTTP adapter under slow clients', () => {
  it(`serves another address while ${SLOW_CLIENTS} slow sign-ins from one address hold their connections`, async () => {
    const slow: Promise<Socket>[] = [];
    for (let i = 0; i < SLOW_CLIENTS; i++) slow.push(slowSignIn('127.0.0.2'));
    const held = await Promise.all(slow);
    await new Promise((r) => setTimeout(r, 300));

    const started = performance.now();
    const answer = await get('/openapi.json', '127.0.0.1', 5000);
    const ms = performance.now() - started;
    for (const socket of held) socket.destroy();
    await new Promise((r) => setTimeout(r, 300));
    process.stdout.write(
      `slow clients: ${SLOW_CLIENTS} from 127.0.0.2; 127.0.0.1 answered ${answer} in ${Math.round(ms)} ms\n`,
    );
    expect(answer).toBe(200);
    expect(child.exitCode).toBe(null);
  }, 30_000);

  it('answers 408 to a body that has not arrived within the body timeout, and closes the connection', async () => {
    const socket = await slowSignIn('127.0.0.3');
    const started = performance.now();
    const { data, ms } = await new Promise<{ data: string; ms: number }>((done) => {
      const chunks: Buffer[] = [];
      const text = () => Buffer.concat(chunks).toString('utf8');
      const timer = setTimeout(() => done({ data: text(), ms: Number.POSITIVE_INFINITY }), 8000);
      socket.on('data', (d: Buffer) => {
        chunks.push(d);
      });
      socket.on('close', () => {
        clearTimeout(timer);
        done({ data: text(), ms: performance.now() - started });
      });
    });
    expect(data).toMatch(/^HTTP\/1\.1 408/);
    expect(data).toContain('1.5 秒');
    expect(data).toContain('within 1.5 s');
    expect(ms).toBeLessThan(LIMITS.BODY_TIMEOUT_MS + 2000);
  }, 15_000);
});
