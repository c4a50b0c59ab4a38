import { BatchGetCommand, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documents, tableName } from '#commons/clients';
import {
  batchGet,
  cancellationCodes,
  type Item,
  isConditionFailure,
  queryRange,
  rangeQuery,
  transact,
} from '#commons/table';
import type { NeedStatus, NeedView, StoredNeed } from '#schemas/index';
import { keys, needIdOfIndexKey, needIndexPrefix, ranges } from '#schemas/keys';
import { NeedRecord, parseRecord } from '#schemas/records';
import { seasonOfInstant } from '#schemas/shanghai-time';
import { needItem } from './items/need.ts';
import { summarySubmittedAdd } from './items/summary.ts';

/*
 * Needs: `NEED#<id>` items indexed on gsi1 by county, status and town (schemas/keys.ts). A need
 * created with an Idempotency-Key carries the hash of the request that created it (`requestHash`,
 * never shown). Every read is a GetItem, a BatchGetItem or a Query on gsi1; every write is conditional.
 */

/** A need item read through its record (its index keys and `requestHash` left out). */
export function needOf(item: Item): NeedRecord {
  return parseRecord(NeedRecord, 'need', item);
}

export async function openNeedsOfCounty(countyId: string): Promise<StoredNeed[]> {
  const items = await queryRange(ranges.countyNeeds(countyId, needIndexPrefix('open')));
  return items.map(needOf);
}

/**
 * How many needs were submitted in a county per season (Asia/Shanghai quarter of `submittedAt`),
 * every status: what the county summaries' `submitted` counts (one Query on gsi1, projected).
 */
export async function countyNeedsPerSeason(countyId: string): Promise<Map<string, number>> {
  const items = await queryRange(ranges.countyNeeds(countyId), {
    ProjectionExpression: 'submittedAt',
  });
  const counts = new Map<string, number>();
  for (const item of items) {
    const season = seasonOfInstant(new Date(String(item.submittedAt)));
    counts.set(season, (counts.get(season) ?? 0) + 1);
  }
  return counts;
}

export async function getNeed(needId: string): Promise<StoredNeed | undefined> {
  const { Item } = await documents().send(new GetCommand({ TableName: tableName(), Key: keys.need(needId) }));
  return Item ? needOf(Item) : undefined;
}

/** Needs by id (BatchGetItem, 100 at a time); missing ones are left out. */
export async function needsByIds(ids: readonly string[]): Promise<StoredNeed[]> {
  const unique = [...new Set(ids)];
  const found: StoredNeed[] = [];
  for (let i = 0; i < unique.length; i += 100) {
    let request: Record<string, { Keys: Item[] }> | undefined = {
      [tableName()]: { Keys: unique.slice(i, i + 100).map((id) => keys.need(id)) },
    };
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
      if (attempt > 8) throw new Error('DynamoDB kept returning unprocessed keys');
      const result = await documents().send(new BatchGetCommand({ RequestItems: request }));
      found.push(...((result.Responses?.[tableName()] ?? []) as Item[]).map(needOf));
      request = result.UnprocessedKeys as typeof request;
      if (request && Object.keys(request).length > 0)
        await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
    }
  }
  const order = new Map(unique.map((id, index) => [id, index]));
  return found.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
}

/** What a list shows of a need (its text and state, not its history). */
const NeedSummary = NeedRecord.pick({
  id: true,
  theme: true,
  field: true,
  title: true,
  detail: true,
  urgency: true,
  status: true,
});
export type NeedSummary = (typeof NeedSummary)['_zod']['output'];

/** Needs by id, with the attributes a list shows only (BatchGetItem, 100 keys a request). */
export async function needSummariesByIds(ids: readonly string[]): Promise<NeedSummary[]> {
  const items = await batchGet(
    ids.map((id) => keys.need(id)),
    {
      expression: 'id, theme, #field, title, detail, urgency, #status',
      names: { '#field': 'field', '#status': 'status' },
    },
  );
  return items.map((item) => parseRecord(NeedSummary, 'need', item));
}

/** What the season workbook's needs sheet shows of a need. */
const NeedSheetRow = NeedRecord.pick({
  id: true,
  theme: true,
  field: true,
  title: true,
  urgency: true,
  submittedAt: true,
});
export type NeedSheetRow = (typeof NeedSheetRow)['_zod']['output'];

