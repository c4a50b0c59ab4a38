import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documents, tableName } from '#commons/clients';
import { batchGet, type Item, isConditionFailure, mapRangePages } from '#commons/table';
import { keys, ranges, summaryAttributes } from '#schemas/keys';
import { THEMES } from '#schemas/primitives';
import { CountySummaryRecord, parseRecord } from '#schemas/records';
import { OFFER_STATUSES } from '#schemas/round';
import { NEED_OUTCOMES } from '#schemas/teams';
import type { SummaryUpdate } from './items/summary.ts';

export type { CountySummaryRecord };

/*
 * The county summary's reads (what it holds and who writes it: ./items/summary.ts).
 */

/** The counties of a season's report per page: a national season (2,844 counties) is 15 pages. */
export const SUMMARY_PAGE_SIZE = 200;

/**
 * The summary an item holds. A season report reads 2,844 of them, and the schema's parse was half its
 * time in this process (`npm run bench -- national-api`, docs/benchmarks.md): a well-formed item is
 * checked field by field here, to the letter of CountySummaryRecord (test/unit/store/summary-read.test.ts
 * holds the two to the same answers); anything else goes through the schema, which names what is wrong.
 */
export function summaryOf(item: Item): CountySummaryRecord {
  const entity: Item = { offers: {}, reports: {} };
  for (const [name, value] of Object.entries(item)) {
    const attribute = summaryAttributes.parse(name);
    if (attribute?.kind === 'offer') (entity.offers as Item)[attribute.societyId] = value;
    else if (attribute?.kind === 'report') (entity.reports as Item)[attribute.societyId] = value;
    else entity[name] = value;
  }
  return checkedSummary(entity) ?? parseRecord(CountySummaryRecord, 'county summary', entity);
}

const THEME_SET: ReadonlySet<unknown> = new Set(THEMES);
const STATUS_SET: ReadonlySet<unknown> = new Set(OFFER_STATUSES);
const OUTCOME_SET: ReadonlySet<unknown> = new Set(NEED_OUTCOMES);
type Shape = Record<string, unknown>;
const isText = (v: unknown): v is string => typeof v === 'string';
const isInstant = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isCount = (v: unknown, min: number): v is number => Number.isSafeInteger(v) && (v as number) >= min;
const isShape = (v: unknown): v is Shape => typeof v === 'object' && v !== null && !Array.isArray(v);
const isTexts = (v: unknown): v is string[] => Array.isArray(v) && v.every(isText);
const NOT = Symbol('not as the schema says');
type Not = typeof NOT;
const name = (v: unknown): { zh: string; en: string } | Not =>
  isShape(v) && isText(v.zh) && isText(v.en) ? { zh: v.zh, en: v.en } : NOT;
/** An optional field: absent stays absent; present, it must pass `check`. */
function optional<T>(entity: Shape, key: string, check: (v: unknown) => T | Not): Record<string, T> | Not {
  if (entity[key] === undefined) return {};
  const value = check(entity[key]);
  return value === NOT ? NOT : { [key]: value };
}
const mapped = <T>(v: unknown, each: (x: unknown) => T | Not): T[] | Not => {
  if (!Array.isArray(v)) return NOT;
  const out: T[] = [];
  for (const x of v) {
    const y = each(x);
    if (y === NOT) return NOT;
    out.push(y);
  }
  return out;
};
const entries = <T>(v: unknown, each: (x: unknown) => T | Not): Record<string, T> | Not => {
  if (!isShape(v)) return NOT;
  const out: Record<string, T> = {};
  for (const [key, x] of Object.entries(v)) {
    const y = each(x);
    if (y === NOT) return NOT;
    out[key] = y;
  }
  return out;
};
const question = (v: unknown) => {
  if (!isShape(v) || !THEME_SET.has(v.theme) || !isTexts(v.needIds)) return NOT;
  const text = optional(v, 'text', name);
  return text === NOT ? NOT : { theme: v.theme as (typeof THEMES)[number], needIds: [...v.needIds], ...text };
};
const offerEntry = (v: unknown) => {
  if (!isShape(v) || !isTexts(v.needIds) || !STATUS_SET.has(v.status)) return NOT;
  const attempt = optional(v, 'attempt', (a) => (isCount(a, 1) ? a : NOT));
  return attempt === NOT
    ? NOT
    : { needIds: [...v.needIds], status: v.status as (typeof OFFER_STATUSES)[number], ...attempt };
};
const outcome = (v: unknown) =>
  isShape(v) && isText(v.needId) && OUTCOME_SET.has(v.outcome)
    ? { needId: v.needId, outcome: v.outcome as (typeof NEED_OUTCOMES)[number] }
    : NOT;
