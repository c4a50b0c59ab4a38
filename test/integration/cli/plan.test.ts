import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Plan } from '#schemas/index';
import { ROOT, TSX } from '#support/paths';

const COUNTIES = [
  {
    id: 'chunan',
    name: { zh: '淳安县', en: "Chun'an" },
    towns: [
      { id: 'qiandaohu', name: { zh: '千岛湖镇', en: 'Qiandaohu' } },
      { id: 'fenkou', name: { zh: '汾口镇', en: 'Fenkou' } },
    ],
  },
  {
    id: 'jiande',
    name: { zh: '建德市', en: 'Jiande' },
    towns: [{ id: 'meicheng', name: { zh: '梅城镇', en: 'Meicheng' } }],
  },
  { id: 'no-towns', name: { zh: '无镇县', en: 'Townless' }, towns: [] },
];

const SOCIETIES = [
  {
    id: 'agri',
    name: { zh: '市农学会', en: 'Agricultural Society' },
    themes: ['industry', 'talent'],
    fields: ['tea'],
    capacityPerSeason: 2,
  },
];

const NEEDS = [
  {
    id: 'tea-pests',
    countyId: 'chunan',
    townId: 'fenkou',
    theme: 'industry',
    field: 'tea',
    title: '茶园病虫害绿色防控',
    urgency: 'high',
    submittedAt: '2026-09-01T09:00:00+08:00',
  },
  {
    id: 'school-lab',
    countyId: 'jiande',
    townId: 'meicheng',
    theme: 'literacy',
    field: 'kids',
    title: '乡村学校科学实验室',
    urgency: 'normal',
    submittedAt: '2026-09-02T09:00:00+08:00',
  },
];

const dirs: string[] = [];

