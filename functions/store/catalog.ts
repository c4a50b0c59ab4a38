import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documents, tableName } from '#commons/clients';
import { inParallel } from '#commons/concurrency';
import {
  batchGet,
  batchPut,
  cancellationCodes,
  type Item,
  queryRange,
  rangeQuery,
  transact,
} from '#commons/table';
import type { County, Society, StoredNeed, VisitHistoryEntry } from '#schemas/index';
import { keys, ranges } from '#schemas/keys';
import { CapacityRecord, CountyRecord, parseRecord, SocietyRecord } from '#schemas/records';
import { seasonOfInstant } from '#schemas/shanghai-time';
import { type AuditChange, auditPut } from './items/audit.ts';
import { needItem } from './items/need.ts';
import { summarySubmittedSet } from './items/summary.ts';
import { visitedItem } from './items/visit.ts';

/**
 * The catalog: counties with their towns, and societies (pk `CATALOG`). A coordinator's removal
 * keeps the item, marked `removedAt` (nothing deletes an item): every reader here leaves it out,
 * and the audit log keeps what it was.
 */

const live = (item: Item | undefined): item is Item => item !== undefined && item.removedAt === undefined;

export async function listCounties(): Promise<County[]> {
  const items = await queryRange(ranges.counties());
  return items.filter(live).map((item) => parseRecord(CountyRecord, 'county', item));
}

export async function getCounty(countyId: string): Promise<County | undefined> {
  const { Item } = await documents().send(
    new GetCommand({ TableName: tableName(), Key: keys.county(countyId) }),
  );
  return live(Item) ? parseRecord(CountyRecord, 'county', Item) : undefined;
}

/** Counties by id, their names and towns (BatchGetItem): what a page naming them needs, not the catalog. */
export async function countiesByIds(ids: readonly string[]): Promise<Map<string, County>> {
  const items = await batchGet(
    ids.map((id) => keys.county(id)),
    { expression: 'id, #name, towns', names: { '#name': 'name' } },
  );
  return new Map(items.map((item) => parseRecord(CountyRecord, 'county', item)).map((c) => [c.id, c]));
}

/** Societies' names by id (BatchGetItem, projected); ids that are no society are left out. */
export async function societyNamesByIds(ids: readonly string[]): Promise<Map<string, Society['name']>> {
  const items = await societiesProjected(ids, 'id, #name');
  return new Map(items.map((item) => [String(item.id), item.name as Society['name']]));
}

/** The societies' names and contacts (one BatchGetItem, projected): a visit's page names whom to call. */
export async function societiesNamedByIds(
  ids: readonly string[],
): Promise<Map<string, Pick<Society, 'name' | 'contact'>>> {
  const items = await societiesProjected(ids, 'id, #name, contact');
  return new Map(
    items.map((item) => [
      String(item.id),
      {
        name: item.name as Society['name'],
        ...(item.contact ? { contact: item.contact as Society['contact'] } : {}),
      },
    ]),
  );
}

function societiesProjected(ids: readonly string[], expression: string) {
  const slugs = [...new Set(ids)].filter((id) => /^[a-z0-9-]{1,64}$/.test(id));
  return batchGet(
    slugs.map((id) => keys.society(id)),
    { expression, names: { '#name': 'name' } },
  );
}

export async function listSocieties(): Promise<Society[]> {
  const items = await queryRange(ranges.societies());
  return items.filter(live).map((item) => parseRecord(SocietyRecord, 'society', item));
}

export async function getSociety(societyId: string): Promise<Society | undefined> {
  const { Item } = await documents().send(
    new GetCommand({ TableName: tableName(), Key: keys.society(societyId) }),
  );
  return live(Item) ? parseRecord(SocietyRecord, 'society', Item) : undefined;
}

/** True when the catalog holds at least one county: the embedded runtime seeds an empty database. */
export async function hasCatalog(): Promise<boolean> {
  const page = await documents().send(
    new QueryCommand({ TableName: tableName(), ...rangeQuery(ranges.catalog()), Limit: 1 }),
  );
  return (page.Items?.length ?? 0) > 0;
}

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
  await batchPut(items);
  // 收集需求 per county and season: the seeded needs counted on the county summaries.
  const submitted = new Map<string, { season: string; countyId: string; count: number }>();
  for (const need of data.needs) {
    const season = seasonOfInstant(new Date(need.submittedAt));
    const key = `${season} ${need.countyId}`;
    const entry = submitted.get(key) ?? { season, countyId: need.countyId, count: 0 };
    entry.count++;
    submitted.set(key, entry);
  }
  await inParallel(submitted.values(), 16, (e) =>
    documents().send(new UpdateCommand(summarySubmittedSet(e.season, e.countyId, e.count))),
  );
  return items.length;
}

// ---- the coordinators' changes ------------------------------------------------------------------

export type CatalogKind = 'county' | 'society';

