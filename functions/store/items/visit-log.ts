import { tableName } from '#commons/clients';
import type { VisitLogEntry } from '#schemas/index';
import { keys } from '#schemas/keys';

/** A visit log entry written inside a transaction, once per key (as appendVisitLog does). */
export function logEntryPut(entry: VisitLogEntry) {
  return {
    Put: {
      TableName: tableName(),
      Item: { ...keys.visitLog(entry.visitId, entry.key), type: 'log', ...entry },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}
