import { CfnResource, Duration, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, type IConstruct } from 'constructs';
import { METRIC, METRICS_DIMENSION, METRICS_NAMESPACE, type MetricName } from '#commons/metrics';

/** Lambda and SQS metrics are looked at over five minutes; the dispatcher's over one run and a half. */
const PERIOD = Duration.minutes(5);
const OUTBOX_PERIOD = Duration.minutes(15);

export interface OperationsProps {
  /** Where every alarm goes: the coordinators' alert topic (infra/notifications.ts). */
  readonly alertTopic: sns.ITopic;
  /** The round's state machine. */
  readonly stateMachine: sfn.StateMachine;
  /** The HTTP API (5xx, 4xx and latency). */
  readonly httpApi: apigw.HttpApi;
  /** The dead-letter queues: something that should have run did not. */
  readonly deadLetterQueues: Readonly<Record<string, sqs.IQueue>>;
  /** DispatchOutbox: emits the outbox's metrics (functions/triggers/dispatch-outbox.ts). */
  readonly outboxFunction: lambda.IFunction;
  /** ListPendingOffers: emits the offers the round waits on (functions/round/list-pending-offers.ts). */
  readonly pendingOffersFunction: lambda.IFunction;
}

/** Metric of the product's own (functions/commons/metrics.ts), as the function `fn` emits it. */
export function productMetric(
  name: MetricName,
  fn: lambda.IFunction,
  props: cloudwatch.MetricOptions = {},
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { [METRICS_DIMENSION]: fn.functionName },
    statistic: cloudwatch.Stats.SUM,
    period: OUTBOX_PERIOD,
    ...props,
  });
}

/** A Lambda function resource of the stack, whether made by us or by a CDK construct (custom resources). */
interface FunctionResource {
  readonly label: string;
  readonly name: string;
}

/**
 * Every AWS::Lambda::Function of `stack`: the product's functions (functions/registry.ts) and the
 * handlers CDK adds for deploy time (the pages' upload, the bucket notifications). Labels are the
 * construct ids, CDK's hash suffixes dropped.
 */
export function functionResources(stack: Stack): FunctionResource[] {
  const found: FunctionResource[] = [];
  const used = new Set<string>();
  for (const c of stack.node.findAll()) {
    if (!(c instanceof CfnResource) || c.cfnResourceType !== 'AWS::Lambda::Function') continue;
    const owner: IConstruct = c.node.id === 'Resource' || c.node.id === 'Handler' ? (c.node.scope ?? c) : c;
    // Alarm names and construct ids take letters, digits and '-' only (CDK's trigger provider has dots).
    const base = (owner.node.id.replace(/^Custom::/, '').replace(/[0-9a-f]{32}.*$/i, '') || owner.node.id)
      .replace(/^AWSCDK\./, '')
      .replace(/[^A-Za-z0-9-]/g, '-');
    let label = base;
    for (let n = 2; used.has(label); n++) label = `${base}${n}`;
    used.add(label);
    found.push({ label, name: c.ref });
  }
  return found;
}

/**
 * What an operator watches (docs/deploy.md, Operations): alarms on failed rounds, Lambda errors and
 * throttles, dead letters, messages the outbox gave up on and the API's 5xx — each to the alert topic,
 * with missing data as "OK" (a quiet quarter is not an outage) — and one dashboard of a season.
 * Build it last in the stack: it alarms on every Lambda function the stack holds by then.
 */
