import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documents, tableName } from '#commons/clients';
import { cancellationCodes, rangeQuery, transact } from '#commons/table';
import { keys, ranges } from '#schemas/keys';
import { parseRecord, QuestionsRecord } from '#schemas/records';
import { type AuditChange, auditPut } from './items/audit.ts';

/** A season's wording of the five questions, one item a version (pk `SEASON#<s>`, sk `QUESTIONS#000001`). */

export type { QuestionsRecord };

/** The season's newest version (one Query, newest first, Limit 1); undefined when never changed. */
export async function latestQuestions(season: string): Promise<QuestionsRecord | undefined> {
  const page = await documents().send(
    new QueryCommand({
      TableName: tableName(),
      ...rangeQuery(ranges.seasonQuestions(season)),
      ScanIndexForward: false,
      Limit: 1,
      ConsistentRead: true,
    }),
  );
  const item = page.Items?.[0];
  return item ? parseRecord(QuestionsRecord, 'questions', item) : undefined;
}

/** Adds a version with its audit entry; false when that version exists already (another writer won). */
export async function putQuestionsVersion(record: QuestionsRecord, audit: AuditChange): Promise<boolean> {
  try {
    await transact([
      {
        Put: {
          TableName: tableName(),
          Item: { ...keys.seasonQuestions(record.season, record.version), type: 'questions', ...record },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      auditPut(audit),
    ]);
    return true;
  } catch (error) {
    if (cancellationCodes(error)?.[0] === 'ConditionalCheckFailed') return false;
    throw error;
  }
}
