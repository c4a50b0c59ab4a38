import { randomUUID } from 'node:crypto';
import { tableName } from '#commons/clients';
import { keys } from '#schemas/keys';
import { AuditRecord } from '#schemas/records';

export type AuditChange = Omit<AuditRecord, 'id' | 'at'> & { at?: string };

/** The audit entry of a change as one item of a TransactWriteCommand (TransactItems). */
export function auditPut(change: AuditChange) {
  const at = change.at ?? new Date().toISOString();
  const id = randomUUID();
  const entry = AuditRecord.parse({ ...change, id, at });
  return {
    Put: {
      TableName: tableName(),
      Item: { ...keys.audit(at, id), type: 'audit', ...entry },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}
