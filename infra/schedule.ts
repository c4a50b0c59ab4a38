import { Duration, TimeZone, Validations } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

/** 09:00 on the first day of each quarter (January, April, July, October). */
export const QUARTERLY_CRON = 'cron(0 9 1 1,4,7,10 ? *)';
/** The association works on Beijing time. */
export const SCHEDULE_TIME_ZONE = TimeZone.ASIA_SHANGHAI;

export interface QuarterlyScheduleProps {
  /** The round state machine to start. */
  readonly stateMachine: sfn.IStateMachine;
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
 * (no flexible window). The execution input is `{"scheduledTime": "<the scheduled time>"}`;
 * LoadRound derives the season from it. Undeliverable starts go to a dead-letter queue.
 */
export class QuarterlySchedule extends Construct {
  public readonly schedule: scheduler.Schedule;
  public readonly deadLetterQueue: sqs.Queue;

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

    // The target creates a role that Scheduler (this account, the default group) may assume, allowed
    // states:StartExecution on this state machine and sqs:SendMessage to this queue — nothing else.
    const target = new targets.StepFunctionsStartExecution(props.stateMachine, {
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
  }
}
