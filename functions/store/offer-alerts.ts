import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documents, tableName } from '#commons/clients';
import { isConditionFailure } from '#commons/table';
import { keys } from '#schemas/keys';
import type { OfferRecord } from '#schemas/records';
import { getTeamOffer, type TeamOffer } from './offers.ts';

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
