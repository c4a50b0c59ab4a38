import { createHash } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documents, tableName } from '#commons/clients';
import { isConditionFailure } from '#commons/table';
import { keys, TABLE_KEYS } from '#schemas/keys';

/**
 * A robot's budget of messages per calendar minute, shared by every dispatcher through the table:
 * DingTalk takes 20 messages a minute from one robot and mutes it for 10 minutes past that. One
 * item per robot and minute counts the messages handed to it; taking a slot is one conditional
 * UpdateItem (`ADD sent :1` while `sent < :limit`), so two dispatchers at once never take 21. The
 * item expires by TTL.
 */
export const ROBOT_MESSAGES_PER_MINUTE = 20;

/** How long a minute's counter is kept before TTL removes it. */
const KEEP_SECONDS = 3600;

/**
 * Takes one of the robot's slots of the minute of `at`; false when the minute's are all taken
 * (the message waits for the next minute).
 */
export async function takeRobotSlot(
  robotUrl: string,
  at: Date,
  limit: number = ROBOT_MESSAGES_PER_MINUTE,
): Promise<boolean> {
  const minuteStart = Math.floor(at.getTime() / 60_000) * 60_000;
  try {
    await documents().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.robotBudget(robotDigest(robotUrl), new Date(minuteStart).toISOString().slice(0, 16)),
        UpdateExpression: 'ADD sent :one SET #expiresAt = if_not_exists(#expiresAt, :expiresAt)',
        ConditionExpression: 'attribute_not_exists(sent) OR sent < :limit',
        ExpressionAttributeNames: { '#expiresAt': TABLE_KEYS.ttlAttribute },
        ExpressionAttributeValues: {
          ':one': 1,
          ':limit': limit,
          ':expiresAt': Math.floor(minuteStart / 1000) + KEEP_SECONDS,
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** When the next minute starts: a message without a slot is due again then. */
export function nextMinute(at: Date): Date {
  return new Date((Math.floor(at.getTime() / 60_000) + 1) * 60_000);
}

/**
 * The robot's identity, hashed so that its token is not copied into a key: the URL with the
 * signature's `timestamp` and `sign` left out. The token (DingTalk `access_token`, WeCom `key`)
 * stays in: it is what tells one robot from another on the same host and path.
 */
export function robotDigest(robotUrl: string): string {
  let identity = robotUrl;
  try {
    const url = new URL(robotUrl);
    url.searchParams.delete('timestamp');
    url.searchParams.delete('sign');
    url.searchParams.sort();
    url.hash = '';
    identity = url.toString();
  } catch {
    // Not a URL: the text itself is the identity.
  }
  return createHash('sha256').update(identity).digest('hex').slice(0, 32);
}
