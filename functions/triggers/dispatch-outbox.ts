import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { requiredEnv } from '#commons/config';
import { logger } from '#commons/logger';
import { emitMetrics, METRIC } from '#commons/metrics';
import { tracer } from '#commons/tracer';
import { chosenEmailAdapter } from '#delivery/email-choice';
import { sesEmailAdapter } from '#delivery/email-ses';
import { dispatchDue } from '#delivery/outbox-dispatch';
import type { DeliveryAdapters } from '#delivery/port';
import { snsSmsAdapter } from '#delivery/sms-sns';
import { webhookAdapter } from '#delivery/webhook';

let adapters: DeliveryAdapters | undefined;

/**
 * E-mail through SES, unless the bundle chose otherwise before (AWS China has no SES: its bundle
 * carries functions/delivery/install-smtp.ts, SMTP or no e-mail).
 */
async function emailAdapter(): Promise<DeliveryAdapters['email']> {
  const chosen = chosenEmailAdapter();
  if (chosen !== undefined) return chosen ?? undefined;
  return sesEmailAdapter({
    client: tracer.captureAWSv3Client(new SESv2Client({})),
    from: requiredEnv('SENDER_EMAIL'),
  });
}

/**
 * Delivery in AWS: e-mail through SES v2 from `SENDER_EMAIL` (in AWS China through SMTP, or none),
 * DingTalk/WeCom robot webhooks, and — when the stack enables it — SMS through SNS. Coordinator
 * alerts do not pass here: the state machine publishes them to their SNS topic itself. Clients are
 * made once, on the first run.
 */
export async function awsAdapters(): Promise<DeliveryAdapters> {
  if (adapters) return adapters;
  const email = await emailAdapter();
  adapters = {
    ...(email ? { email } : {}),
    webhook: webhookAdapter(),
    ...(process.env.SMS_ENABLED === '1'
      ? { sms: snsSmsAdapter({ client: tracer.captureAWSv3Client(new SNSClient({})) }) }
      : {}),
  };
  return adapters;
}

type Summary = {
  sent: number;
  cancelled: number;
  retrying: number;
  failed: number;
  deferred: number;
  stoppedEarly: boolean;
};

/**
 * DispatchOutbox: started by EventBridge Scheduler every 10 minutes; stops claiming before its time runs out.
 * Reads: per page of 100 due messages, 1 Query on the outbox-due index (keys only); per reminder, 1 GetItem
 * of its offer; each claim is a conditional UpdateItem that returns the message; per robot message, 1 GetItem
 * of the recipient's contact and 1 conditional UpdateItem for the robot's slot of the minute.
 */
export const handler = middy<unknown, Summary, Error, Context>().handler(async (_event, context) => {
  const result = await dispatchDue(new Date(), {
    adapters: await awsAdapters(),
    remainingMs: () => context.getRemainingTimeInMillis(),
  });
  for (const retry of result.retrying) logger.warn('message not delivered, will retry', retry);
  for (const failure of result.failed) logger.error('message not delivered, given up', failure);
  // Every run counts, zeros included: the operators' alarm and dashboard read these (infra/operations.ts).
  if (!result.quiet)
    emitMetrics({
      [METRIC.messagesSent]: result.sent.length,
      [METRIC.messagesFailed]: result.failed.length,
      [METRIC.messagesRetrying]: result.retrying.length,
    });
  return {
    sent: result.sent.length,
    cancelled: result.cancelled.length,
    retrying: result.retrying.length,
    failed: result.failed.length,
    deferred: result.deferred.length,
    stoppedEarly: result.stoppedEarly,
  };
});
