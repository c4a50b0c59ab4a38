import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documents, tableName } from '#commons/clients';
import { batchGet, type Item, isConditionFailure, queryRange } from '#commons/table';
import { keys, ranges, summaryAttributes } from '#schemas/keys';
import { CountySummaryRecord, parseRecord } from '#schemas/records';
import type { SummaryUpdate } from './items/summary.ts';

export type { CountySummaryRecord };

/*
 * The county summary's reads (what it holds and who writes it: ./items/summary.ts).
 */

/** The counties of a season's report per page: a national season (2,844 counties) is 15 pages. */
export const SUMMARY_PAGE_SIZE = 200;

function summaryOf(item: Item): CountySummaryRecord {
  const entity: Item = { offers: {}, reports: {} };
  for (const [name, value] of Object.entries(item)) {
    const attribute = summaryAttributes.parse(name);
    if (attribute?.kind === 'offer') (entity.offers as Item)[attribute.societyId] = value;
    else if (attribute?.kind === 'report') (entity.reports as Item)[attribute.societyId] = value;
    else entity[name] = value;
  }
  return parseRecord(CountySummaryRecord, 'county summary', entity);
}

/** A season's county summaries, in county order: one Query, pages of SUMMARY_PAGE_SIZE. */
export async function seasonSummaries(season: string): Promise<CountySummaryRecord[]> {
  const items = await queryRange(ranges.seasonSummaries(season), { pageSize: SUMMARY_PAGE_SIZE });
  return items.map(summaryOf);
}

export async function countySummary(
  season: string,
  countyId: string,
): Promise<CountySummaryRecord | undefined> {
  const { Item } = await documents().send(
    new GetCommand({ TableName: tableName(), Key: keys.countySummary(season, countyId) }),
  );
  return Item ? summaryOf(Item) : undefined;
}

/** County summaries by season and county (BatchGetItem). */
export async function summariesByKeys(
  summaryKeys: readonly { season: string; countyId: string }[],
): Promise<CountySummaryRecord[]> {
  const items = await batchGet(summaryKeys.map((k) => keys.countySummary(k.season, k.countyId)));
  return items.map(summaryOf);
}

/**
 * Writes a part of a county summary (an update of ./items/summary.ts) only where the summary does
 * not have `attribute` yet: what its live writer wrote, in the transaction of the record it sums
 * up, is never overwritten by an older read of that record. False: the attribute was there.
 */
export async function writeSummaryPartIfAbsent(update: SummaryUpdate, attribute: string): Promise<boolean> {
  return conditionalSummaryWrite({
    ...update,
    ConditionExpression: 'attribute_not_exists(#absent)',
    ExpressionAttributeNames: { ...update.ExpressionAttributeNames, '#absent': attribute },
  });
}

/**
 * Writes the county summary's `submitted` count (summarySubmittedSet) only while it still holds
 * `seen` (undefined: none), so a need counted by its own transaction in between is never lost.
 * False: it changed meanwhile.
 */
export async function writeSubmittedIfUnchanged(
  update: SummaryUpdate,
  seen: number | undefined,
): Promise<boolean> {
  return conditionalSummaryWrite({
    ...update,
    ConditionExpression: seen === undefined ? 'attribute_not_exists(#seen)' : '#seen = :seen',
    ExpressionAttributeNames: { ...update.ExpressionAttributeNames, '#seen': 'submitted' },
    ExpressionAttributeValues: {
      ...update.ExpressionAttributeValues,
      ...(seen === undefined ? {} : { ':seen': seen }),
    },
  });
}

async function conditionalSummaryWrite(
  update: SummaryUpdate & { ConditionExpression: string },
): Promise<boolean> {
  try {
    await documents().send(new UpdateCommand(update));
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
