import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionBundleDirs, synthesizeRoundsTemplate } from '../../infra/rounds-stack.ts';

// The bundles `cdk deploy` uploads: built with esbuild, each loaded in a fresh Node process the way
// Lambda loads it. Catches a dependency that only works from node_modules (e.g. a .wasm beside it).
let bundles = new Map<string, string>();

beforeAll(() => {
  bundles = functionBundleDirs(synthesizeRoundsTemplate({ bundle: true }));
}, 180_000);

/** `function` when the bundle loads and exports a handler, else the last line Node printed. */
function loadInFreshProcess(dir: string): string {
  const script = `const m = await import(${JSON.stringify(join(dir, 'index.mjs'))}); console.log(typeof m.handler);`;
  try {
    return execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      env: {
        ...process.env,
        TABLE_NAME: 'bundle-test',
        AWS_REGION: 'ap-east-1',
        SENDER_EMAIL: 'notify@example.org.cn',
      },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? '');
    return (
      stderr
        .trim()
        .split('\n')
        .filter((line) => line.length < 400)
        .at(-1) ?? 'failed to load'
    );
  }
}

describe('function bundles', () => {
  it('ship the solver WebAssembly beside the planner function', () => {
    const dir = bundles.get('AssignSocieties');

    expect(dir).toBeDefined();
    expect(existsSync(join(dir!, 'highs.wasm'))).toBe(true);
  });

  it('each load in a fresh Node process and export a handler', () => {
    expect(bundles.size).toBeGreaterThan(10);
    for (const [id, dir] of bundles) expect(loadInFreshProcess(dir), id).toBe('function');
  }, 120_000);
});
