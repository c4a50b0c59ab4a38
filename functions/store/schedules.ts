import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documents, tableName } from '#commons/clients';
import { batchGet, cancellationCodes, type Item, type TransactItems, transact } from '#commons/table';
import type { VisitLogEntry } from '#schemas/index';
import { keys } from '#schemas/keys';
import { parseRecord, ScheduleRecord, ScheduleSubmissionRecord } from '#schemas/records';
import { logEntryPut } from './items/visit-log.ts';

/*
 * A visit's date: one item in the visit's partition (`SCHEDULE`), replaced whole on every proposal
 * under a condition on its version, so two racing proposals never both land; a confirmation is a
 * conditional update of the version it saw. Reminders (docs/architecture.md, "The visit date") read
 * `startsAt`, `status` and `version`.
 */

export type { ScheduleRecord };

const scheduleOf = (item: Item) => parseRecord(ScheduleRecord, 'visit schedule', item);

export async function getSchedule(visitId: string): Promise<ScheduleRecord | undefined> {
  const { Item } = await documents().send(
    new GetCommand({ TableName: tableName(), Key: keys.schedule(visitId) }),
  );
  return Item ? scheduleOf(Item) : undefined;
}

/** The schedules of many visits (BatchGetItem): the coordinator's plan. */
export async function schedulesOf(visitIds: readonly string[]): Promise<Map<string, ScheduleRecord>> {
  const items = await batchGet(visitIds.map((id) => keys.schedule(id)));
  return new Map(items.map((item) => [String(item.visitId), scheduleOf(item)]));
}

/** What a retried request (same caller, same Idempotency-Key) got the first time. */
export async function scheduleSubmission(
  visitId: string,
  caller: string,
  key: string,
): Promise<{ schedule: ScheduleRecord; request?: string | undefined } | undefined> {
  const { Item } = await documents().send(
    new GetCommand({ TableName: tableName(), Key: keys.scheduleSubmission(visitId, caller, key) }),
  );
  return Item ? parseRecord(ScheduleSubmissionRecord, 'schedule submission', Item) : undefined;
}

/** Another request changed the schedule between the read and the write. */
export class ScheduleChangedMeanwhile extends Error {}

export interface ScheduleWrite {
  /** The schedule after the change. */
  schedule: ScheduleRecord;
  /** The version it replaces (undefined: there was none). */
  expectedVersion: number | undefined;
  /** For a confirmation: the status it must still have. */
  expectedStatus?: 'proposed';
  log: VisitLogEntry;
  /** The audit entry, built by the service (store/items/audit.ts). */
  audit: TransactItems[number];
  submission?: { caller: string; key: string; request: string };
}

/**
 * Writes the schedule, its visit log entry, its audit entry and the caller's retry key in one
 * transaction; ScheduleChangedMeanwhile when the version (or status) is no longer the one read.
 */
export async function writeSchedule(write: ScheduleWrite): Promise<void> {
  const { schedule } = write;
  const names: Record<string, string> = { '#version': 'version' };
  const values: Record<string, unknown> = {};
  let condition = 'attribute_not_exists(pk)';
  if (write.expectedVersion !== undefined) {
    condition = '#version = :version';
    values[':version'] = write.expectedVersion;
    if (write.expectedStatus) {
      condition += ' AND #status = :status';
      names['#status'] = 'status';
      values[':status'] = write.expectedStatus;
    }
  }
  const items: TransactItems = [
    {
      Put: {
        TableName: tableName(),
        Item: { ...keys.schedule(schedule.visitId), type: 'visit-schedule', ...schedule },
        ConditionExpression: condition,
        ...(write.expectedVersion === undefined ? {} : { ExpressionAttributeNames: names }),
        ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
      },
    },
    logEntryPut(write.log),
    write.audit,
    ...(write.submission
      ? [
          {
            Put: {
              TableName: tableName(),
              Item: {
                ...keys.scheduleSubmission(schedule.visitId, write.submission.caller, write.submission.key),
                type: 'schedule-submission',
                schedule,
                request: write.submission.request,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ]
      : []),
  ];
  try {
    await transact(items);
  } catch (error) {
    const codes = cancellationCodes(error);
    if (codes?.some((c) => c === 'ConditionalCheckFailed' || c === 'TransactionConflict'))
      throw new ScheduleChangedMeanwhile('the visit date changed meanwhile');
    throw error;
  }
}
