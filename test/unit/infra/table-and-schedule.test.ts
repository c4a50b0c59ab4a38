import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { actionsOf, statementsOfRole, synthRounds } from '#support/template';

const { stack, template, json, idOf } = synthRounds();

describe('the table', () => {
  it('is the only DynamoDB table of the stack', () => {
    expect(Object.keys(template.findResources('AWS::DynamoDB::Table'))).toEqual([idOf(stack.table.table)]);
  });

  it('has pk/sk string keys, on-demand billing, PITR, deletion protection and TTL on expiresAt', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'gsi1pk', AttributeType: 'S' },
        { AttributeName: 'gsi1sk', AttributeType: 'S' },
      ]),
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('has exactly two indexes: gsi1 (gsi1pk/gsi1sk, all attributes) and outbox-due (dueStatus/dueAt, the message keys)', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: [
        {
          IndexName: 'gsi1',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
        {
          IndexName: 'outbox-due',
          KeySchema: [
            { AttributeName: 'dueStatus', KeyType: 'HASH' },
            { AttributeName: 'dueAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['season', 'id'] },
        },
      ],
    });
  });

  it('is retained when the stack is deleted', () => {
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });
});

describe('the quarterly schedule', () => {
  const smId = idOf(stack.round.stateMachine);
  const dlqId = idOf(stack.schedule.deadLetterQueue);

  it('fires at 09:00 on the first day of each quarter, Asia/Shanghai time, with no flexible window', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 9 1 1,4,7,10 ? *)',
      ScheduleExpressionTimezone: 'Asia/Shanghai',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
    });
  });

  it('invokes StartScheduledRound (not a nameless StartExecution) with {"scheduledTime": <scheduled time>}, retrying and then dead-lettering', () => {
    const starterId = idOf(stack.schedule.starter);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [starterId, 'Arn'] },
        Input: JSON.stringify({ scheduledTime: '<aws.scheduler.scheduled-time>' }),
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlqId, 'Arn'] } },
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 21600 },
        RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SchedulerRoleForTarget'), 'Arn'] },
      }),
    });
  });

  it('lets StartScheduledRound start the round under the name POST /rounds uses (its entry and its grants)', () => {
    const starterId = idOf(stack.schedule.starter);
    const starter = json.Resources[starterId];
    expect(starter.Metadata['mountain-rounds:entry']).toBe('functions/triggers/start-scheduled-round.ts');
    expect(starter.Properties.Environment.Variables.STATE_MACHINE_ARN).toEqual({ Ref: smId });
    const roleId = starter.Properties.Role['Fn::GetAtt'][0];
    const statements = statementsOfRole(json, roleId);
    expect(statements.filter((s) => actionsOf(s).some((a) => a.startsWith('states:')))).toEqual([
      { Effect: 'Allow', Action: 'states:StartExecution', Resource: { Ref: smId } },
    ]);
    expect(statements.flatMap(actionsOf).filter((a) => a.startsWith('dynamodb:'))).toEqual([
      'dynamodb:GetItem',
      'dynamodb:BatchGetItem',
      'dynamodb:Query',
    ]);
  });

  it('keeps its dead letters encrypted, TLS-only, for 14 days', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1_209_600,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: dlqId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});
