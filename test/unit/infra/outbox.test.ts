import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { READ_ACTIONS, WRITE_ACTIONS } from '#infra/table';
import { actionsOf, roleOfFunction, statementsOfRole, synthRounds } from '#support/template';

const { stack, template, json, idOf } = synthRounds();
const fnId = idOf(stack.outbox.function);
const dlqId = idOf(stack.outbox.deadLetterQueue);

describe('the outbox dispatch (notifications in AWS)', () => {
  it('runs DispatchOutbox every 10 minutes, exactly, with retries and a dead-letter queue', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(10 minutes)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [fnId, 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlqId, 'Arn'] } },
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 1800 },
      }),
    });
    expect(json.Resources[fnId].Metadata['mountain-rounds:entry']).toBe(
      'functions/triggers/dispatch-outbox.ts',
    );
  });

  it('lets the function read the table, claim and settle messages, send e-mail, and nothing else of AWS', () => {
    const statements = statementsOfRole(json, roleOfFunction(json, fnId));
    const services = new Set(statements.flatMap(actionsOf).map((a) => a.split(':')[0]));
    expect([...services].sort()).toEqual(['dynamodb', 'logs', 'ses', 'xray']);
    expect([
      ...new Set(
        statements
          .flatMap(actionsOf)
          .filter((a) => a.startsWith('dynamodb:'))
          .sort(),
      ),
    ]).toEqual([...READ_ACTIONS, 'dynamodb:UpdateItem'].sort());
    expect(WRITE_ACTIONS).not.toContain('dynamodb:DeleteItem');
  });

  it('gives the function two minutes, the sender address and whether SMS is on', () => {
    const props = json.Resources[fnId].Properties;
    expect(props.Timeout).toBe(120);
    expect(props.Environment.Variables).toMatchObject({
      SENDER_EMAIL: { Ref: 'SenderEmail' },
      SMS_ENABLED: '0',
    });
    expect(json.Parameters.SenderEmail).toMatchObject({ Type: 'String' });
  });

  it('lets the scheduler invoke only this function and send only to its own dead-letter queue', () => {
    const schedule = Object.values(template.findResources('AWS::Scheduler::Schedule')).find(
      (r) => r.Properties.ScheduleExpression === 'rate(10 minutes)',
    );
    const roleId = schedule?.Properties.Target.RoleArn['Fn::GetAtt'][0] as string;
    const statements = statementsOfRole(json, roleId);
    const invoke = statements.filter((s) => actionsOf(s).includes('lambda:InvokeFunction'));
    expect(JSON.stringify(invoke)).toContain(`"Fn::GetAtt":["${fnId}","Arn"]`);
    expect(
      JSON.stringify(invoke)
        .match(/"Fn::GetAtt":\["([^"]+)","Arn"\]/g)
        ?.every((m) => m.includes(fnId)),
    ).toBe(true);
    expect(statements.filter((s) => actionsOf(s).includes('sqs:SendMessage'))).toEqual([
      expect.objectContaining({ Resource: { 'Fn::GetAtt': [dlqId, 'Arn'] } }),
    ]);
  });
});
