import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { type KeyRange, TABLE_KEYS, type TableKey } from '#schemas/keys';
import { documents, tableName } from './clients.ts';
import { inParallel } from './concurrency.ts';

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

/** Every item of a key range (all pages, of at most `pageSize` items when given). */
export function queryRange(
  range: KeyRange,
  options: Pick<QueryCommandInput, 'ScanIndexForward' | 'ConsistentRead' | 'ProjectionExpression'> & {
    pageSize?: number;
    projectionNames?: Record<string, string>;
  } = {},
): Promise<Item[]> {
  const { pageSize, projectionNames, ...rest } = options;
  const query = rangeQuery(range);
  return queryAll({
    ...query,
    ...rest,
    ...(projectionNames
      ? { ExpressionAttributeNames: { ...query.ExpressionAttributeNames, ...projectionNames } }
      : {}),
    ...(pageSize ? { Limit: pageSize } : {}),
  });
}

/**
 * Every item of a key range, each page mapped by `map` while the next page is on its way: the
 * caller's work on a page (checking, grouping) overlaps DynamoDB's time on the next.
 */
export async function mapRangePages<T>(
  range: KeyRange,
  options: Pick<QueryCommandInput, 'ConsistentRead'> & { pageSize: number },
  map: (items: Item[]) => T[],
): Promise<T[]> {
  const query = { TableName: tableName(), ...rangeQuery(range), Limit: options.pageSize };
  const send = (ExclusiveStartKey?: Record<string, unknown>) =>
    documents().send(
      new QueryCommand({
        ...query,
        ...(options.ConsistentRead ? { ConsistentRead: true } : {}),
        ExclusiveStartKey,
      }),
    );
  const out: T[] = [];
  let pending: ReturnType<typeof send> | undefined = send();
  while (pending) {
    const page: Awaited<ReturnType<typeof send>> = await pending;
    pending = page.LastEvaluatedKey ? send(page.LastEvaluatedKey) : undefined;
    // A page that fails to map leaves the next request unawaited: its failure is not the caller's.
    pending?.catch(() => undefined);
    for (const item of map((page.Items ?? []) as Item[])) out.push(item);
  }
  return out;
}

/** One page of a key range: at most `limit` items, and where to go on from. */
export async function queryPage(
  range: KeyRange,
  options: Pick<QueryCommandInput, 'ScanIndexForward' | 'ExclusiveStartKey'> & { limit: number },
): Promise<{ items: Item[]; next?: Record<string, unknown> }> {
  const { limit, ...rest } = options;
  const page = await documents().send(
    new QueryCommand({ TableName: tableName(), ...rangeQuery(range), ...rest, Limit: limit }),
  );
  return {
    items: (page.Items ?? []) as Item[],
    ...(page.LastEvaluatedKey ? { next: page.LastEvaluatedKey } : {}),
  };
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

/** BatchGetItems at once (each of at most 100 keys). */
const BATCH_GET_CONCURRENCY = 4;

/**
 * Items by key (BatchGetItem, 100 keys a request, a few requests at once, unprocessed keys retried),
 * with the attributes of `projection` only; missing ones are left out, the order is not kept.
 */
export async function batchGet(
  itemKeys: readonly TableKey[],
  projection?: { expression: string; names?: Record<string, string> },
  options: { concurrency?: number } = {},
): Promise<Item[]> {
  const unique = [...new Map(itemKeys.map((k) => [`${k.pk}\u0000${k.sk}`, k])).values()];
  const chunks: TableKey[][] = [];
  for (let i = 0; i < unique.length; i += 100) chunks.push(unique.slice(i, i + 100));
  const pages = await inParallel(chunks, options.concurrency ?? BATCH_GET_CONCURRENCY, async (chunk) => {
    const found: Item[] = [];
    let request: Record<string, { Keys: Item[] }> | undefined = {
      [tableName()]: {
        Keys: chunk,
        ...(projection
          ? {
              ProjectionExpression: projection.expression,
              ...(projection.names ? { ExpressionAttributeNames: projection.names } : {}),
            }
          : {}),
      },
    };
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
      if (attempt > 8) throw new Error('DynamoDB kept returning unprocessed keys');
      const result = await documents().send(new BatchGetCommand({ RequestItems: request }));
      found.push(...((result.Responses?.[tableName()] ?? []) as Item[]));
      request = result.UnprocessedKeys as typeof request;
      if (request && Object.keys(request).length > 0)
        await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
    }
    return found;
  });
  return pages.flat();
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

/** The items of one transaction (TransactWriteItems: all land, or none). */
export type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;

/** Writes `items` in one transaction on the product table. */
export async function transact(items: TransactItems): Promise<void> {
  await documents().send(new TransactWriteCommand({ TransactItems: items }));
}

/** A transaction that lost to another on an item both wrote: worth trying again shortly. */
export function isTransactionConflict(error: unknown): boolean {
  return (
    error instanceof TransactionCanceledException &&
    (error.CancellationReasons ?? []).some((r) => r.Code === 'TransactionConflict')
  );
}

/** Waits before try `attempt + 1`: exponential backoff with full jitter (20 ms × 2^attempt at most). */
export function backoff(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt * Math.random()));
}