/**
 * Needs by id with the needs sheet's attributes only (BatchGetItem, 100 keys a request, several at
 * once): a national season's workbook names about 6,000 of them.
 */
export async function needSheetRowsByIds(ids: readonly string[]): Promise<NeedSheetRow[]> {
  const items = await batchGet(
    ids.map((id) => keys.need(id)),
    {
      expression: 'id, theme, #field, title, urgency, submittedAt',
      names: { '#field': 'field' },
    },
    { concurrency: EXPORT_BATCH_CONCURRENCY },
  );
  return items.map((item) => parseRecord(NeedSheetRow, 'need', item));
}

/** BatchGetItems at once for an export, which reads thousands of items by key. */
export const EXPORT_BATCH_CONCURRENCY = 16;

/** A need by id, read strongly consistent (a retry right after a write must see it). */
export async function readNeed(needId: string): Promise<NeedView | undefined> {
  const Item = await readItem(needId);
  return Item ? needOf(Item) : undefined;
}

async function readItem(needId: string): Promise<Item | undefined> {
  const { Item } = await documents().send(
    new GetCommand({ TableName: tableName(), Key: keys.need(needId), ConsistentRead: true }),
  );
  return Item;
}

/**
 * Writes a new need unless its id exists, and counts it in its county's season (the county summary's
 * `submitted`, for 收集需求) in the same transaction, so a need is counted once, whatever retries.
 * Concurrent needs of one county contend for its summary: try again shortly. False: the id exists.
 */
async function putNewNeed(item: Item, need: StoredNeed): Promise<boolean> {
  const season = seasonOfInstant(new Date(need.submittedAt));
  for (let attempt = 0; ; attempt++) {
    try {
      await transact([
        { Put: { TableName: tableName(), Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
        { Update: summarySubmittedAdd(season, need.countyId) },
      ]);
      return true;
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes?.[0] === 'ConditionalCheckFailed') return false;
      if (!codes?.includes('TransactionConflict') || attempt >= 10) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 * 2 ** attempt * Math.random()));
    }
  }
}

/** Writes a new need unless its id exists. Returns whether it was written. */
export async function putNeedIfAbsent(need: StoredNeed): Promise<boolean> {
  return putNewNeed(needItem(need), need);
}

export type CreateOutcome =
  | { kind: 'created'; need: NeedView }
  | { kind: 'replayed'; need: NeedView }
  | { kind: 'key-reused' };

/**
 * Creates the need of an Idempotency-Key: its id comes from the caller and the key
 * (domain/needs.ts keyedNeedId), so one conditional put decides, atomically, which request created
 * it. Another request with that key finds the item: with the same body (`requestHash`) it replays
 * the need, with another body it is `key-reused`. 50 requests at once: one put wins, 49 replay.
 */
export async function createNeedOnce(need: StoredNeed, requestHash: string): Promise<CreateOutcome> {
  const item = { ...needItem(need), requestHash };
  if (await putNewNeed(item, need)) return { kind: 'created', need: needOf(item) };
  // Rare (a retry): read what is there, strongly consistent.
  const existing = await readItem(need.id);
  if (!existing) throw new Error(`need ${need.id} exists but could not be read`); // needs are never deleted
  return existing.requestHash === requestHash
    ? { kind: 'replayed', need: needOf(existing) }
    : { kind: 'key-reused' };
}

// ---- changes while open -------------------------------------------------------------------------

export interface NeedChange {
  /** Attributes to set; `undefined` values are removed. */
  set: Record<string, unknown>;
  status?: NeedStatus;
  /** The town the need must still be in (its index key names it). */
  townId: string;
  /** The town after the change. */
  newTownId?: string;
}

/**
 * Applies `change` to an open need. Returns the need as it is afterwards, or `undefined` when the
 * need is no longer open in that town (a concurrent change won): the caller reads it again.
 */
