import { Duration, Validations } from 'aws-cdk-lib';
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
 * encrypted with the AWS managed key `alias/aws/sns`, publishing over TLS only. Only the state
 * machine publishes to it (its AlertCoordinator task).
 */
export class AlertNotifications extends Construct {
  public readonly topic: sns.Topic;
  /** Dead-letter queue of the e-mail subscriptions (only when there are any). */
  public readonly deadLetterQueue?: sqs.Queue;

  constructor(scope: Construct, id: string, props: AlertNotificationsProps = {}) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'CoordinatorAlerts', {
      displayName: 'Mountain rounds coordinator alerts',
      masterKey: kms.Alias.fromAliasName(this, 'AwsManagedSnsKey', 'alias/aws/sns'),
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
