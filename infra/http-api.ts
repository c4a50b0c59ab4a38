import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  API_FUNCTIONS,
  API_ROUTES,
  type ApiFunctionId,
  type ApiFunctionWiring,
  type ApiRoute,
  isDeployed,
} from '#functions/registry';
import { API_SCOPE, type RoundsAuth } from './auth.ts';
import { RoundsFunction } from './rounds-function.ts';
import type { RoundsTable } from './table.ts';

/** What the HTTP API needs of a route declaration (functions/routes/): where it is, who serves it, whether it is public. */
export type HttpRouteBinding = Pick<ApiRoute, 'method' | 'path' | 'functionId'> & {
  readonly public?: boolean;
};

export interface RoundsHttpApiProps {
  /**
   * The user pool and the pages' app client whose access tokens the API accepts.
   * @default - none: `sessionAuthorizer` instead (AWS China)
   */
  readonly auth?: RoundsAuth;
  /**
   * Where there is no Cognito (AWS China): the authorizer of the product's own session tokens
   * (infra/session-auth.ts). Lambda authorizers take no OAuth scopes.
   * @default - none: the JWT authorizer of `auth`
   */
  readonly sessionAuthorizer?: apigw.IHttpRouteAuthorizer;
  /**
   * Serve the local-only routes too (`localOnly` in the registry: sign-in with invitation codes): the
   * embedded runtime's template. AWS signs people in through Cognito instead.
   * @default false
   */
  readonly includeLocalOnly?: boolean;
  /** The product table; each API function gets the access its registry entry declares. */
  readonly table: RoundsTable;
  /**
   * Routes to serve.
   * @default API_ROUTES from functions/registry.ts
   */
  readonly routes?: readonly HttpRouteBinding[];
  /**
   * Functions serving the routes: construct id → entry file and access.
   * @default API_FUNCTIONS from functions/registry.ts
   */
  readonly functions?: Readonly<Record<string, ApiFunctionWiring>>;
  /**
   * Steady-state request rate limit of the stage (requests per second).
   * @default 50
   */
  readonly throttleRateLimit?: number;
  /**
   * Burst limit of the stage.
   * @default 100
   */
  readonly throttleBurstLimit?: number;
  /**
   * Origins allowed by CORS (e.g. the pages' CloudFront URL).
   * @default - no CORS configuration (same-origin callers only)
   */
  readonly corsOrigins?: readonly string[];
  /**
   * Retention of the access log group.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Entry files in place of the registry's, by function id (AWS China's sign-in, functions/china/).
   * @default - the registry's
   */
  readonly entries?: Readonly<Record<string, string>>;
}

/** Requests a second (and burst) on each public route, per account and region as API Gateway counts. */
export const PUBLIC_ROUTE_THROTTLE = { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 } as const;

/**
 * The HTTP API: Cognito user pool + JWT authorizer on every non-public route, one Lambda per
 * API function, JSON access logs with retention, stage-wide throttling.
 */
export class RoundsHttpApi extends Construct {
  public readonly api: apigw.HttpApi;
  public readonly stage: apigw.HttpStage;
  public readonly userPool?: cognito.UserPool;
  public readonly userPoolClient?: cognito.UserPoolClient;
  public readonly authorizer: apigw.IHttpRouteAuthorizer;
  public readonly accessLogGroup: logs.LogGroup;
  /** The API functions by construct id. */
  public readonly functions: Readonly<Record<string, RoundsFunction>>;

