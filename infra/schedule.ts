import { type CfnElement, Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { SCHEDULED_FUNCTIONS } from '../functions/registry.ts';
import { RoundsFunction } from './rounds-function.ts';
import type { RoundsTable } from './table.ts';

/** 09:00 on the first day of each quarter (January, April, July, October). */
export const QUARTERLY_CRON = 'cron(0 9 1 1,4,7,10 ? *)';
/** The association works on Beijing time. */
export const SCHEDULE_TIME_ZONE = TimeZone.ASIA_SHANGHAI;

export interface QuarterlyScheduleProps {
  /** The round state machine to start. */
  readonly stateMachine: sfn.IStateMachine;
  /** The product table: the starter reads the season's round log to name the execution. */
  readonly table: RoundsTable;
  /**
   * Schedule expression (EventBridge Scheduler syntax).
   * @default QUARTERLY_CRON
   */
  readonly expression?: string;
  /**
   * Retries of a failed StartExecution before the event goes to the dead-letter queue.
   * @default 3
   */
  readonly retryAttempts?: number;
  /**
   * How long Scheduler keeps trying to deliver one quarter's start.
   * @default Duration.hours(6)
   */
  readonly maxEventAge?: Duration;
  /**
   * Whether the schedule is active.
   * @default true
   */
  readonly enabled?: boolean;
}

/**
 * EventBridge Scheduler starts the round every quarter, Asia/Shanghai time, at an exact time
 * (no flexible window), through the StartScheduledRound function with
 * `{"scheduledTime": "<the scheduled time>"}`: it names the execution `<season>-<attempt>` and
 * starts it with `{ season }`, exactly as POST /rounds does, so the same season never runs twice
 * at once. (Scheduler's own StartExecution target can not name an execution.) Undeliverable
 * starts go to a dead-letter queue.
 */
export class QuarterlySchedule extends Construct {
  public readonly schedule: scheduler.Schedule;
  public readonly deadLetterQueue: sqs.Queue;
  /** The function the schedule invokes to start the round. */
  public readonly starter: RoundsFunction;

  constructor(scope: Construct, id: string, props: QuarterlyScheduleProps) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const reason =
      'This queue is itself the dead-letter queue of the quarterly schedule; a dead-letter queue of a dead-letter queue would only move the same message.';
    Validations.of(this.deadLetterQueue).acknowledge({ id: 'AwsSolutions-SQS3', reason });
    Validations.of(this.deadLetterQueue).acknowledge({ id: 'Serverless-SQSRedrivePolicy', reason });

    this.starter = new RoundsFunction(this, 'StartScheduledRound', {
      entry: SCHEDULED_FUNCTIONS.StartScheduledRound.entry,
    });
    props.table.grantTo(this.starter, SCHEDULED_FUNCTIONS.StartScheduledRound.table);
    this.starter.addEnvironment('STATE_MACHINE_ARN', props.stateMachine.stateMachineArn);
    props.stateMachine.grantStartExecution(this.starter);

    // The target's role (Scheduler, this account) may invoke the starter and send to this queue.
    const target = new targets.LambdaInvoke(this.starter, {
      input: scheduler.ScheduleTargetInput.fromObject({
        scheduledTime: scheduler.ContextAttribute.scheduledTime,
      }),
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: props.retryAttempts ?? 3,
      maxEventAge: props.maxEventAge ?? Duration.hours(6),
    });
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: 'Starts the quarterly science-service round (一季一镇，一镇五问).',
      schedule: scheduler.ScheduleExpression.expression(
        props.expression ?? QUARTERLY_CRON,
        SCHEDULE_TIME_ZONE,
      ),
      timeWindow: scheduler.TimeWindow.off(),
      target,
      enabled: props.enabled ?? true,
    });
    const stack = Stack.of(this);
    const starterId = stack.getLogicalId(this.starter.node.defaultChild as CfnElement);
    Validations.of(stack).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${starterId}.Arn>:*]`,
      reason: `The scheduler's lambda:InvokeFunction covers ${this.starter.node.id} and its qualified versions/aliases (<arn>:*); nothing beyond that function.`,
    });
  }
}
