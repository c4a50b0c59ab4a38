import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { READ_ACTIONS, WRITE_ACTIONS } from '#infra/table';
import { ROUND_FUNCTIONS, type RoundFunctionId } from '../../functions/registry.ts';
import {
  actionsOf,
  resourcesOf,
  roleOfFunction,
  type Statement,
  statementsOfRole,
  synthRounds,
} from './template-helpers.ts';

const { stack, template, json } = synthRounds();
type Cfn = Parameters<typeof stack.getLogicalId>[0];
const idOf = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as Cfn);
const tableId = idOf(stack.table.table);
const topicId = idOf(stack.notifications.topic);
const tableResources = [
  { 'Fn::GetAtt': [tableId, 'Arn'] },
  { 'Fn::Join': ['', [{ 'Fn::GetAtt': [tableId, 'Arn'] }, '/index/gsi1']] },
];
const roleStatements = (fnId: RoundFunctionId) =>
  statementsOfRole(json, roleOfFunction(json, idOf(stack.roundFunctions[fnId])));
const dynamoActions = (statements: Statement[]) =>
  statements.flatMap(actionsOf).filter((a) => a.startsWith('dynamodb:'));
const allPolicyStatements = (): Statement[] =>
  Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (r) => r.Properties.PolicyDocument.Statement,
  );

describe('IAM: least privilege per round function', () => {
  it('FrameQuestions (pure) has no DynamoDB and no SNS action at all', () => {
    const statements = roleStatements('FrameQuestions');
    expect(statements.length).toBeGreaterThan(0);
    expect(dynamoActions(statements)).toEqual([]);
    expect(statements.flatMap(actionsOf).filter((a) => a.startsWith('sns:'))).toEqual([]);
    expect(statements.flatMap(actionsOf).sort()).toEqual(
      [
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ].sort(),
    );
  });

  it.each(['LoadRound', 'ChooseTown', 'AssignSocieties', 'ListPendingOffers'] as const)(
    '%s may only read the table (GetItem, BatchGetItem, Query) on the table and gsi1',
    (fnId) => {
      const roleId = roleOfFunction(json, idOf(stack.roundFunctions[fnId]));
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: roleId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Effect: 'Allow',
              Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
              Resource: tableResources,
            },
          ]),
        },
      });
      expect(dynamoActions(roleStatements(fnId)).sort()).toEqual([...READ_ACTIONS].sort());
      expect(
        roleStatements(fnId)
          .flatMap(actionsOf)
          .some((a) => a.startsWith('sns:')),
      ).toBe(false);
    },
  );

  it.each(['PersistPlan', 'SendOffer', 'RecordAnswer', 'CompleteRound'] as const)(
    '%s may read and write items, and nothing more on the table',
    (fnId) => {
      expect(dynamoActions(roleStatements(fnId)).sort()).toEqual([...READ_ACTIONS, ...WRITE_ACTIONS].sort());
      const roleId = roleOfFunction(json, idOf(stack.roundFunctions[fnId]));
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: roleId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Action: Match.arrayWith(['dynamodb:PutItem', 'dynamodb:UpdateItem']),
              Resource: tableResources,
            }),
          ]),
        },
      });
    },
  );

  it.each(['SendOffer', 'RecordAnswer'] as const)('%s may publish to the alert topic only', (fnId) => {
    const roleId = roleOfFunction(json, idOf(stack.roundFunctions[fnId]));
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: roleId }],
      PolicyDocument: {
        Statement: Match.arrayWith([{ Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: topicId } }]),
      },
    });
  });

  it('gives sns:Publish to no other round function', () => {
    for (const fnId of Object.keys(ROUND_FUNCTIONS) as RoundFunctionId[]) {
      if (fnId === 'SendOffer' || fnId === 'RecordAnswer') continue;
      expect(roleStatements(fnId).flatMap(actionsOf)).not.toContain('sns:Publish');
    }
  });

  it('grants dynamodb:Scan nowhere, in any policy of the stack', () => {
    const actions = allPolicyStatements().flatMap(actionsOf);
    expect(actions.length).toBeGreaterThan(10);
    expect(actions).not.toContain('dynamodb:Scan');
    expect(actions.filter((a) => /^dynamodb:(\*|Scan|.*\*)/.test(a))).toEqual([]);
  });

  it('never grants a DynamoDB action on "*" or on a wildcard index', () => {
    const dynamoStatements = allPolicyStatements().filter((s) =>
      actionsOf(s).some((a) => a.startsWith('dynamodb:')),
    );
    expect(dynamoStatements.length).toBeGreaterThan(5);
    for (const statement of dynamoStatements) {
      for (const resource of resourcesOf(statement)) {
        expect(resource).not.toBe('*');
        expect(JSON.stringify(resource)).not.toContain('/index/*');
      }
    }
  });

  it('lets the API functions only read the table', () => {
    for (const fn of Object.values(stack.api.functions)) {
      const statements = statementsOfRole(json, roleOfFunction(json, idOf(fn)));
      expect(dynamoActions(statements).sort()).toEqual([...READ_ACTIONS].sort());
    }
  });
});

