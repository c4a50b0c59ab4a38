/**
 * Synth as deploy does: the CDK CLI always hands the app a concrete account and region
 * (CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION), and cdk-nag then sees literal ARNs where an
 * environment-agnostic synth sees `<AWS::Region>`. The app is built here exactly as infra/app.ts
 * builds it, in each of those environments: the synth must pass cdk-nag and CloudFormation's own
 * validation with nothing unacknowledged, and the state machine must be valid ASL.
 */
import aslValidator from 'asl-validator';
import { afterAll, describe, expect, it } from 'vitest';
import { type CdkCliEnvironment, createRoundsApp } from '#infra/rounds-stack';
import { temporaryDirs } from '#support/rounds-cli';
import {
  type CfnJson,
  type DeployTarget,
  describeFinding,
  stateMachineOf,
  synthWithFindings,
  type Violation,
} from '#support/template';

const ACCOUNT = '123456789012';

interface Case {
  name: string;
  cli: CdkCliEnvironment;
  /** What CloudFormation resolves the pseudo parameters to when the template is deployed. */
  target: DeployTarget;
  context?: Record<string, unknown>;
}

const CASES: Case[] = [
  {
    name: 'environment-agnostic (no CDK_DEFAULT_*)',
    cli: {},
    target: { partition: 'aws', region: 'ap-southeast-1', account: ACCOUNT },
  },
  {
    name: 'the CLI in ap-southeast-1',
    cli: { CDK_DEFAULT_ACCOUNT: ACCOUNT, CDK_DEFAULT_REGION: 'ap-southeast-1' },
    target: { partition: 'aws', region: 'ap-southeast-1', account: ACCOUNT },
  },
  {
    name: 'the CLI in ap-east-1 with partition literals (aws, not a Ref)',
    cli: { CDK_DEFAULT_ACCOUNT: ACCOUNT, CDK_DEFAULT_REGION: 'ap-east-1' },
    target: { partition: 'aws', region: 'ap-east-1', account: ACCOUNT },
    context: { '@aws-cdk/core:enablePartitionLiterals': true },
  },
];

const outdirs = temporaryDirs();
afterAll(() => outdirs.removeAll());

function synthAsTheCli(c: Case): { template: CfnJson; findings: Violation[]; synthError?: Error } {
  const outdir = outdirs.make('rounds-synth-');
  const { app, stack } = createRoundsApp({
    cliEnvironment: c.cli,
    outdir,
    context: { 'aws:cdk:bundling-stacks': [], ...c.context },
  });
  const { assembly, findings, synthError } = synthWithFindings(app, outdir);
  const template: CfnJson = assembly?.getStackByName(stack.stackName).template;
  return { template, findings, ...(synthError ? { synthError } : {}) };
}

describe.each(CASES)('synthesized as $name', (c) => {
  const synth = synthAsTheCli(c);

  it('finishes without errors and with no finding left (cdk-nag and CloudFormation validation)', () => {
    expect(synth.synthError?.message).toBeUndefined();
    expect(synth.findings.map(describeFinding)).toEqual([]);
  });

  it('has a state machine definition that asl-validator accepts, ARN and path checks on', () => {
    const { definition } = stateMachineOf(synth.template, c.target);
    const { isValid, errorsText } = aslValidator(definition);
    expect(isValid, errorsText('\n')).toBe(true);
  });
});

describe('asl-validator', () => {
  it('rejects a definition whose Task has an invalid ResultPath, so acceptance means something', () => {
    const { isValid } = aslValidator({
      StartAt: 'Broken',
      States: {
        Broken: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          ResultPath: 'no-dollar',
          End: true,
        },
      },
    });
    expect(isValid).toBe(false);
  });
});
