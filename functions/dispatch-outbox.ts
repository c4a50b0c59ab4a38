import middy from '@middy/core';
import { logger } from '#commons/logger';
import { type DeliveryPort, dispatchDue } from '#commons/outbox-dispatch';
import type { StoredMessage } from '#commons/store/outbox';

const WEBHOOK_TIMEOUT_MS = 5000;

/**
 * Delivery in AWS. A society whose contact is a webhook (a DingTalk-style robot URL) gets a JSON
 * text message. E-mail needs an SES client this build does not bundle: such a message is refused
 * and stays queued with its error, to be sent once e-mail delivery is configured. Coordinator
 * alerts do not pass here: the state machine publishes them to SNS itself.
 */
const awsDelivery: DeliveryPort = {
  async deliver(message: StoredMessage) {
    if (/^https?:\/\//.test(message.to)) {
      const response = await fetch(message.to, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ msgtype: 'text', text: { content: `${message.subject}\n${message.body}` } }),
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      if (!response.ok) throw new Error(`webhook answered ${response.status}`);
      return;
    }
    throw new Error(`no delivery channel for "${message.to}" (e-mail needs SES)`);
  },
};

/** DispatchOutbox: started by EventBridge Scheduler every 10 minutes. */
export const handler = middy<unknown, { sent: number; cancelled: number; failed: number }>().handler(
  async () => {
    const result = await dispatchDue(new Date(), awsDelivery);
    for (const failure of result.failed) logger.warn('message not delivered', failure);
    return { sent: result.sent.length, cancelled: result.cancelled.length, failed: result.failed.length };
  },
);
