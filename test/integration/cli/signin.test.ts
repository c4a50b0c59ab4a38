import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ROOT, TSX } from '#support/paths';

// `rounds signin` and `rounds token` as a user runs them: separate processes on one DATA_DIR.
vi.setConfig({ testTimeout: 240_000 });
const dataDir = mkdtempSync(join(tmpdir(), 'rounds-signin-'));

function rounds(args: string[]) {
  return spawnSync(TSX, ['cli/main.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, DATA_DIR: dataDir, DYNAMODB_ENDPOINT: '', PORT: '3999', PUBLIC_URL: '' },
    timeout: 200_000,
  });
}

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const CJK = /[\u4e00-\u9fff]/;

describe('rounds signin', () => {
  it('creates a liaison for 淳安 once and prints a fresh one-time link and code each time', () => {
    const first = rounds(['signin', '--role', 'liaison', '--county', 'chunan']);
    expect(first.status, first.stderr).toBe(0);
    const code = /邀请码 \/ code: ([2-9A-HJ-NP-Z]{10})/.exec(first.stdout)?.[1];
    expect(code).toBeDefined();
    expect(first.stdout).toContain(`http://127.0.0.1:3999/signin#code=${code}`);
    // Who, in words: the role and the county by name; the expiry in Beijing time, not UTC.
    expect(first.stdout.split('\n')[0]).toMatch(/^淳安县联络员 · 县联络员 · 淳安县 \/ County liaison · /);
    expect(first.stdout).toMatch(/有效期至 \d{1,2}月\d{1,2}日 \d\d:\d\d（北京时间，仅可使用一次）/);
    expect(first.stdout).not.toMatch(/\d{4}-\d\d-\d\dT/);
    const id = /用户编号 \/ user id: (u-[a-z0-9]+)/.exec(first.stdout)?.[1];
    expect(id).toBeDefined();
    const second = rounds(['signin', '--role', 'liaison', '--county', 'chunan']);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toContain(`user id: ${id}`);
    expect(second.stdout).not.toContain(code);
  });

  it('exits 2 naming --county for a county that does not exist, in Chinese and English', () => {
    const result = rounds(['signin', '--role', 'liaison', '--county', 'nowhere']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--county');
    expect(result.stderr).toMatch(CJK);
    expect(result.stderr).toMatch(/not a county/);
    expect(result.stdout).toBe('');
  });

  it('exits 2 when a team member names no society', () => {
    const result = rounds(['signin', '--role', 'team']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--society');
  });
});

describe('rounds token (for scripts)', () => {
  it('refuses a county or society not in the database: exit 2, bilingual, no token', () => {
    for (const args of [
      ['--role', 'liaison', '--county', 'nowhere'],
      ['--role', 'team', '--society', 'no-such-society'],
    ]) {
      const result = rounds(['token', ...args]);
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(CJK);
      expect(result.stderr).toMatch(/is not a (county|society) in the database/);
      expect(result.stdout).toBe('');
    }
  });

  it('prints a token for a county and a society that exist', () => {
    const result = rounds(['token', '--role', 'team', '--society', 'nongxue']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });
});
