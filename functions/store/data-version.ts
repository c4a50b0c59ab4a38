import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documents, tableName } from '#commons/clients';
import { isConditionFailure } from '#commons/table';
import { keys } from '#schemas/keys';

/*
 * The data's version: one item (keys.dataVersion) naming the last migration of
 * functions/migrations/ applied to this table, and when each was applied.
 */

export interface DataVersion {
  /** 0: no migration applied yet (a table older than the migrations, or a fresh one). */
  version: number;
  applied: { version: number; name: string; at: string }[];
}

export async function readDataVersion(): Promise<DataVersion> {
  const { Item } = await documents().send(
    new GetCommand({ TableName: tableName(), Key: keys.dataVersion(), ConsistentRead: true }),
  );
  const version = typeof Item?.version === 'number' ? Item.version : 0;
  const applied = Array.isArray(Item?.applied) ? (Item.applied as DataVersion['applied']) : [];
  return { version, applied };
}

/**
 * Records that migration `version` is applied. Never lowers the version: a second runner that
 * finished the same migration later changes nothing (false).
 */
export async function recordDataVersion(version: number, name: string, at: string): Promise<boolean> {
  try {
    await documents().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.dataVersion(),
        UpdateExpression:
          'SET #type = :type, version = :version, updatedAt = :at, applied = list_append(if_not_exists(applied, :none), :entry)',
        ConditionExpression: 'attribute_not_exists(version) OR version < :version',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: {
          ':type': 'data-version',
          ':version': version,
          ':at': at,
          ':none': [],
          ':entry': [{ version, name, at }],
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
