import { createHmac, randomInt } from 'node:crypto';
import { UnauthorizedError } from '#commons/errors';
import type { IdentityPort } from '#identity/identity';
import { INVITATION_ALPHABET, INVITATION_CODE_LENGTH, type Session } from '#schemas/users';
import { type LocalClaims, SESSION_SECONDS, signWithKey } from './tokens.ts';

/*
 * The local adapter of the identity port: invitation codes kept in the table as an HMAC (keyed by
 * the DATA_DIR's token key, so a copy of the table alone does not let anyone test codes), sessions
 * as tokens signed by that key. The store is loaded on first use: the HTTP adapter installs this
 * before any handler (and the table's configuration) is loaded.
 */
const store = () => import('#store/users');

/** 10 symbols of 32: 50 bits. */
export function newInvitationCode(): string {
  let code = '';
  for (let i = 0; i < INVITATION_CODE_LENGTH; i++)
    code += INVITATION_ALPHABET[randomInt(INVITATION_ALPHABET.length)];
  return code;
}

const REFUSALS = {
  unknown:
    '邀请码不正确：请核对后重试，或向协调人索取新的邀请 / the invitation code is not known: check it, or ask the coordinator for a new invitation',
  used: '这份邀请已经用过：请向协调人索取新的邀请 / this invitation was used already: ask the coordinator for a new one',
  expired:
    '这份邀请已过期：请向协调人索取新的邀请 / this invitation has expired: ask the coordinator for a new one',
  replaced:
    '这份邀请已被新的邀请取代：请使用最新的邀请，或向协调人索取 / this invitation was replaced by a newer one: use the newest, or ask the coordinator',
  revoked: '此账号已被撤销：如有疑问请联系协调人 / this account was revoked: ask the coordinator',
} as const;

/** How long a user's status is believed without reading the table again. */
const STATUS_CACHE_MS = 2000;
const statusCache = new Map<string, { active: boolean; at: number }>();

/**
 * Why a token may no longer be used, or undefined when it may: a session token's user must exist
 * and be active (read at most STATUS_CACHE_MS ago; a revocation in this process is seen at once).
 */
export async function sessionRefusal(claims: Record<string, unknown>): Promise<string | undefined> {
  if (claims.token_use !== 'session') return undefined;
  const userId = typeof claims.sub === 'string' ? claims.sub : '';
  const cached = statusCache.get(userId);
  let active = cached && Date.now() - cached.at < STATUS_CACHE_MS ? cached.active : undefined;
  if (active === undefined) {
    const user = await (await store()).getUser(userId, true);
    active = user?.status === 'active';
    if (statusCache.size >= 1000) statusCache.delete(statusCache.keys().next().value as string);
    statusCache.set(userId, { active, at: Date.now() });
  }
  return active
    ? undefined
    : '此账号已被撤销，请重新登录或联系协调人 / this account was revoked: sign in again or ask the coordinator';
}

export function localIdentity(key: Uint8Array): IdentityPort {
  const digest = (code: string) => createHmac('sha256', key).update(code).digest('base64url');
  const session = async (user: import('#store/users').StoredUser): Promise<Session> => {
    const claims: LocalClaims = {
      role: user.role,
      ...(user.county ? { county: user.county } : {}),
      ...(user.society ? { society: user.society } : {}),
      sub: user.id,
      token_use: 'session',
    };
    const token = await signWithKey(key, claims, SESSION_SECONDS);
    const expiresAt = new Date((Math.floor(Date.now() / 1000) + SESSION_SECONDS) * 1000).toISOString();
    return { token, expiresAt, user: (await store()).publicUser(user) };
  };
  return {
    digest,
    async create() {
      // A code is issued once the user is stored (its digest is kept on the user's record).
      return undefined;
    },
    async invite(user, { origin, days }) {
      const code = newInvitationCode();
      const issuedAt = new Date();
      const validUntil = new Date(issuedAt.getTime() + days * 24 * 3600 * 1000).toISOString();
      const issued = await (await store()).issueInvitation(
        user.id,
        digest(code),
        issuedAt.toISOString(),
        validUntil,
      );
      if (!issued) throw new UnauthorizedError(REFUSALS.revoked);
      return { url: `${origin.replace(/\/+$/, '')}/signin#code=${code}`, code, expiresAt: validUntil };
    },
    async revoke(user) {
      statusCache.delete(user.id);
    },
    async signIn(code) {
      const redeemed = await (await store()).redeemInvitation(digest(code), new Date().toISOString());
      if (!redeemed.ok) throw new UnauthorizedError(REFUSALS[redeemed.reason]);
      statusCache.delete(redeemed.user.id);
      return session(redeemed.user);
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
  };
}
