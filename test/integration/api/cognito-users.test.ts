import type { Context } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataDir } from '#cli/data-dir';
import { DEMO_DATA_DIR } from '#cli/session';
import { embeddedRuntime } from '#support/embedded-api';

// The user routes in AWS mode: the ManageUsers handler with its Cognito adapter, on
// DynamoDB Local with the demo catalog, fed API Gateway events carrying a Cognito access token's
// claims. Cognito itself has no local equivalent: the real SDK client runs with a last middleware
// that records each command instead of sending it. Every command sent is checked, by the embedded
// runtime's IAM evaluator (local/aws-rules, @cloud-copilot/iam-simulate), against the synthesized
// policy of ManageUsers' role with the pool's ARN, exactly as the runtime checks its DynamoDB calls.

const PAGES_URL = 'https://d1example.cloudfront.net';
const demo = loadDataDir(DEMO_DATA_DIR);

const runtime = embeddedRuntime(demo);
let poolId: string;
let handler: typeof import('#functions/api/manage-users').handler;
let runAsFunction: typeof import('#local/aws-rules/identity').runAsFunction;
let rules: NonNullable<ReturnType<typeof import('#local/aws-rules/index').activeAwsRules>>;
let sdkRules: typeof import('#local/aws-rules/sdk');
let store: typeof import('#store/users');

interface Sent {
  command: string;
  input: Record<string, unknown>;
}
let sent: Sent[] = [];
/** What Cognito answers next, by command (an error to throw, or an output). */
const answers = new Map<string, () => unknown>();

beforeAll(async () => {
  const { resolveIntrinsics, resourcesOfType } = await import('#local/template');
  // USER_POOL_ID as the template gives it to ManageUsers (locally the pool's id is its logical id).
  const [manageUsers] = resourcesOfType(runtime.template, 'AWS::Lambda::Function').filter(
    ([, r]) => r.Metadata?.['mountain-rounds:function-id'] === 'ManageUsers',
  );
  const env = resolveIntrinsics(manageUsers?.[1].Properties?.Environment, runtime.template, {}) as {
    Variables: Record<string, string>;
  };
  poolId = env.Variables.USER_POOL_ID as string;
  expect(resourcesOfType(runtime.template, 'AWS::Cognito::UserPool').map(([id]) => id)).toEqual([poolId]);
  process.env.USER_POOL_ID = poolId;
  process.env.PAGES_URL = PAGES_URL;

  const { CognitoIdentityProviderClient } = await import('@aws-sdk/client-cognito-identity-provider');
  const client = new CognitoIdentityProviderClient({
    region: 'local',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  sdkRules = await import('#local/aws-rules/sdk');
  const { activeAwsRules } = await import('#local/aws-rules/index');
  rules = activeAwsRules()!;
  // First the runtime's IAM check (as ManageUsers' role), then the recorder in place of the network.
  sdkRules.attachSdkRules(client, 'cognito-idp', rules.iam);
  client.middlewareStack.add(
    (_next, context) => async (args) => {
      const command = String(context.commandName).replace(/Command$/, '');
      sent.push({ command, input: args.input as Record<string, unknown> });
      const answer = answers.get(command);
      answers.delete(command);
      return { output: (answer?.() ?? {}) as never, response: {} };
    },
    { step: 'initialize', priority: 'low', name: 'recordCognitoCommand' },
  );
  const { useCognitoClient } = await import('#identity/cognito');
  useCognitoClient(client);
  ({ runAsFunction } = await import('#local/aws-rules/identity'));
  ({ handler } = await import('#functions/api/manage-users'));
  store = await import('#store/users');
}, 120_000);

/** A Cognito access token's claims as the HTTP API's JWT authorizer passes them (trigger claims included). */
const COORDINATOR_CLAIMS = {
  sub: '2f6a0c1e-1b7d-4f0e-8a4b-5d1c9e0f7a33',
  username: 'u-coordinator',
  client_id: 'pagesclient',
  token_use: 'access',
  scope: 'openid profile email phone rounds/api',
  role: 'coordinator',
};

// biome-ignore lint/suspicious/noExplicitAny: JSON replies, checked field by field
type Json = any;

/** Calls ManageUsers as API Gateway would, as that function (its calls checked against its role). */
async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const userId = path.match(/^\/users\/([^/]+)/)?.[1];
  const routePath = userId ? path.replace(userId, '{userId}') : path;
  const event = {
    version: '2.0',
    routeKey: `${method} ${routePath}`,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', host: 'api.example.cn' },
    pathParameters: userId ? { userId } : undefined,
    body: body === undefined ? undefined : JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: {
      domainName: 'api.example.cn',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'test' },
      requestId: `r-${Math.random()}`,
      routeKey: `${method} ${routePath}`,
      stage: '$default',
      authorizer: { jwt: { claims: COORDINATOR_CLAIMS, scopes: ['rounds/api'] } },
    },
  } as never;
  const result = (await runAsFunction('ManageUsers', () =>
    handler(event, { awsRequestId: 'test' } as Context),
  )) as { statusCode: number; body: string };
  return { status: result.statusCode, body: JSON.parse(result.body) };
}

