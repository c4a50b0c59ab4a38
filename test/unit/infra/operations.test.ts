import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { METRIC, METRICS_DIMENSION, METRICS_NAMESPACE, metricsDocument } from '#commons/metrics';
import { synthesizeRoundsTemplate } from '#infra/rounds-stack';
import { type CfnJson, logicalIdOf } from '#support/template';

// What an operator watches (infra/operations.ts, docs/deploy.md "Operations"): with coordinator
// addresses, so the alert subscriptions' dead-letter queue exists too.
const { template: json, stack } = synthesizeRoundsTemplate({
  bundle: false,
  stackProps: { coordinatorEmails: ['coordinator@kexie.example.cn'] },
});
const template = Template.fromJSON(json);
const resources = Object.entries(json.Resources as Record<string, CfnJson>);
const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);
const alarms = ofType('AWS::CloudWatch::Alarm').map(([, r]) => r.Properties as CfnJson);
const topicId = logicalIdOf(stack, stack.notifications.topic);
const dimensionOf = (alarm: CfnJson, name: string) =>
  (alarm.Dimensions as { Name: string; Value: unknown }[]).find((d) => d.Name === name)?.Value;

describe('the alarms', () => {
  it('watch Errors and Throttles of every Lambda function of the stack, custom-resource handlers included', () => {
    const functionIds = ofType('AWS::Lambda::Function').map(([id]) => id);
    expect(functionIds.length).toBeGreaterThan(40);
    for (const metricName of ['Errors', 'Throttles']) {
      const watched = alarms
        .filter((a) => a.Namespace === 'AWS/Lambda' && a.MetricName === metricName)
        .map((a) => (dimensionOf(a, 'FunctionName') as { Ref: string }).Ref);
      expect(watched.sort()).toEqual([...functionIds].sort());
    }
  });

  it('call errors that keep coming an alarm (2 of 3 five-minute periods), a single throttle at once', () => {
    const errors = alarms.find((a) => a.MetricName === 'Errors');
    expect(errors).toMatchObject({
      Period: 300,
      Statistic: 'Sum',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
    });
    const throttles = alarms.find((a) => a.MetricName === 'Throttles');
    expect(throttles).toMatchObject({ Period: 300, Statistic: 'Sum', EvaluationPeriods: 1, Threshold: 1 });
  });

  it('watch every dead-letter queue for a visible message', () => {
    const queueIds = ofType('AWS::SQS::Queue').map(([id]) => id);
    expect(queueIds).toHaveLength(3);
    const watched = alarms
      .filter((a) => a.Namespace === 'AWS/SQS' && a.MetricName === 'ApproximateNumberOfMessagesVisible')
      .map((a) => (dimensionOf(a, 'QueueName') as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0]);
    expect(watched.sort()).toEqual([...queueIds].sort());
  });

  it.each([
    ['ExecutionsFailed', 'RoundFailed'],
    ['ExecutionsTimedOut', 'RoundTimedOut'],
    ['ExecutionsAborted', 'RoundAborted'],
  ])('watch the round state machine’s %s', (metricName, name) => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: `RoundsStack-${name}`,
      Namespace: 'AWS/States',
      MetricName: metricName,
      Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: logicalIdOf(stack, stack.round.stateMachine) } }],
      Threshold: 1,
    });
  });

  it('watch the messages the outbox gave up on, on the metric DispatchOutbox emits', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: METRICS_NAMESPACE,
      MetricName: METRIC.messagesFailed,
      Dimensions: [{ Name: METRICS_DIMENSION, Value: { Ref: logicalIdOf(stack, stack.outbox.function) } }],
      Statistic: 'Sum',
      Period: 900,
      Threshold: 1,
    });
    // The dispatcher writes exactly that: namespace, name, one dimension.
    const line = metricsDocument({ [METRIC.messagesFailed]: 2 }, 'RoundsStack-Dispatch', new Date(0));
    expect(line).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: METRICS_NAMESPACE,
            Dimensions: [[METRICS_DIMENSION]],
            Metrics: [{ Name: METRIC.messagesFailed, Unit: 'Count' }],
          },
        ],
      },
      [METRICS_DIMENSION]: 'RoundsStack-Dispatch',
      [METRIC.messagesFailed]: 2,
    });
  });

  it('watch the HTTP API’s 5xx', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Dimensions: [{ Name: 'ApiId', Value: { Ref: logicalIdOf(stack, stack.api.api) } }],
      Threshold: 5,
    });
  });

  it('all tell the coordinators’ alert topic, treat missing data as fine, and explain themselves in both languages', () => {
    expect(alarms.length).toBeGreaterThan(90);
    const names = new Set<string>();
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(alarm.TreatMissingData).toBe('notBreaching');
      expect(alarm.AlarmName).toMatch(/^RoundsStack-[A-Za-z0-9-]+$/);
      // 中文 first, then ` / ` and the English.
      expect(alarm.AlarmDescription).toMatch(/^[^/]*[\u4e00-\u9fff][^/]*\/ [A-Z]/u);
      names.add(alarm.AlarmName);
    }
    expect(names.size).toBe(alarms.length);
  });

  it('may publish to the alert topic: CloudWatch of this account only', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
  });
});

describe('the season dashboard', () => {
  const dashboards = ofType('AWS::CloudWatch::Dashboard');
  const body = () => JSON.stringify(dashboards[0]?.[1].Properties.DashboardBody);

  it('is one dashboard', () => {
    expect(dashboards).toHaveLength(1);
    expect(dashboards[0]?.[1].Properties.DashboardName).toBe('RoundsStack-Season');
  });

  it.each([
    ['round executions', ['ExecutionsStarted', 'ExecutionsSucceeded', 'ExecutionsFailed']],
    ['offers waiting', [METRIC.offersWaiting]],
    ['messages', [METRIC.messagesSent, METRIC.messagesFailed]],
    ['API latency and errors', ['Latency', '4xx', '5xx']],
    ['Lambda errors', ['AWS/Lambda', 'Errors']],
  ])('shows %s', (_what, metrics) => {
    for (const metric of metrics) expect(body()).toContain(`\\"${metric}\\"`);
  });

  it('shows the state of every alarm, at most 100 to a widget', () => {
    const alarmIds = ofType('AWS::CloudWatch::Alarm').map(([id]) => id);
    // The body is a join of text and each alarm's ARN; widgets start in the text parts.
    const parts = dashboards[0]?.[1].Properties.DashboardBody['Fn::Join'][1] as CfnJson[];
    const perWidget: string[][] = [];
    for (const part of parts) {
      if (typeof part === 'string') {
        for (let n = part.split('"type":"alarm"').length - 1; n > 0; n--) perWidget.push([]);
      } else if (part['Fn::GetAtt']?.[1] === 'Arn') {
        perWidget.at(-1)?.push(part['Fn::GetAtt'][0]);
      }
    }
    expect(perWidget.flat().sort()).toEqual([...alarmIds].sort());
    for (const widget of perWidget) expect(widget.length).toBeLessThanOrEqual(100);
  });

  it('reads the offers waiting from ListPendingOffers and the messages from DispatchOutbox', () => {
    expect(body()).toContain(logicalIdOf(stack, stack.roundFunctions.ListPendingOffers));
    expect(body()).toContain(logicalIdOf(stack, stack.outbox.function));
  });
});
