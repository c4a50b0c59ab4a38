import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { documents, tableName } from '#commons/clients';
import { cancellationCodes, isConditionFailure, putIfAbsent, queryRange, transact } from '#commons/table';
import { keys, ranges } from '#schemas/keys';
import { IsoDateTime, Slug } from '#schemas/primitives';
import { User } from '#schemas/users';

/*
 * Users (pk `USERS`, sk `USER#<id>`) and their invitations (pk `INVITATION#<digest>`): the digest is
 * an HMAC of the code, never the code. A user names its current invitation; a new one replaces it,
 * so the old one stops working. Redeeming is one transaction: the invitation is marked used, unless
 * used or expired, while the user is active and it is still their current one.
 */

export const StoredUser = User.extend({
  createdAt: IsoDateTime,
  createdBy: z.string(),
  /** The digest of the user's current invitation (local sign-in only). */
  invitationDigest: z.string().optional(),
  revokedAt: IsoDateTime.optional(),
});
export type StoredUser = z.infer<typeof StoredUser>;

const StoredInvitation = z.object({
  userId: Slug,
  issuedAt: IsoDateTime,
  validUntil: IsoDateTime,
  usedAt: IsoDateTime.optional(),
});

/** Invitation items stay this long past their end (so a late try is told "expired"), then TTL removes them. */
const INVITATION_KEPT_SECONDS = 30 * 24 * 3600;
const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/** The user as the API shows it (no bookkeeping). */
export function publicUser(stored: StoredUser): User {
  return User.parse(stored);
}

function storedUserOf(item: Record<string, unknown> | undefined): StoredUser | undefined {
  return item ? StoredUser.parse(item) : undefined;
}

/** Creates the user unless one with that id exists. Returns whether it was written. */
export function putNewUser(user: StoredUser): Promise<boolean> {
  return putIfAbsent({ ...keys.user(user.id), type: 'user', ...StoredUser.parse(user) });
}

/** A user by id; `consistent` for the revocation check, which must see a revocation at once. */
export async function getUser(userId: string, consistent = false): Promise<StoredUser | undefined> {
  const { Item } = await documents().send(
    new GetCommand({ TableName: tableName(), Key: keys.user(userId), ConsistentRead: consistent }),
  );
  return storedUserOf(Item);
}

/** Every user: one Query of the users' partition. */
export async function listUsers(): Promise<StoredUser[]> {
  const items = await queryRange(ranges.users());
  return items.map((item) => StoredUser.parse(item));
}

/** Sets a user's status; undefined when there is no such user. */
export async function setUserStatus(
  userId: string,
  status: 'active' | 'revoked',
  at: string,
): Promise<StoredUser | undefined> {
  try {
    const { Attributes } = await documents().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.user(userId),
        UpdateExpression:
          status === 'revoked'
            ? 'SET #status = :status, revokedAt = :at'
            : 'SET #status = :status REMOVE revokedAt',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues:
          status === 'revoked' ? { ':status': status, ':at': at } : { ':status': status },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return storedUserOf(Attributes);
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
}

/**
 * Stores a new invitation and makes it the user's current one (the previous one stops working).
 * False when the user does not exist or is revoked.
 */
export async function issueInvitation(
  userId: string,
  digest: string,
  issuedAt: string,
  validUntil: string,
): Promise<boolean> {
  try {
    await transact([
      {
        Put: {
          TableName: tableName(),
          Item: {
            ...keys.invitation(digest),
            type: 'invitation',
            userId,
            issuedAt,
            validUntil,
            expiresAt: epochSeconds(validUntil) + INVITATION_KEPT_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Update: {
          TableName: tableName(),
          Key: keys.user(userId),
          UpdateExpression: 'SET invitationDigest = :digest',
          ConditionExpression: 'attribute_exists(pk) AND #status = :active',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':digest': digest, ':active': 'active' },
        },
      },
    ]);
    return true;
  } catch (error) {
    if (cancellationCodes(error)) return false;
    throw error;
  }
}

export type RedeemRefusal = 'unknown' | 'used' | 'expired' | 'replaced' | 'revoked';
export type Redeemed = { ok: true; user: StoredUser } | { ok: false; reason: RedeemRefusal };

async function refusalOf(digest: string, now: string): Promise<Redeemed> {
  const { Item } = await documents().send(
    new GetCommand({ TableName: tableName(), Key: keys.invitation(digest), ConsistentRead: true }),
  );
  if (!Item) return { ok: false, reason: 'unknown' };
  const invitation = StoredInvitation.parse(Item);
  if (invitation.usedAt) return { ok: false, reason: 'used' };
  if (invitation.validUntil <= now) return { ok: false, reason: 'expired' };
  const user = await getUser(invitation.userId, true);
  if (user?.status !== 'active') return { ok: false, reason: 'revoked' };
  return { ok: false, reason: 'replaced' };
}

/**
 * Uses an invitation once: marked used while unused, unexpired, and the current one of an active
 * user. Which of those failed is told, for the message the person reads.
 */
export async function redeemInvitation(digest: string, now: string): Promise<Redeemed> {
  const { Item } = await documents().send(
    new GetCommand({ TableName: tableName(), Key: keys.invitation(digest), ConsistentRead: true }),
  );
  if (!Item) return { ok: false, reason: 'unknown' };
  const { userId } = StoredInvitation.parse(Item);
  try {
    await transact([
      {
        Update: {
          TableName: tableName(),
          Key: keys.invitation(digest),
          UpdateExpression: 'SET usedAt = :now',
          ConditionExpression: 'attribute_not_exists(usedAt) AND validUntil > :now',
          ExpressionAttributeValues: { ':now': now },
        },
      },
      {
        ConditionCheck: {
          TableName: tableName(),
          Key: keys.user(userId),
          ConditionExpression: '#status = :active AND invitationDigest = :digest',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':active': 'active', ':digest': digest },
        },
      },
    ]);
  } catch (error) {
    if (cancellationCodes(error)) return refusalOf(digest, now);
    throw error;
  }
  const user = await getUser(userId, true);
  return user ? { ok: true, user } : { ok: false, reason: 'revoked' };
}

/**
 * Counts one sign-in attempt in the current minute for a client address or a code digest and
 * returns the count so far. The counter removes itself (TTL) a few minutes later.
 */
export async function countAttempt(scope: 'ip' | 'code', value: string, now: Date): Promise<number> {
  const minute = now.toISOString().slice(0, 16);
  const { Attributes } = await documents().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.attempts(scope, value, minute),
      UpdateExpression: 'ADD tries :one SET expiresAt = if_not_exists(expiresAt, :ttl)',
      ExpressionAttributeValues: { ':one': 1, ':ttl': Math.floor(now.getTime() / 1000) + 300 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return Number(Attributes?.tries ?? 1);
}

/** The person behind a request, for the log: their user id and name (a script token names no user). */
export interface AuditActor {
  id: string;
  name: string;
}

/** The caller's user record gives the name; a script token (`rounds token`) is named by its subject. */
export async function auditActorOf(caller: { subject: string; role: string }): Promise<AuditActor> {
  const user = await getUser(caller.subject).catch(() => undefined);
  return { id: caller.subject, name: user?.name ?? `${caller.role}:${caller.subject}` };
}
