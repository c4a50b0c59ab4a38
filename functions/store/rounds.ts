import { GetCommand, type TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type * as z from 'zod';
import { documents, tableName } from '#commons/clients';
import {
  batchGet,
  cancellationCodes,
  type Item,
  isConditionFailure,
  putIfAbsent,
  queryAll,
  queryRange,
  transact,
} from '#commons/table';
import type { VisitHistoryEntry } from '#schemas/index';
import { keys, ranges, TABLE_KEYS } from '#schemas/keys';
import { DraftRecord, parseRecord, RoundRecord, VisitedRecord, VisitRecord } from '#schemas/records';
import { summaryVisitUpdate } from './items/summary.ts';
import { visitedItem } from './items/visit.ts';

export type { RoundRecord, VisitRecord };

/**
 * A season's round record (with the coordinator's review of its plan), its draft and planned
 * visits, and the counties' visit history.
 */

// ---- history ---------------------------------------------------------------------------------

export async function historyOfCounty(countyId: string): Promise<VisitHistoryEntry[]> {
  const items = await queryRange(ranges.countyHistory(countyId));
  return items.map((item) => parseRecord(VisitedRecord, 'visit history entry', item));
}

// ---- the round ---------------------------------------------------------------------------------

export async function getRound(
  season: string,
  options: { consistent?: boolean } = {},
): Promise<RoundRecord | undefined> {
  const { Item } = await documents().send(
    new GetCommand({
      TableName: tableName(),
      Key: keys.round(season),
      ...(options.consistent ? { ConsistentRead: true } : {}),
    }),
  );
  return Item ? parseRecord(RoundRecord, 'round', Item) : undefined;
}

export async function startRound(season: string, at: string): Promise<void> {
  await putIfAbsent({ ...keys.round(season), type: 'round', season, status: 'running', startedAt: at });
}

export async function markRoundPlanned(season: string, at: string): Promise<void> {
  await documents().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.round(season),
      UpdateExpression: 'SET #status = :planned, plannedAt = if_not_exists(plannedAt, :at)',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':planned': 'planned', ':at': at },
    }),
  );
}

export async function markRoundCompleted(
  season: string,
  at: string,
  summary: Record<string, number>,
): Promise<void> {
  await documents()
    .send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.round(season),
        UpdateExpression: 'SET #status = :completed, completedAt = :at, summary = :summary',
        ConditionExpression: 'attribute_exists(pk) AND #status <> :completed',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':completed': 'completed', ':at': at, ':summary': summary },
      }),
    )
    .catch((error: Error) => {
      // Completed already (a re-run of the season): the first completion stands.
      if (!isConditionFailure(error)) throw error;
    });
}

// ---- planned visits ----------------------------------------------------------------------------

/**
 * Writes a planned visit once; the town is also recorded in the county's visit history, and the
 * visit's town and needs on the county summary (each idempotent, so a retry completes them).
 */
export async function putVisitIfAbsent(
  visit: VisitRecord,
  names: { countyName?: { zh: string; en: string }; townName?: { zh: string; en: string } } = {},
): Promise<boolean> {
  const created = await putIfAbsent({ ...keys.visit(visit.season, visit.countyId), type: 'visit', ...visit });
  await Promise.all([
    putIfAbsent(
      visitedItem({
        season: visit.season as VisitHistoryEntry['season'],
        countyId: visit.countyId,
        townId: visit.townId,
      }),
    ),
    documents().send(new UpdateCommand(summaryVisitUpdate({ ...visit, ...names }))),
  ]);
  return created;
}

export async function getVisit(season: string, countyId: string): Promise<VisitRecord | undefined> {
  const { Item } = await documents().send(
    new GetCommand({ TableName: tableName(), Key: keys.visit(season, countyId) }),
  );
  return Item ? parseRecord(VisitRecord, 'visit', Item) : undefined;
}

/** A season's planned visits (one Query; the large draft visits are not read). */
export async function seasonVisits(season: string): Promise<VisitRecord[]> {
  const items = await queryRange(ranges.seasonVisits(season), { pageSize: 200 });
  return items.map((item) => parseRecord(VisitRecord, 'visit', item));
}

