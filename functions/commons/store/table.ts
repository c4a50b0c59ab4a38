import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, PutCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { type KeyRange, TABLE_KEYS } from '#schemas/keys';
import { documents, tableName } from '../clients.ts';

/**
 * Helpers every module on the single table shares. Every read is a key lookup or a Query; every
 * write that a retried step may repeat is conditional, so it lands once.
 */
export type Item = Record<string, unknown>;

/** Key attributes and bookkeeping that belong to the table, not to the entity. */
const TABLE_ATTRIBUTES = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'dueStatus', 'type', 'requestHash']);

/** The entity an item holds, without its keys (requestHash: the fingerprint of a keyed POST /needs). */
export function entityOf<T>(item: Item): T {
  const out: Item = {};
  for (const [key, value] of Object.entries(item)) if (!TABLE_ATTRIBUTES.has(key)) out[key] = value;
  return out as T;
}

/** The Query of a key range: its partition, and its sort-key prefix when it has one. */
export function rangeQuery(range: KeyRange): Omit<QueryCommandInput, 'TableName'> {
  const { partitionKey, sortKey } = range.index ? TABLE_KEYS.gsi1 : TABLE_KEYS;
  return {
    ...(range.index ? { IndexName: range.index } : {}),
    KeyConditionExpression: range.skPrefix ? '#pk = :pk AND begins_with(#sk, :prefix)' : '#pk = :pk',
    ExpressionAttributeNames: range.skPrefix
      ? { '#pk': partitionKey, '#sk': sortKey }
      : { '#pk': partitionKey },
    ExpressionAttributeValues: range.skPrefix
      ? { ':pk': range.pk, ':prefix': range.skPrefix }
      : { ':pk': range.pk },
  };
}

/** Every page of a Query. */
export async function queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<Item[]> {
  const items: Item[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await documents().send(
      new QueryCommand({ TableName: tableName(), ...input, ExclusiveStartKey }),
    );
    items.push(...((page.Items ?? []) as Item[]));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/** Every item of a key range (all pages). */
export function queryRange(
  range: KeyRange,
  options: Pick<QueryCommandInput, 'ScanIndexForward' | 'ConsistentRead'> = {},
): Promise<Item[]> {
  return queryAll({ ...rangeQuery(range), ...options });
}

export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** The cancellation code of each item of a failed transaction; undefined for any other error. */
export function cancellationCodes(error: unknown): (string | undefined)[] | undefined {
  if (error instanceof TransactionCanceledException)
    return (error.CancellationReasons ?? []).map((r) => r.Code);
  return undefined;
}

/** Put unless an item with that key exists. Returns whether it was written. */
export async function putIfAbsent(item: Item): Promise<boolean> {
  try {
    await documents().send(
      new PutCommand({ TableName: tableName(), Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** Writes items 25 at a time, retrying what DynamoDB leaves unprocessed. Items that exist are overwritten. */
export async function batchPut(items: readonly Item[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let RequestItems: Record<string, { PutRequest: { Item: Item } }[]> | undefined = {
      [tableName()]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
    };
    for (let attempt = 0; RequestItems && Object.keys(RequestItems).length > 0; attempt++) {
      if (attempt > 8) throw new Error('DynamoDB kept returning unprocessed items while seeding');
      const result = await documents().send(new BatchWriteCommand({ RequestItems }));
      RequestItems = result.UnprocessedItems as typeof RequestItems;
      if (RequestItems && Object.keys(RequestItems).length > 0)
        await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
    }
  }
}
