import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documents, tableName } from '#commons/clients';
import {
  backoff,
  cancellationCodes,
  type Item,
  isConditionFailure,
  isTransactionConflict,
  queryPage,
  queryRange,
  transact,
} from '#commons/table';
import type { VisitLogEntry } from '#schemas/index';
import { keys, offerId, parseOfferId, ranges } from '#schemas/keys';
import { CapacityRecord, OfferRecord, parseRecord } from '#schemas/records';
import { capacityReturned, newOfferWrites } from './items/offer.ts';
import { summaryOfferUpdate } from './items/summary.ts';
import { logEntryPut } from './items/visit-log.ts';

export type { OfferRecord };

/** Offers of a season (one per visit and society) and each society's capacity used in it. */

/** An offer with what reassignment adds to it (the fields live on OfferRecord). */
export type TeamOffer = OfferRecord;

type OfferKey = Pick<OfferRecord, 'season' | 'countyId' | 'societyId'>;

const offerOf = (item: Item) => parseRecord(OfferRecord, 'offer', item);

export async function getOffer(
  season: string,
  countyId: string,
  societyId: string,
): Promise<OfferRecord | undefined> {
  const { Item } = await documents().send(
    new GetCommand({ TableName: tableName(), Key: keys.offer(season, countyId, societyId) }),
  );
  return Item ? offerOf(Item) : undefined;
}

/** An offer by its id (`<season>.<countyId>.<societyId>`); undefined for a malformed id. */
export async function getOfferById(id: string): Promise<OfferRecord | undefined> {
  const parts = parseOfferId(id);
  return parts && getOffer(parts.season, parts.countyId, parts.societyId);
}

export async function getTeamOffer(id: string): Promise<TeamOffer | undefined> {
  return getOfferById(id);
}

/** A season's offers (one Query, pages of 500): for the coordinator's whole plan only. */
export async function seasonOffers(season: string): Promise<OfferRecord[]> {
  const items = await queryRange(ranges.seasonOffers(season), { pageSize: 500 });
  return items.map(offerOf);
}

/** One county's offers of a season (one Query: a visit has a handful). */
export async function countyOffers(season: string, countyId: string): Promise<OfferRecord[]> {
  const items = await queryRange(ranges.countyOffers(season, countyId));
  return items.map(offerOf);
}

/** How many offers each society holds in a season (its capacity used), by society id. */
export async function seasonCapacityUsed(season: string): Promise<Record<string, number>> {
  const items = await queryRange(ranges.seasonCapacity(season));
  const used: Record<string, number> = {};
  for (const item of items) {
    const capacity = parseRecord(CapacityRecord, 'capacity', item);
    used[capacity.societyId] = capacity.used;
  }
  return used;
}

/**
 * A society's offers, newest season first: a Query on gsi1 (optionally one season), one page of
 * `limit` when given (the team page), else every page (a removal's check for waiting offers).
 */
export async function offersOfSociety(
  societyId: string,
  season?: string,
  limit?: number,
): Promise<TeamOffer[]> {
  const range = ranges.societyOffers(societyId, season);
  const items = limit
    ? (await queryPage(range, { ScanIndexForward: false, limit })).items
    : await queryRange(range, { ScanIndexForward: false });
  return items.filter((item) => item.type === 'offer').map(offerOf);
}

/** Declined or expired, and its needs not moved to a successor (status `reassigned`) yet. */
export function isRefusedNotHandedOver(offer: OfferRecord): boolean {
  return (offer.status === 'declined' || offer.status === 'expired') && !offer.reassignedTo;
}

// ---- new offers ----------------------------------------------------------------------------------

/** The offer of a planned assignment: the visit's society and the needs it covers there. */
export function offerPlannedAssignment(
  season: string,
  visit: { countyId: string; townId: string },
  assignment: { societyId: string; needIds: string[] },
  capacity: ReadonlyMap<string, number>,
  at: string,
): Promise<'created' | 'exists' | 'full'> {
  return createOffer(
    { season, countyId: visit.countyId, townId: visit.townId, ...assignment, createdAt: at },
    capacity.get(assignment.societyId) ?? 0,
  );
}

