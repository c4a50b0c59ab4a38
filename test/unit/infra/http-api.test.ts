import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { API_FUNCTIONS, API_ROUTES, isDeployed } from '#functions/registry';
import { API_SCOPE, RoundsAuth } from '#infra/auth';
import { RoundsHttpApi } from '#infra/http-api';
import { synthesizeRoundsTemplate } from '#infra/rounds-stack';
import { RoundsTable } from '#infra/table';
import { type CfnJson, synthRounds } from '#support/template';

const { stack, template, json, idOf } = synthRounds();
const apiId = idOf(stack.api.api);
const authorizerId = Object.keys(template.findResources('AWS::ApiGatewayV2::Authorizer'))[0] as string;

describe('HTTP API', () => {
  const deployedRoutes = API_ROUTES.filter((r) => isDeployed(r.functionId));

  it('has one route per deployed API_ROUTES entry, each behind the Cognito JWT authorizer and the API scope unless public', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties);
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(
      deployedRoutes.map((r) => `${r.method} ${r.path}`).sort(),
    );
    for (const route of deployedRoutes.filter((r) => !r.public)) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: `${route.method} ${route.path}`,
        AuthorizationType: 'JWT',
        AuthorizerId: { Ref: authorizerId },
        // Only access tokens carry a scope: an ID token (or any other JWT of the pool) is refused.
        AuthorizationScopes: [API_SCOPE],
      });
    }
  });

  it('does not deploy the local sign-in routes (POST /session, /session/renew) nor their function: Cognito signs people in', () => {
    const keys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (r) => r.Properties.RouteKey,
    );
    expect(keys).not.toContain('POST /session');
    expect(keys).not.toContain('POST /session/renew');
    expect(stack.api.functions.Sessions).toBeUndefined();
    expect(Object.keys(API_FUNCTIONS).filter((id) => !isDeployed(id))).toEqual(['Sessions']);
  });

  it('validates JWTs issued by this user pool for this app client', () => {
    const poolId = idOf(stack.auth.userPool);
    const clientId = idOf(stack.auth.client);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      ApiId: { Ref: apiId },
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: clientId }],
        Issuer: {
          'Fn::Join': [
            '',
            [
              'https://cognito-idp.',
              { Ref: 'AWS::Region' },
              '.',
              { Ref: 'AWS::URLSuffix' },
              '/',
              { Ref: poolId },
            ],
          ],
        },
      },
    });
  });

  it('throttles the stage and writes JSON access logs to a 30-day log group', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      ApiId: { Ref: apiId },
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: {
        DestinationArn: {
          'Fn::GetAtt': [idOf(stack.api.accessLogGroup), 'Arn'],
        },
        Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"'),
      },
    });
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0];
    expect(() => JSON.parse(stage?.Properties.AccessLogSettings.Format)).not.toThrow();
    expect(json.Resources[idOf(stack.api.accessLogGroup)].Properties.RetentionInDays).toBe(30);
  });

  it('throttles each public route on its own, well below the stage', () => {
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0];
    const settings = stage?.Properties.RouteSettings as Record<string, unknown>;
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route'))
      .filter((r) => r.Properties.AuthorizationType === 'NONE')
      .map((r) => r.Properties.RouteKey as string);
    expect(routes.length).toBeGreaterThan(0);
    expect(Object.keys(settings).sort()).toEqual([...routes].sort());
    for (const key of routes)
      expect(settings[key]).toEqual({ ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 });
  });

  it('allows CORS only from the pages’ CloudFront URL', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({
        // The needs form retries a POST with the same Idempotency-Key from the CloudFront origin.
        AllowHeaders: Match.arrayWith(['authorization', 'content-type', 'idempotency-key']),
        AllowOrigins: [
          {
            'Fn::Join': [
              '',
              [
                'https://',
                {
                  'Fn::GetAtt': [idOf(stack.pages.distribution), 'DomainName'],
                },
              ],
            ],
          },
        ],
      }),
    });
  });
});

describe('Cognito user pool', () => {
  it('carries role, county and society as custom attributes; nobody signs themselves up', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      Schema: Match.arrayWith([
        Match.objectLike({ Name: 'role', AttributeDataType: 'String', Mutable: true }),
        Match.objectLike({ Name: 'county', AttributeDataType: 'String', Mutable: true }),
        Match.objectLike({ Name: 'society', AttributeDataType: 'String', Mutable: true }),
      ]),
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SMS_MFA', 'SOFTWARE_TOKEN_MFA'],
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
    });
  });

  it('lets users read but never write their own role, county or society', () => {
    const client = Object.values(template.findResources('AWS::Cognito::UserPoolClient'))[0]?.Properties;
    expect(client.ReadAttributes).toEqual(
      expect.arrayContaining(['custom:role', 'custom:county', 'custom:society']),
    );
    expect(client.WriteAttributes.filter((a: string) => a.startsWith('custom:'))).toEqual([]);
    expect(client.GenerateSecret).toBe(false);
  });
});

describe('public routes', () => {
  it('are served without the authorizer when the registry marks them public', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const s = new Stack(app, 'PublicRouteStack');
    new RoundsHttpApi(s, 'Api', {
      table: new RoundsTable(s, 'Table'),
      auth: new RoundsAuth(s, 'Auth', { pagesUrl: 'https://pages.example.cn' }),
      routes: [
        { method: 'GET', path: '/counties', functionId: 'GetCounties', public: true },
        { method: 'GET', path: '/seasons/{season}/plan', functionId: 'GetSeasonPlan' },
      ],
    });
    const t = Template.fromStack(s);
    t.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'GET /counties',
      AuthorizationType: 'NONE',
    });
    t.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'GET /seasons/{season}/plan',
      AuthorizationType: 'JWT',
    });
  });

  it('reject a route naming a function that does not exist', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const s = new Stack(app, 'BadRouteStack');
    expect(
      () =>
        new RoundsHttpApi(s, 'Api', {
          table: new RoundsTable(s, 'Table'),
          auth: new RoundsAuth(s, 'Auth', { pagesUrl: 'https://pages.example.cn' }),
          routes: [{ method: 'GET', path: '/x', functionId: 'Nope' as never }],
        }),
    ).toThrow(/unknown function Nope/);
  });
});

describe('the sign-in routes’ own throttle', () => {
  it('keeps every route without an authorizer below the stage’s rate and burst, sign-in included', () => {
    // The embedded runtime's template serves sign-in (POST /session…) through API Gateway's model.
    const { template: signIn } = synthesizeRoundsTemplate({
      bundle: false,
      stackProps: { localSignIn: true },
    });
    const stage = Object.values(signIn.Resources as Record<string, CfnJson>).find(
      (r) => r.Type === 'AWS::ApiGatewayV2::Stage',
    )?.Properties;
    const publicKeys = Object.values(signIn.Resources as Record<string, CfnJson>)
      .filter((r) => r.Type === 'AWS::ApiGatewayV2::Route' && r.Properties.AuthorizationType === 'NONE')
      .map((r) => r.Properties.RouteKey as string);
    expect(publicKeys).toEqual(
      expect.arrayContaining(['POST /session', 'POST /session/refresh', 'POST /session/link']),
    );
    for (const key of publicKeys) {
      const own = stage.RouteSettings[key];
      expect(own.ThrottlingRateLimit).toBeLessThan(stage.DefaultRouteSettings.ThrottlingRateLimit);
      expect(own.ThrottlingBurstLimit).toBeLessThan(stage.DefaultRouteSettings.ThrottlingBurstLimit);
    }
  });
});
