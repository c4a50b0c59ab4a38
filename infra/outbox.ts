import { type CfnElement, Duration, Fn, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SCHEDULED_FUNCTIONS } from '../functions/registry.ts';
import { RoundsFunction } from './rounds-function.ts';
import type { RoundsTable } from './table.ts';

/** The dispatcher's entry in AWS China (no SES): SMTP from a secret, or no e-mail. */
export const CHINA_DISPATCH_ENTRY = 'functions/china/dispatch-outbox.ts';

/** How often the outbox is looked at: a message waits at most this long past its `notBefore`. */
export const OUTBOX_DISPATCH_RATE = Duration.minutes(10);

/** One run's time: it stops claiming while a last delivery still fits (functions/triggers/dispatch-outbox.ts). */
export const OUTBOX_DISPATCH_TIMEOUT = Duration.minutes(2);

export interface OutboxDispatchProps {
  /** The product table holding the outbox (messages are read, claimed and settled; none is created). */
  readonly table: RoundsTable;
  /**
   * The e-mail address notifications come from: a verified SES identity, or an address on a
   * verified domain. The function may send as that address or domain only. (In the SES sandbox SES
   * also checks each recipient's identity; ask for production access before the societies' mail.)
   */
  readonly senderEmail?: string;
  /**
   * AWS China (no SES): the Secrets Manager secret (name or ARN) with the SMTP server
   * (`{"url":…,"from":…}`); an empty string: no e-mail at all (robots only). Set instead of senderEmail.
   * @default - SES from senderEmail
   */
  readonly smtpSecret?: string;
  /**
   * Whether societies with only a phone number get an SMS (SNS Publish to a phone number, which
   * IAM can only allow on "*").
   * @default false
   */
  readonly smsEnabled?: boolean;
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
    this.function = new RoundsFunction(this, 'DispatchOutbox', {
      // AWS China: SMTP (or no e-mail) chosen before the handler runs, in that bundle alone.
      entry: props.smtpSecret === undefined ? SCHEDULED_FUNCTIONS.DispatchOutbox.entry : CHINA_DISPATCH_ENTRY,
      timeout: OUTBOX_DISPATCH_TIMEOUT,
      environment:
        props.smtpSecret === undefined
          ? { SENDER_EMAIL: props.senderEmail ?? '', SMS_ENABLED: props.smsEnabled ? '1' : '0' }
          : { SMTP_SECRET_ID: props.smtpSecret, SMS_ENABLED: '0' },
    });
    props.table.grantTo(this.function, SCHEDULED_FUNCTIONS.DispatchOutbox.table);
    if (props.smtpSecret !== undefined) {
      if (props.smtpSecret !== '') this.smtpSecret(props.smtpSecret).grantRead(this.function);
    } else {
      if (!props.senderEmail) throw new Error('OutboxDispatch needs senderEmail (SES) or smtpSecret');
      this.grantSendEmail(props.senderEmail);
      if (props.smsEnabled) this.grantSendSms();
    }

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

  /** The SMTP secret by ARN or by name. */
  private smtpSecret(nameOrArn: string): secretsmanager.ISecret {
    return nameOrArn.startsWith('arn:')
      ? secretsmanager.Secret.fromSecretCompleteArn(this, 'SmtpSecret', nameOrArn)
      : secretsmanager.Secret.fromSecretNameV2(this, 'SmtpSecret', nameOrArn);
  }

  /** ses:SendEmail as the sender's address identity or its domain identity, nothing else. */
  private grantSendEmail(senderEmail: string): void {
    const stack = Stack.of(this);
    const identity = (name: string) =>
      stack.formatArn({ service: 'ses', resource: 'identity', resourceName: name });
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [identity(senderEmail), identity(Fn.select(1, Fn.split('@', senderEmail)))],
      }),
    );
  }

  /** sns:Publish for SMS: a phone number has no ARN, so IAM can only name "*". */
  private grantSendSms(): void {
    this.function.addToRolePolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] }));
    Validations.of(this.function.role as iam.Role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray (xray:PutTraceSegments, xray:PutTelemetryRecords) has no resource-level permissions, and sns:Publish to a phone number (SMS) has no resource ARN: both can only name "*".',
    });
  }
}
