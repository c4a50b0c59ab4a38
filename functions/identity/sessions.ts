import { createHmac, randomBytes, randomInt } from 'node:crypto';
import { UnauthorizedError } from '#commons/errors';
import { INVITATION_ALPHABET, INVITATION_CODE_LENGTH, type Session } from '#schemas/users';
import type { IdentityPort } from './port.ts';
import { type LocalClaims, SESSION_SECONDS, signWithKey } from './tokens.ts';

/*
 * The product's own adapter of the identity port (on one machine, and in AWS China where there is
 * no Cognito): invitation codes kept in the table as an HMAC (keyed by the token key, so a copy of
 * the table alone does not let anyone test codes), sessions as tokens signed by that key, renewed
 * through the device's own single-use credential (docs/rules.md, sign-in). The store is loaded on
 * first use: the local HTTP adapter installs this before any handler (and the table's
 * configuration) is loaded.
 */
const store = () => import('#store/users');

/** A device stays signed in this long after its last renewal. */
export const DEVICE_DAYS = 30;
/** A code shown on a signed-in device to add another lasts this long. */
export const DEVICE_CODE_MINUTES = 10;
/** A sign-in link a person asked for lasts this long. */
export const LINK_MINUTES = 30;
/** A spent device secret is still taken this long after its renewal (an answer lost on a bad line). */
const RETRY_GRACE_MS = 2 * 60 * 1000;
const DAY_MS = 24 * 3600 * 1000;

/** The clock of device sessions; tests move it days ahead instead of waiting. */
let clock: () => Date = () => new Date();
export function setIdentityClock(next?: () => Date): void {
  clock = next ?? (() => new Date());
}

/** 10 symbols of 32: 50 bits. */
export function newInvitationCode(): string {
  let code = '';
  for (let i = 0; i < INVITATION_CODE_LENGTH; i++)
    code += INVITATION_ALPHABET[randomInt(INVITATION_ALPHABET.length)];
  return code;
}

const DEVICE_ID_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
function newDeviceId(): string {
  return [...randomBytes(16)].map((b) => DEVICE_ID_ALPHABET[b % DEVICE_ID_ALPHABET.length]).join('');
}

const ADD_DEVICE =
  '如果你已在另一台设备上登录，请在那台设备上点“添加设备”，用显示的二维码或代码登录本设备；也可以在登录页请求把新的登录链接发到你的手机或邮箱 / if you are signed in on another device, choose "Add a device" there and use the QR code or code it shows; or ask on the sign-in page for a new link sent to your phone or e-mail';

const REFUSALS = {
  unknown:
    '邀请码不正确：请核对后重试，或向协调人索取新的邀请 / the invitation code is not known: check it, or ask the coordinator for a new invitation',
  used: `这份邀请已经用过（每份邀请只能登录一台设备）。${ADD_DEVICE.split(' / ')[0]}；或向协调人索取新的邀请 / this invitation was used already (each signs in one device): ${ADD_DEVICE.split(' / ')[1]}; or ask the coordinator for a new one`,
  expired: `这份邀请已过期。${ADD_DEVICE.split(' / ')[0]}；或向协调人索取新的邀请 / this invitation has expired: ${ADD_DEVICE.split(' / ')[1]}; or ask the coordinator for a new one`,
  replaced:
    '这份邀请已被新的邀请取代：请使用最新的邀请，或向协调人索取 / this invitation was replaced by a newer one: use the newest, or ask the coordinator',
  revoked: '此账号已被撤销：如有疑问请联系协调人 / this account was revoked: ask the coordinator',
} as const;
const DEVICE_REFUSALS = {
  unknown:
    '代码不正确或已失效：请在已登录的设备上重新生成 / the code is not known or no longer valid: show a new one on your signed-in device',
  used: '这个代码已经用过：请在已登录的设备上重新生成 / this code was used already: show a new one on your signed-in device',
  expired:
    '这个代码已过期（10 分钟内有效）：请在已登录的设备上重新生成 / this code has expired (it lasts 10 minutes): show a new one on your signed-in device',
  replaced: REFUSALS.revoked,
  revoked: REFUSALS.revoked,
} as const;
const LINK_REFUSALS = {
  ...DEVICE_REFUSALS,
  used: '这个登录链接已经用过：请在登录页重新请求 / this sign-in link was used already: ask for a new one on the sign-in page',
  expired:
    '这个登录链接已过期（30 分钟内有效）：请在登录页重新请求 / this sign-in link has expired (it lasts 30 minutes): ask for a new one on the sign-in page',
} as const;
const DEVICE_ENDED =
  '本设备的登录已结束（已退出、超过 30 天未使用，或协调人已重新邀请）：请重新登录 / this device is signed out (signed out, unused for 30 days, or re-invited by the coordinator): sign in again';

