import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, signLocalToken, tokenKey, verifyLocalToken } from '#local/tokens';

const dataDir = mkdtempSync(join(tmpdir(), 'tokens-'));
const CJK = /[\u4e00-\u9fff]/;

describe('local tokens', () => {
  it('refuses a correctly signed token that carries no exp (it would never expire)', async () => {
    const forever = await new SignJWT({ role: 'coordinator' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject('someone')
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setIssuedAt()
      .sign(tokenKey(dataDir));

    const result = await verifyLocalToken(tokenKey(dataDir), forever);

    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.reason).toMatch(CJK);
      expect(result.reason).toMatch(/exp/);
    }
  });

  it('always sets exp when it prints a token, and such a token verifies', async () => {
    const token = await signLocalToken(dataDir, { role: 'team', society: 'zj-agri', sub: 'team-1' });
    const claims = decodeJwt(token);
    expect(typeof claims.exp).toBe('number');
    expect(claims.exp! > Math.floor(Date.now() / 1000)).toBe(true);
    expect((await verifyLocalToken(tokenKey(dataDir), token)).ok).toBe(true);
  });

  it('will not print a token without a finite lifetime', async () => {
    await expect(signLocalToken(dataDir, { role: 'coordinator', sub: 'c' }, Number.NaN)).rejects.toThrow();
    await expect(
      signLocalToken(dataDir, { role: 'coordinator', sub: 'c' }, Number.POSITIVE_INFINITY),
    ).rejects.toThrow();
  });

  it('says why a token is refused in Chinese and English', async () => {
    const expired = await signLocalToken(dataDir, { role: 'coordinator', sub: 'c' }, -60);
    const other = await signLocalToken(mkdtempSync(join(tmpdir(), 'tokens-other-')), {
      role: 'coordinator',
      sub: 'c',
    });
    for (const token of [expired, other, 'not.a.jwt']) {
      const result = await verifyLocalToken(tokenKey(dataDir), token);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.reason).toMatch(CJK);
        expect(result.reason).toMatch(/[A-Za-z]{3,}/);
      }
    }
  });
});
