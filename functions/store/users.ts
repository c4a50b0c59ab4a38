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
  /** Device sessions begun before this (a coordinator re-invited the person: a lost phone) are over. */
  sessionsFrom: IsoDateTime.optional(),
});
export type StoredUser = z.infer<typeof StoredUser>;

const StoredInvitation = z.object({
  userId: Slug,
  issuedAt: IsoDateTime,
  validUntil: IsoDateTime,
  usedAt: IsoDateTime.optional(),
  /**
   * `invitation` (absent on older items): the coordinator's, the user's current one. `device`: a code
   * a signed-in person showed to add a device; `link`: a link the person asked for. Neither replaces
   * the current invitation.
   */
  kind: z.enum(['invitation', 'device', 'link']).optional(),
});
export type InvitationKind = 'invitation' | 'device' | 'link';

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
  options: { kind?: InvitationKind; endSessions?: boolean } = {},
): Promise<boolean> {
  const kind = options.kind ?? 'invitation';
  const current = kind === 'invitation';
  try {
    await transact([
      {
        Put: {
          TableName: tableName(),
          Item: {
            ...keys.invitation(digest),
            type: 'invitation',
            kind,
            userId,
            issuedAt,
            validUntil,
            expiresAt: epochSeconds(validUntil) + INVITATION_KEPT_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      current
        ? {
            Update: {
              TableName: tableName(),
              Key: keys.user(userId),
              UpdateExpression: options.endSessions
                ? 'SET invitationDigest = :digest, sessionsFrom = :at'
                : 'SET invitationDigest = :digest',
              ConditionExpression: 'attribute_exists(pk) AND #status = :active',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':digest': digest,
                ':active': 'active',
                ...(options.endSessions ? { ':at': issuedAt } : {}),
              },
            },
          }
        : {
            ConditionCheck: {
              TableName: tableName(),
              Key: keys.user(userId),
              ConditionExpression: 'attribute_exists(pk) AND #status = :active',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':active': 'active' },
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
export type Redeemed =
  | { ok: true; user: StoredUser; kind: InvitationKind }
  | { ok: false; reason: RedeemRefusal; kind?: InvitationKind };

async function refusalOf(digest: string, now: string): Promise<Redeemed> {
  const { Item } = await documents().send(
    new GetCommand({ TableName: tableName(), Key: keys.invitation(digest), ConsistentRead: true }),
  );
  if (!Item) return { ok: false, reason: 'unknown' };
  const invitation = StoredInvitation.parse(Item);
  const kind = invitation.kind ?? 'invitation';
  if (invitation.usedAt) return { ok: false, reason: 'used', kind };
  if (invitation.validUntil <= now) return { ok: false, reason: 'expired', kind };
  const user = await getUser(invitation.userId, true);
  if (user?.status !== 'active') return { ok: false, reason: 'revoked', kind };
  return { ok: false, reason: 'replaced', kind };
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
  const { userId, kind = 'invitation', issuedAt } = StoredInvitation.parse(Item);
  // The coordinator's invitation must still be the user's current one; a device code or an asked-for
  // link must be younger than the user's last re-invitation (which ended every session before it).
  const userCondition =
    kind === 'invitation'
      ? { expression: '#status = :active AND invitationDigest = :digest', values: { ':digest': digest } }
      : {
          expression: '#status = :active AND (attribute_not_exists(sessionsFrom) OR sessionsFrom <= :issued)',
          values: { ':issued': issuedAt },
        };
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
          ConditionExpression: userCondition.expression,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':active': 'active', ...userCondition.values },
        },
      },
    ]);
  } catch (error) {
    if (cancellationCodes(error)) return refusalOf(digest, now);
    throw error;
  }
  const user = await getUser(userId, true);
  return user ? { ok: true, user, kind } : { ok: false, reason: 'revoked' };
}

/*
 * Device sessions (pk `DEVICE#<id>`): one per signed-in browser. The device holds `<id>.<secret>`;
 * the table keeps an HMAC of the secret. Each renewal spends the secret and stores the next one (the
 * previous digest is kept briefly, so an answer lost on a bad line can be asked for again); a device
 * stays signed in until `validUntil`, 30 days after its last renewal.
 */
export const StoredDevice = z.object({
  deviceId: z.string(),
  userId: Slug,
  secretDigest: z.string(),
  previousDigest: z.string().optional(),
  createdAt: IsoDateTime,
  rotatedAt: IsoDateTime.optional(),
  lastUsedAt: IsoDateTime,
  validUntil: IsoDateTime,
  endedAt: IsoDateTime.optional(),
  /** How the device got in: an invitation, another device's code, a link asked for. */
  via: z.enum(['invitation', 'device', 'link']),
});
export type StoredDevice = z.infer<typeof StoredDevice>;

/** Ended or lapsed device items stay a while (so a late renewal is told why), then TTL removes them. */
const DEVICE_KEPT_SECONDS = 7 * 24 * 3600;

export function putDevice(device: StoredDevice): Promise<boolean> {
  return putIfAbsent({
    ...keys.device(device.deviceId),
    type: 'device',
    ...StoredDevice.parse(device),
    expiresAt: epochSeconds(device.validUntil) + DEVICE_KEPT_SECONDS,
  });
}

export async function getDevice(deviceId: string): Promise<StoredDevice | undefined> {
  const { Item } = await documents().send(
    new GetCommand({ TableName: tableName(), Key: keys.device(deviceId), ConsistentRead: true }),
  );
  return Item ? StoredDevice.parse(Item) : undefined;
}

/**
 * The device's next secret, if it still holds `presented` (its current secret, or the one just
 * before it) and has not ended or lapsed. False when another renewal got there first.
 */
export async function rotateDevice(
  deviceId: string,
  presented: string,
  next: string,
  now: string,
  validUntil: string,
): Promise<boolean> {
  try {
    await documents().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.device(deviceId),
        UpdateExpression:
          'SET secretDigest = :next, previousDigest = secretDigest, rotatedAt = :now, lastUsedAt = :now, validUntil = :until, expiresAt = :ttl',
        ConditionExpression:
          'attribute_exists(pk) AND attribute_not_exists(endedAt) AND validUntil > :now AND (secretDigest = :presented OR previousDigest = :presented)',
        ExpressionAttributeValues: {
          ':next': next,
          ':presented': presented,
          ':now': now,
          ':until': validUntil,
          ':ttl': epochSeconds(validUntil) + DEVICE_KEPT_SECONDS,
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** Ends a device session (signing out, or a spent secret presented again); again: no change. */
export async function endDevice(deviceId: string, now: string): Promise<void> {
  try {
    await documents().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.device(deviceId),
        UpdateExpression: 'SET endedAt = :now',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(endedAt)',
        ExpressionAttributeValues: { ':now': now },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
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
