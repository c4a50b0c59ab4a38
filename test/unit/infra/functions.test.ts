import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  ALL_FUNCTIONS,
  API_FUNCTIONS,
  DEPLOY_FUNCTIONS,
  FILE_FUNCTIONS,
  IDENTITY_FUNCTIONS,
  isDeployed,
  ROUND_FUNCTIONS,
  SCHEDULED_FUNCTIONS,
} from '#functions/registry';
import { synthRounds } from '#support/template';

const { stack, template, json } = synthRounds();
const roundIds = Object.keys(ROUND_FUNCTIONS) as (keyof typeof ROUND_FUNCTIONS)[];
// The local-only sign-in function is not deployed (`localOnly` in the registry).
const apiIds = (Object.keys(API_FUNCTIONS) as (keyof typeof API_FUNCTIONS)[]).filter((id) => isDeployed(id));
const logicalIdOf = (fn: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(fn.node.defaultChild as Parameters<typeof stack.getLogicalId>[0]);
const defined = <T>(value: T | undefined, what: string): T => {
  if (value === undefined) throw new Error(`${what} is missing from the stack`);
  return value;
};
const everyFunction = [
  ...roundIds.map((id) => [id, stack.roundFunctions[id]] as const),
  ...apiIds.map((id) => [id, defined(stack.api.functions[id], id)] as const),
  ['DispatchOutbox', stack.outbox.function] as const,
  ['AddTokenClaims', stack.auth.tokenClaims] as const,
  ['RunMigrations', stack.migrations] as const,
  ...Object.keys(FILE_FUNCTIONS).map((id) => [id, defined(stack.attachments.functions[id], id)] as const),
];

describe('Lambda functions', () => {
  it('builds exactly one function per registry entry (round, deployed API, scheduled, identity, files), plus none of its own', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    const ours = Object.entries(functions).filter(([, r]) => r.Metadata?.['mountain-rounds:function-id']);
    expect(ours.map(([, r]) => r.Metadata['mountain-rounds:function-id']).sort()).toEqual(
      [
        ...roundIds,
        ...apiIds,
        ...Object.keys(SCHEDULED_FUNCTIONS),
        ...Object.keys(IDENTITY_FUNCTIONS),
        ...Object.keys(FILE_FUNCTIONS),
        ...Object.keys(DEPLOY_FUNCTIONS),
      ].sort(),
    );
    for (const [, r] of ours) {
      const id = r.Metadata['mountain-rounds:function-id'] as string;
      expect(r.Metadata['mountain-rounds:entry']).toBe(ALL_FUNCTIONS[id]?.entry);
    }
  });

  // The planner solves a whole country's assignment: it gets minutes and memory; the outbox's dispatcher
  // two minutes (it stops claiming before they run out); every other function the defaults.
  const sizing = (id: string) =>
    id === 'AssignSocieties'
      ? { timeout: 300, memory: 3008 }
      : // The coordinator's re-plan solves within the API's 30 s: the planner's memory (CPU).
        id === 'ReplanSeason'
        ? { timeout: 30, memory: 3008 }
        : id === 'DispatchOutbox'
          ? { timeout: 120, memory: 512 }
          : // The data migrations after a deploy: Lambda's longest run (docs/deploy.md).
            id === 'RunMigrations'
            ? { timeout: 900, memory: 512 }
            : { timeout: 30, memory: 512 };

  it.each(everyFunction)(
    '%s runs nodejs24.x on arm64 with an explicit timeout and memory (30 s and 512 MB unless it plans or dispatches) and active tracing',
    (id, fn) => {
      expect(fn).toBeDefined();
      template.hasResource('AWS::Lambda::Function', {
        Properties: Match.objectLike({
          Runtime: 'nodejs24.x',
          Architectures: ['arm64'],
          Timeout: sizing(id).timeout,
          MemorySize: sizing(id).memory,
          TracingConfig: { Mode: 'Active' },
          Handler: 'index.handler',
          Environment: {
            Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'mountain-rounds' }),
          },
        }),
      });
      const props = json.Resources[logicalIdOf(fn)].Properties;
      expect(props.Runtime).toBe('nodejs24.x');
      expect(props.Architectures).toEqual(['arm64']);
      expect(props.Timeout).toBe(sizing(id).timeout);
      expect(props.MemorySize).toBe(sizing(id).memory);
      expect(props.TracingConfig).toEqual({ Mode: 'Active' });
      expect(props.Environment.Variables.POWERTOOLS_SERVICE_NAME).toBe('mountain-rounds');
      // No source maps unless asked (-c sourceMaps=true): --enable-source-maps slows every start.
      expect(props.Environment.Variables.NODE_OPTIONS).toBeUndefined();
    },
  );

  it.each(everyFunction)('%s logs to its own log group kept for 30 days', (_id, fn) => {
    const props = json.Resources[logicalIdOf(fn)].Properties;
    const logGroupId = props.LoggingConfig?.LogGroup?.Ref as string;
    expect(logGroupId).toBeTypeOf('string');
    const logGroup = json.Resources[logGroupId];
    expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
    expect(logGroup.Properties.RetentionInDays).toBe(30);
  });

  it.each(everyFunction)(
    '%s has its own role with no AWS managed policy, writing only to its own log group',
    (_id, fn) => {
      const props = json.Resources[logicalIdOf(fn)].Properties;
      const roleId = props.Role['Fn::GetAtt'][0] as string;
      expect(json.Resources[roleId].Properties.ManagedPolicyArns).toBeUndefined();
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: roleId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Effect: 'Allow',
              Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              Resource: { 'Fn::GetAtt': [props.LoggingConfig.LogGroup.Ref, 'Arn'] },
            },
          ]),
        },
      });
    },
  );

  it('gives no function the alert topic (the state machine publishes alerts) and only DispatchOutbox the sender', () => {
    for (const [id, fn] of everyFunction) {
      const vars = json.Resources[logicalIdOf(fn)].Properties.Environment.Variables;
      expect(vars.ALERT_TOPIC_ARN, id).toBeUndefined();
      if (id === 'DispatchOutbox') expect(vars.SENDER_EMAIL).toEqual({ Ref: 'SenderEmail' });
      else expect(vars.SENDER_EMAIL, id).toBeUndefined();
    }
  });

  it('gives TABLE_NAME to every function that touches the table, and not to FrameFiveQuestions, GetOpenApi or AddTokenClaims', () => {
    const tableId = stack.getLogicalId(
      stack.table.table.node.defaultChild as Parameters<typeof stack.getLogicalId>[0],
    );
    for (const [id, fn] of everyFunction) {
      const vars = json.Resources[logicalIdOf(fn)].Properties.Environment.Variables;
      if (id === 'FrameFiveQuestions' || id === 'GetOpenApi' || id === 'AddTokenClaims')
        expect(vars.TABLE_NAME).toBeUndefined();
      else expect(vars.TABLE_NAME).toEqual({ Ref: tableId });
    }
  });
});
