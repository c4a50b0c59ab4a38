import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documents, tableName } from '#commons/clients';
import { batchGet, type Item, isConditionFailure, queryRange } from '#commons/table';
import { keys, ranges, TABLE_KEYS } from '#schemas/keys';
import { AttachmentRecord, parseRecord } from '#schemas/records';

/**
 * A visit's photos, in the visit's partition (`ATTACHMENT#<id>`): listing them is one Query of it.
 * A pending one (announced, not yet uploaded and checked) carries a TTL, so an upload never made
 * leaves nothing behind; confirming it removes the TTL.
 */

const recordOf = (item: Item): AttachmentRecord => parseRecord(AttachmentRecord, 'attachment', item);

/** How long an announced attachment waits for its bytes before the table forgets it. */
const PENDING_SECONDS = 2 * 24 * 3600;

export type CreateAttachmentOutcome =
  | { kind: 'created'; attachment: AttachmentRecord }
  | { kind: 'replayed'; attachment: AttachmentRecord }
  | { kind: 'key-reused' };

/**
 * Writes a new pending attachment unless its id exists. With an Idempotency-Key the id comes from the
 * key (domain/attachments.ts), so a retry meets the first item: the same request (`requestHash`)
 * replays it, another is `key-reused`.
 */
export async function createAttachmentOnce(
  attachment: AttachmentRecord,
  requestHash: string,
): Promise<CreateAttachmentOutcome> {
  const item = {
    ...keys.attachment(attachment.visitId, attachment.id),
    type: 'attachment',
    ...attachment,
    requestHash,
    [TABLE_KEYS.ttlAttribute]: Math.floor(Date.parse(attachment.createdAt) / 1000) + PENDING_SECONDS,
  };
  try {
    await documents().send(
      new PutCommand({ TableName: tableName(), Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    return { kind: 'created', attachment };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
  const existing = await readItem(attachment.visitId, attachment.id);
  if (!existing) return { kind: 'key-reused' };
  return existing.requestHash === requestHash
    ? { kind: 'replayed', attachment: recordOf(existing) }
    : { kind: 'key-reused' };
}

async function readItem(visitId: string, attachmentId: string): Promise<Item | undefined> {
  const { Item } = await documents().send(
    new GetCommand({
      TableName: tableName(),
      Key: keys.attachment(visitId, attachmentId),
      ConsistentRead: true,
    }),
  );
  return Item;
}

export async function getAttachment(
  visitId: string,
  attachmentId: string,
): Promise<AttachmentRecord | undefined> {
  const item = await readItem(visitId, attachmentId);
  return item ? recordOf(item) : undefined;
}

/** Attachments of a visit by id (BatchGetItem); missing ones are left out. */
export async function attachmentsByIds(
  visitId: string,
  attachmentIds: readonly string[],
): Promise<AttachmentRecord[]> {
  const items = await batchGet(attachmentIds.map((id) => keys.attachment(visitId, id)));
  return items.map(recordOf);
}

/** Every attachment of a visit (one Query of its partition), oldest first. */
export async function visitAttachments(visitId: string): Promise<AttachmentRecord[]> {
  const items = await queryRange(ranges.visitAttachments(visitId));
  return items
    .map(recordOf)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/**
 * Settles a pending attachment once its bytes were checked: `stored` (with the size stored, its TTL
 * removed) or `rejected`. Only a pending one changes; returns whether this call changed it.
 */
export async function settleAttachment(
  visitId: string,
  attachmentId: string,
  outcome:
    | { status: 'stored'; size: number; at: string }
    | { status: 'rejected'; reason: string; at: string },
): Promise<boolean> {
  try {
    await documents().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.attachment(visitId, attachmentId),
        UpdateExpression:
          outcome.status === 'stored'
            ? 'SET #status = :status, #size = :size, storedAt = :at REMOVE #ttl'
            : 'SET #status = :status, rejectedReason = :reason, storedAt = :at',
        ConditionExpression: 'attribute_exists(pk) AND #status = :pending',
        ExpressionAttributeNames: {
          '#status': 'status',
          ...(outcome.status === 'stored' ? { '#size': 'size', '#ttl': TABLE_KEYS.ttlAttribute } : {}),
        },
        ExpressionAttributeValues: {
          ':status': outcome.status,
          ':pending': 'pending',
          ':at': outcome.at,
          ...(outcome.status === 'stored' ? { ':size': outcome.size } : { ':reason': outcome.reason }),
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** Sets (or, with an empty text, removes) an attachment's caption. */
export async function setCaption(
  visitId: string,
  attachmentId: string,
  caption: string,
): Promise<AttachmentRecord> {
  const { Attributes } = await documents().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.attachment(visitId, attachmentId),
      UpdateExpression: caption ? 'SET caption = :caption' : 'REMOVE caption',
      ConditionExpression: 'attribute_exists(pk)',
      ...(caption ? { ExpressionAttributeValues: { ':caption': caption } } : {}),
      ReturnValues: 'ALL_NEW',
    }),
  );
  return recordOf(Attributes as Item);
}

/**
 * Marks an attachment removed (nothing deletes an item: infra/table.ts); the table forgets it after a
 * while through its TTL.
 */
export async function markRemoved(visitId: string, attachmentId: string, at: string): Promise<void> {
  await documents().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.attachment(visitId, attachmentId),
      UpdateExpression: 'SET #status = :removed, removedAt = :at, #ttl = :ttl',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#status': 'status', '#ttl': TABLE_KEYS.ttlAttribute },
      ExpressionAttributeValues: {
        ':removed': 'removed',
        ':at': at,
        ':ttl': Math.floor(Date.parse(at) / 1000) + PENDING_SECONDS,
      },
    }),
  );
}
