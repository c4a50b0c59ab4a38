import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documents, tableName } from '#commons/clients';
import {
  batchGet,
  cancellationCodes,
  type Item,
  putIfAbsent,
  queryRange,
  rangeQuery,
  transact,
} from '#commons/table';
import type { StoredNeed, VisitLogEntry, VisitReport, VisitReportInput } from '#schemas/index';
import { keys, ranges } from '#schemas/keys';
import {
  parseRecord,
  ReportSubmissionRecord,
  ReportVersionRecord,
  type RoundLogRecord,
  RoundLogRecord as RoundLogSchema,
  VisitLogRecord,
} from '#schemas/records';
import { summaryReportUpdate } from './items/summary.ts';

const reportOf = (item: Item): VisitReport => parseRecord(ReportVersionRecord, 'report version', item);

/** A visit's append-only log and its report versions, and a season's round log. */

/** Appends to a visit's log once per `entry.key`. */
export async function appendVisitLog(entry: VisitLogEntry): Promise<boolean> {
  return putIfAbsent({ ...keys.visitLog(entry.visitId, entry.key), type: 'log', ...entry });
}

export async function visitLog(visitIdValue: string): Promise<VisitLogEntry[]> {
  const items = await queryRange(ranges.visitLog(visitIdValue));
  return items
    .map((item) => parseRecord(VisitLogRecord, 'visit log entry', item))
    .sort((a, b) => a.at.localeCompare(b.at) || a.key.localeCompare(b.key));
}

export async function roundLog(season: string): Promise<RoundLogRecord[]> {
  const items = await queryRange(ranges.roundLog(season));
  return items.map((item) => parseRecord(RoundLogSchema, 'round log entry', item));
}

// ---- visit reports -----------------------------------------------------------------------------

const pad = (version: number) => String(version).padStart(6, '0');

/** A society's latest version of its report on a visit. */
export async function latestReport(
  visitIdValue: string,
  societyId: string,
): Promise<VisitReport | undefined> {
  const { Items } = await documents().send(
    new QueryCommand({
      TableName: tableName(),
      ...rangeQuery(ranges.societyReports(visitIdValue, societyId)),
      ScanIndexForward: false,
      Limit: 1,
    }),
  );
  const item = Items?.[0];
  return item ? reportOf(item) : undefined;
}

/** Report versions by key (BatchGetItem): e.g. the latest ones the county summaries name. */
export async function reportsByKeys(
  reportKeys: readonly { visitId: string; societyId: string; version: number }[],
  options: { concurrency?: number } = {},
): Promise<VisitReport[]> {
  const items = await batchGet(
    reportKeys.map((k) => keys.report(k.visitId, k.societyId, k.version)),
    undefined,
    options,
  );
  return items.map(reportOf);
}

/** Every version of every society's report on a visit, oldest first. */
export async function reportVersions(visitIdValue: string): Promise<VisitReport[]> {
  const items = await queryRange(ranges.visitReports(visitIdValue));
  return items
    .map(reportOf)
    .sort((a, b) => a.reportedAt.localeCompare(b.reportedAt) || a.version - b.version);
}

export interface SaveReportInput {
  visit: { id: string; season: string; countyId: string; townId: string };
  report: VisitReportInput;
  societyId: string;
  /** Who files it (society and person): the caller its retry key belongs to. */
  by: string;
  /** The caller's retry key (Idempotency-Key): the same caller and key never file a second version. */
  submissionKey?: string;
  /** The fingerprint of the report under that key: the key again with another report is refused. */
  requestHash?: string;
  /**
   * The needs of the society's own assignment with their current status: outcomes set `resolved`
   * or back to `open`. Other societies' needs are never passed, so never changed.
   */
  needs: readonly StoredNeed[];
}

export type SaveReportResult = { version: number; replayed: boolean; report: VisitReport };

export class NeedChangedMeanwhile extends Error {}
/** The retry key was used before with another report (an edit must come with a new key). */
export class SubmissionKeyReused extends Error {}

/**
 * Files a new version of a society's report on a visit in one transaction: the version, its retry
 * key, the log entry (`reported` for the society's first, `edited` after), and its needs' status —
 * `resolved` leaves the open list (gsi1sk `resolved#…`), anything else keeps or puts the need back
 * in `open`.
 */