  constructor(scope: Construct, id: string, props: RoundsHttpApiProps) {
    super(scope, id);
    const deployed = (functionId: string) => props.includeLocalOnly || isDeployed(functionId);
    const routes = (props.routes ?? API_ROUTES).filter((r) => deployed(r.functionId));
    const wirings: Readonly<Record<string, ApiFunctionWiring>> = Object.fromEntries(
      Object.entries(props.functions ?? API_FUNCTIONS).filter(([functionId]) => deployed(functionId)),
    );

    // ---- identity ------------------------------------------------------------------------
    const stack = Stack.of(this);
    if (props.auth) {
      this.userPool = props.auth.userPool;
      this.userPoolClient = props.auth.client;
      // Access tokens of the pages' client (client_id; an ID token has no scope and is refused).
      this.authorizer = new HttpJwtAuthorizer(
        'CognitoJwt',
        `https://cognito-idp.${stack.region}.${stack.urlSuffix}/${this.userPool.userPoolId}`,
        {
          jwtAudience: [this.userPoolClient.userPoolClientId],
          identitySource: ['$request.header.Authorization'],
        },
      );
    } else if (props.sessionAuthorizer) {
      this.authorizer = props.sessionAuthorizer;
    } else {
      throw new Error('RoundsHttpApi needs auth (Cognito) or sessionAuthorizer');
    }
    const scoped = props.auth !== undefined;

    // ---- API -----------------------------------------------------------------------------
    this.api = new apigw.HttpApi(this, 'Api', {
      description: 'Mountain rounds HTTP API (一季一镇，一镇五问)',
      createDefaultStage: false,
      ...(props.corsOrigins && props.corsOrigins.length > 0
        ? {
            corsPreflight: {
              allowOrigins: [...props.corsOrigins],
              allowMethods: [apigw.CorsHttpMethod.ANY],
              allowHeaders: ['authorization', 'content-type', 'accept-language', 'idempotency-key'],
              maxAge: Duration.hours(1),
            },
          }
        : {}),
    });

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: {
        rateLimit: props.throttleRateLimit ?? 50,
        burstLimit: props.throttleBurstLimit ?? 100,
      },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogGroup),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            httpMethod: '$context.httpMethod',
            routeKey: '$context.routeKey',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            latency: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            sub: '$context.authorizer.claims.sub',
          }),
        ),
      },
    });

    const functions: Record<string, RoundsFunction> = {};
    const integrations: Record<string, HttpLambdaIntegration> = {};
    for (const [functionId, wiring] of Object.entries(wirings)) {
      const fn = new RoundsFunction(this, functionId, {
        entry: props.entries?.[functionId] ?? wiring.entry,
        // The coordinator's re-plan runs the planner of `rounds plan` (HiGHS, WebAssembly) within the API's 30 s.
        ...(functionId === 'ReplanSeason'
          ? { bundleFiles: ['node_modules/highs/build/highs.wasm'], memorySize: 3008 }
          : {}),
      });
      props.table.grantTo(fn, wiring.table);
      functions[functionId] = fn;
      integrations[functionId] = new HttpLambdaIntegration(`${functionId}Integration`, fn);
    }
    this.functions = functions;

    // Public routes are throttled on their own, well below the stage (docs/rules.md, sign-in): a flood
    // of anonymous calls cannot use up the stage's rate for signed-in people.
    const publicRouteSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> =
      {};
    for (const route of routes) {
      const integration = integrations[route.functionId as ApiFunctionId];
      if (!integration)
        throw new Error(`route ${route.method} ${route.path} names unknown function ${route.functionId}`);
      const added = this.api.addRoutes({
        path: route.path,
        methods: [apigw.HttpMethod[route.method]],
        integration,
        authorizer: route.public ? new apigw.HttpNoneAuthorizer() : this.authorizer,
        ...(route.public || !scoped ? {} : { authorizationScopes: [API_SCOPE] }),
      });
      if (route.public) {
        publicRouteSettings[`${route.method} ${route.path}`] = PUBLIC_ROUTE_THROTTLE;
        for (const r of added) {
          const reason =
            route.method === 'GET'
              ? `${route.method} ${route.path} is a public, read-only route (no personal data), declared public in functions/routes/.`
              : `${route.method} ${route.path} is sign-in itself (a one-time invitation code, 10 tries a minute per address and per code), served only by the embedded runtime.`;
          Validations.of(r).acknowledge({ id: 'AwsSolutions-APIG4', reason });
        }
      }
    }
    if (Object.keys(publicRouteSettings).length > 0)
      (this.stage.node.defaultChild as apigw.CfnStage).routeSettings = publicRouteSettings;
  }

  private customDomain?: string;

  /**
   * Serves the API on `domainName` too (AWS China: an ICP-recorded domain, with a certificate
   * imported into ACM in the stack's region); `url` is then that domain's.
   */
  public useCustomDomain(domainName: string, certificateArn: string): apigw.DomainName {
    const domain = new apigw.DomainName(this, 'Domain', {
      domainName,
      certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', certificateArn),
    });
    new apigw.ApiMapping(this, 'DomainMapping', { api: this.api, domainName: domain, stage: this.stage });
    this.customDomain = domainName;
    return domain;
  }

  /** The API's base URL. */
  public get url(): string {
    return this.customDomain ? `https://${this.customDomain}` : this.api.apiEndpoint;
  }
}