export async function changeOpenNeed(needId: string, change: NeedChange): Promise<NeedView | undefined> {
  const names: Record<string, string> = { '#status': 'status', '#townId': 'townId' };
  const values: Record<string, unknown> = { ':open': 'open', ':town': change.townId };
  const sets: string[] = [];
  const removes: string[] = [];
  let n = 0;
  for (const [attribute, value] of Object.entries(change.set)) {
    const name = `#a${n}`;
    names[name] = attribute;
    if (value === undefined) removes.push(name);
    else {
      values[`:v${n}`] = value;
      sets.push(`${name} = :v${n}`);
    }
    n++;
  }
  const status = change.status ?? 'open';
  const town = change.newTownId ?? change.townId;
  if (status !== 'open' || town !== change.townId) {
    sets.push('gsi1sk = :gsi1sk');
    values[':gsi1sk'] = keys.needIndex('-', status, town, needId).gsi1sk;
  }
  if (change.status) {
    sets.push('#status = :status');
    values[':status'] = change.status;
  }
  const expression = [
    sets.length ? `SET ${sets.join(', ')}` : '',
    removes.length ? `REMOVE ${removes.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  try {
    const { Attributes } = await documents().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.need(needId),
        UpdateExpression: expression,
        ConditionExpression: 'attribute_exists(pk) AND #status = :open AND #townId = :town',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return Attributes ? needOf(Attributes) : undefined;
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
}

// ---- lists --------------------------------------------------------------------------------------

/** One Query of a list: a county's needs, optionally those whose index key starts with `prefix`. */
export interface NeedSegment {
  countyId: string;
  /** `open#`, `open#<townId>#`… (needIndexPrefix) */
  prefix?: string;
}

/** Where a list stopped: the segment, and the index key of the last need read in it. */
export interface NeedPosition {
  segment: number;
  /** gsi1sk of the last need returned from this segment; absent at the segment's start. */
  after?: string;
}

export interface NeedPageRequest {
  segments: readonly NeedSegment[];
  start?: NeedPosition;
  limit: number;
  /** A filter the index cannot express (e.g. season); the page is still `limit` needs when it can be. */
  accept?: (need: NeedView) => boolean;
  /** Queries one request may run; then the page ends early with a position. @default 10 */
  maxQueries?: number;
}

export interface NeedPageResult {
  items: NeedView[];
  next?: NeedPosition;
}

const QUERY_BATCH_WITH_FILTER = 100;

/** Reads up to `limit` needs, segment after segment (Query on gsi1, never a Scan). */
export async function readNeedPage(request: NeedPageRequest): Promise<NeedPageResult> {
  const { segments, limit } = request;
  const items: NeedView[] = [];
  let segment = request.start?.segment ?? 0;
  let after = request.start?.after;
  let queries = 0;
  while (segment < segments.length) {
    if (items.length >= limit || queries >= (request.maxQueries ?? 10))
      return { items, next: { segment, after } };
    const { countyId, prefix } = segments[segment]!;
    const remaining = limit - items.length;
    const page = await documents().send(
      new QueryCommand({
        TableName: tableName(),
        ...rangeQuery(ranges.countyNeeds(countyId, prefix)),
        Limit: request.accept ? Math.max(remaining, QUERY_BATCH_WITH_FILTER) : remaining,
        ...(after ? { ExclusiveStartKey: startKey(countyId, after) } : {}),
      }),
    );
    queries++;
    const read = (page.Items ?? []) as Item[];
    let stoppedAt: string | undefined;
    for (const item of read) {
      const need = needOf(item);
      if (request.accept && !request.accept(need)) {
        after = String(item.gsi1sk);
        continue;
      }
      items.push(need);
      after = String(item.gsi1sk);
      if (items.length >= limit) {
        stoppedAt = after;
        break;
      }
    }
    if (stoppedAt !== undefined && (stoppedAt !== String(read.at(-1)?.gsi1sk) || page.LastEvaluatedKey)) {
      return { items, next: { segment, after: stoppedAt } };
    }
    if (page.LastEvaluatedKey) {
      after = String(page.LastEvaluatedKey.gsi1sk);
      continue;
    }
    segment++;
    after = undefined;
  }
  return { items };
}

/** gsi1 ExclusiveStartKey from a need's index sort key. */
function startKey(countyId: string, gsi1sk: string): Item {
  return {
    ...keys.need(needIdOfIndexKey(gsi1sk)),
    gsi1pk: keys.needIndex(countyId, '-', '-', '-').gsi1pk,
    gsi1sk,
  };
}
