import { afterAll, describe, expect, it } from 'vitest';
import { DEPLOY_FUNCTIONS } from '#functions/registry';
import { createRoundsApp } from '#infra/rounds-stack';
import { READ_ACTIONS, WRITE_ACTIONS } from '#infra/table';
import { temporaryDirs } from '#support/rounds-cli';
import { actionsOf, type CfnJson, roleOfFunction, statementsOfRole, synthRounds } from '#support/template';

// The data migrations after each deploy (docs/deploy.md): RunMigrations, invoked by a CDK Trigger.
const { stack, json, idOf } = synthRounds();
const fnId = idOf(stack.migrations);
const triggers = () =>
  Object.entries(json.Resources as Record<string, CfnJson>).filter(([, r]) => r.Type === 'Custom::Trigger');

describe('the data migrations after a deploy', () => {
  it('run RunMigrations (its entry from the registry) once its version changes, synchronously, for up to 15 minutes', () => {
    expect(json.Resources[fnId].Metadata['mountain-rounds:entry']).toBe(DEPLOY_FUNCTIONS.RunMigrations.entry);
    const [[, trigger]] = triggers() as [[string, CfnJson]];
    expect(triggers()).toHaveLength(1);
    // The handler's current version: new code (a new migration) is a new version, so the trigger runs again.
    const versionId = trigger.Properties.HandlerArn.Ref as string;
    expect(json.Resources[versionId]).toMatchObject({
      Type: 'AWS::Lambda::Version',
      Properties: { FunctionName: { Ref: fnId } },
    });
    expect(trigger.Properties).toMatchObject({ InvocationType: 'RequestResponse', Timeout: '900000' });
    expect(json.Resources[fnId].Properties.Timeout).toBe(900);
  });

  it('run after the table, the state machine and the API are in place', () => {
    const [[, trigger]] = triggers() as [[string, CfnJson]];
    expect(trigger.DependsOn).toEqual(
      expect.arrayContaining([idOf(stack.table.table), idOf(stack.round.stateMachine)]),
    );
  });

  it('may read and write the table and nothing else: no Step Functions, no SNS, no S3', () => {
    const statements = statementsOfRole(json, roleOfFunction(json, fnId));
    const actions = statements.flatMap(actionsOf);
    expect(actions.filter((a) => a.startsWith('dynamodb:')).sort()).toEqual(
      [...READ_ACTIONS, ...WRITE_ACTIONS].sort(),
    );
    expect(actions.filter((a) => !/^(dynamodb|logs|xray):/.test(a))).toEqual([]);
  });
});

describe('the data migrations in the aws-cn partition', () => {
  const dirs = temporaryDirs();
  afterAll(() => dirs.removeAll());

  it('name no ARN of the aws partition: the trigger’s provider reaches the handler through its ARN and the AWS::Partition pseudo parameter', () => {
    const outdir = dirs.make('rounds-cn-');
    const { app, stack: cn } = createRoundsApp({
      cliEnvironment: { CDK_DEFAULT_ACCOUNT: '123456789012', CDK_DEFAULT_REGION: 'cn-north-1' },
      outdir,
      context: { 'aws:cdk:bundling-stacks': [], '@aws-cdk/core:enablePartitionLiterals': true },
    });
    const template = app.synth({ validateOnSynthesis: false }).getStackByName(cn.stackName).template;
    const resources = Object.entries(template.Resources as Record<string, CfnJson>).filter(
      ([id, r]) => /^(RunMigrations|AWSCDKTrigger)/.test(id) || r.Type === 'Custom::Trigger',
    );
    expect(resources.length).toBeGreaterThanOrEqual(5);
    const text = JSON.stringify(resources);
    expect(text).not.toMatch(/arn:aws:/);
    expect(text).toMatch(
      /arn:\$\{AWS::Partition\}:iam::aws:policy\/service-role\/AWSLambdaBasicExecutionRole/,
    );
  });
});