/** What a plan shows of a visit: no ranking, no explanation (the large fields). */
const PLAN_PROJECTION = {
  ProjectionExpression: '#id, #season, countyId, townId, questions, unassignedNeedIds, plannedAt',
  projectionNames: { '#id': 'id', '#season': 'season' },
};
const PlanVisit = VisitRecord.pick({
  id: true,
  season: true,
  countyId: true,
  townId: true,
  questions: true,
  unassignedNeedIds: true,
  plannedAt: true,
});
type PlanVisit = z.infer<typeof PlanVisit>;

/** Visits by key with what a plan shows of them (BatchGetItem). */
export async function planVisitsByKeys(
  visitKeys: readonly { season: string; countyId: string }[],
): Promise<PlanVisit[]> {
  const items = await batchGet(
    visitKeys.map((v) => keys.visit(v.season, v.countyId)),
    { expression: PLAN_PROJECTION.ProjectionExpression, names: PLAN_PROJECTION.projectionNames },
  );
  return items.map((item) => parseRecord(PlanVisit, 'visit', item));
}

export async function planVisits(season: string): Promise<PlanVisit[]> {
  const items = await queryRange(ranges.seasonVisits(season), { pageSize: 500, ...PLAN_PROJECTION });
  return items.map((item) => parseRecord(PlanVisit, 'visit', item));
}

/** A visit without its large fields (one GetItem, projected). */
export async function planVisit(season: string, countyId: string): Promise<PlanVisit | undefined> {
  const { Item } = await documents().send(
    new GetCommand({
      TableName: tableName(),
      Key: keys.visit(season, countyId),
      ProjectionExpression: PLAN_PROJECTION.ProjectionExpression,
      ExpressionAttributeNames: PLAN_PROJECTION.projectionNames,
    }),
  );
  return Item ? parseRecord(PlanVisit, 'visit', Item) : undefined;
}

// ---- draft plan (passed by reference between the planning steps) ---------------------------------

/**
 * A county's draft visit as the planning steps pass it on: written by the state machine
 * (SaveDraftVisit, the framed visit as JSON), then given its assignment by AssignSocieties, then
 * made into the season's visits and offers by PersistPlan. Only keys travel in the payloads, so a
 * round of any size stays within Step Functions' 256 KB.
 */
export type DraftVisit = DraftRecord;

function draftsOf(items: Item[]): DraftVisit[] {
  return items
    .map((item) => {
      const { explain, ...draft } = parseRecord(DraftRecord, 'draft visit', item);
      return explain ? { ...draft, explain } : draft;
    })
    .sort((a, b) => a.visit.countyId.localeCompare(b.visit.countyId));
}

export async function seasonDrafts(season: string): Promise<DraftVisit[]> {
  return draftsOf(await queryRange(ranges.seasonDrafts(season)));
}

/** The draft visits of the counties from `first` to `last` (id order): one Query on a sort-key range. */
export async function draftsBetween(season: string, first: string, last: string): Promise<DraftVisit[]> {
  const from = keys.draft(season, first);
  return draftsOf(
    await queryAll({
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :first AND :last',
      ExpressionAttributeNames: { '#pk': TABLE_KEYS.partitionKey, '#sk': TABLE_KEYS.sortKey },
      ExpressionAttributeValues: { ':pk': from.pk, ':first': from.sk, ':last': keys.draft(season, last).sk },
    }),
  );
}

export async function saveDraftAssignment(
  season: string,
  countyId: string,
  assignment: Required<Omit<DraftVisit, 'visit'>>,
): Promise<void> {
  await documents().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.draft(season, countyId),
      UpdateExpression:
        'SET assignments = :assignments, unassignedNeedIds = :unassigned, #explain = :explain',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#explain': 'explain' },
      ExpressionAttributeValues: {
        ':assignments': assignment.assignments,
        ':unassigned': assignment.unassignedNeedIds,
        ':explain': assignment.explain,
      },
    }),
  );
}

// ---- the coordinator's review of the plan --------------------------------------------------------

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
    await transact([
      {
        Update: {
          TableName: tableName(),
          Key: keys.round(season),
          UpdateExpression: 'SET #status = :approved, approvedBy = :by, approvedAt = :at REMOVE replanUntil',
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
    ]);
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
