import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirError, loadDataDir } from '#cli/data-dir';
import { formatPath } from '#schemas/messages';

const COUNTIES = [
  {
    id: 'chunan',
    name: { zh: '淳安县', en: "Chun'an" },
    towns: [{ id: 'fenkou', name: { zh: '汾口镇', en: 'Fenkou' } }],
  },
];
const SOCIETIES = [
  {
    id: 'agri',
    name: { zh: '市农学会', en: 'Agri' },
    themes: ['industry'],
    fields: ['tea'],
    capacityPerSeason: 1,
  },
];
const NEED = {
  id: 'n1',
  countyId: 'chunan',
  townId: 'fenkou',
  theme: 'industry',
  field: 'tea',
  title: '茶园病虫害',
  urgency: 'high',
  submittedAt: '2026-09-01T09:00:00+08:00',
};

const dirs: string[] = [];

function dataDir(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'rounds-data-'));
  dirs.push(dir);
  for (const [file, content] of Object.entries(files)) {
    writeFileSync(join(dir, file), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

function issuesOf(load: () => unknown) {
  try {
    load();
  } catch (error) {
    if (error instanceof DataDirError) return error.issues;
    throw error;
  }
  throw new Error('expected a DataDirError');
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('loadDataDir', () => {
  it('loads a valid directory, treating a missing visits.json as no history', () => {
    const dir = dataDir({ 'counties.json': COUNTIES, 'societies.json': SOCIETIES, 'needs.json': [NEED] });

    const data = loadDataDir(dir);

    expect(data).toEqual({ counties: COUNTIES, societies: SOCIETIES, needs: [NEED], visits: [] });
  });

  it("keeps a county's contact, robot and secret included, and names a bad contact field in words", () => {
    const contact = {
      name: '淳安县科协联络组',
      email: 'chunan-kx@example.org.cn',
      phone: '0571-0000-2101',
      webhook: 'https://oapi.dingtalk.com/robot/send?access_token=abc',
      webhookSecret: 'SECabc',
      webhookKind: 'dingtalk',
    };
    const good = dataDir({
      'counties.json': [{ ...COUNTIES[0], contact }],
      'societies.json': SOCIETIES,
      'needs.json': [NEED],
    });
    expect(loadDataDir(good).counties[0]!.contact).toEqual(contact);

    const bad = dataDir({
      'counties.json': [{ ...COUNTIES[0], contact: { email: 'not-an-address' } }],
      'societies.json': SOCIETIES,
      'needs.json': [NEED],
    });
    expect(issuesOf(() => loadDataDir(bad))).toEqual([
      { file: 'counties.json', path: '[0].contact.email', message: expect.stringContaining('「电子邮件」') },
    ]);
  });

  it('reports every missing required file, and a missing directory', () => {
    const dir = dataDir({ 'needs.json': [] });

    expect(issuesOf(() => loadDataDir(dir))).toEqual([
      { file: 'counties.json', path: '', message: '找不到文件 / file not found' },
      { file: 'societies.json', path: '', message: '找不到文件 / file not found' },
    ]);
    expect(issuesOf(() => loadDataDir(join(dir, 'absent')))).toEqual([
      { file: '', path: '', message: '找不到目录 / directory not found' },
    ]);
  });

  it('reports invalid JSON with its line and column, and accepts a byte-order mark', () => {
    const dir = dataDir({
      'counties.json': `\uFEFF${JSON.stringify(COUNTIES)}`,
      'societies.json': '[\n  {"id": "agri",\n  ]',
      'needs.json': '',
    });

    const issues = issuesOf(() => loadDataDir(dir));

    expect(issues.map((issue) => [issue.file, issue.path])).toEqual([
      ['societies.json', 'line 3, column 3'],
      ['needs.json', 'line 1, column 1'],
    ]);
    expect(issues.every((issue) => issue.message.startsWith('JSON 格式错误 / invalid JSON: '))).toBe(true);
  });

  it('reports schema violations with readable paths and the offending value', () => {
    const dir = dataDir({
      'counties.json': [{ ...COUNTIES[0], towns: [{ id: 'Fen Kou', name: { zh: '汾口镇', en: 'Fenkou' } }] }],
      'societies.json': SOCIETIES,
      'needs.json': [{ ...NEED, title: undefined }],
      'visits.json': { season: '2026-Q1' },
    });

    const issues = issuesOf(() => loadDataDir(dir));

    expect(issues).toEqual([
      { file: 'counties.json', path: '[0].towns[0].id', message: expect.stringContaining('(got "Fen Kou")') },
      { file: 'needs.json', path: '[0].title', message: '「标题」必须填写 / is missing (expected string)' },
      { file: 'visits.json', path: '', message: expect.stringContaining('expected array') },
    ]);
  });

  it('checks references only once every file matches its schema', () => {
    const dir = dataDir({
      'counties.json': COUNTIES,
      'societies.json': SOCIETIES,
      'needs.json': [{ ...NEED, townId: 'elsewhere' }],
    });

    const error = (() => {
      try {
        loadDataDir(dir);
      } catch (caught) {
        return caught;
      }
    })();

    expect(error).toBeInstanceOf(DataDirError);
    expect((error as DataDirError).name).toBe('DataDirError');
    expect((error as DataDirError).message).toContain(
      `${dir}/needs.json: [0].townId: 乡镇 "elsewhere" 不属于县 "chunan" / town "elsewhere" is not a town of county "chunan"`,
    );
  });

  it('says so when a data file is a directory', () => {
    const dir = dataDir({ 'counties.json': COUNTIES, 'societies.json': SOCIETIES });
    mkdirSync(join(dir, 'needs.json'));

    expect(issuesOf(() => loadDataDir(dir))).toEqual([
      { file: 'needs.json', path: '', message: '是目录而不是文件 / is a directory, not a file' },
    ]);
  });
});

describe('formatPath', () => {
  it('writes indexes in brackets and keys with dots', () => {
    expect(formatPath([2, 'towns', 0, 'id'])).toBe('[2].towns[0].id');
    expect(formatPath(['name', 'zh'])).toBe('name.zh');
    expect(formatPath([0, 'odd key'])).toBe('[0]["odd key"]');
    expect(formatPath([])).toBe('');
  });
});
