import { randomBytes } from 'node:crypto';
import {
  ConflictError,
  fieldIssue,
  type InvalidInputError,
  invalidInput,
  NotFoundError,
  TooManyRequestsError,
} from '#commons/errors';

import { identity } from '#identity/identity';
import { BUILT_IN_COORDINATOR, type InvitedUser, type NewUser, type User } from '#schemas/users';
import { getCounty, getSociety } from '#store/catalog';
import {
  countAttempt,
  getUser,
  listUsers,
  publicUser,
  putNewUser,
  type StoredUser,
  setUserStatus,
} from '#store/users';

/*
 * Users and invitations (docs/api.md, users and sign-in): the rules both identity adapters share — a
 * liaison's county and a team's society must exist, a revoked user is not re-invited, sign-in tries
 * are limited per client address and per code.
 */

/** How long an invitation lasts. */
export const INVITATION_DAYS = 7;
/** Sign-in tries a minute, per client address and per code. */
export const SIGNIN_TRIES_PER_MINUTE = 10;

const ID_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
function newUserId(): string {
  return `u-${[...randomBytes(10)].map((b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('')}`;
}

function fieldError(field: string, zh: string, en: string): InvalidInputError {
  return invalidInput([fieldIssue(field, `「${field}」${zh}`, `${field} ${en}`)]);
}

/** A liaison's county and a team's society must be in the catalog: 400 naming the field. */
export async function checkBinding(user: Pick<NewUser, 'county' | 'society'>): Promise<void> {
  if (user.county && !(await getCounty(user.county)))
    throw fieldError(
      'county',
      `没有这个县（${user.county}）`,
      `"${user.county}" is not a county of the catalog`,
    );
  if (user.society && !(await getSociety(user.society)))
    throw fieldError(
      'society',
      `没有这个学会（${user.society}）`,
      `"${user.society}" is not a society of the catalog`,
    );
}

async function invite(user: StoredUser, origin: string, first: boolean): Promise<InvitedUser> {
  const invitation = await identity().invite(user, { origin, first, days: INVITATION_DAYS });
  return { user: publicUser(user), invitation };
}

/** `POST /users`: the user and their first invitation. */
export async function createUser(
  input: NewUser,
  actor: string,
  origin: string,
  id = newUserId(),
): Promise<InvitedUser> {
  await checkBinding(input);
  const user: StoredUser = {
    id,
    ...input,
    status: 'active',
    createdAt: new Date().toISOString(),
    createdBy: actor,
  };
  // The identity first (Cognito's AdminCreateUser): if it is refused (no e-mail or phone, a number
  // Cognito rejects), nothing was written. Nothing is ever deleted from the table (no DeleteItem).
  const created = await identity().create(user, { origin, days: INVITATION_DAYS });
  if (!(await putNewUser(user))) throw new ConflictError(`用户 ${id} 已存在 / user ${id} exists already`);
  return created ? { user: publicUser(user), invitation: created } : invite(user, origin, true);
}

export async function allUsers(): Promise<User[]> {
  const users = (await listUsers()).map(publicUser);
  return users.sort((a, b) => a.role.localeCompare(b.role) || a.name.localeCompare(b.name, 'zh'));
}

const noSuchUser = (id: string) => new NotFoundError(`没有这个用户（${id}）/ user "${id}" does not exist`);

/** `POST /users/{id}/revoke`: the user's sessions stop (again: no change). */
export async function revokeUser(id: string): Promise<User> {
  const user = await setUserStatus(id, 'revoked', new Date().toISOString());
  if (!user) throw noSuchUser(id);
  await identity().revoke(user);
  return publicUser(user);
}

/** `POST /users/{id}/invitation`: a new invitation; the old one stops working. */
export async function reinviteUser(id: string, origin: string): Promise<InvitedUser> {
  const user = await getUser(id, true);
  if (!user) throw noSuchUser(id);
  if (user.status !== 'active')
    throw new ConflictError(
      `用户 ${id} 已被撤销，不能再邀请；请新建用户 / user ${id} is revoked and cannot be invited again; create a new user`,
    );
  return invite(user, origin, false);
}

/**
 * The user for `npm start` or `rounds signin`, created when missing: the built-in coordinator, or
 * the active user with that role, county or society and name. Then a fresh invitation.
 */
export async function inviteLocalUser(wanted: NewUser, origin: string): Promise<InvitedUser> {
  await checkBinding(wanted);
  if (wanted.role === 'coordinator' && wanted.name === BUILT_IN_COORDINATOR.name) {
    const existing = await getUser(BUILT_IN_COORDINATOR.id, true);
    if (!existing) return createUser(wanted, 'local', origin, BUILT_IN_COORDINATOR.id);
    // Whoever holds the DATA_DIR is the coordinator of this machine.
    const active = existing.status === 'active' ? existing : await setUserStatus(existing.id, 'active', '');
    return invite(active as StoredUser, origin, false);
  }
  const same = (await listUsers()).find(
    (u) =>
      u.status === 'active' &&
      u.role === wanted.role &&
      u.name === wanted.name &&
      u.county === wanted.county &&
      u.society === wanted.society,
  );
  return same ? invite(same, origin, false) : createUser(wanted, 'local', origin);
}

const TOO_MANY =
  '尝试次数过多，请一分钟后再试；如邀请码无效，请向协调人索取新的邀请 / too many attempts: try again in a minute; if the code does not work, ask the coordinator for a new invitation';

/** `POST /session`: at most SIGNIN_TRIES_PER_MINUTE tries a minute from one address and for one code. */
export async function signIn(code: string, sourceIp: string, now = new Date()) {
  const byAddress = await countAttempt('ip', sourceIp || 'unknown', now);
  const byCode = await countAttempt('code', identity().digest(code), now);
  if (byAddress > SIGNIN_TRIES_PER_MINUTE || byCode > SIGNIN_TRIES_PER_MINUTE)
    throw new TooManyRequestsError(TOO_MANY, 60 - now.getUTCSeconds());
  return identity().signIn(code);
}
