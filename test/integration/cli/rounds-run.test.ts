import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { currentSeason } from '#domain/season';
import { ROOT, TSX } from '#support/paths';
import { rounds, temporaryDirs } from '#support/rounds-cli';

// The `rounds` command and `npm start` as a user runs them: separate processes on a DATA_DIR.
const temp = temporaryDirs();
const tempDir = temp.make;
// Each command starts a JVM and synthesizes the stack; on a busy 2-core machine that takes a while.
vi.setConfig({ testTimeout: 240_000 });

/** Entries under `dir` that are not a 700 folder or a 600 file. */
function modesOtherThanPrivate(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => ({ name, stat: statSync(join(dir, name)) }))
    .filter(({ stat }) => (stat.mode & 0o777) !== (stat.isDirectory() ? 0o700 : 0o600))
    .map(({ name, stat }) => `${name} ${(stat.mode & 0o777).toString(8)}`);
}

afterAll(() => {
  temp.removeAll();
});

describe('rounds run and rounds report', () => {
  const dataDir = tempDir('rounds-run-');

  it('runs a season end to end on the demo data and reports its figures', () => {
    const run = rounds(['run', '--season', '2026-Q4', '--auto-accept'], dataDir);

    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('✓ 完成本轮 (CompleteRound)');
    // The functions' structured logs are for CloudWatch, not for the person at the terminal.
    expect(run.stdout).not.toContain('"level":"INFO"');
    expect(run.stdout).toMatch(/淳安县\s+\S+镇/);
    // The step lines name what they did, as the table does: 淳安县 · 临岐镇, 淳安县 · 中医药学会.
    expect(run.stdout).toContain('(ChooseTown) 淳安县 · 临岐镇');
    expect(run.stdout).toMatch(/\(SendOfferAndWaitForAnswer\) 淳安县 · \S+学会/);
    const steps = run.stdout.split('\n').filter((line) => / [✓✗↻↪] /.test(line));
    expect(steps.filter((line) => /chunan|jiande|tonglu|linan|2026-Q4\./.test(line))).toEqual([]);
    const report = rounds(['report', '--season', '2026-Q4', '--format', 'json'], dataDir);
    expect(report.status).toBe(0);
    const figures = JSON.parse(report.stdout);
    expect(figures.counties.map((c: { countyId: string }) => c.countyId)).toEqual([
      'chunan',
      'jiande',
      'linan',
      'tonglu',
    ]);
    expect(figures.total.collected).toBeGreaterThan(0);
    expect(figures.total.onVisit).toBe(figures.total.assigned + figures.total.unassigned);
    // The terminal prints the same figures under the same labels as the report.
    expect(run.stdout).toContain(
      `本季成效：收集需求 ${figures.total.collected}，本次走访涉及需求 ${figures.total.onVisit}，已分派 ${figures.total.assigned}，未分派 ${figures.total.unassigned}，已走访 ${figures.total.visited}，`,
    );
  });

  it('prints the report for a person by default: a table with county and town names, no ids', () => {
    const report = rounds(['report', '--season', '2026-Q4'], dataDir);

    expect(report.status).toBe(0);
    const lines = report.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^县（市、区）\s+走访乡镇\s+收集需求/);
    expect(report.stdout).toMatch(/淳安县\s+\S+镇\s+\d+/);
    expect(report.stdout).not.toMatch(/chunan|jiande|tonglu|linan/);
  });

  it('says which database it read, and refuses an empty one or a season never run, writing nothing', () => {
    const report = rounds(['report', '--season', '2026-Q4'], dataDir);
    expect(report.stderr).toContain(`数据库 / database: ${dataDir}`);

    const empty = tempDir('rounds-empty-');
    const refused = rounds(['report', '--season', '2026-Q4'], empty);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(`数据库 ${empty} 是空的`);
    expect(refused.stderr).toContain('rounds run --season 2026-Q4');
    expect(refused.stdout).toBe('');
    expect(readdirSync(empty)).toEqual([]);

    const never = rounds(['report', '--season', '2025-Q1'], dataDir);
    expect(never.status).toBe(2);
    expect(never.stderr).toContain('数据库中还没有 2025-Q1 的走访');
    expect(never.stdout).toBe('');
  });

  it('prints the report as CSV with a byte-order mark and Chinese headers', () => {
    const report = rounds(['report', '--season', '2026-Q4', '--format', 'csv'], dataDir);

    expect(report.status).toBe(0);
    expect(report.stdout.startsWith('\uFEFF县（市、区）,走访乡镇,收集需求')).toBe(true);
    expect(report.stdout).toContain('淳安县');
  });

  it('exits 2 naming the file when --data is invalid, and writes nothing', () => {
    const fresh = tempDir('rounds-bad-');
    const bad = tempDir('rounds-data-');
    writeFileSync(
      join(bad, 'counties.json'),
      '[{"id": "Chun An", "name": {"zh": "淳安县", "en": "Chun\'an"}, "towns": []}]',
    );
    writeFileSync(join(bad, 'societies.json'), '[]');
    writeFileSync(join(bad, 'needs.json'), '[]');

    const run = rounds(['run', '--season', '2026-Q4', '--data', bad], fresh);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain('counties.json');
    expect(run.stderr).toContain('[0].id');
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(spawnSync('ls', [fresh], { encoding: 'utf8' }).stdout.trim()).toBe('');
  });

  it('exits 2 for a malformed season without touching the database', () => {
    const run = rounds(['run', '--season', '2026-Q5'], tempDir('rounds-season-'));

    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--season');
  });

  it('prints tokens for each role, and refuses a liaison without a county', () => {
    expect(rounds(['token', '--role', 'coordinator'], dataDir).stdout).toMatch(
      /^ey[\w-]+\.[\w-]+\.[\w-]+\n$/,
    );
    const liaison = rounds(['token', '--role', 'liaison'], dataDir);
    expect(liaison.status).toBe(2);
    expect(liaison.stderr).toContain('--county');
  });
});

