import { QueryCommand, type TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { documents, tableName } from '#commons/clients';
import { rangeQuery, transact } from '#commons/table';
import { ranges } from '#schemas/keys';
import { AuditRecord, parseRecord } from '#schemas/records';
import { type AuditChange, auditPut } from './items/audit.ts';

/*
 * The audit log (pk `AUDIT`, sk `<at>#<id>`): every change a coordinator makes — catalog, questions,
 * overrides, approvals, hand placements — with who, when, what, before → after. An entry is written
 * in the same transaction as its change (`auditPut` gives the transaction's item), so the log never
 * misses a change nor names one that did not happen.
 */

export type { AuditChange, AuditRecord };

/**
 * Appends one entry on its own. Prefer `auditPut` inside the change's own transaction; this is for
 * a change that is itself a single conditional write elsewhere (pass it as `alongside`, then both
 * land or neither does).
 */
export async function appendAudit(
  change: AuditChange,
  alongside: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [],
): Promise<void> {
  await transact([...alongside, auditPut(change)]);
}

const encodeCursor = (key: Record<string, unknown>) =>
  Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

function decodeCursor(cursor: string): Record<string, unknown> | undefined {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (key && typeof key === 'object' && 'pk' in key && 'sk' in key) {
      const { pk, sk } = key as { pk: unknown; sk: unknown };
      if (pk === ranges.audit().pk && typeof sk === 'string') return { pk, sk };
    }
  } catch {
    // fall through: not a cursor of ours
  }
  return undefined;
}

/** One page of the log, newest first (one Query); undefined for a cursor that is not ours. */
export async function auditPage(
  limit: number,
  cursor?: string,
): Promise<{ items: AuditRecord[]; cursor?: string } | undefined> {
  const start = cursor === undefined ? undefined : decodeCursor(cursor);
  if (cursor !== undefined && !start) return undefined;
  const page = await documents().send(
    new QueryCommand({
      TableName: tableName(),
      ...rangeQuery(ranges.audit()),
      ScanIndexForward: false,
      Limit: limit,
      ...(start ? { ExclusiveStartKey: start } : {}),
    }),
  );
  const items = (page.Items ?? []).map((item) => parseRecord(AuditRecord, 'audit entry', item));
  return {
    items,
    ...(page.LastEvaluatedKey ? { cursor: encodeCursor(page.LastEvaluatedKey) } : {}),
  };
}
