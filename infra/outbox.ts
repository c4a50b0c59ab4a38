import { type CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SCHEDULED_FUNCTIONS } from '../functions/registry.ts';
import { RoundsFunction } from './rounds-function.ts';
import type { RoundsTable } from './table.ts';

/** How often the outbox is looked at: a message waits at most this long past its `notBefore`. */
export const OUTBOX_DISPATCH_RATE = Duration.minutes(10);

export interface OutboxDispatchProps {
  /** The product table holding the outbox (read and write: messages are claimed and marked sent). */
  readonly table: RoundsTable;
  /**
   * How often the dispatcher runs.
   * @default OUTBOX_DISPATCH_RATE (10 minutes)
   */
  readonly rate?: Duration;
  /**
   * Whether the schedule is active.
   * @default true
   */
  readonly enabled?: boolean;
}

/**
 * Notifications to the societies in AWS: the DispatchOutbox function, started by EventBridge
 * Scheduler, sends the outbox's due messages (offers, reassignment notices, reminders; quiet hours
 * are kept by each message's `notBefore`) and marks them sent. Coordinator alerts go to SNS from
 * the state machine directly. Undeliverable starts go to a dead-letter queue.
 */
export class OutboxDispatch extends Construct {
  public readonly function: RoundsFunction;
  public readonly schedule: scheduler.Schedule;
  public readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: OutboxDispatchProps) {
    super(scope, id);
    this.function = new RoundsFunction(this, 'DispatchOutbox', { entry: SCHEDULED_FUNCTIONS.DispatchOutbox });
    props.table.grantTo(this.function, 'readWrite');

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const reason =
      'This queue is itself the dead-letter queue of the outbox schedule; a dead-letter queue of a dead-letter queue would only move the same message.';
    Validations.of(this.deadLetterQueue).acknowledge({ id: 'AwsSolutions-SQS3', reason });
    Validations.of(this.deadLetterQueue).acknowledge({ id: 'Serverless-SQSRedrivePolicy', reason });

    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: 'Sends the due notifications of the outbox (offers, reassignments, reminders).',
      schedule: scheduler.ScheduleExpression.rate(props.rate ?? OUTBOX_DISPATCH_RATE),
      timeWindow: scheduler.TimeWindow.off(),
      // A missed run is made up by the next one: every run sends everything due.
      target: new targets.LambdaInvoke(this.function, {
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 2,
        maxEventAge: Duration.minutes(30),
      }),
      enabled: props.enabled ?? true,
    });
    // The target's role (a singleton of the stack) may invoke this function and its versions.
    const stack = Stack.of(this);
    const functionId = stack.getLogicalId(this.function.node.defaultChild as CfnElement);
    Validations.of(stack).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${functionId}.Arn>:*]`,
      reason: `The scheduler's lambda:InvokeFunction covers ${this.function.node.id} and its qualified versions/aliases (<arn>:*); nothing beyond that function.`,
    });
  }
}