describe('npm start', () => {
  function start(dataDir: string): {
    child: ChildProcessWithoutNullStreams;
    output: () => string;
    waitFor: (text: string) => Promise<void>;
  } {
    const child = spawn(TSX, ['cli/start.ts'], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dataDir, PORT: '0', DYNAMODB_ENDPOINT: '' },
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const waitFor = (text: string) =>
      new Promise<void>((resolve, reject) => {
        const deadline = setTimeout(() => reject(new Error(`no "${text}" in:\n${output}`)), 90_000);
        const check = () => {
          if (output.includes(text)) {
            clearTimeout(deadline);
            resolve();
          } else if (child.exitCode !== null) {
            clearTimeout(deadline);
            reject(new Error(`exited ${child.exitCode}:\n${output}`));
          } else setTimeout(check, 100);
        };
        check();
      });
    return { child, output: () => output, waitFor };
  }

  async function stop(child: ChildProcessWithoutNullStreams): Promise<void> {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    await exited;
  }

  it('serves the API, completes the current round, and does not run it again after a restart', async () => {
    const dataDir = tempDir('npm-start-');
    const first = start(dataDir);
    await first.waitFor('Listening on http://127.0.0.1:');
    await first.waitFor('按 Ctrl-C 退出');
    const url = /Listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(first.output())![1];
    // The line after `Listening on` is the coordinator's one-time link; its code signs in.
    const lines = first.output().split('\n');
    const signIn = lines[lines.findIndex((l) => l.startsWith('Listening on')) + 1] ?? '';
    const code = new RegExp(`^Sign in as coordinator: ${url}/signin#code=([2-9A-HJ-NP-Z]{10})$`).exec(
      signIn,
    )?.[1];
    expect(code, signIn).toBeDefined();
    expect(first.output()).toContain(`${url}/needs.html`);
    expect(first.output()).toContain(`${url}/team.html`);
    expect(first.output()).toContain(`${url}/dashboard.html`);
    const session = await fetch(`${url}/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ invitation: code }),
    });
    expect(session.status).toBe(200);
    expect(((await session.json()) as { user: { role: string } }).user.role).toBe('coordinator');
    const token = rounds(['token', '--role', 'coordinator'], dataDir).stdout.trim();
    const counties = await fetch(`${url}/counties`, { headers: { authorization: `Bearer ${token}` } });
    expect(counties.status).toBe(200);
    expect(((await counties.json()) as { items: unknown[] }).items).toHaveLength(4);
    expect(first.output()).toContain('✓ 完成本轮 (CompleteRound)');
    expect(first.output()).not.toContain('"level":"INFO"');
    // A second process on the DATA_DIR attaches to npm start's database with the DATA_DIR's key.
    const report = rounds(['report', '--season', currentSeason(), '--format', 'json'], dataDir);
    expect(report.status).toBe(0);
    expect(JSON.parse(report.stdout).total.collected).toBeGreaterThan(0);
    await stop(first.child);
    expect(modesOtherThanPrivate(dataDir)).toEqual([]);

    const second = start(dataDir);
    await second.waitFor('按 Ctrl-C 退出');
    expect(second.output()).toContain('不再重复运行');
    // A fresh link each start: another code than the first start's.
    const secondCode = /Sign in as coordinator: \S+#code=(\w+)/.exec(second.output())?.[1];
    expect(secondCode).toBeDefined();
    expect(secondCode).not.toBe(code);
    expect(second.output()).not.toContain('(LoadRound)');
    await stop(second.child);
  });
});
