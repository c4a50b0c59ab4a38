import { QueryCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { documents, tableName } from '#commons/clients';
import { entityOf, type Item, isConditionFailure, putIfAbsent, queryPage, queryRange } from '#commons/table';
import type { Audience, DeliveryFailure, Medium, MessageKind, Recipient } from '#schemas/delivery';
import { keys, type OutboxDueStatus, ranges, TABLE_KEYS } from '#schemas/keys';

/**
 * The outbox: messages queued for delivery, one partition per season, and their delivery state.
 * A message still to go out also sits in the sparse `outbox-due` index (dueStatus `OUTBOX#queued`
 * or `OUTBOX#sending`, dueAt): the dispatcher Queries only what is due, claims each message with a
 * lease (one conditional update: a second dispatcher loses), and settles it after the delivery —
 * sent, back to queued for a retry, failed, or cancelled — under the same lease. A dispatcher that
 * dies mid-delivery leaves a lease that runs out, and the message is due again.
 */

export interface OutboxMessage {
  id: string;
  season: string;
  /** Who reads it: a society, the coordinators, a county's liaison. */
  audience: Audience;
  /** How it travels; its adapter is in functions/commons/delivery/. */
  medium: Medium;
  /** The address in that medium (e-mail address, robot URL, phone number). */
  to: string;
  subject: string;
  body: string;
  createdAt: string;
  /** Quiet hours (22:00–07:00 Asia/Shanghai) push this later; the sender waits until then. */
  notBefore: string;
}

/**
 * A message with its delivery state: `queued` (due at `dueAt`), `sending` (claimed by a dispatcher
 * until `leaseUntil`), then `sent`, `cancelled` (a reminder of an answered offer) or `failed`
 * (after `attempts` tries, with the `lastError`, for the coordinator to see).
 */
export interface StoredMessage extends OutboxMessage {
  status: 'queued' | 'sending' | 'sent' | 'cancelled' | 'failed';
  societyId?: string;
  kind?: MessageKind;
  /** Whose contact it goes to; read again at delivery (absent on messages queued before recipients were kept). */
  recipient?: Recipient;
  /** The absolute address of the page where the reader acts. */
  link?: string;
  countyId?: string;
  visitId?: string;
  /** A reminder is only sent while this offer still waits for an answer. */
  offerId?: string;
  /** When it is due next (queued) or when the claim runs out (sending); absent once settled. */
  dueAt?: string;
  leaseUntil?: string;
  leaseId?: string;
  attempts?: number;
  lastError?: string;
  lastErrorCode?: DeliveryFailure;
  lastTriedAt?: string;
  sentAt?: string;
  cancelledAt?: string;
  failedAt?: string;
}

export type MessageKey = Pick<OutboxMessage, 'season' | 'id'>;

const DUE = TABLE_KEYS.outboxDue;
const NAMES = { '#status': 'status', '#dueStatus': DUE.partitionKey, '#dueAt': DUE.sortKey };

/**
 * Queues a message once per id; it is due (in the outbox-due index) at its `notBefore`. A society's
 * message is also on gsi1 under the society, for its team page.
 */
export async function enqueueMessage(message: OutboxMessage & { societyId?: string }): Promise<boolean> {
  return putIfAbsent({
    ...keys.outbox(message.season, message.id),
    ...keys.outboxDue('queued', message.notBefore),
    ...(message.societyId ? keys.messageIndex(message.societyId, message.createdAt, message.id) : {}),
    type: 'message',
    status: 'queued',
    ...message,
  });
}

export async function outbox(season: string): Promise<OutboxMessage[]> {
  const items = await queryRange(ranges.outbox(season));
  return items.map((item) => entityOf<OutboxMessage>(item));
}

export async function seasonOutbox(season: string): Promise<StoredMessage[]> {
  const items = await queryRange(ranges.outbox(season));
  return items
    .map((item) => entityOf<StoredMessage>(item))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/** A society's newest messages, newest first: one page of a Query on gsi1. */
export async function societyMessages(societyId: string, limit: number): Promise<StoredMessage[]> {
  const { items } = await queryPage(ranges.societyMessages(societyId), { ScanIndexForward: false, limit });
  return items.map((item) => entityOf<StoredMessage>(item));
}

/** The keys of the messages of one status due by `at` (`sending`: leases run out), oldest first, a page at a time. */
export async function* dueMessages(
  status: OutboxDueStatus,
  at: string,
  pageSize = 100,
): AsyncGenerator<MessageKey[]> {
  const partition = keys.outboxDue(status, at)[DUE.partitionKey];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await documents().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: DUE.indexName,
        KeyConditionExpression: '#dueStatus = :status AND #dueAt <= :at',
        ExpressionAttributeNames: { '#dueStatus': DUE.partitionKey, '#dueAt': DUE.sortKey },
        ExpressionAttributeValues: { ':status': partition, ':at': at },
        Limit: pageSize,
        ExclusiveStartKey,
      }),
    );
    const items = (page.Items ?? []) as Item[];
    if (items.length > 0) yield items.map((item) => ({ season: String(item.season), id: String(item.id) }));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
}

