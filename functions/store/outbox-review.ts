import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documents, tableName } from '#commons/clients';
import { entityOf, type Item, rangeQuery } from '#commons/table';
import { keys, ranges, TABLE_KEYS } from '#schemas/keys';

/*
 * The coordinator's reading of the outbox (GET /notifications) and sending a failed message again.
 * The outbox is one partition per season: a page is one Query of it, filtered by status. Messages
 * are typed by the caller (StoredMessage in functions/store/outbox.ts; a store module imports no sibling).
 */

const encodeCursor = (key: Record<string, unknown>) =>
  Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

function decodeCursor(season: string, cursor: string): Record<string, unknown> | undefined {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
      pk?: unknown;
      sk?: unknown;
    };
    if (key.pk === keys.outbox(season, '').pk && typeof key.sk === 'string')
      return { pk: key.pk, sk: key.sk };
  } catch {
    // not a cursor of ours
  }
  return undefined;
}

/**
 * One page of the season's messages in any of `statuses` (all when undefined): one Query of `limit`
 * items read, so a page may hold fewer matches than `limit` and still have a cursor. Undefined for
 * a cursor that is not this season's.
 */
export async function outboxPage<T>(
  season: string,
  statuses: readonly string[] | undefined,
  limit: number,
  cursor?: string,
): Promise<{ items: T[]; cursor?: string } | undefined> {
  const start = cursor === undefined ? undefined : decodeCursor(season, cursor);
  if (cursor !== undefined && !start) return undefined;
  const query = rangeQuery(ranges.outbox(season));
  const filter = statuses?.length
    ? {
        FilterExpression: `#status IN (${statuses.map((_, i) => `:s${i}`).join(', ')})`,
        ExpressionAttributeNames: { ...query.ExpressionAttributeNames, '#status': 'status' },
        ExpressionAttributeValues: {
          ...query.ExpressionAttributeValues,
          ...Object.fromEntries(statuses.map((s, i) => [`:s${i}`, s])),
        },
      }
    : {};
  const page = await documents().send(
    new QueryCommand({
      TableName: tableName(),
      ...query,
      ...filter,
      Limit: limit,
      ...(start ? { ExclusiveStartKey: start } : {}),
    }),
  );
  return {
    items: ((page.Items ?? []) as Item[]).map((item) => entityOf<T>(item)),
    ...(page.LastEvaluatedKey ? { cursor: encodeCursor(page.LastEvaluatedKey) } : {}),
  };
}

export async function getMessage<T>(season: string, id: string): Promise<T | undefined> {
  const { Item: item } = await documents().send(
    new GetCommand({ TableName: tableName(), Key: keys.outbox(season, id) }),
  );
  return item ? entityOf<T>(item as Item) : undefined;
}

/**
 * A failed message back in the queue, due `at`, as one item of the resend's transaction: attempts
 * start again; its last error stays as history. Only while it is `failed`.
 */
export function requeueFailedUpdate(season: string, id: string, at: string) {
  const due = keys.outboxDue('queued', at);
  const DUE = TABLE_KEYS.outboxDue;
  return {
    Update: {
      TableName: tableName(),
      Key: keys.outbox(season, id),
      UpdateExpression:
        'SET #status = :queued, #dueStatus = :dueStatus, #dueAt = :at, attempts = :zero, resentAt = :at',
      ConditionExpression: '#status = :failed',
      ExpressionAttributeNames: {
        '#status': 'status',
        '#dueStatus': DUE.partitionKey,
        '#dueAt': DUE.sortKey,
      },
      ExpressionAttributeValues: {
        ':queued': 'queued',
        ':failed': 'failed',
        ':dueStatus': due[DUE.partitionKey],
        ':at': at,
        ':zero': 0,
      },
    },
  };
}