/** An item with the version a conditional write names (0: seeded and never changed since). */
export type Versioned<T> = T & { version: number };

const versionOf = (item: Item) => (typeof item.version === 'number' ? item.version : 0);

function versioned<T>(item: Item, kind: CatalogKind): Versioned<T> {
  const entity = parseRecord(kind === 'county' ? CountyRecord : SocietyRecord, kind, item) as T;
  return { ...entity, version: versionOf(item) };
}

export async function listVersioned<T extends County | Society>(kind: CatalogKind): Promise<Versioned<T>[]> {
  const items = await queryRange(kind === 'county' ? ranges.counties() : ranges.societies());
  return items.filter(live).map((item) => versioned<T>(item, kind));
}

/** One item read consistently, with its version: what a change is checked against. */
export async function readVersioned<T extends County | Society>(
  kind: CatalogKind,
  id: string,
): Promise<Versioned<T> | undefined> {
  const { Item } = await documents().send(
    new GetCommand({
      TableName: tableName(),
      Key: kind === 'county' ? keys.county(id) : keys.society(id),
      ConsistentRead: true,
    }),
  );
  return live(Item) ? versioned<T>(Item, kind) : undefined;
}

export interface CatalogWrite {
  kind: CatalogKind;
  id: string;
  /** The version the change was made on; `absent` for a new item. */
  expected: number | 'absent';
  /** The new content; undefined removes the item (kept with `removedAt`, out of every list). */
  after?: County | Society;
  /** What is removed (with `after` undefined): the item as it was. */
  removed?: County | Society;
  audit: AuditChange;
}

/** A society's capacity may not drop below what it already uses this season. */
export interface CapacityGuard {
  season: string;
  societyId: string;
  atMost: number;
}

export type CatalogWriteOutcome =
  | { ok: true }
  | { ok: false; reason: 'version'; write: CatalogWrite }
  | { ok: false; reason: 'capacity'; guard: CapacityGuard };

/**
 * Changes to the catalog with their audit entries, in one transaction: each item only if it still
 * has the version it was read at (or is still absent), each capacity only if the season's use is
 * not above it. All land or none (at most 100 items: 49 changes and their entries, with guards).
 */
export async function writeCatalogChanges(
  writes: readonly CatalogWrite[],
  guards: readonly CapacityGuard[] = [],
): Promise<CatalogWriteOutcome> {
  const changeItems = writes.map((write) => {
    const Key = write.kind === 'county' ? keys.county(write.id) : keys.society(write.id);
    const condition: {
      ConditionExpression: string;
      ExpressionAttributeNames: Record<string, string>;
      ExpressionAttributeValues?: Record<string, unknown>;
    } =
      write.expected === 'absent'
        ? // A removed item's id may be used again.
          {
            ConditionExpression: 'attribute_not_exists(pk) OR attribute_exists(#removedAt)',
            ExpressionAttributeNames: { '#removedAt': 'removedAt' },
          }
        : write.expected === 0
          ? {
              ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#version)',
              ExpressionAttributeNames: { '#version': 'version' },
            }
          : {
              ConditionExpression: '#version = :expected',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':expected': write.expected },
            };
    const version = write.expected === 'absent' ? 1 : write.expected + 1;
    const content = write.after ?? {
      ...write.removed,
      removedAt: write.audit.at ?? new Date().toISOString(),
    };
    return {
      Put: { TableName: tableName(), Item: { ...Key, type: write.kind, ...content, version }, ...condition },
    };
  });
  const guardItems = guards.map((guard) => ({
    ConditionCheck: {
      TableName: tableName(),
      Key: keys.capacity(guard.season, guard.societyId),
      ConditionExpression: 'attribute_not_exists(pk) OR #used <= :most',
      ExpressionAttributeNames: { '#used': 'used' },
      ExpressionAttributeValues: { ':most': guard.atMost },
    },
  }));
  const auditItems = writes.map((write) => auditPut(write.audit));
  try {
    await transact([...changeItems, ...guardItems, ...auditItems]);
    return { ok: true };
  } catch (error) {
    const codes = cancellationCodes(error);
    if (!codes) throw error;
    const failed = codes.indexOf('ConditionalCheckFailed');
    if (failed >= 0 && failed < writes.length)
      return { ok: false, reason: 'version', write: writes[failed]! };
    const guard = guards[failed - writes.length];
    if (guard) return { ok: false, reason: 'capacity', guard };
    throw error;
  }
}

/** How much of its capacity a society uses in a season (offers it holds), read consistently. */
export async function capacityUsed(season: string, societyId: string): Promise<number> {
  const { Item } = await documents().send(
    new GetCommand({ TableName: tableName(), Key: keys.capacity(season, societyId), ConsistentRead: true }),
  );
  return Item ? parseRecord(CapacityRecord, 'capacity', Item).used : 0;
}
