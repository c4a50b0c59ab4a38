import { seasonFromOrdinal, seasonOfInstant, seasonOrdinal } from '#domain/season';
import { getTeamOffer } from './store/offers.ts';
import { type StoredMessage, seasonOutbox, settleMessage } from './store/outbox.ts';

/**
 * The outbox's sender, shared by the `DispatchOutbox` Lambda (AWS, every 10 minutes) and the
 * `npm start` loop: each queued message whose `notBefore` has passed — quiet hours (22:00–07:00
 * Asia/Shanghai) pushed it to 07:00 when it was queued — is claimed once (a second dispatcher
 * loses the conditional write), then handed to the delivery port. A reminder whose offer was
 * answered meanwhile is cancelled instead. A failed delivery puts the message back in the queue.
 */
export interface DeliveryPort {
  deliver(message: StoredMessage): Promise<void>;
}

export interface DispatchResult {
  sent: StoredMessage[];
  cancelled: string[];
  failed: { id: string; error: string }[];
}

/** The seasons whose outbox may hold due messages at `at`: the current and the previous one. */
export function dispatchSeasons(at: Date): string[] {
  const current = seasonOfInstant(at);
  return [seasonFromOrdinal(seasonOrdinal(current) - 1), current];
}

export async function dispatchDue(
  at: Date,
  port: DeliveryPort,
  seasons: readonly string[] = dispatchSeasons(at),
): Promise<DispatchResult> {
  const result: DispatchResult = { sent: [], cancelled: [], failed: [] };
  const now = at.toISOString();
  for (const season of seasons) {
    for (const message of await seasonOutbox(season)) {
      if (message.status !== 'queued' || message.notBefore > now) continue;
      if (message.kind === 'reminder' && message.offerId) {
        const offer = await getTeamOffer(message.offerId);
        if (offer?.status !== 'offered' || offer.decision) {
          if (await settleMessage(season, message.id, 'cancelled', now)) result.cancelled.push(message.id);
          continue;
        }
      }
      if (!(await settleMessage(season, message.id, 'sent', now))) continue;
      try {
        await port.deliver(message);
        result.sent.push(message);
      } catch (error) {
        await requeue(season, message.id, (error as Error).message);
        result.failed.push({ id: message.id, error: (error as Error).message });
      }
    }
  }
  return result;
}

async function requeue(season: string, id: string, error: string): Promise<void> {
  const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
  const { documents, tableName } = await import('./clients.ts');
  const { keys } = await import('#schemas/keys');
  await documents.send(
    new UpdateCommand({
      TableName: tableName,
      Key: keys.outbox(season, id),
      UpdateExpression: 'SET #status = :queued, lastError = :error ADD attempts :one',
      ConditionExpression: '#status = :sent',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':queued': 'queued',
        ':error': error.slice(0, 500),
        ':one': 1,
        ':sent': 'sent',
      },
    }),
  );
}
