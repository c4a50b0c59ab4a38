import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { StoredNeed, VisitLogEntry, VisitReport, VisitReportInput } from '#schemas/index';
import { documents, tableName } from './clients.ts';
import { entityOf, type Item, queryAll } from './items.ts';
import { keys, offerId } from './keys.ts';
import {
  getOfferById,
  newOfferWrites,
  type OfferRecord,
  type OutboxMessage,
  type VisitRecord,
} from './store.ts';

/**
 * The teams' reads and writes (issue 5) beside functions/commons/store.ts: reassignment, a
 * society's offers, visit reports and the outbox's delivery state. Key lookups and Queries only.
 *
 * | entity                           | pk                | sk                      |
 * |----------------------------------|-------------------|-------------------------|
 * | visit report, one item a version | `VISIT#<visitId>` | `REPORT#<000001>`       |
 * | a report submission (retry key)  | `VISIT#<visitId>` | `SUBMISSION#<key>`      |
 */

/** An offer with what reassignment adds to it (the fields live on OfferRecord). */
export type TeamOffer = OfferRecord;

function cancellationCodes(error: unknown): (string | undefined)[] | undefined {
  if (error instanceof TransactionCanceledException)
    return (error.CancellationReasons ?? []).map((r) => r.Code);
  return undefined;
}

// ---- offers ------------------------------------------------------------------------------------

export async function getTeamOffer(id: string): Promise<TeamOffer | undefined> {
  return getOfferById(id);
}

/**
 * Moves a refused offer's needs to another society in one transaction: the new offer, one unit of
 * the society's capacity (never past `capacityPerSeason`), and the old offer marked `reassigned`.
 * 'exists': that society has an offer on this visit already; 'full': no capacity left;
 * 'stale': the old offer is no longer declined or expired (reassigned already, or answered late).
 */
export async function reassignOffer(
  old: TeamOffer,
  successor: { societyId: string; needIds: string[] },
  capacityPerSeason: number,
  at: string,
): Promise<'created' | 'exists' | 'full' | 'stale'> {
  const id = offerId(old.season, old.countyId, successor.societyId);
  try {
    await documents.send(
      new TransactWriteCommand({
        TransactItems: [
          ...newOfferWrites(
            {
              season: old.season,
              countyId: old.countyId,
              townId: old.townId,
              societyId: successor.societyId,
              needIds: successor.needIds,
              createdAt: at,
              attempt: (old.attempt ?? 1) + 1,
              replaces: old.id,
            },
            capacityPerSeason,
          ),
          {
            Update: {
              TableName: tableName,
              Key: keys.offer(old.season, old.countyId, old.societyId),
              UpdateExpression:
                'SET #status = :reassigned, reassignedTo = :to, endedAs = #status, reassignedAt = :at',
              ConditionExpression: '#status IN (:declined, :expired)',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':reassigned': 'reassigned',
                ':to': id,
                ':at': at,
                ':declined': 'declined',
                ':expired': 'expired',
              },
            },
          },
        ],
      }),
    );
    return 'created';
  } catch (error) {
    const codes = cancellationCodes(error);
    if (!codes) throw error;
    if (codes[2] === 'ConditionalCheckFailed') return 'stale';
    if (codes[0] === 'ConditionalCheckFailed') return 'exists';
    if (codes[1] === 'ConditionalCheckFailed') return 'full';
    throw error;
  }
}

/** Remembers until when the offer's waiting task waits (shown to the team). */
export async function setOfferDeadline(
  offer: Pick<OfferRecord, 'season' | 'countyId' | 'societyId'>,
  deadline: string,
) {
  await documents.send(
    new UpdateCommand({
      TableName: tableName,
      Key: keys.offer(offer.season, offer.countyId, offer.societyId),
      UpdateExpression: 'SET deadline = :deadline',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':deadline': deadline },
    }),
  );
}

/** A society's offers, newest season first: Query gsi1 `SOCIETY#<id>` (optionally one season). */
export async function offersOfSociety(societyId: string, season?: string): Promise<TeamOffer[]> {
  const items = await queryAll({
    IndexName: 'gsi1',
    KeyConditionExpression: season ? 'gsi1pk = :pk AND begins_with(gsi1sk, :season)' : 'gsi1pk = :pk',
    ExpressionAttributeValues: season
      ? { ':pk': `SOCIETY#${societyId}`, ':season': `${season}#` }
      : { ':pk': `SOCIETY#${societyId}` },
    ScanIndexForward: false,
  });
  return items.filter((item) => item.type === 'offer').map((item) => entityOf<TeamOffer>(item));
}

export async function getVisit(season: string, countyId: string): Promise<VisitRecord | undefined> {
  const { Item } = await documents.send(
    new GetCommand({ TableName: tableName, Key: keys.visit(season, countyId) }),
  );
  return Item ? entityOf<VisitRecord>(Item) : undefined;
}

// ---- needs -------------------------------------------------------------------------------------

/** Needs by id (BatchGetItem, 100 at a time); missing ones are left out. */
export async function needsByIds(ids: readonly string[]): Promise<StoredNeed[]> {
  const unique = [...new Set(ids)];
  const found: StoredNeed[] = [];
  for (let i = 0; i < unique.length; i += 100) {
    let request: Record<string, { Keys: Item[] }> | undefined = {
      [tableName]: { Keys: unique.slice(i, i + 100).map((id) => keys.need(id)) },
    };
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
      if (attempt > 8) throw new Error('DynamoDB kept returning unprocessed keys');
      const result = await documents.send(new BatchGetCommand({ RequestItems: request }));
      found.push(
        ...((result.Responses?.[tableName] ?? []) as Item[]).map((item) => entityOf<StoredNeed>(item)),
      );
      request = result.UnprocessedKeys as typeof request;
      if (request && Object.keys(request).length > 0)
        await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
    }
  }
  const order = new Map(unique.map((id, index) => [id, index]));
  return found.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
}

