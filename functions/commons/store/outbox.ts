import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys, ranges } from '#schemas/keys';
import { documents, tableName } from '../clients.ts';
import { entityOf, putIfAbsent, queryRange } from './table.ts';

/** The outbox: messages queued for delivery, one partition per season. */

export interface OutboxMessage {
  id: string;
  season: string;
  channel: 'team' | 'coordinator';
  to: string;
  subject: string;
  body: string;
  createdAt: string;
  /** Quiet hours (22:00–07:00 Asia/Shanghai) push this later; the sender waits until then. */
  notBefore: string;
}

/** Queues a message once per id. */
export async function enqueueMessage(message: OutboxMessage): Promise<boolean> {
  return putIfAbsent({
    ...keys.outbox(message.season, message.id),
    type: 'message',
    status: 'queued',
    ...message,
  });
}

export async function outbox(season: string): Promise<OutboxMessage[]> {
  const items = await queryRange(ranges.outbox(season));
  return items.map((item) => entityOf<OutboxMessage>(item));
}

export interface StoredMessage extends OutboxMessage {
  status: 'queued' | 'sent' | 'cancelled';
  societyId?: string;
  kind?: 'offer' | 'reminder' | 'reassigned' | 'alert';
  /** A reminder is only sent while this offer still waits for an answer. */
  offerId?: string;
  sentAt?: string;
}

export async function seasonOutbox(season: string): Promise<StoredMessage[]> {
  const items = await queryRange(ranges.outbox(season));
  return items
    .map((item) => entityOf<StoredMessage>(item))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/** Marks a queued message sent or cancelled, once (a second dispatcher loses). */
export async function settleMessage(
  season: string,
  id: string,
  status: 'sent' | 'cancelled',
  at: string,
): Promise<boolean> {
  try {
    await documents.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.outbox(season, id),
        UpdateExpression: 'SET #status = :status, sentAt = :at',
        ConditionExpression: '#status = :queued',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': status, ':at': at, ':queued': 'queued' },
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}