export async function saveReport(input: SaveReportInput): Promise<SaveReportResult> {
  for (let round = 0; round < 8; round++) {
    if (input.submissionKey) {
      const replay = await submission(input.visit.id, input.by, input.submissionKey);
      if (replay?.requestHash !== undefined && replay.requestHash !== input.requestHash)
        throw new SubmissionKeyReused('this Idempotency-Key was used with another report');
      if (replay) return replay.saved;
    }
    const latest = await latestReport(input.visit.id, input.societyId);
    const version = (latest?.version ?? 0) + 1;
    const at = new Date().toISOString();
    const report: VisitReport = {
      ...input.report,
      experts: input.report.experts ?? [],
      activities: input.report.activities ?? [],
      visitId: input.visit.id,
      season: input.visit.season as VisitReport['season'],
      countyId: input.visit.countyId,
      version,
      societyId: input.societyId,
      reportedBy: input.by,
      reportedAt: at,
    };
    const outcome = new Map(input.report.outcomes.map((o) => [o.needId, o.outcome]));
    const changes = input.needs.filter((need) => need.status === 'open' || need.status === 'resolved');
    const log: VisitLogEntry = {
      visitId: input.visit.id,
      key: `report#${input.societyId}#${pad(version)}`,
      kind: version === 1 ? 'reported' : 'edited',
      at,
      by: input.by,
      detail: {
        societyId: input.societyId,
        version,
        resolved: input.report.outcomes.filter((o) => o.outcome === 'resolved').length,
        cooperations: input.report.cooperations.length,
        experts: (input.report.experts ?? []).length,
        participants: (input.report.activities ?? []).reduce((sum, a) => sum + a.participants, 0),
      },
    };
    const items = [
      {
        Put: {
          TableName: tableName(),
          Item: { ...keys.report(input.visit.id, input.societyId, version), type: 'visit-report', ...report },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: tableName(),
          Item: { ...keys.visitLog(input.visit.id, log.key), type: 'log', ...log },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...(input.submissionKey
        ? [
            {
              Put: {
                TableName: tableName(),
                Item: {
                  ...keys.submission(input.visit.id, input.by, input.submissionKey),
                  type: 'report-submission',
                  societyId: input.societyId,
                  version,
                  at,
                  ...(input.requestHash ? { requestHash: input.requestHash } : {}),
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ]
        : []),
      ...changes.map((need) => {
        const resolved = outcome.get(need.id) === 'resolved';
        return {
          Update: {
            TableName: tableName(),
            Key: keys.need(need.id),
            UpdateExpression: resolved
              ? 'SET #status = :status, gsi1sk = :gsi1sk, resolvedIn = :visit, resolvedAt = :at'
              : 'SET #status = :status, gsi1sk = :gsi1sk REMOVE resolvedIn, resolvedAt',
            ConditionExpression: 'attribute_exists(pk) AND #status = :current',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':status': resolved ? 'resolved' : 'open',
              ':gsi1sk': keys.needIndex(need.countyId, resolved ? 'resolved' : 'open', need.townId, need.id)
                .gsi1sk,
              ':current': need.status,
              ...(resolved ? { ':visit': input.visit.id, ':at': at } : {}),
            },
          },
        };
      }),
      // Last, so the cancellation reasons above keep their places: the county summary's copy.
      { Update: summaryReportUpdate(report) },
    ];
    if (items.length > 100) throw new Error('a visit report may touch at most 96 needs');
    try {
      await transact(items);
      return { version, replayed: false, report };
    } catch (error) {
      const codes = cancellationCodes(error);
      if (!codes) throw error;
      const needFailed = codes
        .slice(input.submissionKey ? 3 : 2, -1)
        .some((c) => c === 'ConditionalCheckFailed');
      if (needFailed) throw new NeedChangedMeanwhile('a need of this visit changed meanwhile');
      if (codes.some((c) => c === 'ConditionalCheckFailed' || c === 'TransactionConflict')) continue;
      throw error;
    }
  }
  throw new Error('could not file the report: too many concurrent versions');
}

async function submission(
  visitIdValue: string,
  caller: string,
  key: string,
): Promise<{ saved: SaveReportResult; requestHash?: string } | undefined> {
  const { Item } = await documents().send(
    new GetCommand({ TableName: tableName(), Key: keys.submission(visitIdValue, caller, key) }),
  );
  if (!Item) return undefined;
  const { version, societyId } = parseRecord(ReportSubmissionRecord, 'report submission', Item);
  const { Item: reportItem } = await documents().send(
    new GetCommand({ TableName: tableName(), Key: keys.report(visitIdValue, societyId, version) }),
  );
  if (!reportItem) return undefined;
  // Filings from before fingerprints were kept carry none: they replay as they always did.
  const requestHash = typeof Item.requestHash === 'string' ? Item.requestHash : undefined;
  return {
    saved: { version, replayed: true, report: reportOf(reportItem) },
    ...(requestHash ? { requestHash } : {}),
  };
}