describe('IAM: the state machine role', () => {
  const roleId = stack.getLogicalId(stack.round.stateMachine.role.node.defaultChild as Cfn);
  const statements = statementsOfRole(json, roleId);

  it('may invoke exactly the nine round functions', () => {
    const invoked = statements
      .filter((s) => actionsOf(s).includes('lambda:InvokeFunction'))
      .flatMap(resourcesOf)
      .map((r) => JSON.stringify(r));
    for (const fnId of Object.keys(ROUND_FUNCTIONS) as RoundFunctionId[]) {
      expect(invoked).toContain(JSON.stringify({ 'Fn::GetAtt': [idOf(stack.roundFunctions[fnId]), 'Arn'] }));
    }
    const functionIds = new Set(
      statements
        .filter((s) => actionsOf(s).includes('lambda:InvokeFunction'))
        .flatMap(resourcesOf)
        .map((r) => JSON.stringify(r).match(/"Fn::GetAtt":\["([^"]+)"/)?.[1]),
    );
    expect(functionIds.size).toBe(Object.keys(ROUND_FUNCTIONS).length);
  });

  it('may only PutItem on the table (the failure log), nothing else in DynamoDB', () => {
    const dynamo = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo).toHaveLength(1);
    expect(actionsOf(dynamo[0] as Statement)).toEqual(['dynamodb:PutItem']);
    expect(JSON.stringify(dynamo[0]?.Resource)).toContain(`{"Ref":"${tableId}"}`);
  });

  it('has nothing beyond invoke, PutItem, log delivery and X-Ray', () => {
    const services = new Set(statements.flatMap(actionsOf).map((a) => a.split(':')[0]));
    expect([...services].sort()).toEqual(['dynamodb', 'lambda', 'logs', 'xray']);
    expect(statements.flatMap(actionsOf).filter((a) => a.startsWith('lambda:'))).toEqual(
      Array(Object.keys(ROUND_FUNCTIONS).length).fill('lambda:InvokeFunction'),
    );
  });
});

describe('IAM: the schedule role', () => {
  it('may only start this state machine and send to its own dead-letter queue', () => {
    const smId = stack.getLogicalId(stack.round.stateMachine.node.defaultChild as Cfn);
    const dlqId = stack.getLogicalId(stack.schedule.deadLetterQueue.node.defaultChild as Cfn);
    const scheduleProps =
      json.Resources[stack.getLogicalId(stack.schedule.schedule.node.defaultChild as Cfn)].Properties;
    const roleId = scheduleProps.Target.RoleArn['Fn::GetAtt'][0] as string;
    expect(statementsOfRole(json, roleId)).toEqual([
      { Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: smId } },
      { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: { 'Fn::GetAtt': [dlqId, 'Arn'] } },
    ]);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: { StringEquals: Match.objectLike({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }) },
          }),
        ],
      },
    });
  });
});
