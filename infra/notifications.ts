import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface AlertNotificationsProps {
  /**
   * Coordinator e-mail addresses subscribed to the alerts (each confirms by mail).
   * @default - no subscription; subscribe coordinators outside the stack
   */
  readonly coordinatorEmails?: readonly string[];
}

/**
 * Coordinator alerts (an offer declined three times, a round failed, …): one SNS topic,
 * encrypted with its own KMS key (rotated yearly), publishing over TLS only. The state machine
 * publishes to it (its AlertCoordinator task), and so do the operators' CloudWatch alarms
 * (infra/operations.ts): the AWS managed key `alias/aws/sns` would refuse them, its policy can
 * not name CloudWatch.
 */
export class AlertNotifications extends Construct {
  public readonly topic: sns.Topic;
  /** The topic's key. */
  public readonly key: kms.Key;
  /** Dead-letter queue of the e-mail subscriptions (only when there are any). */
  public readonly deadLetterQueue?: sqs.Queue;

  constructor(scope: Construct, id: string, props: AlertNotificationsProps = {}) {
    super(scope, id);
    this.key = new kms.Key(this, 'AlertsKey', {
      description: 'Encrypts the coordinator alerts topic (CloudWatch alarms may publish to it)',
      enableKeyRotation: true,
    });
    // CloudWatch alarm actions publish to the encrypted topic as the CloudWatch service.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    this.topic = new sns.Topic(this, 'CoordinatorAlerts', {
      displayName: 'Mountain rounds coordinator alerts',
      masterKey: this.key,
      enforceSSL: true,
    });

    const emails = props.coordinatorEmails ?? [];
    if (emails.length > 0) {
      const dlq = new sqs.Queue(this, 'SubscriptionDeadLetterQueue', {
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      const reason =
        'This queue is itself the dead-letter queue of the alert subscriptions; a dead-letter queue of a dead-letter queue would only move the same message.';
      Validations.of(dlq).acknowledge({ id: 'AwsSolutions-SQS3', reason });
      Validations.of(dlq).acknowledge({ id: 'Serverless-SQSRedrivePolicy', reason });
      for (const email of emails) {
        this.topic.addSubscription(new subscriptions.EmailSubscription(email, { deadLetterQueue: dlq }));
      }
      this.deadLetterQueue = dlq;
    }
  }
}
