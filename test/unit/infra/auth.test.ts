import { App } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { handler as addTokenClaims } from '#functions/triggers/add-token-claims';
import { API_SCOPE, smsSignatureOf, USER_ADMIN_ACTIONS } from '#infra/auth';
import { PAGE_PATH_FUNCTION_CODE } from '#infra/pages';
import { RoundsStack, runtimeConfigOf } from '#infra/rounds-stack';
import {
  actionsOf,
  type CfnJson,
  PLACEHOLDER_ACCOUNT,
  PLACEHOLDER_REGION,
  resourcesOf,
  roleAllows,
  roleOfFunction,
  statementsOfRole,
  synthRounds,
} from '#support/template';

// Sign-in in AWS: the pages' app client signs in through Cognito managed login with
// the authorization code grant (PKCE: a public client, no secret), returning to the CloudFront
// domain; the API takes access tokens whose claims the trigger adds; only the user routes'
// function administers the pool; the pages find all of it in runtime-config.json.

const { stack, template, json, idOf } = synthRounds();
const poolId = idOf(stack.auth.userPool);
const clientId = idOf(stack.auth.client);
const distributionId = idOf(stack.pages.distribution);
const pagesDomain = { 'Fn::GetAtt': [distributionId, 'DomainName'] };
const propsOf = (logicalId: string) => json.Resources[logicalId].Properties as CfnJson;

describe('the pages’ app client', () => {
  const client = propsOf(clientId);

  it('uses the authorization code grant only, as a public client (no secret: PKCE), with the Cognito directory', () => {
    expect(client.AllowedOAuthFlowsUserPoolClient).toBe(true);
    expect(client.AllowedOAuthFlows).toEqual(['code']);
    expect(client.GenerateSecret).toBe(false);
    expect(client.SupportedIdentityProviders).toEqual(['COGNITO']);
    expect(client.EnableTokenRevocation).toBe(true);
    expect(client.PreventUserExistenceErrors).toBe('ENABLED');
  });

  it('asks for openid, profile, email, phone and the API scope', () => {
    const apiScope = stack.resolve(client.AllowedOAuthScopes.at(-1));
    expect(client.AllowedOAuthScopes.slice(0, 4)).toEqual(['openid', 'profile', 'email', 'phone']);
    expect(apiScope).toEqual({ 'Fn::Join': ['', [{ Ref: idOf(stack.auth.resourceServer) }, '/api']] });
    expect(propsOf(idOf(stack.auth.resourceServer)).Identifier).toBe(API_SCOPE.split('/')[0]);
  });

  it('returns to the CloudFront domain: /signin after sign-in, / after sign-out', () => {
    expect(client.CallbackURLs).toEqual([{ 'Fn::Join': ['', ['https://', pagesDomain, '/signin']] }]);
    expect(client.LogoutURLs).toEqual([{ 'Fn::Join': ['', ['https://', pagesDomain, '/']] }]);
  });

  it('lets people read but never write their role, county or society; tokens last an hour', () => {
    expect(client.ReadAttributes).toEqual(
      expect.arrayContaining(['custom:role', 'custom:county', 'custom:society', 'phone_number']),
    );
    expect(client.WriteAttributes.filter((a: string) => a.startsWith('custom:'))).toEqual([]);
    expect(client.AccessTokenValidity).toBe(60);
    expect(client.IdTokenValidity).toBe(60);
    expect(client.TokenValidityUnits).toMatchObject({ AccessToken: 'minutes', IdToken: 'minutes' });
  });

  it('keeps a device signed in for 30 days, rotating the refresh token at each renewal (60 s grace for a retry)', () => {
    expect(client.RefreshTokenValidity).toBe(43200);
    expect(client.TokenValidityUnits).toMatchObject({ RefreshToken: 'minutes' });
    expect(client.RefreshTokenRotation).toEqual({ Feature: 'ENABLED', RetryGracePeriodSeconds: 60 });
  });
});

