import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documents, tableName } from '#commons/clients';
import { batchGet, type Item, queryRange } from '#commons/table';
import { keys, ranges, summaryAttributes } from '#schemas/keys';
import {
  CountySummaryRecord,
  type OfferRecord,
  parseRecord,
  type ReportVersionRecord,
  type SummaryOfferEntry,
  type SummaryReportEntry,
} from '#schemas/records';

export type { CountySummaryRecord };

/*
 * The county summary: one small item per county and season (keys.countySummary) that the season
 * report, the round's last steps and the offer lists read instead of every visit's partition or
 * the large visit items. Each attribute has one writer: the visit's fields (putVisitIfAbsent), a
 * society's offer (the offer's own transactions) and its latest report (saveReport's transaction).
 * Every write is a SET of top-level attributes, so it never depends on which came first.
 */

/** The counties of a season's report per page: a national season (2,844 counties) is 15 pages. */
export const SUMMARY_PAGE_SIZE = 200;

type Update = {
  TableName: string;
  Key: { pk: string; sk: string };
  UpdateExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
};

function summaryUpdate(
  season: string,
  countyId: string,
  fields: Record<string, unknown>,
  add?: { submitted: number },
): Update {
  const names: Record<string, string> = { '#type': 'type', '#season': 'season', '#county': 'countyId' };
  const values: Record<string, unknown> = {
    ':type': 'county-summary',
    ':season': season,
    ':county': countyId,
  };
  const sets = ['#type = :type', '#season = :season', '#county = :county'];
  Object.entries(fields).forEach(([name, value], i) => {
    names[`#f${i}`] = name;
    values[`:f${i}`] = value;
    sets.push(`#f${i} = :f${i}`);
  });
  if (add) values[':submitted'] = add.submitted;
  return {
    TableName: tableName(),
    Key: keys.countySummary(season, countyId),
    UpdateExpression: `SET ${sets.join(', ')}${add ? ' ADD submitted :submitted' : ''}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/** The visit's part: its town and needs (and the names, when the caller has them). */
export function summaryVisitUpdate(visit: {
  season: string;
  countyId: string;
  townId: string;
  questions: readonly { theme: string; needIds: readonly string[] }[];
  plannedAt: string;
  countyName?: { zh: string; en: string };
  townName?: { zh: string; en: string };
}): Update {
  return summaryUpdate(visit.season, visit.countyId, {
    townId: visit.townId,
    questions: visit.questions.map((q) => ({ theme: q.theme, needIds: [...q.needIds] })),
    plannedAt: visit.plannedAt,
    ...(visit.countyName ? { countyName: visit.countyName } : {}),
    ...(visit.townName ? { townName: visit.townName } : {}),
  });
}

/** Societies' offers on one county's visit as they are now (one item: one update per transaction). */
export function summaryOfferUpdate(
  season: string,
  countyId: string,
  offers: readonly (Pick<OfferRecord, 'societyId' | 'needIds'> & { status: OfferRecord['status'] })[],
): Update {
  return summaryUpdate(
    season,
    countyId,
    Object.fromEntries(
      offers.map((o): [string, SummaryOfferEntry] => [
        summaryAttributes.offer(o.societyId),
        { needIds: [...o.needIds], status: o.status },
      ]),
    ),
  );
}

/** A society's latest report on the visit, without its answers. */
export function summaryReportUpdate(report: ReportVersionRecord): Update {
  const entry: SummaryReportEntry = {
    version: report.version,
    reportedAt: report.reportedAt,
    visitDate: report.visitDate,
    outcomes: report.outcomes.map(({ needId, outcome }) => ({ needId, outcome })),
    cooperations: report.cooperations.map(({ title, partner }) => ({ title, partner })),
  };
  return summaryUpdate(report.season, report.countyId, {
    [summaryAttributes.report(report.societyId)]: entry,
  });
}

/** One more need submitted in the county this season (in the transaction that creates the need). */
export function summarySubmittedAdd(season: string, countyId: string): Update {
  return summaryUpdate(season, countyId, {}, { submitted: 1 });
}

/** The count of needs a data set seeds into the county's season (seeding writes them all at once). */
export function summarySubmittedSet(season: string, countyId: string, submitted: number): Update {
  return summaryUpdate(season, countyId, { submitted });
}

export async function writeSummary(update: Update): Promise<void> {
  await documents().send(new UpdateCommand(update));
}

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
