import { tableName } from '#commons/clients';
import { keys, summaryAttributes } from '#schemas/keys';
import type {
  OfferRecord,
  ReportVersionRecord,
  SummaryOfferEntry,
  SummaryReportEntry,
} from '#schemas/records';

/*
 * The county summary's writes, as items of the transactions that change what they sum up: one
 * small item per county and season (keys.countySummary) that the season report, the round's last
 * steps and the offer lists read instead of every visit's partition. Each attribute has one writer:
 * the visit's fields (the planned visit), a society's offer (the offer's own transactions) and its
 * latest report (the report's transaction). Every write is a SET of top-level attributes, so it
 * never depends on which came first.
 */

export type SummaryUpdate = {
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
): SummaryUpdate {
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
}): SummaryUpdate {
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
  offers: readonly (Pick<OfferRecord, 'societyId' | 'needIds'> & {
    status: OfferRecord['status'];
    attempt?: number | undefined;
  })[],
): SummaryUpdate {
  return summaryUpdate(
    season,
    countyId,
    Object.fromEntries(
      offers.map((o): [string, SummaryOfferEntry] => [
        summaryAttributes.offer(o.societyId),
        { needIds: [...o.needIds], status: o.status, ...(o.attempt ? { attempt: o.attempt } : {}) },
      ]),
    ),
  );
}

/** A society's latest report on the visit, without its answers. */
export function summaryReportUpdate(report: ReportVersionRecord): SummaryUpdate {
  const entry: SummaryReportEntry = {
    version: report.version,
    reportedAt: report.reportedAt,
    visitDate: report.visitDate,
    outcomes: report.outcomes.map(({ needId, outcome }) => ({ needId, outcome })),
    cooperations: report.cooperations.map(({ title, partner }) => ({ title, partner })),
    // Who went and whom they reached: the range report counts them from here, not every report.
    experts: (report.experts ?? []).map(({ name, title, academician }) => ({
      name,
      ...(title ? { title } : {}),
      ...(academician ? { academician: true } : {}),
    })),
    participants: (report.activities ?? []).reduce((sum, a) => sum + a.participants, 0),
    activityKinds: [...new Set((report.activities ?? []).map((a) => a.kind))],
  };
  return summaryUpdate(report.season, report.countyId, {
    [summaryAttributes.report(report.societyId)]: entry,
  });
}

/** One more need submitted in the county this season (in the transaction that creates the need). */
export function summarySubmittedAdd(season: string, countyId: string): SummaryUpdate {
  return summaryUpdate(season, countyId, {}, { submitted: 1 });
}

/** The count of needs a data set seeds into the county's season (seeding writes them all at once). */
export function summarySubmittedSet(season: string, countyId: string, submitted: number): SummaryUpdate {
  return summaryUpdate(season, countyId, { submitted });
}

/** A coordinator marks the visit a typical case (or, with `undefined`, unmarks it). */
export function summaryHighlightUpdate(
  season: string,
  countyId: string,
  highlight: { caption: string; attachmentId?: string; by: string; at: string } | undefined,
): SummaryUpdate {
  const update = summaryUpdate(season, countyId, highlight ? { highlight } : {});
  if (highlight) return update;
  return { ...update, UpdateExpression: `${update.UpdateExpression} REMOVE highlight` };
}
