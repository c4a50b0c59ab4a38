import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { installIdentityPort } from './identity.ts';
import { localIdentity } from './sessions.ts';

/**
 * The key the product's session tokens are signed with in AWS China: a Secrets Manager secret the
 * stack generates (infra/session-auth.ts), named by SIGNING_KEY_SECRET_ID; its string's UTF-8 bytes
 * are the HS256 key. Read once per cold start (a failed read is tried again by the next call).
 */
let key: Promise<Uint8Array> | undefined;

export function signingKey(
  client: Pick<SecretsManagerClient, 'send'> = new SecretsManagerClient({}),
  secretId = process.env.SIGNING_KEY_SECRET_ID,
): Promise<Uint8Array> {
  if (key) return key;
  if (!secretId) throw new Error('SIGNING_KEY_SECRET_ID is not set: the session key cannot be read');
  key = client.send(new GetSecretValueCommand({ SecretId: secretId })).then(
    (secret) => {
      if (!secret.SecretString) throw new Error(`secret ${secretId} has no string value`);
      return new Uint8Array(Buffer.from(secret.SecretString, 'utf8'));
    },
    (error: unknown) => {
      key = undefined;
      throw error;
    },
  );
  return key;
}

/**
 * In a function of a stack without Cognito (SIGNING_KEY_SECRET_ID set): the product's own sessions
 * become the identity port, keyed by the secret. Elsewhere nothing changes.
 */
export async function installSessionIdentity(): Promise<void> {
  if (!process.env.SIGNING_KEY_SECRET_ID) return;
  installIdentityPort(localIdentity(await signingKey()));
}
