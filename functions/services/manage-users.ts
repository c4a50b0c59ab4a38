import { randomBytes } from 'node:crypto';
import {
  ConflictError,
  fieldIssue,
  type InvalidInputError,
  invalidInput,
  NotFoundError,
  TooManyRequestsError,
} from '#commons/errors';
import type { Caller } from '#commons/http';
import { logger } from '#commons/logger';
import { contactRoute } from '#delivery/port';
import { identity } from '#identity/identity';
import { overLimit } from '#identity/limits';
import {
  BUILT_IN_COORDINATOR,
  type DeviceCode,
  type InvitedUser,
  type NewUser,
  type Session,
  type User,
} from '#schemas/users';
import { getCounty, getSociety, listSocieties } from '#store/catalog';
import { enqueueMessage } from '#store/outbox';
import { getUser, listUsers, publicUser, putNewUser, type StoredUser, setUserStatus } from '#store/users';

/*
 * Users and invitations (docs/api.md, users and sign-in): the rules both identity adapters share — a
 * liaison's county and a team's society must exist, a revoked user is not re-invited, sign-in tries
 * are limited per client address and per code.
 */

/** How long an invitation lasts. */
export const INVITATION_DAYS = 7;

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

async function invite(
  user: StoredUser,
  origin: string,
  first: boolean,
  endSessions = false,
): Promise<InvitedUser> {
  const invitation = await identity().invite(user, { origin, first, days: INVITATION_DAYS, endSessions });
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

/**
 * `POST /users/{id}/invitation`: a new invitation; the old one stops working, and so does every
 * device the person was signed in on (a lost phone).
 */
export async function reinviteUser(id: string, origin: string): Promise<InvitedUser> {
  const user = await getUser(id, true);
  if (!user) throw noSuchUser(id);
  if (user.status !== 'active')
    throw new ConflictError(
      `用户 ${id} 已被撤销，不能再邀请；请新建用户 / user ${id} is revoked and cannot be invited again; create a new user`,
    );
  return invite(user, origin, false, true);
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

/** One line per way in, refused or not: never the code, the link or a token. */
function logSignIn(route: string, outcome: string, address: string, userId?: string): void {
  logger.info('sign-in', { route, outcome, address: address || 'unknown', ...(userId ? { userId } : {}) });
}

/** The limit first, before anything reads or writes the table (functions/identity/limits.ts). */
function limit(route: string, address: string, subject: string, now: Date): void {
  const wait = overLimit(route, address, subject, now);
  if (!wait) return;
  logSignIn(route, 'limited', address);
  throw new TooManyRequestsError(TOO_MANY, wait);
}

async function logged<T extends Session | undefined>(
  route: string,
  address: string,
  run: () => Promise<T>,
): Promise<T> {
  try {
    const session = await run();
    logSignIn(route, 'ok', address, session?.user.id);
    return session;
  } catch (error) {
    logSignIn(route, (error as Error).name === 'UnauthorizedError' ? 'refused' : 'failed', address);
    throw error;
  }
}

/** `POST /session`: an invitation, a device code or an asked-for link → a session for this device. */
export async function signIn(code: string, sourceIp: string, now = new Date()): Promise<Session> {
  limit('session', sourceIp, identity().digest(code), now);
  return logged('session', sourceIp, () => identity().signIn(code));
}

/** `POST /session/refresh`: the device's credential → a fresh session and the next credential. */
export async function refreshSession(deviceToken: string, sourceIp: string, now = new Date()) {
  limit('refresh', sourceIp, deviceToken.split('.')[0] ?? '', now);
  return logged('refresh', sourceIp, () => identity().refresh(deviceToken));
}

export const SIGNED_OUT =
  '已退出登录，本设备的登录已在服务器上结束 / signed out: this device’s session has ended on the server';

/** `POST /session/sign-out`: this device's session ends on the server too. */
export async function signOut(deviceToken: string, sourceIp: string, now = new Date()) {
  limit('sign-out', sourceIp, deviceToken.split('.')[0] ?? '', now);
  await identity().signOut(deviceToken);
  logSignIn('sign-out', 'ok', sourceIp);
  return { message: SIGNED_OUT };
}

/** `POST /session/device-code`: a code the signed-in person shows to sign in another device. */
export async function deviceCode(caller: Caller, origin: string): Promise<DeviceCode> {
  const code = await identity().deviceCode(caller, origin);
  logger.info('device-code', { userId: caller.subject, expiresAt: code.expiresAt });
  return code;
}

/** What `POST /session/link` always answers, whether or not a user matched. */
export const LINK_SENT =
  '如果这个手机号或邮箱属于一位在册用户，新的登录链接已发送到那里（30 分钟内有效，只能用一次）。没有收到？请联系市科协协调人。 / If this phone number or e-mail belongs to a registered user, a new sign-in link has been sent to it (valid for 30 minutes, once). Nothing arrived? Ask the city association’s coordinator.';

/** 11-digit mainland mobiles with or without +86, spaces and dashes → E.164; an e-mail in lower case. */
export function normalizeContact(raw: string): string {
  const value = raw.trim();
  if (value.includes('@')) return value.toLowerCase();
  const digits = value.replace(/[\s()-]/g, '');
  if (/^1\d{10}$/.test(digits)) return `+86${digits}`;
  if (/^86\d{11}$/.test(digits)) return `+${digits}`;
  return digits.startsWith('+') ? digits : `+${digits}`;
}

/** Where a link request is sent: the user whose own phone or e-mail it is, else a society's contact. */
async function linkTarget(
  contact: string,
): Promise<{ user: StoredUser; to: ReturnType<typeof contactRoute> } | undefined> {
  const active = (await listUsers()).filter((u) => u.status === 'active');
  const same = (value?: string) => Boolean(value) && normalizeContact(value as string) === contact;
  const own = active.filter((u) => same(u.email) || same(u.phone));
  if (own.length === 1) {
    const user = own[0] as StoredUser;
    return { user, to: contactRoute(contact.includes('@') ? { email: contact } : { phone: contact }) };
  }
  if (own.length > 1) return undefined;
  // A society's phone or e-mail on file: its robot (or that contact) hears it, if one member is behind it.
  const society = (await listSocieties()).find((s) => same(s.contact?.email) || same(s.contact?.phone));
  const members = society ? active.filter((u) => u.role === 'team' && u.society === society.id) : [];
  if (!society || members.length !== 1) return undefined;
  return { user: members[0] as StoredUser, to: contactRoute(society.contact) };
}

/**
 * `POST /session/link` (public): a fresh single-use sign-in link for the person whose phone or
 * e-mail (or society's contact) this is, through the outbox. The same answer either way, so the
 * route tells no one who is registered.
 */
export async function requestLink(rawContact: string, sourceIp: string, origin: string, now = new Date()) {
  const contact = normalizeContact(rawContact);
  limit('link', sourceIp, identity().digest(contact), now);
  const target = await linkTarget(contact);
  const link =
    target && target.to.medium !== 'none' ? await identity().signInLink(target.user, origin) : undefined;
  if (target && link) {
    const at = now.toISOString();
    await enqueueMessage({
      id: `signin-link-${identity().digest(link.code).slice(0, 16)}`,
      season: 'signin',
      audience:
        target.user.role === 'team' ? 'society' : target.user.role === 'liaison' ? 'liaison' : 'coordinator',
      medium: target.to.medium,
      to: target.to.to,
      subject: '山区四县科技服务 · 登录链接 / sign-in link',
      body: `${target.user.name}：点开下面的链接即可登录（30 分钟内有效，只能用一次）。不是你请求的？请忽略。\n${link.url}\nOpen the link to sign in (valid for 30 minutes, once). Did not ask for it? Ignore this message.`,
      createdAt: at,
      notBefore: at,
    });
  }
  logSignIn('link', target && link ? 'sent' : 'no-match', sourceIp, target?.user.id);
  return { message: LINK_SENT };
}
