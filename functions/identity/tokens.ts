import { errors, jwtVerify, SignJWT } from 'jose';
import type { Role } from '#commons/http';

/**
 * The product's own sessions: HS256 tokens carrying the same claims the Cognito tokens carry
 * (`role`, `county` for liaisons, `society` for teams), signed by one key — the DATA_DIR's on one
 * machine (local/tokens.ts), a Secrets Manager secret in AWS China (functions/identity/signing-key.ts).
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

/** A token signed by `key`, always with `exp`. */
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