/**
 * Creates an offer and takes one unit of the society's capacity in one transaction,
 * so a retried or concurrent write can neither duplicate the offer nor exceed the capacity.
 * Returns 'created', 'exists' or 'full'.
 */
export async function createOffer(
  offer: Omit<OfferRecord, 'id' | 'visitId' | 'status'>,
  capacityPerSeason: number,
): Promise<'created' | 'exists' | 'full'> {
  // Offers of one society written side by side contend for its capacity item: try again shortly.
  for (let attempt = 0; ; attempt++) {
    try {
      return await createOfferOnce(offer, capacityPerSeason);
    } catch (error) {
      if (!isTransactionConflict(error) || attempt >= 8) throw error;
      await backoff(attempt);
    }
  }
}

async function createOfferOnce(
  offer: Omit<OfferRecord, 'id' | 'visitId' | 'status'>,
  capacityPerSeason: number,
): Promise<'created' | 'exists' | 'full'> {
  try {
    await transact(newOfferWrites(offer, capacityPerSeason));
    return 'created';
  } catch (error) {
    if (error instanceof TransactionCanceledException) {
      const [offerReason, capacityReason] = error.CancellationReasons ?? [];
      if (offerReason?.Code === 'ConditionalCheckFailed') return 'exists';
      if (capacityReason?.Code === 'ConditionalCheckFailed') return 'full';
    }
    throw error;
  }
}

/**
 * Moves a refused offer's needs to another society in one transaction: the new offer, one unit of
 * the society's capacity (never past `capacityPerSeason`), the old offer marked `reassigned`, and the
 * visit's `reassigned` log entry (so a crash can not leave a reassignment unlogged).
 * 'exists': that society has an offer on this visit already; 'full': no capacity left;
 * 'stale': the old offer is no longer declined or expired (reassigned already, or answered late).
 */
export async function reassignOffer(
  old: TeamOffer,
  successor: { societyId: string; needIds: string[] },
  capacityPerSeason: number,
  at: string,
  log?: VisitLogEntry,
): Promise<'created' | 'exists' | 'full' | 'stale'> {
  const id = offerId(old.season, old.countyId, successor.societyId);
  try {
    await transact([
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
        [{ societyId: old.societyId, needIds: old.needIds, status: 'reassigned', attempt: old.attempt }],
      ),
      {
        Update: {
          TableName: tableName(),
          Key: keys.offer(old.season, old.countyId, old.societyId),
          UpdateExpression:
            'SET #status = :reassigned, reassignedTo = :to, endedAs = #status, reassignedAt = :at',
          // Not after its alert was decided (recordAlert): then nobody takes its needs.
          ConditionExpression: '#status IN (:declined, :expired) AND attribute_not_exists(alert)',
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
      ...(log ? [logEntryPut(log)] : []),
    ]);
    return 'created';
  } catch (error) {
    const codes = cancellationCodes(error);
    if (!codes) throw error;
    if (codes[3] === 'ConditionalCheckFailed') return 'stale';
    if (codes[0] === 'ConditionalCheckFailed') return 'exists';
    if (codes[1] === 'ConditionalCheckFailed') return 'full';
    // Logged already (append-only; the entry is the last item): the move itself still has to happen.
    if (log && codes[4] === 'ConditionalCheckFailed')
      return reassignOffer(old, successor, capacityPerSeason, at);
    throw error;
  }
}

// ---- an offer's life -----------------------------------------------------------------------------

/**
 * Stores the waiting task's token on the offer (a re-run of the round replaces a stale one) and until
 * when it waits (shown to the team): one UpdateItem.
 */
export async function attachTaskToken(
  offer: OfferKey,
  taskToken: string,
  at: string,
  deadline: string,
): Promise<void> {
  await documents().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.offer(offer.season, offer.countyId, offer.societyId),
      UpdateExpression:
        'SET taskToken = :token, offeredAt = if_not_exists(offeredAt, :at), deadline = :deadline',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':token': taskToken, ':at': at, ':deadline': deadline },
    }),
  );
}

