import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unassignedNeedIdsOf } from '#domain/reassignment';
import { THEMES, type VisitHistoryEntry } from '#schemas/index';
import { keys, ranges, TABLE_KEYS } from '#schemas/keys';
import { DraftRecord, parseRecord, RoundRecord, VisitedRecord, VisitRecord } from '#schemas/records';
import { documents, tableName } from '../clients.ts';
import { seasonOffers } from './offers.ts';
import { type Item, isConditionFailure, putIfAbsent, queryAll, queryRange } from './table.ts';

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

export async function getRound(season: string): Promise<RoundRecord | undefined> {
  const { Item } = await documents().send(
    new GetCommand({ TableName: tableName(), Key: keys.round(season) }),
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

/** Writes a planned visit once; the town is also recorded in the county's visit history. */
export async function putVisitIfAbsent(visit: VisitRecord): Promise<boolean> {
  const created = await putIfAbsent({ ...keys.visit(visit.season, visit.countyId), type: 'visit', ...visit });
  if (created) {
    await putIfAbsent(
      visitedItem({
        season: visit.season as VisitHistoryEntry['season'],
        countyId: visit.countyId,
        townId: visit.townId,
      }),
    );
  }
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
  const items = await queryRange(ranges.seasonVisits(season));
  return items.map((item) => parseRecord(VisitRecord, 'visit', item));
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

/** A season's plan as stored, in the shape of `rounds plan --json` plus ids and offer status. */
export async function storedPlan(season: string): Promise<StoredPlan | undefined> {
  const [round, visits, offers] = await Promise.all([
    getRound(season),
    seasonVisits(season),
    seasonOffers(season),
  ]);
  if (!round?.plannedAt) return undefined;
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
        assignments: offers
          .filter((o) => o.visitId === visit.id)
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
        unassignedNeedIds: unassignedNeedIdsOf(visit, offers),
      })),
  };
}