const poolArn = () => `arn:aws:cognito-idp:local:000000000000:userpool/${poolId}`;

/** Every command sent went to this pool and is allowed by ManageUsers' synthesized policy. */
async function expectAllowedByManageUsersPolicy(commands: Sent[]): Promise<void> {
  expect(commands.length).toBeGreaterThan(0);
  for (const { command, input } of commands) {
    expect(input.UserPoolId, command).toBe(poolId);
    const request = sdkRules.sdkRequestOf('cognito-idp', command, input);
    expect(request).toEqual({ action: `cognito-idp:${command}`, anyOf: [poolArn()] });
    await expect(
      sdkRules.authorizeSdkRequest(rules.iam, { kind: 'function', functionId: 'ManageUsers' }, request),
    ).resolves.toBeUndefined();
  }
}

describe('POST /users in AWS: Cognito creates the user with the claims and sends the invitation', () => {
  it('creates a liaison with only a phone: custom:role and custom:county, invitation by SMS', async () => {
    sent = [];
    const reply = await call('POST', '/users', {
      name: '淳安联络员 王芳',
      role: 'liaison',
      county: 'chunan',
      phone: '+8613800000001',
    });

    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    const { user, invitation } = reply.body;
    expect(sent).toEqual([
      {
        command: 'AdminCreateUser',
        input: {
          UserPoolId: poolId,
          Username: user.id,
          UserAttributes: [
            { Name: 'name', Value: '淳安联络员 王芳' },
            { Name: 'custom:role', Value: 'liaison' },
            { Name: 'custom:county', Value: 'chunan' },
            { Name: 'phone_number', Value: '+8613800000001' },
            { Name: 'phone_number_verified', Value: 'true' },
          ],
          DesiredDeliveryMediums: ['SMS'],
        },
      },
    ]);
    // Cognito sends the temporary password; the reply names where to sign in, never a code.
    expect(invitation).toMatchObject({ url: `${PAGES_URL}/signin`, sentBy: ['sms'] });
    expect(invitation.code).toBeUndefined();
    expect(Date.parse(invitation.expiresAt) - Date.now()).toBeGreaterThan(6.9 * 24 * 3600 * 1000);
    expect(await store.getUser(user.id, true)).toMatchObject({ role: 'liaison', county: 'chunan' });
    await expectAllowedByManageUsersPolicy(sent);
  });

  it('creates a team member with e-mail and phone: custom:society, invitation by e-mail and SMS', async () => {
    sent = [];
    const reply = await call('POST', '/users', {
      name: '农学会 李明',
      role: 'team',
      society: 'nongxue',
      email: 'liming@zjagri.example.cn',
      phone: '+8613800000002',
    });

    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.input).toMatchObject({
      Username: reply.body.user.id,
      DesiredDeliveryMediums: ['EMAIL', 'SMS'],
      UserAttributes: expect.arrayContaining([
        { Name: 'custom:role', Value: 'team' },
        { Name: 'custom:society', Value: 'nongxue' },
        { Name: 'email', Value: 'liming@zjagri.example.cn' },
        { Name: 'email_verified', Value: 'true' },
      ]),
    });
    expect(JSON.stringify(sent[0]?.input)).not.toContain('custom:county');
    expect(reply.body.invitation.sentBy).toEqual(['email', 'sms']);
    await expectAllowedByManageUsersPolicy(sent);
  });

  it('refuses a user Cognito could not reach (no e-mail, no phone): 400 naming email, nothing kept', async () => {
    sent = [];
    const before = (await store.listUsers()).length;
    const reply = await call('POST', '/users', { name: '建德联络员', role: 'liaison', county: 'jiande' });

    expect(reply.status).toBe(400);
    expect(reply.body.error.fields.map((f: { path: string }) => f.path)).toEqual(['email']);
    expect(reply.body.error.message).toMatch(/[\u4e00-\u9fff]/);
    expect(sent).toEqual([]);
    expect((await store.listUsers()).length).toBe(before);
  });

  it('keeps no user when Cognito refuses AdminCreateUser (500 without internals)', async () => {
    sent = [];
    const before = (await store.listUsers()).length;
    answers.set('AdminCreateUser', () => {
      throw Object.assign(new Error('Invalid phone number format.'), { name: 'InvalidParameterException' });
    });
    const reply = await call('POST', '/users', {
      name: '临安联络员',
      role: 'liaison',
      county: 'linan',
      phone: '+8613800000003',
    });

    expect(reply.status).toBe(500);
    expect(JSON.stringify(reply.body)).not.toContain('Invalid phone');
    expect(sent.map((s) => s.command)).toEqual(['AdminCreateUser']);
    expect((await store.listUsers()).length).toBe(before);
  });
});

