import { randomBytes } from 'node:crypto';
import type { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StoredUser } from '#store/users';
import { embeddedRuntime } from '#support/embedded-api';

// The HTTP API's authorizer of AWS China (functions/triggers/authorize-session.ts) on DynamoDB Local:
// real sessions of the product's own identity adapter (functions/identity/sessions.ts, the one the
// local server uses) for users and device sessions in the table. Secrets Manager has no local
// equivalent: the key's client is a stand-in that records the request (the role's grant on the
// secret is checked in test/unit/infra/china-stack.test.ts).

embeddedRuntime();
const key = new Uint8Array(Buffer.from(randomBytes(48).toString('base64url'), 'utf8'));
const SECRET_ID = 'arn:aws-cn:secretsmanager:cn-northwest-1:123456789012:secret:SigningKey-AbCdEf';
const asked: GetSecretValueCommand[] = [];

let authorizer: typeof import('#functions/triggers/authorize-session');
let sessions: typeof import('#identity/sessions');
let tokens: typeof import('#identity/tokens');
let users: typeof import('#store/users');
let http: typeof import('#commons/http');

beforeAll(async () => {
  // As the stack sets it on the function (infra/session-auth.ts).
  process.env.SIGNING_KEY_SECRET_ID = SECRET_ID;
  const signing = await import('#identity/signing-key');
  await signing.signingKey({
    send: async (command: GetSecretValueCommand) => {
      asked.push(command);
      return { SecretString: Buffer.from(key).toString('utf8') };
    },
  } as never);
  authorizer = await import('#functions/triggers/authorize-session');
  sessions = await import('#identity/sessions');
  tokens = await import('#identity/tokens');
  users = await import('#store/users');
  http = await import('#commons/http');
});

let serial = 0;
/** An active liaison of 淳安 in the table, signed in on one device with a real invitation. */
async function signedIn() {
  const user: StoredUser = {
    id: `liaison-${++serial}-${Date.now()}`,
    name: '联络员',
    role: 'liaison',
    county: 'chunan',
    status: 'active',
    createdAt: new Date().toISOString(),
    createdBy: 'test',
  };
  expect(await users.putNewUser(user)).toBe(true);
  const identity = sessions.localIdentity(key);
  const invitation = await identity.invite(user, {
    origin: 'https://rounds.example.org.cn',
    first: true,
    days: 7,
  });
  const session = await identity.signIn(invitation.code as string);
  return { user, identity, session };
}

const authorize = (token?: string) =>
  authorizer.handler({ headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });

describe('the session authorizer', () => {
  it('lets a valid session through with its claims, read by the routes as the JWT authorizer’s', async () => {
    const { user, session } = await signedIn();
    const result = await authorize(session.token);
    expect(result.isAuthorized).toBe(true);
    expect(result.context).toMatchObject({
      role: 'liaison',
      county: 'chunan',
      sub: user.id,
      token_use: 'session',
    });
    expect(typeof result.context.sid).toBe('string');
    expect(asked[0]?.input).toEqual({ SecretId: SECRET_ID });
    // The same caller as from the JWT authorizer's claims (functions/commons/http.ts).
    const viaLambda = http.callerOf({ requestContext: { authorizer: { lambda: result.context } } } as never);
    const viaJwt = http.callerOf({
      requestContext: { authorizer: { jwt: { claims: result.context } } },
    } as never);
    expect(viaLambda).toEqual(viaJwt);
    expect(viaLambda).toEqual({ subject: user.id, role: 'liaison', county: 'chunan', society: undefined });
  });

  it('refuses a revoked user’s session', async () => {
    const { user, session } = await signedIn();
    await users.setUserStatus(user.id, 'revoked', new Date().toISOString());
    expect((await authorize(session.token)).isAuthorized).toBe(false);
  });

  it('refuses the token of a device session that was signed out', async () => {
    const { identity, session } = await signedIn();
    expect((await authorize(session.token)).isAuthorized).toBe(true);
    await identity.signOut(session.deviceToken as string);
    expect((await authorize(session.token)).isAuthorized).toBe(false);
  });

  it('refuses a token signed with another key, an expired token and a request without one', async () => {
    const { user } = await signedIn();
    const claims = {
      role: 'liaison' as const,
      county: 'chunan',
      sub: user.id,
      token_use: 'session' as const,
    };
    const forged = await tokens.signWithKey(randomBytes(32), claims, 3600);
    expect((await authorize(forged)).isAuthorized).toBe(false);
    const expired = await tokens.signWithKey(key, claims, -60);
    expect((await authorize(expired)).isAuthorized).toBe(false);
    expect((await authorize()).isAuthorized).toBe(false);
    expect(await authorize(await tokens.signWithKey(key, claims, 3600))).toMatchObject({
      isAuthorized: true,
    });
  });
});
