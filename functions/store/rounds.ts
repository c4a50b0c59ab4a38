import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type * as z from 'zod';
import { documents, tableName } from '#commons/clients';
import { batchGet, type Item, isConditionFailure, putIfAbsent, queryAll, queryRange } from '#commons/table';
import { unassignedNeedIdsOf } from '#domain/reassignment';
import { THEMES, type VisitHistoryEntry } from '#schemas/index';
import { keys, ranges, TABLE_KEYS } from '#schemas/keys';
import { DraftRecord, parseRecord, RoundRecord, VisitedRecord, VisitRecord } from '#schemas/records';
import { countyOffers, type OfferRecord, seasonOffers } from './offers.ts';
import { summaryVisitUpdate, writeSummary } from './season-summary.ts';

export type { RoundRecord, VisitRecord };

/** A season's round record, its draft and planned visits, the counties' visit history, the stored plan. */

// ---- history ---------------------------------------------------------------------------------

export async function historyOfCounty(countyId: string): Promise<VisitHistoryEntry[]> {
  const items = await queryRange(ranges.countyHistory(countyId));
  return items.map((item) => parseRecord(VisitedRecord, 'visit history entry', item));
}

export function visitedItem(entry: VisitHistoryEntry): Item {
  return { ...keys.visited(entry.countyId, entry.season), type: 'visited', ...entry };
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
    writeSummary(summaryVisitUpdate({ ...visit, ...names })),
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

async function planVisits(season: string): Promise<PlanVisit[]> {
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

// ---- the stored plan ---------------------------------------------------------------------------

export interface StoredPlan {
  season: string;
  status: RoundRecord['status'];
  visits: {
    id: string;
    countyId: string;
    townId: string;
    questions: { theme: (typeof THEMES)[number]; needIds: string[]; text?: { zh: string; en: string } }[];
    assignments: {
      id: string;
      societyId: string;
      needIds: string[];
      status: string;
      /** 1 for a planned offer; 2 and 3 after a decline or an expiry moved the needs. */
      attempt: number;
      /** The refused offer whose needs this one took over. */
      replaces?: string;
      /** Where this offer's needs went (status `reassigned`). */
      reassignedTo?: string;
    }[];
    unassignedNeedIds: string[];
  }[];
}

/**
 * A season's plan as stored, in the shape of `rounds plan --json` plus ids and offer status: every
 * county (the season's visits and offers, paged), or only `countyId`'s (3 key reads: the round, the
 * visit, a Query of its offers).
 */
export async function storedPlan(season: string, countyId?: string): Promise<StoredPlan | undefined> {
  const [round, visits, offers] = await Promise.all([
    getRound(season),
    countyId ? planVisit(season, countyId).then((v) => (v ? [v] : [])) : planVisits(season),
    countyId ? countyOffers(season, countyId) : seasonOffers(season),
  ]);
  if (!round?.plannedAt) return undefined;
  const offersByCounty = new Map<string, OfferRecord[]>();
  for (const offer of offers) {
    const list = offersByCounty.get(offer.countyId);
    if (list) list.push(offer);
    else offersByCounty.set(offer.countyId, [offer]);
  }
  return {
    season,
    status: round.status,
    visits: visits
      .sort((a, b) => a.countyId.localeCompare(b.countyId))
      .map((visit) => ({
        id: visit.id,
        countyId: visit.countyId,
        townId: visit.townId,
        questions: THEMES.map((theme) => {
          const question = visit.questions.find((q) => q.theme === theme);
          return {
            theme,
            needIds: question?.needIds ?? [],
            ...(question?.text ? { text: question.text } : {}),
          };
        }),
        assignments: (offersByCounty.get(visit.countyId) ?? [])
          // A withdrawn offer left the plan at the coordinator's review, never sent.
          .filter((o) => o.visitId === visit.id && o.status !== 'withdrawn')
          .sort((a, b) => a.societyId.localeCompare(b.societyId))
          .map((o) => ({
            id: o.id,
            societyId: o.societyId,
            needIds: o.needIds,
            status: o.status,
            attempt: o.attempt ?? 1,
            ...(o.replaces ? { replaces: o.replaces } : {}),
            ...(o.reassignedTo ? { reassignedTo: o.reassignedTo } : {}),
          })),
        // Derived from the offers: a need is unassigned when no offered or accepted offer covers it.
        unassignedNeedIds: unassignedNeedIdsOf(visit, offersByCounty.get(visit.countyId) ?? []),
      })),
  };
}
