import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type {
  County,
  FramedVisit,
  Society,
  StoredNeed,
  VisitHistoryEntry,
  VisitLogEntry,
} from '#schemas/index';
import { documents, tableName } from './clients.ts';
import { entityOf, type Item, isConditionFailure, queryAll } from './items.ts';
import { keys, offerId, parseOfferId, visitId } from './keys.ts';

/**
 * The product's reads and writes on its one table. Every read is a key lookup or a Query;
 * every write that a retried step may repeat is conditional, so it lands once.
 */

/** Put unless an item with that key exists. Returns whether it was written. */
async function putIfAbsent(item: Item): Promise<boolean> {
  try {
    await documents.send(
      new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

// ---- catalog ---------------------------------------------------------------------------------

export async function listCounties(): Promise<County[]> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': 'CATALOG', ':prefix': 'COUNTY#' },
  });
  return items.map((item) => entityOf<County>(item));
}

export async function getCounty(countyId: string): Promise<County | undefined> {
  const { Item } = await documents.send(new GetCommand({ TableName: tableName, Key: keys.county(countyId) }));
  return Item ? entityOf<County>(Item) : undefined;
}

export async function listSocieties(): Promise<Society[]> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': 'CATALOG', ':prefix': 'SOCIETY#' },
  });
  return items.map((item) => entityOf<Society>(item));
}

export async function getSociety(societyId: string): Promise<Society | undefined> {
  const { Item } = await documents.send(
    new GetCommand({ TableName: tableName, Key: keys.society(societyId) }),
  );
  return Item ? entityOf<Society>(Item) : undefined;
}

/** True when the catalog holds at least one county: the embedded runtime seeds an empty database. */
export async function hasCatalog(): Promise<boolean> {
  const page = await documents.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'CATALOG' },
      Limit: 1,
    }),
  );
  return (page.Items?.length ?? 0) > 0;
}

// ---- needs -----------------------------------------------------------------------------------

export function needItem(need: StoredNeed): Item {
  return {
    ...keys.need(need.id),
    ...keys.needIndex(need.countyId, need.status, need.townId, need.id),
    type: 'need',
    ...need,
  };
}

export async function openNeedsOfCounty(countyId: string): Promise<StoredNeed[]> {
  const items = await queryAll({
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :open)',
    ExpressionAttributeValues: { ':pk': `COUNTY#${countyId}#NEEDS`, ':open': 'open#' },
  });
  return items.map((item) => entityOf<StoredNeed>(item));
}

export async function getNeed(needId: string): Promise<StoredNeed | undefined> {
  const { Item } = await documents.send(new GetCommand({ TableName: tableName, Key: keys.need(needId) }));
  return Item ? entityOf<StoredNeed>(Item) : undefined;
}

// ---- history ---------------------------------------------------------------------------------

export async function historyOfCounty(countyId: string): Promise<VisitHistoryEntry[]> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': `COUNTY#${countyId}`, ':prefix': 'VISITED#' },
  });
  return items.map((item) => ({ season: item.season, countyId, townId: item.townId }) as VisitHistoryEntry);
}

export function visitedItem(entry: VisitHistoryEntry): Item {
  return { ...keys.visited(entry.countyId, entry.season), type: 'visited', ...entry };
}

// ---- seeding ---------------------------------------------------------------------------------