describe('the user pool', () => {
  const pool = propsOf(poolId);

  it('has no self sign-up, does not require e-mail (a liaison may have only a phone) and signs in by phone too', () => {
    expect(pool.AdminCreateUserConfig.AllowAdminCreateUserOnly).toBe(true);
    const email = (pool.Schema as { Name: string; Required?: boolean }[]).find((a) => a.Name === 'email');
    expect(email?.Required ?? false).toBe(false);
    expect((pool.Schema as { Required?: boolean }[]).filter((a) => a.Required)).toEqual([]);
    expect(pool.AliasAttributes).toEqual(['email', 'phone_number']);
    // SMS invitations for phone-only users need the pool's SMS role.
    expect(pool.SmsConfiguration.SnsCallerArn).toBeDefined();
  });

  it('sends the invitation in Chinese and English with the sign-in address on the CloudFront domain', () => {
    const invite = pool.AdminCreateUserConfig.InviteMessageTemplate;
    for (const message of [invite.EmailMessage, invite.SMSMessage]) {
      const text = JSON.stringify(message);
      expect(text).toContain('{username}');
      expect(text).toContain('{####}');
      expect(text).toContain(distributionId);
      expect(text).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(invite.EmailMessage['Fn::Join'][1].join('')).toContain('Hello!');
  });

  it('runs the pre-token-generation trigger (V2_0) that puts the claims into access tokens', () => {
    expect(pool.LambdaConfig.PreTokenGenerationConfig).toEqual({
      LambdaVersion: 'V2_0',
      LambdaArn: { 'Fn::GetAtt': [idOf(stack.auth.tokenClaims), 'Arn'] },
    });
    expect(pool.UserPoolTier).toBe('ESSENTIALS');
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [idOf(stack.auth.tokenClaims), 'Arn'] },
      Principal: 'cognito-idp.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [poolId, 'Arn'] },
    });
  });

  it('has a managed-login (v2) domain and a style for the pages’ client', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      UserPoolId: { Ref: poolId },
      ManagedLoginVersion: 2,
      Domain: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::Cognito::ManagedLoginBranding', {
      UserPoolId: { Ref: poolId },
      ClientId: { Ref: clientId },
      UseCognitoProvidedValues: true,
    });
  });

  it('offers MFA (authenticator app or SMS) per person: optional in the pool, set for coordinators by ManageUsers', () => {
    expect(pool.MfaConfiguration).toBe('OPTIONAL');
    expect([...pool.EnabledMfas].sort()).toEqual(['SMS_MFA', 'SOFTWARE_TOKEN_MFA']);
  });

  it('names the domain after the stack and account by default, or as context says', () => {
    const named = (context: Record<string, unknown>) => {
      const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
      const s = new RoundsStack(app, 'RoundsStack', {
        env: { account: PLACEHOLDER_ACCOUNT, region: PLACEHOLDER_REGION },
        ...(context.prefix ? { userPoolDomainPrefix: String(context.prefix) } : {}),
      });
      return (s.auth.domain.node.defaultChild as unknown as { domain: string }).domain;
    };
    expect(named({})).toBe(`roundsstack-${PLACEHOLDER_ACCOUNT}`);
    expect(named({ prefix: 'hz-kexie-rounds' })).toBe('hz-kexie-rounds');
  });
});