/** One conditional update; the new item, or undefined when the condition did not hold. */
async function update(
  message: MessageKey,
  input: Omit<UpdateCommandInput, 'TableName' | 'Key'>,
): Promise<Item | undefined> {
  try {
    const { Attributes } = await documents().send(
      new UpdateCommand({ TableName: tableName(), Key: keys.outbox(message.season, message.id), ...input }),
    );
    return Attributes ?? {};
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
}

/**
 * Claims a due message until `lease.until`: queued and due, or sending with its lease run out.
 * Counts the attempt. Undefined when another dispatcher has it, or it was settled meanwhile.
 */
export async function claimMessage(
  message: MessageKey,
  lease: { id: string; at: string; until: string },
): Promise<StoredMessage | undefined> {
  const sending = keys.outboxDue('sending', lease.until);
  const claimed = await update(message, {
    UpdateExpression:
      'SET #status = :sending, #dueStatus = :dueStatus, #dueAt = :until, leaseUntil = :until, leaseId = :lease, attempts = if_not_exists(attempts, :zero) + :one',
    ConditionExpression: '#status IN (:queued, :sending) AND #dueAt <= :at',
    ExpressionAttributeNames: NAMES,
    ExpressionAttributeValues: {
      ':sending': 'sending',
      ':queued': 'queued',
      ':dueStatus': sending[DUE.partitionKey],
      ':until': lease.until,
      ':lease': lease.id,
      ':at': lease.at,
      ':zero': 0,
      ':one': 1,
    },
    ReturnValues: 'ALL_NEW',
  });
  return claimed ? entityOf<StoredMessage>(claimed) : undefined;
}

/** Ends a claim as sent or cancelled; false when the lease was lost meanwhile (another took it over). */
export async function settleClaimed(
  message: MessageKey,
  leaseId: string,
  outcome: 'sent' | 'cancelled',
  at: string,
): Promise<boolean> {
  const settled = await update(message, {
    UpdateExpression: `SET #status = :outcome, ${outcome === 'sent' ? 'sentAt' : 'cancelledAt'} = :at REMOVE #dueStatus, #dueAt, leaseUntil, leaseId`,
    ConditionExpression: '#status = :sending AND leaseId = :lease',
    ExpressionAttributeNames: NAMES,
    ExpressionAttributeValues: { ':outcome': outcome, ':at': at, ':sending': 'sending', ':lease': leaseId },
  });
  return settled !== undefined;
}

/**
 * After a failed delivery: back in the queue, due at `retryAt`, or — when `retryAt` is undefined
 * (no tries left, or the medium refused it for good) — `failed`, out of the index. Both keep the error.
 */
export async function deliveryFailed(
  message: MessageKey,
  leaseId: string,
  failure: { error: string; at: string; retryAt: string | undefined; code?: DeliveryFailure },
): Promise<boolean> {
  const common = {
    ':sending': 'sending',
    ':lease': leaseId,
    ':error': failure.error.slice(0, 1000),
    ':at': failure.at,
    ':code': failure.code ?? 'unreachable',
  };
  const settled = failure.retryAt
    ? await update(message, {
        UpdateExpression:
          'SET #status = :queued, #dueStatus = :dueStatus, #dueAt = :retryAt, lastError = :error, lastErrorCode = :code, lastTriedAt = :at REMOVE leaseUntil, leaseId',
        ConditionExpression: '#status = :sending AND leaseId = :lease',
        ExpressionAttributeNames: NAMES,
        ExpressionAttributeValues: {
          ...common,
          ':queued': 'queued',
          ':dueStatus': keys.outboxDue('queued', failure.retryAt)[DUE.partitionKey],
          ':retryAt': failure.retryAt,
        },
      })
    : await update(message, {
        UpdateExpression:
          'SET #status = :failed, failedAt = :at, lastError = :error, lastErrorCode = :code, lastTriedAt = :at REMOVE #dueStatus, #dueAt, leaseUntil, leaseId',
        ConditionExpression: '#status = :sending AND leaseId = :lease',
        ExpressionAttributeNames: NAMES,
        ExpressionAttributeValues: { ...common, ':failed': 'failed' },
      });
  return settled !== undefined;
}

/**
 * A claimed message goes back to the queue, due at `until`, and the claim's try is taken back
 * (`attempts` as before the claim): the medium asked to wait (a robot's 20-a-minute limit), or
 * the dispatcher held it back to keep that limit. With `failure`, the robot's answer is kept.
 * False when the lease was lost meanwhile.
 */
export async function deferMessage(
  message: MessageKey,
  leaseId: string,
  deferral: { until: string; failure?: { error: string; code: DeliveryFailure; at: string } },
): Promise<boolean> {
  const failure = deferral.failure;
  const settled = await update(message, {
    UpdateExpression: `SET #status = :queued, #dueStatus = :dueStatus, #dueAt = :until, attempts = attempts - :one${
      failure ? ', lastError = :error, lastErrorCode = :code, lastTriedAt = :at' : ''
    } REMOVE leaseUntil, leaseId`,
    ConditionExpression: '#status = :sending AND leaseId = :lease AND attempts >= :one',
    ExpressionAttributeNames: NAMES,
    ExpressionAttributeValues: {
      ':queued': 'queued',
      ':sending': 'sending',
      ':lease': leaseId,
      ':dueStatus': keys.outboxDue('queued', deferral.until)[DUE.partitionKey],
      ':until': deferral.until,
      ':one': 1,
      ...(failure
        ? { ':error': failure.error.slice(0, 1000), ':code': failure.code, ':at': failure.at }
        : {}),
    },
  });
  return settled !== undefined;
}

/** The outbox id of an offer's reminder. */
export function reminderIdOf(offerId: string): string {
  return `${offerId}#reminder`;
}

/**
 * Cancels a message still queued (the reminder of an offer just answered), once; it leaves the
 * due index. False when it was not queued (sent already, being sent, or cancelled before).
 */
export async function settleMessage(
  season: string,
  id: string,
  status: 'cancelled',
  at: string,
): Promise<boolean> {
  const settled = await update(
    { season, id },
    {
      UpdateExpression: 'SET #status = :status, cancelledAt = :at REMOVE #dueStatus, #dueAt',
      ConditionExpression: '#status = :queued',
      ExpressionAttributeNames: NAMES,
      ExpressionAttributeValues: { ':status': status, ':at': at, ':queued': 'queued' },
    },
  );
  return settled !== undefined;
}