function dataDir(files: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'rounds-plan-'));
  dirs.push(dir);
  const all = { 'counties.json': COUNTIES, 'societies.json': SOCIETIES, 'needs.json': NEEDS, ...files };
  for (const [file, content] of Object.entries(all)) {
    writeFileSync(join(dir, file), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

function rounds(...args: string[]) {
  const result = spawnSync(TSX, ['cli/main.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, ROUNDS_DEBUG: '' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function expectNoStackTrace(text: string) {
  expect(text).not.toMatch(/^\s+at /m);
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('rounds plan', () => {
  it('prints only the plan JSON, satisfying the contract, with --json', () => {
    const dir = dataDir();

    const { code, stdout, stderr } = rounds('plan', '--season', '2026-Q4', '--data', dir, '--json');

    expect(stderr).toBe('');
    expect(code).toBe(0);
    const plan = Plan.parse(JSON.parse(stdout));
    expect(plan.season).toBe('2026-Q4');
    expect(plan.visits.map((visit) => [visit.countyId, visit.townId])).toEqual([
      ['chunan', 'fenkou'],
      ['jiande', 'meicheng'],
    ]);
    expect(plan.visits[0]?.assignments).toEqual([{ societyId: 'agri', needIds: ['tea-pests'] }]);
    expect(plan.visits[1]?.unassignedNeedIds).toEqual(['school-lab']);
    expect(Object.keys(JSON.parse(stdout).visits[0]).sort()).toEqual(
      ['assignments', 'countyId', 'questions', 'townId', 'unassignedNeedIds'].sort(),
    );
  });

  it('prints a table with the Chinese names from the data by default, English with --lang en', () => {
    const dir = dataDir();

    const zh = rounds('plan', '--season', '2026-Q4', '--data', dir);
    const en = rounds('plan', '--season', '2026-Q4', '--data', dir, '--lang', 'en');

    expect(zh.code).toBe(0);
    expect(zh.stdout).toContain('淳安县');
    expect(zh.stdout).toContain('汾口镇');
    expect(zh.stdout).toContain('市农学会（1）');
    expect(zh.stdout).toContain('人才引智');
    expect(en.code).toBe(0);
    expect(en.stdout).toContain('Fenkou');
    expect(en.stdout).toContain('Agricultural Society (1)');
  });

  it('exits 2 naming the file when a required file is missing', () => {
    const dir = dataDir();
    unlinkSync(join(dir, 'needs.json'));

    const { code, stdout, stderr } = rounds('plan', '--season', '2026-Q4', '--data', dir, '--json');

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`${dir}/needs.json: 找不到文件 / file not found`);
    expectNoStackTrace(stderr);
  });

  it('exits 2 naming the file, line and column of invalid JSON', () => {
    const dir = dataDir({ 'societies.json': '[\n  { "id": "agri", }\n]\n' });

    const { code, stderr } = rounds('plan', '--season', '2026-Q4', '--data', dir, '--json');

    expect(code).toBe(2);
    expect(stderr).toMatch(
      new RegExp(`${dir}/societies\\.json: line 2, column \\d+: JSON 格式错误 / invalid JSON`),
    );
    expectNoStackTrace(stderr);
  });

  it('exits 2 naming the file and the path of a schema violation', () => {
    const dir = dataDir({ 'needs.json': [NEEDS[0], { ...NEEDS[1], urgency: 'urgent' }] });

    const { code, stderr } = rounds('plan', '--season', '2026-Q4', '--data', dir, '--json');

    expect(code).toBe(2);
    expect(stderr).toContain(`${dir}/needs.json: [1].urgency: `);
    expect(stderr).toContain('"urgent"');
    expectNoStackTrace(stderr);
  });

  it('exits 2 when a need names a town that is not in its county', () => {
    const dir = dataDir({ 'needs.json': [{ ...NEEDS[0], townId: 'meicheng' }] });

    const { code, stderr } = rounds('plan', '--season', '2026-Q4', '--data', dir, '--json');

    expect(code).toBe(2);
    expect(stderr).toContain(
      `${dir}/needs.json: [0].townId: 乡镇 "meicheng" 不属于县 "chunan" / town "meicheng" is not a town of county "chunan"`,
    );
    expectNoStackTrace(stderr);
  });

  it('exits 2 naming --season when the season is malformed', () => {
    const dir = dataDir();

    const { code, stderr } = rounds('plan', '--season', '2026Q4', '--data', dir);

    expect(code).toBe(2);
    expect(stderr).toContain('--season');
    expectNoStackTrace(stderr);
  });

  it('exits 2 with usage for an unknown flag or an unknown command', () => {
    const badFlag = rounds('plan', '--season', '2026-Q4', '--nonsense');
    const badCommand = rounds('plant');

    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain('--nonsense');
    expect(badFlag.stderr).toContain('Usage: rounds plan');
    expect(badCommand.code).toBe(2);
    expect(badCommand.stderr).toContain('unknown command "plant"');
  });
});

describe('rounds plan explains the plan and takes the coordinator’s overrides', () => {
  it('prints the explanation beside the contract’s fields with --json', () => {
    const dir = dataDir();

    const { code, stdout } = rounds('plan', '--season', '2026-Q4', '--data', dir, '--json');

    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(Object.keys(json).sort()).toEqual(['explain', 'season', 'visits']);
    const plan = Plan.parse(json);
    expect(plan.explain?.bound).toMatchObject({
      weight: 3,
      coverableWeight: 3,
      optimal: { weight: true, pairs: true },
    });
    expect(plan.explain?.visits[0]?.towns.map((town) => town.townId)).toEqual(['fenkou', 'qiandaohu']);
    expect(plan.explain?.visits[1]?.unassigned).toEqual([
      { needId: 'school-lab', reason: 'no-competent-society', competentSocieties: [] },
    ]);
  });

  it('prints a readable explanation under the table', () => {
    const dir = dataDir();

    const zh = rounds('plan', '--season', '2026-Q4', '--data', dir);
    const en = rounds('plan', '--season', '2026-Q4', '--data', dir, '--lang', 'en');

    expect(zh.stdout).toContain('任何计划最多能到 3，本计划达到 100.0%，已是最优');
    expect(zh.stdout).toContain('未分配「乡村学校科学实验室」：没有对口的学会');
    expect(zh.stdout).toContain('1. 汾口镇：待解决需求 1 项，紧急度合计 3，从未走访');
    // Names and sentences: no need ids, no solver words.
    for (const word of ['school-lab', 'tea-pests', 'Σ', '负载率', '权重', 'HiGHS', '拉格朗日'])
      expect(zh.stdout).not.toContain(word);
    expect(en.stdout).toContain('no plan can reach more than 3');
    expect(en.stdout).toContain('1. Fenkou: 1 open need, urgency 3 in all, never visited');
    expect(en.stdout).toContain('Agricultural Society takes: 茶园病虫害绿色防控');
  });

  it('applies overrides.json from the data directory and reports what each costs', () => {
    const dir = dataDir({
      'overrides.json': { townLocks: [{ countyId: 'chunan', townId: 'qiandaohu', note: '镇里有会' }] },
    });

    const { code, stdout } = rounds('plan', '--season', '2026-Q4', '--data', dir, '--json');

    expect(code).toBe(0);
    const plan = Plan.parse(JSON.parse(stdout));
    expect(plan.visits[0]?.townId).toBe('qiandaohu');
    expect(plan.explain?.overrides).toEqual([
      {
        kind: 'town-lock',
        index: 0,
        countyId: 'chunan',
        townId: 'qiandaohu',
        note: '镇里有会',
        weightLost: 3,
        needsLost: { high: 1, normal: 0, low: 0 },
        pairsAdded: -1,
        proven: true,
      },
    ]);
  });

  it('takes another overrides file with --overrides', () => {
    const dir = dataDir({ 'other.json': { exclusions: [{ societyId: 'agri' }] } });

    const { code, stdout } = rounds(
      'plan',
      '--season',
      '2026-Q4',
      '--data',
      dir,
      '--overrides',
      join(dir, 'other.json'),
      '--json',
    );

    expect(code).toBe(0);
    expect(Plan.parse(JSON.parse(stdout)).visits[0]?.assignments).toEqual([]);
  });

  it('exits 2 naming the overrides file and the path of an unknown society', () => {
    const dir = dataDir({ 'overrides.json': { pins: [{ societyId: 'nobody', countyId: 'chunan' }] } });

    const { code, stdout, stderr } = rounds('plan', '--season', '2026-Q4', '--data', dir, '--json');

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(
      `${dir}/overrides.json: pins[0].societyId: 学会 "nobody" 不在 societies.json 中 / society "nobody" is not in societies.json`,
    );
    expectNoStackTrace(stderr);
  });

  it('exits 2 when a pinned society is competent for nothing at the chosen town', () => {
    const dir = dataDir({ 'overrides.json': { pins: [{ societyId: 'agri', countyId: 'jiande' }] } });

    const { code, stderr } = rounds('plan', '--season', '2026-Q4', '--data', dir);

    expect(code).toBe(2);
    expect(stderr).toContain(
      `${dir}/overrides.json: pins[0]: society "agri" cannot join the visit to county "jiande"`,
    );
    expectNoStackTrace(stderr);
  });

  it('exits 2 naming --overrides FILE when it does not exist', () => {
    const dir = dataDir();

    const { code, stderr } = rounds(
      'plan',
      '--season',
      '2026-Q4',
      '--data',
      dir,
      '--overrides',
      join(dir, 'missing.json'),
    );

    expect(code).toBe(2);
    expect(stderr).toContain(`${dir}/missing.json: 找不到文件 / file not found`);
  });
});