/** How long a user's status is believed without reading the table again. */
const STATUS_CACHE_MS = 2000;
interface Standing {
  active: boolean;
  /** Epoch seconds: tokens issued before are over (a re-invitation). */
  sessionsFrom: number;
  at: number;
}
const statusCache = new Map<string, Standing>();
const deviceCache = new Map<string, { ended: boolean; at: number }>();

function remember<T>(cache: Map<string, T>, key: string, value: T): void {
  if (cache.size >= 1000) cache.delete(cache.keys().next().value as string);
  cache.set(key, value);
}

const REVOKED_TOKEN =
  '此账号已被撤销，请重新登录或联系协调人 / this account was revoked: sign in again or ask the coordinator';

/**
 * Why a token may no longer be used, or undefined when it may: a session token's user must exist
 * and be active, the token younger than the user's last re-invitation, and its device not signed
 * out (each read at most STATUS_CACHE_MS ago; a change made in this process is seen at once).
 */
export async function sessionRefusal(claims: Record<string, unknown>): Promise<string | undefined> {
  if (claims.token_use !== 'session') return undefined;
  const userId = typeof claims.sub === 'string' ? claims.sub : '';
  const cached = statusCache.get(userId);
  let standing = cached && Date.now() - cached.at < STATUS_CACHE_MS ? cached : undefined;
  if (!standing) {
    const user = await (await store()).getUser(userId, true);
    standing = {
      active: user?.status === 'active',
      sessionsFrom: user?.sessionsFrom ? Math.floor(Date.parse(user.sessionsFrom) / 1000) : 0,
      at: Date.now(),
    };
    remember(statusCache, userId, standing);
  }
  if (!standing.active) return REVOKED_TOKEN;
  if (typeof claims.iat === 'number' && claims.iat < standing.sessionsFrom) return DEVICE_ENDED;
  const sid = typeof claims.sid === 'string' ? claims.sid : '';
  if (!sid) return undefined;
  const device = deviceCache.get(sid);
  let ended = device && Date.now() - device.at < STATUS_CACHE_MS ? device.ended : undefined;
  if (ended === undefined) {
    const stored = await (await store()).getDevice(sid);
    ended = !stored || Boolean(stored.endedAt);
    remember(deviceCache, sid, { ended, at: Date.now() });
  }
  return ended ? DEVICE_ENDED : undefined;
}

