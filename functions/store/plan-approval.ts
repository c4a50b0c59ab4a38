import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documents, tableName } from '#commons/clients';
import { cancellationCodes, isConditionFailure } from '#commons/table';
import { keys } from '#schemas/keys';
import { parseRecord, RoundRecord } from '#schemas/records';
import { getRound } from './rounds.ts';

/**
 * The coordinator's review of a season's plan (AwaitPlanApproval), on the season's round item:
 * the waiting task's token, then who approved it and when. Approving is one conditional transaction
 * (the round and its log entry), so the coordinator, the timeout and a re-plan in progress can not
 * both win.
 */

type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;

/** The round as approved, or the refusal: `not-planned`, `approved` (already), `replanning`. */
export type ApprovalResult =
  | { ok: true; round: RoundRecord }
  | { ok: false; reason: 'not-planned' | 'approved' | 'replanning'; round?: RoundRecord };

/** Keeps the waiting task's token; 'approved' when the plan was approved before the wait began. */
export async function awaitApproval(
  season: string,
  taskToken: string,
  deadline: string,
): Promise<'waiting' | 'approved'> {
  try {
    await documents().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.round(season),
        UpdateExpression: 'SET #status = :awaiting, approvalToken = :token, approvalDeadline = :deadline',
        ConditionExpression: 'attribute_exists(plannedAt) AND attribute_not_exists(approvedAt)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':awaiting': 'awaiting-approval',
          ':token': taskToken,
          ':deadline': deadline,
        },
      }),
    );
    return 'waiting';
  } catch (error) {
    if (isConditionFailure(error)) return 'approved';
    throw error;
  }
}

/**
 * Approves the plan once: by a coordinator (their user id), `timeout` or `auto-approve`. Refused
 * while a re-plan holds its lease (`replanUntil` after `at`), unless `force` (the timeout: the round
 * goes on whatever the console does).
 */
export async function approvePlan(
  season: string,
  by: string,
  at: string,
  options: {
    force?: boolean;
    /** More items of the same transaction (the coordinator's audit entry). */
    alongside?: TransactItems;
  } = {},
): Promise<ApprovalResult> {
  // The approval, its round-log entry (and the audit entry) are one transaction: a crash between
  // two writes would leave an approved plan the logs never mention (a re-run skips the approval).
  try {
    await documents().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: tableName(),
              Key: keys.round(season),
              UpdateExpression:
                'SET #status = :approved, approvedBy = :by, approvedAt = :at REMOVE replanUntil',
              ConditionExpression: `attribute_exists(plannedAt) AND attribute_not_exists(approvedAt) AND #status <> :completed${
                options.force ? '' : ' AND (attribute_not_exists(replanUntil) OR replanUntil < :at)'
              }`,
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':approved': 'approved',
                ':by': by,
                ':at': at,
                ':completed': 'completed',
              },
            },
          },
          {
            Put: {
              TableName: tableName(),
              Item: {
                ...keys.roundLog(season, 'plan-approved'),
                type: 'round-log',
                kind: 'plan-approved',
                season,
                by,
                at,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          ...(options.alongside ?? []),
        ],
      }),
    );
  } catch (error) {
    if (!cancellationCodes(error)?.includes('ConditionalCheckFailed')) throw error;
    return refusal(season);
  }
  const round = await getRound(season, { consistent: true });
  if (!round) throw new Error(`round of ${season} not found after its approval`);
  return { ok: true, round };
}

/**
 * Takes the season's re-plan lease until `until`: only while the plan waits for approval, and one
 * re-plan at a time. Returns the round, or the refusal as in `approvePlan`.
 */
export async function claimReplan(season: string, at: string, until: string): Promise<ApprovalResult> {
  try {
    const { Attributes } = await documents().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.round(season),
        UpdateExpression: 'SET replanUntil = :until',
        ConditionExpression:
          'attribute_exists(plannedAt) AND attribute_not_exists(approvedAt) AND #status <> :completed AND (attribute_not_exists(replanUntil) OR replanUntil < :at)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':until': until, ':at': at, ':completed': 'completed' },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return { ok: true, round: parseRecord(RoundRecord, 'round', Attributes ?? {}) };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    return refusal(season);
  }
}

/** Why a conditional update on the round was refused, read back from the round. */
async function refusal(season: string): Promise<ApprovalResult> {
  const round = await getRound(season);
  if (!round?.plannedAt) return { ok: false, reason: 'not-planned', ...(round ? { round } : {}) };
  if (round.approvedAt || round.status === 'completed') return { ok: false, reason: 'approved', round };
  return { ok: false, reason: 'replanning', round };
}

/** Gives the re-plan lease back (only the holder's: `until` is the value it set). */
export async function releaseReplan(season: string, until: string): Promise<void> {
  await documents()
    .send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.round(season),
        UpdateExpression: 'REMOVE replanUntil',
        ConditionExpression: 'replanUntil = :until',
        ExpressionAttributeValues: { ':until': until },
      }),
    )
    .catch((error: unknown) => {
      if (!isConditionFailure(error)) throw error;
    });
}
