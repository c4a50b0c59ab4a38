import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '#cli/main';

// Every help text and every command-line error a person meets, Chinese first and English too.

const CJK = /[\u4e00-\u9fff]/;

async function rounds(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err += String(chunk);
    return true;
  });
  const code = await runCli(argv);
  vi.restoreAllMocks();
  return { code, out, err };
}

afterEach(() => {
  vi.restoreAllMocks();
});

/** The first line says it in Chinese, then in English. */
function expectBilingualFirstLine(text: string) {
  const first = text.split('\n').find((l) => l.trim() !== '') ?? '';
  const [zh, ...en] = first.split(/ ?\/ /);
  expect(zh, first).toMatch(CJK);
  expect(en.join(' / '), first).toMatch(/[A-Za-z]{3,}/);
}

/** Every option line of a help text explains itself in both languages. */
function expectBilingualHelp(text: string) {
  expectBilingualFirstLine(text);
  const described = text.split('\n').filter((l) => /^\s+\S/.test(l) && / {2,}\S/.test(l.trim()));
  expect(described.length).toBeGreaterThan(0);
  for (const line of described) {
    expect(line, line).toMatch(CJK);
    expect(line, line).toMatch(/[A-Za-z]{3,}/);
  }
}

describe('rounds speaks Chinese first, English too', () => {
  it('the overall help and every command’s --help', async () => {
    const help = await rounds('help');
    expect(help.code).toBe(0);
    expectBilingualHelp(help.out);
    for (const command of ['plan', 'run', 'report', 'token', 'needs']) {
      const reply = await rounds(command, '--help');
      expect(reply.code, command).toBe(0);
      expectBilingualHelp(reply.out);
    }
  });

  it.each([
    [['plant']],
    [[]],
    [['plan', '--nonsense']],
    [['plan', '--data', 'demo/data']],
    [['plan', '--season', '2026-Q5', '--data', 'demo/data']],
    [['plan', '--season', '2026-Q4']],
    [['plan', '--season', '2026-Q4', '--data', 'demo/data', '--lang', 'fr']],
    [['run', '--season', '2026-Q4', '--lang', 'fr']],
    [['run', '--season', '2026-Q4', '--offer-timeout', 'soon']],
    [['report', '--season', '2026-Q4', '--format', 'pdf']],
    [['token']],
    [['token', '--role', 'liaison']],
    [['token', '--role', 'team', '--society', 'Bad Id']],
    [['token', '--role', 'coordinator', '--days', '0']],
    [['needs']],
    [['needs', 'export']],
    [['needs', 'import']],
    [['needs', 'import', 'a.csv', 'b.csv']],
  ])('rounds %j: exit 2 with a message in both languages', async (argv) => {
    const reply = await rounds(...argv);
    expect(reply.code).toBe(2);
    expectBilingualFirstLine(reply.err);
    expect(reply.err).not.toMatch(/\n\s+at /);
  });
});
