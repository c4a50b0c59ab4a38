/**
 * The AWS China flavour of the stack (docs/deploy.md, AWS China), synthesized as `cdk deploy` builds
 * it in cn-northwest-1 (chosen by the region) and environment-agnostic with `-c china=true`, next to
 * the global stack: what differs, and that cdk-nag has nothing left. cfn-lint's check of both
 * templates is test/integration/infra/cfn-lint.test.ts.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { createRoundsApp, type RoundsStack, runtimeConfigOf } from '#infra/rounds-stack';
import { temporaryDirs } from '#support/rounds-cli';
import {
  actionsOf,
  type CfnJson,
  CHINA_CONTEXT,
  describeFinding,
  logicalIdOf,
  resourcesOf,
  type Statement,
  synthRounds,
  synthWithFindings,
} from '#support/template';

const outdirs = temporaryDirs();
afterAll(() => outdirs.removeAll());

const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

function synthChina(
  cli: { CDK_DEFAULT_ACCOUNT?: string; CDK_DEFAULT_REGION?: string },
  context: Record<string, unknown>,
) {
  const outdir = outdirs.make('rounds-china-');
  const { app, stack } = createRoundsApp({
    cliEnvironment: cli,
    outdir,
    context: { 'aws:cdk:bundling-stacks': [], ...context },
  });
  const { assembly, findings, synthError } = synthWithFindings(app, outdir);
  const json: CfnJson = assembly?.getStackByName(stack.stackName).template;
  return { stack, json, findings, synthError, outdir };
}

const byRegion = synthChina(
  { CDK_DEFAULT_ACCOUNT: '123456789012', CDK_DEFAULT_REGION: 'cn-northwest-1' },
  CHINA_CONTEXT,
);
const byContext = synthChina({}, { china: 'true' });
const china = byRegion.json;
const chinaStack = byRegion.stack as RoundsStack;
const global = synthRounds();

const resourcesOfType = (json: CfnJson, prefix: string) =>
  Object.entries<CfnJson>(json.Resources).filter(([, r]) => String(r.Type).startsWith(prefix));
const statements = (json: CfnJson): Statement[] =>
  resourcesOfType(json, 'AWS::IAM::Policy').flatMap(([, r]) => r.Properties.PolicyDocument.Statement);
const actionsIn = (json: CfnJson) => new Set(statements(json).flatMap(actionsOf));
const envOf = (json: CfnJson, id: string) => json.Resources[id].Properties.Environment?.Variables ?? {};

describe.each([
  ['chosen by the region (cn-northwest-1)', byRegion],
  ['chosen by context (china=true, environment-agnostic)', byContext],
])('the AWS China stack %s', (_name, synth) => {
  it('synthesizes with no cdk-nag finding left', () => {
    expect(synth.synthError?.message).toBeUndefined();
    expect(synth.findings.map(describeFinding)).toEqual([]);
    expect(synth.stack.china).toBe(true);
  });

  it('has no Cognito, CloudFront Function, origin access control, SES, SNS SMS or X-Ray', () => {
    const types = Object.values<CfnJson>(synth.json.Resources).map((r) => r.Type);
    expect(types.filter((t) => t.startsWith('AWS::Cognito::'))).toEqual([]);
    expect(types).not.toContain('AWS::CloudFront::Function');
    expect(types).not.toContain('AWS::CloudFront::OriginAccessControl');
    expect(types).toContain('AWS::CloudFront::CloudFrontOriginAccessIdentity');
    const actions = [...actionsIn(synth.json)];
    expect(actions.filter((a) => /^(ses|xray|cognito-idp):/.test(a))).toEqual([]);
    // Alerts are published to their topic (by ARN); never to a phone number ("*").
    const publishAnywhere = statements(synth.json).filter(
      (s) => actionsOf(s).includes('sns:Publish') && resourcesOf(s).includes('*'),
    );
    expect(publishAnywhere).toEqual([]);
    for (const [, fn] of resourcesOfType(synth.json, 'AWS::Lambda::Function'))
      expect(fn.Properties.TracingConfig?.Mode ?? 'PassThrough').toBe('PassThrough');
    for (const [, sm] of resourcesOfType(synth.json, 'AWS::StepFunctions::StateMachine'))
      expect(sm.Properties.TracingConfiguration?.Enabled ?? false).toBe(false);
    expect(Object.keys(synth.json.Parameters ?? {})).not.toContain('SenderEmail');
  });
});

describe('what differs from the global stack', () => {
  it('the global stack keeps Cognito, the JWT authorizer, the CloudFront Function, SES and X-Ray', () => {
    const types = Object.values<CfnJson>(global.json.Resources).map((r) => r.Type);
    expect(types).toContain('AWS::Cognito::UserPool');
    expect(types).toContain('AWS::CloudFront::Function');
    expect(types).toContain('AWS::CloudFront::OriginAccessControl');
    expect(types).not.toContain('AWS::SecretsManager::Secret');
    const actions = actionsIn(global.json);
    expect(actions.has('ses:SendEmail')).toBe(true);
    expect(actions.has('xray:PutTraceSegments')).toBe(true);
    global.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { AuthorizerType: 'JWT' });
  });

  it('signs in with the product’s own sessions: a Lambda authorizer (no cache) on every non-public route, and POST /session', () => {
    const template = Template.fromJSON(china);
    const sessionAuth = chinaStack.sessionAuth;
    if (!sessionAuth) throw new Error('no sessionAuth');
    const authorizerFn = logicalIdOf(chinaStack, sessionAuth.function);
    const authorizers = resourcesOfType(china, 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizers).toHaveLength(1);
    const [[authorizerId, authorizer]] = authorizers as [[string, CfnJson]];
    expect(authorizer.Properties).toMatchObject({
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      AuthorizerResultTtlInSeconds: 0,
      IdentitySource: ['$request.header.Authorization'],
    });
    expect(JSON.stringify(authorizer.Properties.AuthorizerUri)).toContain(authorizerFn);
    const routes = resourcesOfType(china, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    const keys = routes.map((r) => r.RouteKey);
    expect(keys).toContain('POST /session');
    expect(keys).toContain('POST /session/renew');
    for (const route of routes) {
      expect(route.AuthorizationScopes).toBeUndefined();
      if (route.AuthorizationType === 'CUSTOM') expect(route.AuthorizerId).toEqual({ Ref: authorizerId });
      else expect(route.AuthorizationType).toBe('NONE');
    }
    expect(routes.filter((r) => r.AuthorizationType === 'CUSTOM').length).toBeGreaterThan(20);
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true },
    });
  });

  it('gives the signing key to the authorizer, ManageUsers and Sessions only, and no Cognito pool to ManageUsers', () => {
    const sessionAuth = chinaStack.sessionAuth;
    if (!sessionAuth) throw new Error('no sessionAuth');
    const secretId = logicalIdOf(chinaStack, sessionAuth.signingKey);
    const readers = resourcesOfType(china, 'AWS::Lambda::Function')
      .filter(([, r]) => r.Properties.Environment?.Variables?.SIGNING_KEY_SECRET_ID)
      .map(([, r]) => r.Metadata['mountain-rounds:function-id'])
      .sort();
    expect(readers).toEqual(['AuthorizeSession', 'ManageUsers', 'Sessions']);
    // Their China entries install the sessions first (functions/china/); the global bundles stay without them.
    const entries = Object.fromEntries(
      resourcesOfType(china, 'AWS::Lambda::Function')
        .filter(([, r]) => r.Metadata?.['mountain-rounds:function-id'])
        .map(([, r]) => [r.Metadata['mountain-rounds:function-id'], r.Metadata['mountain-rounds:entry']]),
    );
    expect(entries).toMatchObject({
      ManageUsers: 'functions/china/manage-users.ts',
      Sessions: 'functions/china/sessions.ts',
      DispatchOutbox: 'functions/china/dispatch-outbox.ts',
      AuthorizeSession: 'functions/triggers/authorize-session.ts',
    });
    const grants = statements(china).filter((s) => actionsOf(s).includes('secretsmanager:GetSecretValue'));
    expect(grants.filter((s) => JSON.stringify(s.Resource).includes(secretId))).toHaveLength(3);
    const manageUsers = chinaStack.api.functions.ManageUsers;
    if (!manageUsers) throw new Error('no ManageUsers');
    expect(envOf(china, logicalIdOf(chinaStack, manageUsers)).USER_POOL_ID).toBeUndefined();
  });

  it('gives the pages code sign-in and the API’s URL only (as on one machine)', () => {
    expect(runtimeConfigOf(chinaStack)).toEqual({ apiUrl: 'https://api.rounds.example.org.cn' });
    expect(Object.keys(runtimeConfigOf(global.stack))).toContain('userPoolClientId');
  });

  it('serves the pages on the ICP-recorded domain with an IAM server certificate, and extension-less copies of the pages', () => {
    const [[, distribution]] = resourcesOfType(china, 'AWS::CloudFront::Distribution') as [[string, CfnJson]];
    expect(distribution.Properties.DistributionConfig.Aliases).toEqual([CHINA_CONTEXT.pagesDomain]);
    expect(distribution.Properties.DistributionConfig.ViewerCertificate).toEqual({
      IamCertificateId: CHINA_CONTEXT.pagesCertificateId,
      SslSupportMethod: 'sni-only',
      MinimumProtocolVersion: 'TLSv1.2_2021',
    });
    expect(
      distribution.Properties.DistributionConfig.DefaultCacheBehavior.FunctionAssociations,
    ).toBeUndefined();
    const deployments = resourcesOfType(china, 'Custom::CDKBucketDeployment').map(([, r]) => r.Properties);
    const copies = deployments.find((d) => d.Prune === false);
    expect(copies?.SystemMetadata).toEqual({ 'content-type': 'text/html; charset=utf-8' });
    expect(copies?.DistributionPaths).toContain('/signin');
    const site = deployments.find((d) => d.Prune !== false);
    expect(site?.Exclude).toContain('signin');
    expect(chinaStack.pages.url).toBe(`https://${CHINA_CONTEXT.pagesDomain}`);
  });

  it('serves the API on its own domain (ACM certificate imported in the region)', () => {
    const template = Template.fromJSON(china);
    template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: CHINA_CONTEXT.apiDomain,
      DomainNameConfigurations: [
        { CertificateArn: CHINA_CONTEXT.apiCertificateArn, EndpointType: 'REGIONAL' },
      ],
    });
    template.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 1);
  });

  it('sends e-mail through the SMTP secret (read only by the dispatcher), or none without one', () => {
    const dispatcher = logicalIdOf(chinaStack, chinaStack.outbox.function);
    expect(envOf(china, dispatcher)).toMatchObject({ SMTP_SECRET_ID: 'rounds/smtp', SMS_ENABLED: '0' });
    expect(envOf(china, dispatcher).SENDER_EMAIL).toBeUndefined();
    const smtpGrant = statements(china).find((s) =>
      JSON.stringify(s.Resource).includes(':secret:rounds/smtp-??????'),
    );
    expect(smtpGrant && actionsOf(smtpGrant)).toContain('secretsmanager:GetSecretValue');
    const none = byContext.json;
    const noneDispatcher = logicalIdOf(byContext.stack, byContext.stack.outbox.function);
    expect(envOf(none, noneDispatcher).SMTP_SECRET_ID).toBe('');
  });

  it('spells no ARN or host of the aws partition: the partition and URL suffix come from the region', () => {
    const text = JSON.stringify(china);
    expect(text).not.toContain('arn:aws:');
    expect(text).not.toContain('cognito-idp');
    expect(text).not.toMatch(/execute-api\.[^"]*amazonaws\.com"/);
  });

  it('refuses half a domain, naming the missing context value in Chinese and English', () => {
    expect(() =>
      createRoundsApp({ context: { ...NO_BUNDLING, china: 'true', pagesDomain: 'rounds.example.org.cn' } }),
    ).toThrow(
      '缺少上下文 pagesCertificateId：pagesDomain 需要与它一起给出 / context pagesCertificateId is missing',
    );
    expect(() =>
      createRoundsApp({
        context: {
          ...NO_BUNDLING,
          china: 'true',
          apiDomain: 'api.example.org.cn',
          apiCertificateArn: 'not-an-arn',
        },
      }),
    ).toThrow('context apiCertificateArn is not an ACM certificate ARN (not-an-arn)');
  });
});
