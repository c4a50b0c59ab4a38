import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, TSX } from './paths.ts';

/** The `rounds` command as a user runs it: a separate process on its own DATA_DIR, never an outside DynamoDB. */

export function rounds(args: string[], dataDir: string, timeout = 200_000) {
  return spawnSync(TSX, ['cli/main.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, DATA_DIR: dataDir, DYNAMODB_ENDPOINT: '' },
    timeout,
  });
}

/** Temporary folders of one test file, removed together (call `removeAll` in afterAll). */
export function temporaryDirs() {
  const dirs: string[] = [];
  return {
    make(prefix: string): string {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
    removeAll(): void {
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}