/** Loads a whole data set; used to seed an empty database. Items that exist are overwritten. */
export async function writeCatalog(data: {
  counties: County[];
  societies: Society[];
  needs: StoredNeed[];
  visits: VisitHistoryEntry[];
}): Promise<number> {
  const items: Item[] = [
    ...data.counties.map((c) => ({ ...keys.county(c.id), type: 'county', ...c })),
    ...data.societies.map((s) => ({ ...keys.society(s.id), type: 'society', ...s })),
    ...data.needs.map(needItem),
    ...data.visits.map(visitedItem),
  ];
  for (let i = 0; i < items.length; i += 25) {
    let RequestItems: Record<string, { PutRequest: { Item: Item } }[]> | undefined = {
      [tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
    };
    for (let attempt = 0; RequestItems && Object.keys(RequestItems).length > 0; attempt++) {
      if (attempt > 8) throw new Error('DynamoDB kept returning unprocessed items while seeding');
      const result = await documents.send(new BatchWriteCommand({ RequestItems }));
      RequestItems = result.UnprocessedItems as typeof RequestItems;
      if (RequestItems && Object.keys(RequestItems).length > 0)
        await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
    }
  }
  return items.length;
}

// ---- rounds, visits, offers --------------------------------------------------------------------

export interface RoundRecord {
  season: string;
  status: 'running' | 'planned' | 'completed';
  startedAt: string;
  plannedAt?: string;
  completedAt?: string;
  summary?: Record<string, number>;
}

export async function getRound(season: string): Promise<RoundRecord | undefined> {
  const { Item } = await documents.send(new GetCommand({ TableName: tableName, Key: keys.round(season) }));
  return Item ? entityOf<RoundRecord>(Item) : undefined;
}

export async function startRound(season: string, at: string): Promise<void> {
  await putIfAbsent({ ...keys.round(season), type: 'round', season, status: 'running', startedAt: at });
}

export async function markRoundPlanned(season: string, at: string): Promise<void> {
  await documents.send(
    new UpdateCommand({
      TableName: tableName,
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
  await documents
    .send(
      new UpdateCommand({
        TableName: tableName,
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

export interface VisitRecord {
  id: string;
  season: string;
  countyId: string;
  townId: string;
  questions: { theme: string; needIds: string[] }[];
  ranking: unknown[];
  unassignedNeedIds: string[];
  /** Why this town and these societies (domain/explain.ts), stored with the plan. */
  explain?: unknown;
  plannedAt: string;
}

export interface OfferRecord {
  id: string;
  season: string;
  visitId: string;
  countyId: string;
  townId: string;
  societyId: string;
  needIds: string[];
  status: 'offered' | 'accepted' | 'declined' | 'expired' | 'reassigned';
  createdAt: string;
  offeredAt?: string;
  taskToken?: string;
  decision?: 'accept' | 'decline';
  decidedBy?: string;
  reason?: string;
  answeredAt?: string;
  /** 1 for a planned offer, 2 and 3 for the societies its needs moved to (rule 6). */
  attempt?: number;
  /** The offer whose needs this one took over. */
  replaces?: string;
  /** The offer that took over this one's needs (status `reassigned`). */
  reassignedTo?: string;
  /** How a reassigned offer ended: `declined` or `expired`. */
  endedAs?: 'declined' | 'expired';
  /** When the waiting task times out. */
  deadline?: string;
}

/** An offer by its id (`<season>.<countyId>.<societyId>`); undefined for a malformed id. */
export async function getOfferById(id: string): Promise<OfferRecord | undefined> {
  const parts = parseOfferId(id);
  return parts && getOffer(parts.season, parts.countyId, parts.societyId);
}

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

/**
 * Creates an offer and takes one unit of the society's capacity in one transaction,
 * so a retried or concurrent write can neither duplicate the offer nor exceed the capacity.
 * Returns 'created', 'exists' or 'full'.
 */
export async function createOffer(
  offer: Omit<OfferRecord, 'id' | 'visitId' | 'status'>,
  capacityPerSeason: number,
): Promise<'created' | 'exists' | 'full'> {
  // Offers of one society written side by side contend for its capacity item: try again shortly.
  for (let attempt = 0; ; attempt++) {
    try {
      return await createOfferOnce(offer, capacityPerSeason);
    } catch (error) {
      const conflict =
        error instanceof TransactionCanceledException &&
        (error.CancellationReasons ?? []).some((r) => r.Code === 'TransactionConflict');
      if (!conflict || attempt >= 8) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt * Math.random()));
    }
  }
}

/**
 * The two writes that make an offer: the offer item (only if absent) and one unit of the society's
 * capacity (never past `capacityPerSeason`). Transactions add them to whatever else must hold.
 */
export function newOfferWrites(
  offer: Omit<OfferRecord, 'id' | 'visitId' | 'status'> & Record<string, unknown>,
  capacityPerSeason: number,
) {
  return [
    {
      Put: {
        TableName: tableName,
        Item: {
          ...keys.offer(offer.season, offer.countyId, offer.societyId),
          ...keys.offerIndex(offer.season, offer.countyId, offer.societyId),
          type: 'offer',
          ...offer,
          id: offerId(offer.season, offer.countyId, offer.societyId),
          visitId: visitId(offer.season, offer.countyId),
          status: 'offered',
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      Update: {
        TableName: tableName,
        Key: keys.capacity(offer.season, offer.societyId),
        UpdateExpression: 'SET #type = :type, societyId = :society ADD used :one',
        ConditionExpression: 'attribute_not_exists(used) OR used < :max',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: {
          ':type': 'capacity',
          ':society': offer.societyId,
          ':one': 1,
          ':max': capacityPerSeason,
        },
      },
    },
  ];
}

async function createOfferOnce(
  offer: Omit<OfferRecord, 'id' | 'visitId' | 'status'>,
  capacityPerSeason: number,
): Promise<'created' | 'exists' | 'full'> {
  try {
    await documents.send(
      new TransactWriteCommand({ TransactItems: newOfferWrites(offer, capacityPerSeason) }),
    );
    return 'created';
  } catch (error) {
    if (error instanceof TransactionCanceledException) {
      const [offerReason, capacityReason] = error.CancellationReasons ?? [];
      if (offerReason?.Code === 'ConditionalCheckFailed') return 'exists';
      if (capacityReason?.Code === 'ConditionalCheckFailed') return 'full';
    }
    throw error;
  }
}

export async function getOffer(
  season: string,
  countyId: string,
  societyId: string,
): Promise<OfferRecord | undefined> {
  const { Item } = await documents.send(
    new GetCommand({ TableName: tableName, Key: keys.offer(season, countyId, societyId) }),
  );
  return Item ? entityOf<OfferRecord>(Item) : undefined;
}

/** Everything of a season in one Query: the round, its visits, offers and capacity counters. */
export async function seasonItems(season: string): Promise<{
  visits: VisitRecord[];
  offers: OfferRecord[];
  capacityUsed: Record<string, number>;
}> {
  // One Query per kind, so the season's draft visits (large, planning only) are never read here.
  const byPrefix = (prefix: string) =>
    queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `SEASON#${season}`, ':prefix': prefix },
    });
  const [visitItems, offerItems, capacityItems] = await Promise.all([
    byPrefix('VISIT#'),
    byPrefix('OFFER#'),
    byPrefix('CAPACITY#'),
  ]);
  const capacityUsed: Record<string, number> = {};
  for (const item of capacityItems) capacityUsed[item.societyId as string] = Number(item.used ?? 0);
  return {
    visits: visitItems.map((item) => entityOf<VisitRecord>(item)),
    offers: offerItems.map((item) => entityOf<OfferRecord>(item)),
    capacityUsed,
  };
}

/** Stores the waiting task's token on the offer (a re-run of the round replaces a stale one). */
export async function attachTaskToken(offer: OfferRecord, taskToken: string, at: string): Promise<void> {
  await documents.send(
    new UpdateCommand({
      TableName: tableName,
      Key: keys.offer(offer.season, offer.countyId, offer.societyId),
      UpdateExpression: 'SET taskToken = :token, offeredAt = if_not_exists(offeredAt, :at)',
      ExpressionAttributeValues: { ':token': taskToken, ':at': at },
    }),
  );
}

/**
 * Records a team's decision once: the first answer wins, a second is refused (false).
 * The offer's status changes later, when the state machine records the outcome.
 */
export async function recordDecision(
  offer: Pick<OfferRecord, 'season' | 'countyId' | 'societyId'>,
  decision: 'accept' | 'decline',
  by: string,
  at: string,
  reason?: string,
): Promise<boolean> {
  try {
    await documents.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.offer(offer.season, offer.countyId, offer.societyId),
        UpdateExpression: 'SET decision = :decision, decidedBy = :by, answeredAt = :at, reason = :reason',
        ConditionExpression: 'attribute_exists(pk) AND #status = :offered AND attribute_not_exists(decision)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':decision': decision,
          ':by': by,
          ':at': at,
          ':reason': reason ?? null,
          ':offered': 'offered',
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/**
 * Moves an offer out of `offered` once. A declined or expired offer gives its capacity back.
 * Returns false when the offer had already left `offered` (a retried step).
 */
export async function settleOffer(
  offer: Pick<OfferRecord, 'season' | 'countyId' | 'societyId'>,
  status: 'accepted' | 'declined' | 'expired',
  at: string,
): Promise<boolean> {
  const update = {
    TableName: tableName,
    Key: keys.offer(offer.season, offer.countyId, offer.societyId),
    UpdateExpression: 'SET #status = :status, settledAt = :at',
    ConditionExpression: '#status = :offered',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':status': status, ':at': at, ':offered': 'offered' },
  };
  try {
    if (status === 'accepted') {
      await documents.send(new UpdateCommand(update));
    } else {
      await documents.send(
        new TransactWriteCommand({
          TransactItems: [
            { Update: update },
            {
              Update: {
                TableName: tableName,
                Key: keys.capacity(offer.season, offer.societyId),
                UpdateExpression: 'ADD used :minusOne',
                ConditionExpression: 'used > :zero',
                ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
              },
            },
          ],
        }),
      );
    }
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    if (
      error instanceof TransactionCanceledException &&
      error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
    ) {
      return false;
    }
    throw error;
  }
}

// ---- logs and outbox ---------------------------------------------------------------------------

/** Appends to a visit's log once per `entry.key`. */
export async function appendVisitLog(entry: VisitLogEntry): Promise<boolean> {
  return putIfAbsent({ ...keys.visitLog(entry.visitId, entry.key), type: 'log', ...entry });
}

export async function visitLog(visitIdValue: string): Promise<VisitLogEntry[]> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': `VISIT#${visitIdValue}`, ':prefix': 'LOG#' },
  });
  return items
    .map((item) => entityOf<VisitLogEntry>(item))
    .sort((a, b) => a.at.localeCompare(b.at) || a.key.localeCompare(b.key));
}

export async function roundLog(season: string): Promise<Item[]> {
  return queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': `SEASON#${season}`, ':prefix': 'LOG#' },
  });
}

export interface OutboxMessage {
  id: string;
  season: string;
  channel: 'team' | 'coordinator';
  to: string;
  subject: string;
  body: string;
  createdAt: string;
  /** Quiet hours (22:00–07:00 Asia/Shanghai) push this later; the sender waits until then. */
  notBefore: string;
}

/** Queues a message once per id. */
export async function enqueueMessage(message: OutboxMessage): Promise<boolean> {
  return putIfAbsent({
    ...keys.outbox(message.season, message.id),
    type: 'message',
    status: 'queued',
    ...message,
  });
}

export async function outbox(season: string): Promise<OutboxMessage[]> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': `OUTBOX#${season}` },
  });
  return items.map((item) => entityOf<OutboxMessage>(item));
}

