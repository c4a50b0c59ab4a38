import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type LocalClaims, signWithKey } from '#identity/tokens';

/*
 * On one machine the session tokens (functions/identity/tokens.ts, the same as in AWS China) are
 * signed by a key kept in DATA_DIR.
 */
export * from '#identity/tokens';

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
