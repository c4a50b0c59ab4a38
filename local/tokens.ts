import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { Role } from '#commons/http';

/**
 * Local identity: HS256 tokens signed by a key kept in DATA_DIR, carrying the same claims the
 * Cognito tokens carry in AWS (`role`, `county` for liaisons, `society` for teams).
 */
export const LOCAL_ISSUER = 'mountain-rounds-local';
export const LOCAL_AUDIENCE = 'mountain-rounds';

export interface LocalClaims {
  role: Role;
  county?: string;
  society?: string;
  /** A session's user id; a script token's name (`rounds token --sub`). */
  sub: string;
  /**
   * `session`: a user's sign-in (POST /session); the local adapter checks the user is still active
   * on every request. Script tokens (`rounds token`) carry none and name no user.
   */
  token_use?: 'session';
  /** A session's device (its device session in the table): signing that device out ends the token too. */
  sid?: string;
}

/** How long a session lasts; the pages renew it (POST /session/renew) before it ends. */
export const SESSION_SECONDS = 12 * 3600;

/**
 * A secret of this DATA_DIR kept in the file `name` (32 random bytes, mode 0600), created on first
 * use; two processes creating it at once end with the same key.
 */
export function dataDirSecret(dataDir: string, name: string): Buffer {
  const file = join(dataDir, name);
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
}

/** The signing key of this DATA_DIR's tokens. */
export function tokenKey(dataDir: string): Uint8Array {
  return dataDirSecret(dataDir, 'token-key');
}

export async function signLocalToken(
  dataDir: string,
  claims: LocalClaims,
  expiresInSeconds = 30 * 24 * 3600,
): Promise<string> {
  return signWithKey(tokenKey(dataDir), claims, expiresInSeconds);
}

/** A token signed by `key` (the DATA_DIR's), always with `exp`. */
export async function signWithKey(
  key: Uint8Array,
  claims: LocalClaims,
  expiresInSeconds: number,
): Promise<string> {
  const { sub, ...rest } = claims;
  return new SignJWT({ ...rest })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSeconds)
    .sign(key);
}

export type VerifyResult = { ok: true; claims: Record<string, unknown> } | { ok: false; reason: string };

/**
 * What API Gateway's JWT authorizer does: signature, issuer, audience, expiry. A token without `exp`
 * is refused: it would never expire (Cognito never issues one).
 */
export async function verifyLocalToken(key: Uint8Array, token: string): Promise<VerifyResult> {
  try {
    const { payload } = await jwtVerify(token, key, {
      issuer: LOCAL_ISSUER,
      audience: LOCAL_AUDIENCE,
      algorithms: ['HS256'],
      requiredClaims: ['exp'],
    });
    return { ok: true, claims: payload as Record<string, unknown> };
  } catch (error) {
    if (error instanceof errors.JWTExpired)
      return { ok: false, reason: '令牌已过期 / the token has expired' };
    if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'exp')
      return { ok: false, reason: '令牌没有有效期（exp）/ the token has no expiry (exp)' };
    if (error instanceof errors.JWSSignatureVerificationFailed)
      return { ok: false, reason: '令牌签名无效 / the token signature is not valid' };
    return { ok: false, reason: '令牌无效 / the token is not valid' };
  }
}
