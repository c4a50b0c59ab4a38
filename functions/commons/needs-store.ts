import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { NeedStatus, NeedView, StoredNeed } from '#schemas/index';
import { documents, tableName } from './clients.ts';
import { isConditionFailure } from './items.ts';
import { keys } from './keys.ts';
import { needItem } from './store.ts';

/*
 * Needs on the single table (see infra/table.ts): `NEED#<id>` items indexed on gsi1 by
 * `COUNTY#<c>#NEEDS` / `<status>#<townId>#<needId>`. A need created with an Idempotency-Key carries
 * the hash of the request that created it (`requestHash`, never shown).
 * Every read is a GetItem or a Query on gsi1; every write is conditional.
 */

type Item = Record<string, unknown>;

/** Keys and bookkeeping that are not part of the need as the API shows it. */
const INTERNAL = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'type', 'requestHash']);

export function needOf(item: Item): NeedView {
  const out: Item = {};
  for (const [key, value] of Object.entries(item)) if (!INTERNAL.has(key)) out[key] = value;
  return out as NeedView;
}

/** gsi1 partition of a county's needs. */
const countyIndex = (countyId: string) => keys.needIndex(countyId, 'open', '-', '-').gsi1pk;

/** A need by id, read strongly consistent (a retry right after a write must see it). */
export async function readNeed(needId: string): Promise<NeedView | undefined> {
  const { Item } = await documents.send(
    new GetCommand({ TableName: tableName, Key: keys.need(needId), ConsistentRead: true }),
  );
  return Item ? needOf(Item) : undefined;
}

/** Writes a new need unless its id exists. Returns whether it was written. */
export async function putNeedIfAbsent(need: StoredNeed): Promise<boolean> {
  try {
    await documents.send(
      new PutCommand({
        TableName: tableName,
        Item: needItem(need),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
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
  try {
    await documents.send(
      new PutCommand({
        TableName: tableName,
        Item: item,
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return { kind: 'created', need: needOf(item) };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    // Rare (a retry): read what is there, strongly consistent.
    const existing = await readItem(need.id);
    if (!existing) throw error; // needs are never deleted
    return existing.requestHash === requestHash
      ? { kind: 'replayed', need: needOf(existing) }
      : { kind: 'key-reused' };
  }
}

async function readItem(needId: string): Promise<Item | undefined> {
  const { Item } = await documents.send(
    new GetCommand({ TableName: tableName, Key: keys.need(needId), ConsistentRead: true }),
  );
  return Item;
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
    const { Attributes } = await documents.send(
      new UpdateCommand({
        TableName: tableName,
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
  /** `open#`, `open#<townId>#`… */
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
    const gsi1pk = countyIndex(countyId);
    const remaining = limit - items.length;
    const page = await documents.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: prefix ? 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)' : 'gsi1pk = :pk',
        ExpressionAttributeValues: prefix ? { ':pk': gsi1pk, ':prefix': prefix } : { ':pk': gsi1pk },
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

/** gsi1 ExclusiveStartKey from an index sort key `<status>#<townId>#<needId>`. */
function startKey(countyId: string, gsi1sk: string): Item {
  const needId = gsi1sk.slice(gsi1sk.lastIndexOf('#') + 1);
  return { ...keys.need(needId), gsi1pk: countyIndex(countyId), gsi1sk };
}