describe('revoke and re-invite in AWS', () => {
  const newLiaison = async () => {
    const reply = await call('POST', '/users', {
      name: `桐庐联络员 ${Math.random().toString(36).slice(2, 6)}`,
      role: 'liaison',
      county: 'tonglu',
      email: 'tonglu@kexie.example.cn',
    });
    expect(reply.status).toBe(201);
    return reply.body.user.id as string;
  };

  it('revokes: global sign-out (refresh tokens stop) then disable, on that user of this pool', async () => {
    const id = await newLiaison();
    sent = [];
    const reply = await call('POST', `/users/${id}/revoke`);

    expect(reply.status).toBe(200);
    expect(reply.body.status).toBe('revoked');
    expect(sent).toEqual([
      { command: 'AdminUserGlobalSignOut', input: { UserPoolId: poolId, Username: id } },
      { command: 'AdminDisableUser', input: { UserPoolId: poolId, Username: id } },
    ]);
    await expectAllowedByManageUsersPolicy(sent);
  });

  it('revokes again without failing: Cognito refusing to sign out a disabled user still ends with it disabled', async () => {
    const id = await newLiaison();
    expect((await call('POST', `/users/${id}/revoke`)).status).toBe(200);
    sent = [];
    answers.set('AdminUserGlobalSignOut', () => {
      throw Object.assign(new Error('User is disabled.'), { name: 'NotAuthorizedException' });
    });
    const again = await call('POST', `/users/${id}/revoke`);

    expect(again.status).toBe(200);
    expect(again.body.status).toBe('revoked');
    expect(sent.map((s) => s.command)).toEqual(['AdminUserGlobalSignOut', 'AdminDisableUser']);
  });

  it('re-invites with AdminCreateUser RESEND by e-mail, and by a password reset for someone who set a password', async () => {
    const id = await newLiaison();
    sent = [];
    const again = await call('POST', `/users/${id}/invitation`);
    expect(again.status).toBe(201);
    expect(sent).toEqual([
      {
        command: 'AdminCreateUser',
        input: {
          UserPoolId: poolId,
          Username: id,
          MessageAction: 'RESEND',
          DesiredDeliveryMediums: ['EMAIL'],
        },
      },
      // A re-invitation is for a lost phone: every refresh token of theirs stops.
      { command: 'AdminUserGlobalSignOut', input: { UserPoolId: poolId, Username: id } },
    ]);

    sent = [];
    answers.set('AdminCreateUser', () => {
      throw Object.assign(new Error('User is already confirmed'), { name: 'UnsupportedUserStateException' });
    });
    const confirmed = await call('POST', `/users/${id}/invitation`);
    expect(confirmed.status).toBe(201);
    expect(sent.map((s) => s.command)).toEqual([
      'AdminCreateUser',
      'AdminResetUserPassword',
      'AdminUserGlobalSignOut',
    ]);
    expect(sent[1]?.input).toEqual({ UserPoolId: poolId, Username: id });
    await expectAllowedByManageUsersPolicy(sent);
  });
});

