import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { County, Society, StoredNeed, VisitHistoryEntry } from '#schemas/index';
import { keys, ranges } from '#schemas/keys';
import { CountyRecord, parseRecord, SocietyRecord } from '#schemas/records';
import { documents, tableName } from '../clients.ts';
import { needItem } from './needs.ts';
import { visitedItem } from './rounds.ts';
import { batchPut, type Item, queryRange, rangeQuery } from './table.ts';

/** The catalog: counties with their towns, and societies (pk `CATALOG`). */

export async function listCounties(): Promise<County[]> {
  const items = await queryRange(ranges.counties());
  return items.map((item) => parseRecord(CountyRecord, 'county', item));
}

export async function getCounty(countyId: string): Promise<County | undefined> {
  const { Item } = await documents().send(
    new GetCommand({ TableName: tableName(), Key: keys.county(countyId) }),
  );
  return Item ? parseRecord(CountyRecord, 'county', Item) : undefined;
}

export async function listSocieties(): Promise<Society[]> {
  const items = await queryRange(ranges.societies());
  return items.map((item) => parseRecord(SocietyRecord, 'society', item));
}

export async function getSociety(societyId: string): Promise<Society | undefined> {
  const { Item } = await documents().send(
    new GetCommand({ TableName: tableName(), Key: keys.society(societyId) }),
  );
  return Item ? parseRecord(SocietyRecord, 'society', Item) : undefined;
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
  return items.length;
}
