import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, type TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documents, tableName } from '#commons/clients';
import { cancellationCodes, isConditionFailure, transact } from '#commons/table';
import type { OverrideCost } from '#schemas/index';
import { keys, offerId } from '#schemas/keys';
import type { OfferRecord, VisitRecord } from '#schemas/records';
import { capacityReturned, newOfferWrites } from './items/offer.ts';
import { summaryOfferUpdate, summaryVisitUpdate } from './items/summary.ts';
import { visitedItem } from './items/visit.ts';

/*
 * Writes of the coordinator's plan review: a re-plan replaces the stored visits and the offers not
 * yet sent (no task token: AwaitPlanApproval holds them back), giving back and taking capacity as it
 * goes; a hand placement is a new offer, its capacity and the need's placement claim in one
 * transaction.
 */

/** Replaces a planned visit (same key) and the county's visit history entry for the season. */
export async function replaceVisit(visit: VisitRecord): Promise<void> {
  await transact([
    {
      Put: {
        TableName: tableName(),
        Item: { ...keys.visit(visit.season, visit.countyId), type: 'visit', ...visit },
      },
    },
    {
      Put: {
        TableName: tableName(),
        Item: visitedItem({
          season: visit.season as VisitRecord['season'] & `${number}-Q${1 | 2 | 3 | 4}`,
          countyId: visit.countyId,
          townId: visit.townId,
        }),
      },
    },
    { Update: summaryVisitUpdate(visit) },
  ]);
}

const UNSENT = '#status = :offered AND attribute_not_exists(taskToken)';

/**
 * Withdraws an offer nobody was sent yet (status `withdrawn`: nothing in the table is deleted) and
 * gives its unit of capacity back. False if it was sent meanwhile.
 */
export async function withdrawUnsentOffer(offer: OfferRecord): Promise<boolean> {
  try {
    await transact([
      {
        Update: {
          TableName: tableName(),
          Key: keys.offer(offer.season, offer.countyId, offer.societyId),
          UpdateExpression: 'SET #status = :withdrawn',
          ConditionExpression: UNSENT,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':offered': 'offered', ':withdrawn': 'withdrawn' },
        },
      },
      capacityReturned(offer.season, offer.societyId),
      {
        Update: summaryOfferUpdate(offer.season, offer.countyId, [
          { societyId: offer.societyId, needIds: offer.needIds, status: 'withdrawn', attempt: offer.attempt },
        ]),
      },
    ]);
    return true;
  } catch (error) {
    if (cancellationCodes(error)?.[0] === 'ConditionalCheckFailed') return false;
    throw error;
  }
}

/** A withdrawn offer back in the plan (a later re-plan), taking its unit of capacity again. */
export async function reviveWithdrawnOffer(
  offer: OfferRecord,
  change: { townId: string; needIds: string[] },
  capacityPerSeason: number,
): Promise<boolean> {
  const [, capacity, summary] = newOfferWrites({ ...offer, ...change }, capacityPerSeason);
  try {
    await transact([
      {
        Update: {
          TableName: tableName(),
          Key: keys.offer(offer.season, offer.countyId, offer.societyId),
          UpdateExpression: 'SET #status = :offered, needIds = :needIds, townId = :townId',
          ConditionExpression: '#status = :withdrawn',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':offered': 'offered',
            ':withdrawn': 'withdrawn',
            ':needIds': change.needIds,
            ':townId': change.townId,
          },
        },
      },
      capacity!,
      summary!,
    ]);
    return true;
  } catch (error) {
    if (cancellationCodes(error)) return false;
    throw error;
  }
}

/** Changes the needs (and town) of an offer nobody was sent yet. */
export async function reviseUnsentOffer(
  offer: OfferRecord,
  change: { townId: string; needIds: string[] },
): Promise<boolean> {
  try {
    await transact([
      {
        Update: {
          TableName: tableName(),
          Key: keys.offer(offer.season, offer.countyId, offer.societyId),
          UpdateExpression: 'SET needIds = :needIds, townId = :townId',
          ConditionExpression: UNSENT,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':needIds': change.needIds,
            ':townId': change.townId,
            ':offered': 'offered',
          },
        },
      },
      {
        Update: summaryOfferUpdate(offer.season, offer.countyId, [
          { societyId: offer.societyId, needIds: change.needIds, status: 'offered', attempt: offer.attempt },
        ]),
      },
    ]);
    return true;
  } catch (error) {
    if (isConditionFailure(error) || cancellationCodes(error)?.[0] === 'ConditionalCheckFailed') return false;
    throw error;
  }
}