// ---- visit reports -----------------------------------------------------------------------------

const pad = (version: number) => String(version).padStart(6, '0');

export async function latestReport(visitIdValue: string): Promise<VisitReport | undefined> {
  const { Items } = await documents.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `VISIT#${visitIdValue}`, ':prefix': 'REPORT#' },
      ScanIndexForward: false,
      Limit: 1,
    }),
  );
  const item = Items?.[0];
  return item ? entityOf<VisitReport>(item as Item) : undefined;
}

export async function reportVersions(visitIdValue: string): Promise<VisitReport[]> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': `VISIT#${visitIdValue}`, ':prefix': 'REPORT#' },
  });
  return items.map((item) => entityOf<VisitReport>(item));
}

export interface SaveReportInput {
  visit: { id: string; season: string; countyId: string; townId: string };
  report: VisitReportInput;
  societyId: string;
  by: string;
  /** The client's retry key (Idempotency-Key): the same key never files a second version. */
  submissionKey?: string;
  /** The visit's needs with their current status; outcomes set `resolved` or back to `open`. */
  needs: readonly StoredNeed[];
}

export type SaveReportResult = { version: number; replayed: boolean; report: VisitReport };

class NeedChangedMeanwhile extends Error {}

/**
 * Files a new version of a visit's report in one transaction: the version, its retry key, the log
 * entry (`reported` for the first, `edited` after), and the needs' status — `resolved` leaves the
 * open list (gsi1sk `resolved#…`), anything else keeps or puts the need back in `open`.
 */
export async function saveReport(input: SaveReportInput): Promise<SaveReportResult> {
  for (let round = 0; round < 8; round++) {
    if (input.submissionKey) {
      const replay = await submission(input.visit.id, input.submissionKey);
      if (replay) return replay;
    }
    const latest = await latestReport(input.visit.id);
    const version = (latest?.version ?? 0) + 1;
    const at = new Date().toISOString();
    const report: VisitReport = {
      ...input.report,
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
      key: `report#${pad(version)}`,
      kind: version === 1 ? 'reported' : 'edited',
      at,
      by: input.by,
      detail: {
        societyId: input.societyId,
        version,
        resolved: input.report.outcomes.filter((o) => o.outcome === 'resolved').length,
        cooperations: input.report.cooperations.length,
      },
    };
    const items = [
      {
        Put: {
          TableName: tableName,
          Item: {
            pk: `VISIT#${input.visit.id}`,
            sk: `REPORT#${pad(version)}`,
            type: 'visit-report',
            ...report,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: tableName,
          Item: { ...keys.visitLog(input.visit.id, log.key), type: 'log', ...log },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...(input.submissionKey
        ? [
            {
              Put: {
                TableName: tableName,
                Item: {
                  pk: `VISIT#${input.visit.id}`,
                  sk: `SUBMISSION#${input.submissionKey}`,
                  type: 'report-submission',
                  version,
                  at,
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
            TableName: tableName,
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
    ];
    if (items.length > 100) throw new Error('a visit report may touch at most 97 needs');
    try {
      await documents.send(new TransactWriteCommand({ TransactItems: items }));
      return { version, replayed: false, report };
    } catch (error) {
      const codes = cancellationCodes(error);
      if (!codes) throw error;
      const needFailed = codes.slice(input.submissionKey ? 3 : 2).some((c) => c === 'ConditionalCheckFailed');
      if (needFailed) throw new NeedChangedMeanwhile('a need of this visit changed meanwhile');
      if (codes.some((c) => c === 'ConditionalCheckFailed' || c === 'TransactionConflict')) continue;
      throw error;
    }
  }
  throw new Error('could not file the report: too many concurrent versions');
}

export { NeedChangedMeanwhile };

async function submission(visitIdValue: string, key: string): Promise<SaveReportResult | undefined> {
  const { Item } = await documents.send(
    new GetCommand({ TableName: tableName, Key: { pk: `VISIT#${visitIdValue}`, sk: `SUBMISSION#${key}` } }),
  );
  if (!Item) return undefined;
  const { Item: reportItem } = await documents.send(
    new GetCommand({
      TableName: tableName,
      Key: { pk: `VISIT#${visitIdValue}`, sk: `REPORT#${pad(Number(Item.version))}` },
    }),
  );
  if (!reportItem) return undefined;
  return { version: Number(Item.version), replayed: true, report: entityOf<VisitReport>(reportItem as Item) };
}

// ---- outbox ------------------------------------------------------------------------------------

export interface StoredMessage extends OutboxMessage {
  status: 'queued' | 'sent' | 'cancelled';
  societyId?: string;
  kind?: 'offer' | 'reminder' | 'reassigned' | 'alert';
  /** A reminder is only sent while this offer still waits for an answer. */
  offerId?: string;
  sentAt?: string;
}

export async function seasonOutbox(season: string): Promise<StoredMessage[]> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': `OUTBOX#${season}` },
  });
  return items
    .map((item) => entityOf<StoredMessage>(item))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/** Marks a queued message sent or cancelled, once (a second dispatcher loses). */
export async function settleMessage(
  season: string,
  id: string,
  status: 'sent' | 'cancelled',
  at: string,
): Promise<boolean> {
  try {
    await documents.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.outbox(season, id),
        UpdateExpression: 'SET #status = :status, sentAt = :at',
        ConditionExpression: '#status = :queued',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': status, ':at': at, ':queued': 'queued' },
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}