describe('the token trigger (functions/triggers/add-token-claims.ts)', () => {
  const event = (userAttributes: Record<string, string>) =>
    ({
      version: '2',
      triggerSource: 'TokenGeneration_HostedAuth',
      region: 'ap-southeast-1',
      userPoolId: 'ap-southeast-1_x',
      userName: 'u-abc',
      callerContext: { awsSdkVersion: 'x', clientId: 'c' },
      request: { userAttributes, groupConfiguration: { groupsToOverride: [] }, scopes: [] },
      response: { claimsAndScopeOverrideDetails: null },
    }) as never;

  it('copies custom:role and custom:county of a liaison into the access token, nothing else', async () => {
    const out = await addTokenClaims(
      event({
        sub: 's-1',
        name: '淳安联络员',
        phone_number: '+8613800000000',
        'custom:role': 'liaison',
        'custom:county': 'chunan',
      }),
    );
    expect(out.response.claimsAndScopeOverrideDetails).toEqual({
      accessTokenGeneration: { claimsToAddOrOverride: { role: 'liaison', county: 'chunan' } },
    });
  });

  it('gives a team its society, and a user without a role no role claim', async () => {
    const team = await addTokenClaims(event({ 'custom:role': 'team', 'custom:society': 'zj-agri' }));
    expect(team.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.claimsToAddOrOverride).toEqual(
      {
        role: 'team',
        society: 'zj-agri',
      },
    );
    const none = await addTokenClaims(event({ email: 'x@example.cn' }));
    expect(none.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.claimsToAddOrOverride).toEqual(
      {},
    );
  });
});

describe('IAM: administering the pool’s users', () => {
  const manageUsers = stack.api.functions.ManageUsers!;
  const manageRole = roleOfFunction(json, idOf(manageUsers));
  const poolArn = `arn:aws:cognito-idp:${PLACEHOLDER_REGION}:${PLACEHOLDER_ACCOUNT}:userpool/${poolId}`;

  it('grants ManageUsers exactly the five admin calls it makes, on this pool only', () => {
    const cognito = statementsOfRole(json, manageRole).filter((s) =>
      actionsOf(s).some((a) => a.startsWith('cognito-idp:')),
    );
    expect(cognito).toEqual([
      { Effect: 'Allow', Action: [...USER_ADMIN_ACTIONS], Resource: { 'Fn::GetAtt': [poolId, 'Arn'] } },
    ]);
    expect([...USER_ADMIN_ACTIONS].sort()).toEqual(
      [
        'cognito-idp:AdminCreateUser',
        'cognito-idp:AdminDisableUser',
        'cognito-idp:AdminResetUserPassword',
        'cognito-idp:AdminSetUserMFAPreference',
        'cognito-idp:AdminUserGlobalSignOut',
      ].sort(),
    );
  });

  it.each([...USER_ADMIN_ACTIONS])('allows %s on this pool and not on another', async (action) => {
    expect(await roleAllows(json, manageRole, action, poolArn)).toBe(true);
    expect(await roleAllows(json, manageRole, action, `${poolArn.replace(poolId, 'OtherPool')}`)).toBe(false);
  });

  it('does not allow what it never does (delete users, change attributes, read users)', async () => {
    for (const action of ['AdminDeleteUser', 'AdminUpdateUserAttributes', 'AdminGetUser', 'ListUsers'])
      expect(await roleAllows(json, manageRole, `cognito-idp:${action}`, poolArn), action).toBe(false);
  });

  it('gives no other role in the stack any cognito-idp action', () => {
    const smsRole = 'AuthUserPoolsmsRole';
    for (const [logicalId, resource] of Object.entries<CfnJson>(json.Resources)) {
      if (resource.Type !== 'AWS::IAM::Policy' && resource.Type !== 'AWS::IAM::Role') continue;
      const statements =
        resource.Type === 'AWS::IAM::Policy'
          ? resource.Properties.PolicyDocument.Statement
          : (resource.Properties.Policies ?? []).flatMap(
              (p: CfnJson) => p.PolicyDocument.Statement as CfnJson[],
            );
      const roles = (resource.Properties.Roles ?? [{ Ref: logicalId }]).map((r: CfnJson) => r.Ref);
      if (roles.includes(manageRole)) continue;
      const actions = statements.flatMap(actionsOf);
      expect(
        actions.filter((a: string) => a.startsWith('cognito-idp:')),
        logicalId,
      ).toEqual([]);
      // The pool's own SMS role (Cognito assumes it) may only publish SMS.
      if (logicalId.startsWith(smsRole)) expect(actions).toEqual(['sns:Publish']);
    }
  });

  it('tells only ManageUsers the pool (USER_POOL_ID) and the pages’ address (PAGES_URL)', () => {
    const vars = (fn: string) => propsOf(fn).Environment?.Variables ?? {};
    expect(vars(idOf(manageUsers))).toMatchObject({
      USER_POOL_ID: { Ref: poolId },
      PAGES_URL: { 'Fn::Join': ['', ['https://', pagesDomain]] },
    });
    for (const [logicalId, resource] of Object.entries<CfnJson>(json.Resources)) {
      if (resource.Type !== 'AWS::Lambda::Function' || logicalId === idOf(manageUsers)) continue;
      expect(vars(logicalId).USER_POOL_ID, logicalId).toBeUndefined();
    }
  });

  it('tells the functions that send notices (and the coordinator’s alert) the pages’ address (PAGES_URL), for their links', () => {
    const vars = (fn: string) => propsOf(fn).Environment?.Variables ?? {};
    const notifying = [
      stack.roundFunctions.RecordPlanApproval,
      stack.roundFunctions.FindNextSociety,
      stack.roundFunctions.SendOfferAndWaitForAnswer,
      stack.roundFunctions.RecordAnswer,
      stack.api.functions.ApproveSeasonPlan,
      stack.api.functions.ScheduleVisit,
      stack.api.functions.FileVisitReport,
    ];
    for (const fn of notifying) {
      expect(fn).toBeDefined();
      expect(vars(idOf(fn!)).PAGES_URL).toEqual({ 'Fn::Join': ['', ['https://', pagesDomain]] });
    }
  });

  it('leaves the statement resources of ManageUsers concrete: no cognito-idp grant on "*"', () => {
    for (const statement of statementsOfRole(json, manageRole))
      if (actionsOf(statement).some((a) => a.startsWith('cognito-idp:')))
        expect(resourcesOf(statement)).not.toContain('*');
  });
});

