/**
 * cfn-lint (on PATH) with its resource specs of each region: the AWS China template (chosen by the
 * region, and by `-c china=true`) for cn-northwest-1 and cn-north-1, and the global template for
 * ap-east-1, have no error; the global template in China has the errors the China flavour exists
 * for (docs/deploy.md, AWS China), so a clean result means something.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { synthesizeRoundsTemplate } from '#infra/rounds-stack';
import { type CfnJson, CHINA_CONTEXT } from '#support/template';

const dir = mkdtempSync(join(tmpdir(), 'rounds-cfn-lint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CN = { CDK_DEFAULT_ACCOUNT: '123456789012', CDK_DEFAULT_REGION: 'cn-northwest-1' };
const china = synthesizeRoundsTemplate({
  bundle: false,
  cliEnvironment: CN,
  context: CHINA_CONTEXT,
}).template;
const chinaByContext = synthesizeRoundsTemplate({ bundle: false, context: { china: true } }).template;
const global = synthesizeRoundsTemplate({ bundle: false }).template;

/** cfn-lint's errors (not warnings) for a template in `regions`. */
function cfnLintErrors(json: CfnJson, regions: string[], name: string): string[] {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(json));
  let out: string;
  try {
    out = execFileSync('cfn-lint', ['--format', 'json', '--regions', ...regions, '--', file], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    // cfn-lint exits non-zero when it finds anything (warnings too); its JSON is on stdout either way.
    out = String((error as { stdout?: string }).stdout ?? '');
    if (!out.trim().startsWith('[')) throw error;
  }
  const matches = JSON.parse(out) as { Level: string; Rule: { Id: string }; Message: string }[];
  return matches.filter((m) => m.Level === 'Error').map((m) => `${m.Rule.Id} ${m.Message}`);
}

describe('cfn-lint', () => {
  it('finds no error in the China template chosen by the region', { timeout: 300_000 }, () => {
    expect(cfnLintErrors(china, ['cn-northwest-1', 'cn-north-1'], 'china-by-region')).toEqual([]);
  });

  it('finds no error in the China template chosen by context', { timeout: 300_000 }, () => {
    expect(cfnLintErrors(chinaByContext, ['cn-northwest-1', 'cn-north-1'], 'china-by-context')).toEqual([]);
  });

  it('finds no error in the global template in ap-east-1', { timeout: 300_000 }, () => {
    expect(cfnLintErrors(global, ['ap-east-1'], 'global')).toEqual([]);
  });

  it('finds the global template’s Cognito and CloudFront Function missing in China', {
    timeout: 300_000,
  }, () => {
    const errors = cfnLintErrors(global, ['cn-northwest-1'], 'global-in-china');
    expect(errors.some((e) => e.startsWith('E3006') && e.includes('AWS::Cognito::UserPool'))).toBe(true);
    expect(errors.some((e) => e.startsWith('E3006') && e.includes('AWS::CloudFront::Function'))).toBe(true);
  });
});