const cooperation = (v: unknown) =>
  isShape(v) && isText(v.title) && isText(v.partner) ? { title: v.title, partner: v.partner } : NOT;
const expert = (v: unknown) => {
  if (!isShape(v) || !isText(v.name)) return NOT;
  const title = optional(v, 'title', (t) => (isText(t) ? t : NOT));
  const academician = optional(v, 'academician', (a) => (typeof a === 'boolean' ? a : NOT));
  return title === NOT || academician === NOT ? NOT : { name: v.name, ...title, ...academician };
};
const reportEntry = (v: unknown) => {
  if (!isShape(v) || !isCount(v.version, 1) || !isInstant(v.reportedAt) || !isText(v.visitDate)) return NOT;
  const outcomes = mapped(v.outcomes, outcome);
  const cooperations = mapped(v.cooperations, cooperation);
  // Absent on reports filed before these were kept: the schema's defaults.
  const experts = v.experts === undefined ? [] : mapped(v.experts, expert);
  const participants = v.participants === undefined ? 0 : isCount(v.participants, 0) ? v.participants : NOT;
  const kinds = v.activityKinds === undefined ? [] : isTexts(v.activityKinds) ? [...v.activityKinds] : NOT;
  if (outcomes === NOT || cooperations === NOT || experts === NOT || participants === NOT || kinds === NOT)
    return NOT;
  return {
    version: v.version,
    reportedAt: v.reportedAt,
    visitDate: v.visitDate,
    outcomes,
    cooperations,
    experts,
    participants,
    activityKinds: kinds,
  };
};
const highlight = (v: unknown) => {
  if (!isShape(v) || !isText(v.caption) || !isText(v.by) || !isInstant(v.at)) return NOT;
  const attachmentId = optional(v, 'attachmentId', (a) => (isText(a) ? a : NOT));
  return attachmentId === NOT ? NOT : { caption: v.caption, ...attachmentId, by: v.by, at: v.at };
};

/** The summary when `entity` is exactly as CountySummaryRecord reads it; undefined otherwise. */
function checkedSummary(entity: Shape): CountySummaryRecord | undefined {
  if (!isText(entity.season) || !isText(entity.countyId)) return undefined;
  const parts = [
    optional(entity, 'townId', (v) => (isText(v) ? v : NOT)),
    optional(entity, 'questions', (v) => mapped(v, question)),
    optional(entity, 'submitted', (v) => (isCount(v, 0) ? v : NOT)),
    optional(entity, 'countyName', name),
    optional(entity, 'townName', name),
    optional(entity, 'plannedAt', (v) => (isInstant(v) ? v : NOT)),
  ];
  const offers = entries(entity.offers, offerEntry);
  const reports = entries(entity.reports, reportEntry);
  const marked = optional(entity, 'highlight', highlight);
  if (offers === NOT || reports === NOT || marked === NOT || parts.some((p) => p === NOT)) return undefined;
  return Object.assign(
    { season: entity.season, countyId: entity.countyId },
    ...(parts as Shape[]),
    { offers, reports },
    marked,
  ) as CountySummaryRecord;
}

/**
 * A season's county summaries, in county order: one Query, pages of SUMMARY_PAGE_SIZE, each page
 * checked while the next is read.
 */
export function seasonSummaries(season: string): Promise<CountySummaryRecord[]> {
  return mapRangePages(ranges.seasonSummaries(season), { pageSize: SUMMARY_PAGE_SIZE }, (items) =>
    items.map(summaryOf),
  );
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