/**
 * Records a team's decision once: the first answer wins, a second is refused (false), and so is an
 * answer to an offer never sent.
 * The offer's status changes later, when the state machine records the outcome.
 */
export async function recordDecision(
  offer: OfferKey,
  decision: 'accept' | 'decline',
  by: string,
  at: string,
  reason?: string,
): Promise<boolean> {
  try {
    await documents().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.offer(offer.season, offer.countyId, offer.societyId),
        UpdateExpression: 'SET decision = :decision, decidedBy = :by, answeredAt = :at, reason = :reason',
        // Sent (offeredAt) and unanswered: an offer of a plan under review cannot be answered.
        ConditionExpression:
          'attribute_exists(pk) AND #status = :offered AND attribute_exists(offeredAt) AND attribute_not_exists(decision)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':decision': decision,
          ':by': by,
          ':at': at,
          ':reason': reason ?? null,
          ':offered': 'offered',
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/**
 * Moves an offer out of `offered` once, with its visit log entry in the same transaction (so the
 * answer is never recorded without its entry, whatever dies in between). A declined or expired
 * offer gives its capacity back. Returns false when the offer had already left `offered` (a
 * retried step).
 */
export async function settleOffer(
  offer: OfferKey & Pick<OfferRecord, 'needIds' | 'attempt'>,
  status: 'accepted' | 'declined' | 'expired',
  at: string,
  log?: VisitLogEntry,
): Promise<boolean> {
  const update = {
    TableName: tableName(),
    Key: keys.offer(offer.season, offer.countyId, offer.societyId),
    UpdateExpression: 'SET #status = :status, settledAt = :at',
    ConditionExpression: '#status = :offered',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':status': status, ':at': at, ':offered': 'offered' },
  };
  const summary = {
    Update: summaryOfferUpdate(offer.season, offer.countyId, [
      { societyId: offer.societyId, needIds: offer.needIds, status, attempt: offer.attempt },
    ]),
  };
  const capacityBack = capacityReturned(offer.season, offer.societyId);
  const items = [
    { Update: update },
    ...(status === 'accepted' ? [] : [capacityBack]),
    summary,
    ...(log ? [logEntryPut(log)] : []),
  ];
  try {
    await transact(items);
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    const codes = cancellationCodes(error);
    if (codes?.[0] === 'ConditionalCheckFailed') return false;
    // Logged already (append-only): the answer itself still has to be recorded.
    if (log && codes?.at(-1) === 'ConditionalCheckFailed') return settleOffer(offer, status, at);
    throw error;
  }
}

// ---- the coordinator's alert ----------------------------------------------------------------------

/**
 * Records on a refused offer that its needs go to the coordinator's alert, once: the first decision
 * stands (a re-run after a crash must not move the needs to a society that got capacity back since).
 * Returns the offer as stored after the call (its `alert` the one decided first, or a successor).
 */
export async function recordAlert(
  offer: TeamOffer,
  alert: NonNullable<OfferRecord['alert']>,
): Promise<OfferRecord | undefined> {
  try {
    await documents().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.offer(offer.season, offer.countyId, offer.societyId),
        UpdateExpression: 'SET alert = :alert',
        ConditionExpression:
          '#status IN (:declined, :expired) AND attribute_not_exists(alert) AND attribute_not_exists(reassignedTo)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':alert': alert, ':declined': 'declined', ':expired': 'expired' },
      }),
    );
    return { ...offer, alert };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    return getTeamOffer(offer.id);
  }
}
