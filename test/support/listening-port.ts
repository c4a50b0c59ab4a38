import type { ChildProcessWithoutNullStreams } from 'node:child_process';

/**
 * The port of a server child that prints `Listening on http://127.0.0.1:PORT`; fails with what it
 * wrote on stderr (`stderr()`) if it exits first.
 */
export function listeningPort(child: ChildProcessWithoutNullStreams, stderr: () => string): Promise<number> {
  return new Promise<number>((done, fail) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /Listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (match) done(Number(match[1]));
    });
    child.once('exit', (code) => fail(new Error(`server exited (${code}) before listening: ${stderr()}`)));
  });
}
