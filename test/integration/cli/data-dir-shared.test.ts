import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { DEMO_DATA_DIR } from '#cli/session';
import { rounds, temporaryDirs } from '#support/rounds-cli';

// `rounds plan` and `rounds run` (separate processes, as a user runs them) validate a data directory
// with the same code: whatever one refuses, the other refuses the same way, before anything is written.
vi.setConfig({ testTimeout: 240_000 });

const temp = temporaryDirs();
const tempDir = temp.make;
afterAll(() => {
  temp.removeAll();
});

/** The demo data with its first history row written twice, side by side (one batch when seeding). */
function demoWithRepeatedHistoryRow(): { dir: string; row: number } {
  const dir = tempDir('repeated-visit-');
  for (const file of readdirSync(DEMO_DATA_DIR)) copyFileSync(join(DEMO_DATA_DIR, file), join(dir, file));
  const visits = JSON.parse(readFileSync(join(dir, 'visits.json'), 'utf8')) as unknown[];
  writeFileSync(join(dir, 'visits.json'), JSON.stringify([visits[0], ...visits], null, 2));
  return { dir, row: 1 };
}

describe('a visits.json whose history repeats a row', () => {
  const { dir, row } = demoWithRepeatedHistoryRow();
  const line = new RegExp(
    `${dir}/visits\\.json: \\[${row}\\]: 重复的走访记录：.* / repeats \\[0\\]: county "\\S+" already has a visit in \\d{4}-Q\\d`,
  );

  it('is refused by rounds plan with exit 2, naming the file, the row and the problem in Chinese and English', () => {
    const plan = rounds(['plan', '--season', '2026-Q4', '--data', dir], tempDir('plan-db-'));

    expect(plan.status).toBe(2);
    expect(plan.stdout).toBe('');
    expect(plan.stderr).toMatch(line);
    expect(plan.stderr).toContain('数据目录有误 / invalid data directory');
    expect(plan.stderr).not.toMatch(/\n\s+at /);
  });

  it('is refused by rounds run the same way, and nothing is written to DATA_DIR', () => {
    const dataDir = tempDir('run-db-');

    const run = rounds(['run', '--season', '2026-Q4', '--data', dir, '--auto-accept'], dataDir);

    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(line);
    expect(run.stderr).not.toContain('unexpected error');
    expect(readdirSync(dataDir)).toEqual([]);
  });
});

describe('an overrides.json pin the planner cannot honour', () => {
  const dir = tempDir('unhonourable-pin-');
  for (const file of readdirSync(DEMO_DATA_DIR)) copyFileSync(join(DEMO_DATA_DIR, file), join(dir, file));
  // 临安's town is 昌化镇 (town choice, docs/rules.md), whose needs are medicine and village governance: no popular science.
  writeFileSync(
    join(dir, 'overrides.json'),
    JSON.stringify({ pins: [{ societyId: 'kepu-zuojia', countyId: 'linan' }] }),
  );
  const line = `${dir}/overrides.json: pins[0]: society "kepu-zuojia" cannot join the visit to county "linan": it is competent for none of the needs of town "changhua"`;

  it('is refused by rounds plan with exit 2, naming the file, the override and why', () => {
    const plan = rounds(['plan', '--season', '2026-Q4', '--data', dir], tempDir('plan-db-'));

    expect(plan.status).toBe(2);
    expect(plan.stderr).toContain(line);
  });

  it('is refused by rounds run the same way, before the database is started', () => {
    const dataDir = tempDir('run-db-');

    const run = rounds(['run', '--season', '2026-Q4', '--data', dir, '--auto-accept'], dataDir);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain(line);
    expect(readdirSync(dataDir)).toEqual([]);
  });
});
