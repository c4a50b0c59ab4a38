import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { documents, tableName } from './clients.ts';

/** Helpers every module on the single table shares. */
export type Item = Record<string, unknown>;

/** Key attributes and bookkeeping that belong to the table, not to the entity. */
const TABLE_ATTRIBUTES = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'type', 'requestHash']);

/** The entity an item holds, without its keys (requestHash: the fingerprint of a keyed POST /needs). */
export function entityOf<T>(item: Item): T {
  const out: Item = {};
  for (const [key, value] of Object.entries(item)) if (!TABLE_ATTRIBUTES.has(key)) out[key] = value;
  return out as T;
}

/** Every page of a Query. */
export async function queryAll(input: Omit<QueryCommandInput, 'TableName'>): Promise<Item[]> {
  const items: Item[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new QueryCommand({ TableName: tableName, ...input, ExclusiveStartKey }),
    );
    items.push(...((page.Items ?? []) as Item[]));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