// ---- draft plan (passed by reference between the planning steps) ---------------------------------

/**
 * A county's draft visit as the planning steps pass it on: written by the state machine
 * (SaveDraftVisit, the framed visit as JSON), then given its assignment by AssignSocieties, then
 * made into the season's visits and offers by PersistPlan. Only keys travel in the payloads, so a
 * round of any size stays within Step Functions' 256 KB.
 */
export interface DraftVisit {
  visit: FramedVisit;
  assignments?: { societyId: string; needIds: string[] }[];
  unassignedNeedIds?: string[];
  explain?: unknown;
}

export async function seasonDrafts(season: string): Promise<DraftVisit[]> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': `SEASON#${season}`, ':prefix': 'DRAFT#' },
  });
  return items
    .map((item) => ({
      visit: JSON.parse(item.visit as string) as FramedVisit,
      ...(item.assignments ? { assignments: item.assignments as DraftVisit['assignments'] } : {}),
      ...(item.unassignedNeedIds ? { unassignedNeedIds: item.unassignedNeedIds as string[] } : {}),
      ...(item.explain ? { explain: item.explain } : {}),
    }))
    .sort((a, b) => a.visit.countyId.localeCompare(b.visit.countyId));
}

export async function saveDraftAssignment(
  season: string,
  countyId: string,
  assignment: Required<Omit<DraftVisit, 'visit'>>,
): Promise<void> {
  await documents.send(
    new UpdateCommand({
      TableName: tableName,
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

/** Runs `work` over `items` with at most `limit` at a time (bulk writes of a national round). */
export async function inParallel<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++] as T);
  });
  await Promise.all(workers);
}