describe('runtime-config.json (what the pages read in AWS)', () => {
  const expected = {
    region: { Ref: 'AWS::Region' },
    apiUrl: { 'Fn::GetAtt': [idOf(stack.api.api), 'ApiEndpoint'] },
    userPoolId: { Ref: poolId },
    userPoolClientId: { Ref: clientId },
    userPoolDomain: {
      'Fn::Join': [
        '',
        [
          'https://',
          { Ref: idOf(stack.auth.domain) },
          '.auth.',
          { Ref: 'AWS::Region' },
          '.amazoncognito.com',
        ],
      ],
    },
    signInRedirect: { 'Fn::Join': ['', ['https://', pagesDomain, '/signin']] },
    signOutRedirect: { 'Fn::Join': ['', ['https://', pagesDomain, '/']] },
    scopes: `openid profile email phone ${API_SCOPE}`,
    apiToken: 'access_token',
  };

  it('names the region, the API, the pool, the client, the managed-login URL and the redirects', () => {
    expect(stack.resolve(runtimeConfigOf(stack))).toEqual(expected);
  });

  it('is uploaded with the pages: the deployment carries each of its values', () => {
    const [deployment] = Object.values(template.findResources('Custom::CDKBucketDeployment'));
    const markers = JSON.stringify(deployment?.Properties.SourceMarkers);
    for (const value of [
      expected.apiUrl,
      expected.userPoolId,
      expected.userPoolClientId,
      { Ref: idOf(stack.auth.domain) },
      pagesDomain,
    ])
      expect(markers).toContain(JSON.stringify(value));
  });

  it('signInRedirect is the client’s callback URL and userPoolDomain the managed-login domain', () => {
    const config = stack.resolve(runtimeConfigOf(stack));
    expect([config.signInRedirect]).toEqual(propsOf(clientId).CallbackURLs);
    expect([config.signOutRedirect]).toEqual(propsOf(clientId).LogoutURLs);
  });
});

