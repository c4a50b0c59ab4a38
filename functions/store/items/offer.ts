import { tableName } from '#commons/clients';
import { keys, offerId, visitId } from '#schemas/keys';
import type { OfferRecord } from '#schemas/records';
import { summaryOfferUpdate } from './summary.ts';

/**
 * The three writes that make an offer: the offer item (only if absent), one unit of the society's
 * capacity (never past `capacityPerSeason`) and the offer on the county summary (with `alsoOnSummary`:
 * other offers of the visit changed in the same transaction). Transactions add them to whatever else
 * must hold.
 */
export function newOfferWrites(
  offer: Omit<OfferRecord, 'id' | 'visitId' | 'status'> & Record<string, unknown>,
  capacityPerSeason: number,
  alsoOnSummary: Parameters<typeof summaryOfferUpdate>[2] = [],
) {
  return [
    {
      Put: {
        TableName: tableName(),
        Item: {
          ...keys.offer(offer.season, offer.countyId, offer.societyId),
          ...keys.offerIndex(offer.season, offer.countyId, offer.societyId),
          type: 'offer',
          ...offer,
          id: offerId(offer.season, offer.countyId, offer.societyId),
          visitId: visitId(offer.season, offer.countyId),
          status: 'offered',
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      Update: {
        TableName: tableName(),
        Key: keys.capacity(offer.season, offer.societyId),
        UpdateExpression: 'SET #type = :type, societyId = :society ADD used :one',
        ConditionExpression: 'attribute_not_exists(used) OR used < :max',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: {
          ':type': 'capacity',
          ':society': offer.societyId,
          ':one': 1,
          ':max': capacityPerSeason,
        },
      },
    },
    {
      Update: summaryOfferUpdate(offer.season, offer.countyId, [
        { societyId: offer.societyId, needIds: offer.needIds, status: 'offered', attempt: offer.attempt },
        ...alsoOnSummary,
      ]),
    },
  ];
}

/** One unit of a society's season capacity given back (an offer refused, or withdrawn unsent). */
export function capacityReturned(season: string, societyId: string) {
  return {
    Update: {
      TableName: tableName(),
      Key: keys.capacity(season, societyId),
      UpdateExpression: 'ADD used :minusOne',
      ConditionExpression: 'used > :zero',
      ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
    },
  };
}