export function localIdentity(key: Uint8Array): IdentityPort {
  const digest = (code: string) => createHmac('sha256', key).update(code).digest('base64url');
  const newSecret = () => randomBytes(32).toString('base64url');

  const session = async (
    user: import('#store/users').StoredUser,
    device?: { id: string; secret: string; validUntil: string },
  ): Promise<Session> => {
    const claims: LocalClaims = {
      role: user.role,
      ...(user.county ? { county: user.county } : {}),
      ...(user.society ? { society: user.society } : {}),
      sub: user.id,
      token_use: 'session',
      ...(device ? { sid: device.id } : {}),
    };
    const token = await signWithKey(key, claims, SESSION_SECONDS);
    const expiresAt = new Date((Math.floor(Date.now() / 1000) + SESSION_SECONDS) * 1000).toISOString();
    return {
      token,
      expiresAt,
      user: (await store()).publicUser(user),
      ...(device ? { deviceToken: `${device.id}.${device.secret}`, deviceExpiresAt: device.validUntil } : {}),
    };
  };

  /** A one-time code of `kind` for `user`, lasting `ms`, and the link that carries it. */
  const issue = async (
    user: import('#store/users').StoredUser,
    origin: string,
    ms: number,
    options: { kind?: 'invitation' | 'device' | 'link'; endSessions?: boolean } = {},
  ) => {
    const code = newInvitationCode();
    const issuedAt = clock();
    const validUntil = new Date(issuedAt.getTime() + ms).toISOString();
    const issued = await (await store()).issueInvitation(
      user.id,
      digest(code),
      issuedAt.toISOString(),
      validUntil,
      options,
    );
    if (!issued) throw new UnauthorizedError(REFUSALS.revoked);
    if (options.endSessions) statusCache.delete(user.id);
    return { url: `${origin.replace(/\/+$/, '')}/signin#code=${code}`, code, expiresAt: validUntil };
  };

  const deviceRefused = () => new UnauthorizedError(DEVICE_ENDED);

  return {
    digest,
    async create() {
      // A code is issued once the user is stored (its digest is kept on the user's record).
      return undefined;
    },
    async invite(user, { origin, days, endSessions }) {
      return issue(user, origin, days * DAY_MS, { endSessions: Boolean(endSessions) });
    },
    async revoke(user) {
      statusCache.delete(user.id);
    },
    async signIn(code) {
      const users = await store();
      const now = clock();
      const redeemed = await users.redeemInvitation(digest(code), now.toISOString());
      if (!redeemed.ok) {
        const refusals =
          redeemed.kind === 'device' ? DEVICE_REFUSALS : redeemed.kind === 'link' ? LINK_REFUSALS : REFUSALS;
        throw new UnauthorizedError(refusals[redeemed.reason]);
      }
      statusCache.delete(redeemed.user.id);
      const device = {
        id: newDeviceId(),
        secret: newSecret(),
        validUntil: new Date(now.getTime() + DEVICE_DAYS * DAY_MS).toISOString(),
      };
      await users.putDevice({
        deviceId: device.id,
        userId: redeemed.user.id,
        secretDigest: digest(device.secret),
        createdAt: now.toISOString(),
        lastUsedAt: now.toISOString(),
        validUntil: device.validUntil,
        via: redeemed.kind,
      });
      return session(redeemed.user, device);
    },
    async renew(caller) {
      const user = await (await store()).getUser(caller.subject, true);
      if (!user)
        throw new UnauthorizedError(
          '此令牌不属于任何用户，无法续期（脚本令牌请重新运行 rounds token）/ this token names no user and cannot be renewed (for scripts, run rounds token again)',
        );
      if (user.status !== 'active') throw new UnauthorizedError(REFUSALS.revoked);
      return session(user);
    },
    async refresh(deviceToken) {
      const users = await store();
      const [deviceId = '', secret = ''] = deviceToken.split('.');
      const now = clock();
      const stored = await users.getDevice(deviceId);
      if (!stored || stored.endedAt || stored.validUntil <= now.toISOString()) throw deviceRefused();
      const presented = digest(secret);
      const retry =
        presented === stored.previousDigest &&
        stored.rotatedAt !== undefined &&
        now.getTime() - Date.parse(stored.rotatedAt) < RETRY_GRACE_MS;
      if (presented !== stored.secretDigest && !retry) {
        // A spent secret from outside its grace: someone kept a copy. The device session ends.
        if (presented === stored.previousDigest) await users.endDevice(deviceId, now.toISOString());
        throw deviceRefused();
      }
      const user = await users.getUser(stored.userId, true);
      if (user?.status !== 'active') throw new UnauthorizedError(REFUSALS.revoked);
      if (user.sessionsFrom && stored.createdAt < user.sessionsFrom) throw deviceRefused();
      const next = {
        id: deviceId,
        secret: newSecret(),
        validUntil: new Date(now.getTime() + DEVICE_DAYS * DAY_MS).toISOString(),
      };
      if (
        !(await users.rotateDevice(
          deviceId,
          presented,
          digest(next.secret),
          now.toISOString(),
          next.validUntil,
        ))
      )
        throw deviceRefused();
      return session(user, next);
    },
    async signOut(deviceToken) {
      const users = await store();
      const [deviceId = '', secret = ''] = deviceToken.split('.');
      const stored = await users.getDevice(deviceId);
      const digested = digest(secret);
      if (!stored || (digested !== stored.secretDigest && digested !== stored.previousDigest)) return;
      await users.endDevice(deviceId, clock().toISOString());
      deviceCache.delete(deviceId);
    },
    async deviceCode(caller, origin) {
      const user = await (await store()).getUser(caller.subject, true);
      if (user?.status !== 'active')
        throw new UnauthorizedError(
          '只有已登录的用户才能添加设备（脚本令牌不行）/ only a signed-in user can add a device (a script token cannot)',
        );
      const { code, url, expiresAt } = await issue(user, origin, DEVICE_CODE_MINUTES * 60_000, {
        kind: 'device',
      });
      return { code, url, expiresAt };
    },
    async signInLink(user, origin) {
      const { code, url, expiresAt } = await issue(user, origin, LINK_MINUTES * 60_000, { kind: 'link' });
      return { code, url, expiresAt };
    },
  };
}