describe('CloudFront serves /signin (the callback) from signin.html', () => {
  type Request = { uri: string };
  const run = new Function(`${PAGE_PATH_FUNCTION_CODE}; return handler;`)() as (e: {
    request: Request;
  }) => Request;
  const uriOf = (uri: string) => run({ request: { uri } }).uri;

  it('maps an extension-less page path to its .html file and leaves files and folders alone', () => {
    expect(uriOf('/signin')).toBe('/signin.html');
    expect(uriOf('/users')).toBe('/users.html');
    expect(uriOf('/')).toBe('/');
    expect(uriOf('/needs.html')).toBe('/needs.html');
    expect(uriOf('/lib/api-client.js')).toBe('/lib/api-client.js');
    expect(uriOf('/runtime-config.json')).toBe('/runtime-config.json');
  });

  it('runs on every viewer request of the distribution', () => {
    const behavior = propsOf(distributionId).DistributionConfig.DefaultCacheBehavior;
    expect(behavior.FunctionAssociations).toHaveLength(1);
    expect(behavior.FunctionAssociations[0].EventType).toBe('viewer-request');
    const functionId = behavior.FunctionAssociations[0].FunctionARN['Fn::GetAtt'][0];
    expect(propsOf(functionId).FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
    expect(propsOf(functionId).FunctionCode).toBe(PAGE_PATH_FUNCTION_CODE);
  });
});

describe('Cognito’s e-mail and SMS in global regions', () => {
  const pool = propsOf(poolId);
  const joined = (value: CfnJson) => JSON.stringify(value);

  it('e-mails through SES (DEVELOPER) from the stack’s sender, the sender’s domain as the identity', () => {
    expect(pool.EmailConfiguration.EmailSendingAccount).toBe('DEVELOPER');
    expect(pool.EmailConfiguration.From['Fn::Join'][1]).toContainEqual({ Ref: 'SenderEmail' });
    expect(joined(pool.EmailConfiguration.SourceArn)).toContain(':identity/');
    expect(pool.EmailConfiguration.SourceArn['Fn::Join'][1]).toContainEqual({
      'Fn::Select': [1, { 'Fn::Split': ['@', { Ref: 'SenderEmail' }] }],
    });
  });

  it('starts every SMS with the signature mainland carriers require, 【科协科技服务】 by default', () => {
    expect(pool.SmsConfiguration.SnsCallerArn).toBeDefined();
    expect(pool.SmsVerificationMessage).toMatch(/^【科协科技服务】.*\{####\}/u);
    expect(pool.SmsAuthenticationMessage).toMatch(/^【科协科技服务】.*\{####\}/u);
    expect(pool.VerificationMessageTemplate.SmsMessage).toMatch(/^【科协科技服务】/u);
    const invite = pool.AdminCreateUserConfig.InviteMessageTemplate.SMSMessage['Fn::Join'][1][0] as string;
    expect(invite).toMatch(/^【科协科技服务】科技服务走访邀请/u);
    // The verification e-mail keeps the invitation's style: Chinese first, then English.
    expect(pool.VerificationMessageTemplate.EmailSubject).toMatch(/^[\u4e00-\u9fff].* \/ [A-Z]/u);
  });

  it.each([
    ['山区科协', '【山区科协】'],
    ['【山区科协】', '【山区科协】'],
    [' KX2026 ', '【KX2026】'],
  ])('takes the signature %j from context as %s', (value, expected) => {
    expect(smsSignatureOf(value)).toBe(expected);
  });

  it.each(['', '科', '【】', '科协<script>', '科协 科技', '一二三四五六七八九十一二三'])(
    'refuses the signature %j, naming the context value in Chinese and English',
    (value) => {
      expect(() => smsSignatureOf(value)).toThrow(/context smsSignature.*短信签名.*an SMS signature/su);
    },
  );

  it('builds no stack with a bad smsSignature in context', () => {
    const app = new App({ context: { smsSignature: 'bad!', 'aws:cdk:bundling-stacks': [] } });
    expect(() => new RoundsStack(app, 'BadSignature')).toThrow(/context smsSignature "bad!"/);
  });
});