/** What each override cost at the last re-plan, kept beside the overrides (shown on the review page). */
export async function saveOverrideCosts(season: string, costs: OverrideCost[]): Promise<void> {
  await documents().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.seasonOverrides(season),
      UpdateExpression: 'SET costs = :costs',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':costs': costs },
    }),
  );
}

export async function overrideCosts(season: string): Promise<OverrideCost[] | undefined> {
  const { Item } = await documents().send(
    new GetCommand({ TableName: tableName(), Key: keys.seasonOverrides(season) }),
  );
  return Array.isArray(Item?.costs) ? (Item.costs as OverrideCost[]) : undefined;
}

// ---- hand placement ------------------------------------------------------------------------------

export type PlacementResult = 'created' | 'offer-exists' | 'full' | 'placed-meanwhile';

/**
 * A hand-placed offer: the offer (only if the society has none on the visit), one unit of the
 * society's capacity (never past `capacityPerSeason`, in the same transaction as every other offer),
 * and the need's placement claim (only if it still names `previousOfferId`, the placement read
 * before) — so racing placements neither exceed capacity nor place one need twice — and, in the
 * same transaction, what goes `alongside` (its visit-log and audit entries): all or nothing.
 */
export async function placeOffer(
  offer: {
    season: string;
    countyId: string;
    townId: string;
    societyId: string;
    needId: string;
    placedBy: string;
  },
  capacityPerSeason: number,
  previousOfferId: string | undefined,
  at: string,
  /** The society's offer on this visit was withdrawn at the review: it comes back as the placed one. */
  revive: boolean,
  alongside: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>,
): Promise<PlacementResult> {
  const id = offerId(offer.season, offer.countyId, offer.societyId);
  const [put, capacity, summary] = newOfferWrites(
    {
      season: offer.season,
      countyId: offer.countyId,
      townId: offer.townId,
      societyId: offer.societyId,
      needIds: [offer.needId],
      createdAt: at,
      attempt: 1,
      placedBy: offer.placedBy,
    },
    capacityPerSeason,
  );
  const offerWrite = revive
    ? {
        Update: {
          TableName: tableName(),
          Key: keys.offer(offer.season, offer.countyId, offer.societyId),
          UpdateExpression:
            'SET #status = :offered, needIds = :needIds, townId = :townId, placedBy = :by, attempt = :one, createdAt = :at',
          ConditionExpression: '#status = :withdrawn',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':offered': 'offered',
            ':withdrawn': 'withdrawn',
            ':needIds': [offer.needId],
            ':townId': offer.townId,
            ':by': offer.placedBy,
            ':one': 1,
            ':at': at,
          },
        },
      }
    : put!;
  try {
    await transact([
      offerWrite,
      capacity!,
      summary!,
      {
        Put: {
          TableName: tableName(),
          Item: {
            ...keys.placement(offer.season, offer.needId),
            type: 'placement',
            season: offer.season,
            needId: offer.needId,
            offerId: id,
            placedBy: offer.placedBy,
            at,
          },
          ConditionExpression: previousOfferId ? 'offerId = :previous' : 'attribute_not_exists(pk)',
          ...(previousOfferId ? { ExpressionAttributeValues: { ':previous': previousOfferId } } : {}),
        },
      },
      ...alongside,
    ]);
    return 'created';
  } catch (error) {
    const codes = cancellationCodes(error);
    if (!codes || !(error instanceof TransactionCanceledException)) throw error;
    if (codes[0] === 'ConditionalCheckFailed') return 'offer-exists';
    if (codes[3] === 'ConditionalCheckFailed') return 'placed-meanwhile';
    if (codes[1] === 'ConditionalCheckFailed') return 'full';
    throw error;
  }
}

/** The offer a need was last placed on by hand, if any. */
export async function placementOf(season: string, needId: string): Promise<string | undefined> {
  const { Item } = await documents().send(
    new GetCommand({ TableName: tableName(), Key: keys.placement(season, needId) }),
  );
  return typeof Item?.offerId === 'string' ? Item.offerId : undefined;
}