export class Operations extends Construct {
  public readonly alarms: cloudwatch.Alarm[] = [];
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const action = new actions.SnsAction(props.alertTopic);
    // The topic's policy only denies plain HTTP; CloudWatch of this account is let in by name.
    props.alertTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [props.alertTopic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    const alarm = (
      alarmId: string,
      metric: cloudwatch.IMetric,
      description: string,
      options: Partial<cloudwatch.CreateAlarmOptions> = {},
    ) => {
      const created = new cloudwatch.Alarm(this, alarmId, {
        metric,
        alarmName: `${stack.stackName}-${alarmId}`,
        alarmDescription: description,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        ...options,
      });
      created.addAlarmAction(action);
      this.alarms.push(created);
      return created;
    };

    // ---- the round -------------------------------------------------------------------------
    const machine = props.stateMachine;
    const sum = { period: PERIOD, statistic: cloudwatch.Stats.SUM };
    alarm(
      'RoundFailed',
      machine.metricFailed(sum),
      '季度走访执行失败（RoundFailed）：在 Step Functions 控制台打开该执行，看失败的步骤和原因，修正后重新发起本季。/ A round execution failed (RoundFailed): open it in the Step Functions console, read the failed step and its cause, fix it, then start the season again.',
    );
    alarm(
      'RoundTimedOut',
      machine.metricTimedOut(sum),
      '季度走访执行超时：某一步或整轮超过了时限。查看该执行停在哪一步。/ A round execution timed out: a step or the whole round ran past its limit. See which step it stopped at.',
    );
    alarm(
      'RoundAborted',
      machine.metricAborted(sum),
      '季度走访执行被中止（有人停止了它，或分布式 Map 停止了子执行）。确认是否有意为之。/ A round execution was aborted (someone stopped it, or a Distributed Map stopped its children). Check that it was meant.',
    );

    // ---- every Lambda function ----------------------------------------------------------------
    const functions = functionResources(stack);
    for (const fn of functions) {
      const metric = (metricName: string) =>
        new cloudwatch.Metric({
          namespace: 'AWS/Lambda',
          metricName,
          dimensionsMap: { FunctionName: fn.name },
          ...sum,
        });
      alarm(
        `${fn.label}-Errors`,
        metric('Errors'),
        `函数 ${fn.label} 连续出错（15 分钟内至少两个 5 分钟段有错误）：在 CloudWatch Logs 中查看其日志组的 ERROR 行。/ Function ${fn.label} keeps failing (errors in 2 of the last three 5-minute periods): read the ERROR lines of its log group in CloudWatch Logs.`,
        // One error that a retry absorbed is no alarm; errors that keep coming are.
        { evaluationPeriods: 3, datapointsToAlarm: 2 },
      );
      alarm(
        `${fn.label}-Throttles`,
        metric('Throttles'),
        `函数 ${fn.label} 被限流：账户的 Lambda 并发已用尽（与 offerConcurrency 相关），请申请提高配额或调低并发。/ Function ${fn.label} was throttled: the account's Lambda concurrency ran out (see offerConcurrency); raise the quota or lower the concurrency.`,
      );
    }

    // ---- dead letters ----------------------------------------------------------------------------
    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      alarm(
        `${name}-DeadLetters`,
        queue.metricApproximateNumberOfMessagesVisible({
          period: PERIOD,
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        `死信队列 ${name} 中有消息：计划任务或提醒未能送达（消息中有原因）。处理后从队列删除。/ Dead-letter queue ${name} holds messages: a scheduled start or alert was not delivered (the message says why). Delete them once handled.`,
      );
    }

    // ---- the outbox and the API ----------------------------------------------------------------
    const failed = productMetric(METRIC.messagesFailed, props.outboxFunction);
    alarm(
      'OutboxMessagesFailed',
      failed,
      '外发消息已放弃（重试用尽或被拒）：在“通知”页查看失败的消息及原因，核对联系方式后重发。/ Outbox messages were given up (tries used up or refused): see the failed messages and their reasons on the notifications page, check the contacts, then resend.',
    );
    alarm(
      'Api5xx',
      props.httpApi.metricServerError({ period: PERIOD, statistic: cloudwatch.Stats.SUM }),
      'HTTP API 返回 5xx（5 分钟内至少 5 次）：查看 API 访问日志和出错函数的日志。/ The HTTP API answered 5xx (at least 5 in 5 minutes): read the API access log and the failing function’s log.',
      { threshold: 5 },
    );

    // ---- the dashboard of a season -----------------------------------------------------------------
    const hour = { period: Duration.hours(1), statistic: cloudwatch.Stats.SUM };
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${stack.stackName}-Season`,
      defaultInterval: Duration.days(14),
    });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: '走访执行 / Round executions',
        left: [
          machine.metricStarted({ ...hour, label: '开始 / started' }),
          machine.metricSucceeded({ ...hour, label: '完成 / succeeded' }),
          machine.metricFailed({ ...hour, label: '失败 / failed' }),
          machine.metricTimedOut({ ...hour, label: '超时 / timed out' }),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: '待答复的邀请（发出时）/ Offers waiting (as the offer phase starts)',
        left: [
          productMetric(METRIC.offersWaiting, props.pendingOffersFunction, {
            period: Duration.hours(1),
            statistic: cloudwatch.Stats.MAXIMUM,
            label: '待答复 / waiting',
          }),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: '外发消息 / Messages',
        left: [
          productMetric(METRIC.messagesSent, props.outboxFunction, { ...hour, label: '已发 / sent' }),
          productMetric(METRIC.messagesRetrying, props.outboxFunction, {
            ...hour,
            label: '待重试 / retrying',
          }),
          productMetric(METRIC.messagesFailed, props.outboxFunction, { ...hour, label: '已放弃 / failed' }),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'API 延迟与错误 / API latency and errors',
        left: [
          props.httpApi.metricLatency({ period: PERIOD, statistic: 'p50', label: 'p50 ms' }),
          props.httpApi.metricLatency({ period: PERIOD, statistic: 'p90', label: 'p90 ms' }),
        ],
        right: [
          props.httpApi.metricClientError({ period: PERIOD, statistic: 'Sum', label: '4xx' }),
          props.httpApi.metricServerError({ period: PERIOD, statistic: 'Sum', label: '5xx' }),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: '函数错误 / Lambda errors',
        left: functions.map(
          (fn) =>
            new cloudwatch.Metric({
              namespace: 'AWS/Lambda',
              metricName: 'Errors',
              dimensionsMap: { FunctionName: fn.name },
              ...sum,
              label: fn.label,
            }),
        ),
        width: 24,
        height: 8,
      }),
    );
    // An alarm status widget shows at most 100 alarms: 50 a widget.
    for (let from = 0; from < this.alarms.length; from += 50)
      this.dashboard.addWidgets(
        new cloudwatch.AlarmStatusWidget({
          title: '告警 / Alarms',
          alarms: this.alarms.slice(from, from + 50),
          width: 24,
          height: 6,
        }),
      );
  }
}