describe('coordinators in Cognito sign in with MFA', () => {
  it('sets SMS MFA as a new coordinator’s requirement, allowed by ManageUsers’ policy', async () => {
    sent = [];
    const reply = await call('POST', '/users', {
      name: '协调人 陈静',
      role: 'coordinator',
      email: 'chenjing@kexie.example.cn',
      phone: '+8613800000009',
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    expect(sent.map((s) => s.command)).toEqual(['AdminCreateUser', 'AdminSetUserMFAPreference']);
    expect(sent[1]?.input).toEqual({
      UserPoolId: poolId,
      Username: reply.body.user.id,
      SMSMfaSettings: { Enabled: true, PreferredMfa: true },
    });
    await expectAllowedByManageUsersPolicy(sent);
  });

  it('refuses a coordinator without a phone with 400 naming phone, and creates nothing', async () => {
    sent = [];
    const reply = await call('POST', '/users', {
      name: '协调人 无手机',
      role: 'coordinator',
      email: 'nophone@kexie.example.cn',
    });
    expect(reply.status).toBe(400);
    expect(reply.body.error.fields[0].path).toBe('phone');
    expect(reply.body.error.fields[0].message).toMatch(/短信验证码.*SMS/);
    expect(sent).toEqual([]);
  });
});

describe('the IAM check is real', () => {
  it('denies those calls to any other function, and an admin call ManageUsers was never granted', async () => {
    const create = sdkRules.sdkRequestOf('cognito-idp', 'AdminCreateUser', { UserPoolId: poolId });
    await expect(
      sdkRules.authorizeSdkRequest(rules.iam, { kind: 'function', functionId: 'GetCounties' }, create),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
    const remove = sdkRules.sdkRequestOf('cognito-idp', 'AdminDeleteUser', { UserPoolId: poolId });
    await expect(
      sdkRules.authorizeSdkRequest(rules.iam, { kind: 'function', functionId: 'ManageUsers' }, remove),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
    const otherPool = sdkRules.sdkRequestOf('cognito-idp', 'AdminCreateUser', {
      UserPoolId: 'ap-east-1_other',
    });
    await expect(
      sdkRules.authorizeSdkRequest(rules.iam, { kind: 'function', functionId: 'ManageUsers' }, otherPool),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });

  it('stops a call the role does not allow before Cognito sees it, with AWS’s AccessDenied', async () => {
    sent = [];
    const { AdminDeleteUserCommand, CognitoIdentityProviderClient } = await import(
      '@aws-sdk/client-cognito-identity-provider'
    );
    const client = new CognitoIdentityProviderClient({
      region: 'local',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    sdkRules.attachSdkRules(client, 'cognito-idp', rules.iam);
    await expect(
      runAsFunction('ManageUsers', () =>
        client.send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: 'u-x' })),
      ),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });
});
