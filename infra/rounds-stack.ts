import { join } from 'node:path';
import {
  App,
  type CfnElement,
  CfnOutput,
  CfnParameter,
  Duration,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import * as triggers from 'aws-cdk-lib/triggers';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { Construct, IConstruct } from 'constructs';
import {
  API_FUNCTIONS,
  type ApiFunctionWiring,
  DEPLOY_FUNCTIONS,
  ROUND_FUNCTIONS,
  type RoundFunctionId,
} from '#functions/registry';
import { AttachmentsStore } from './attachments.ts';
import { RoundsAuth } from './auth.ts';
import {
  ACM_CERTIFICATE_ARN,
  CHINA_CONTEXT,
  contextDomain,
  contextString,
  IAM_CERTIFICATE_ID,
  isChina,
} from './china.ts';
import { RoundsHttpApi } from './http-api.ts';
import { AlertNotifications } from './notifications.ts';
import { Operations } from './operations.ts';
import { OutboxDispatch } from './outbox.ts';
import { RoundsPages } from './pages.ts';
import { RoundStateMachine } from './round-state-machine.ts';
import { FUNCTION_ID_METADATA, RoundsFunction } from './rounds-function.ts';
import { QuarterlySchedule } from './schedule.ts';
import { CHINA_SESSION_ENTRIES, SessionAuth } from './session-auth.ts';
import { RoundsTable } from './table.ts';

/** The planner's solver (HiGHS) loads its WebAssembly from beside the bundle. */
const HIGHS_WASM = 'node_modules/highs/build/highs.wasm';

/** One run of the data migrations: Lambda's longest; a longer one resumes at the next deploy. */
const MIGRATIONS_TIMEOUT = Duration.minutes(15);

/** Stack name (and construct id) of the product's one stack. */
export const ROUNDS_STACK_ID = 'RoundsStack';

export interface RoundsStackProps extends StackProps {
  /**
   * Coordinator e-mail addresses subscribed to alerts.
   * @default - none (context `alertEmails`, comma-separated, when run by app.ts)
   */
  readonly coordinatorEmails?: readonly string[];
  /**
   * Whether the quarterly schedule is enabled.
   * @default true
   */
  readonly scheduleEnabled?: boolean;
  /**
   * Offers in flight at once (the offer Map's MaxConcurrency); raise it together with the
   * account's Lambda concurrency quota.
   * @default OFFER_CONCURRENCY (800), or context `offerConcurrency` when run by app.ts
   */
  readonly offerConcurrency?: number;
  /**
   * The address notifications are e-mailed from (a verified SES identity or an address on a
   * verified domain).
   * @default - the stack parameter `SenderEmail`, given at deploy (`--parameters SenderEmail=…`)
   */
  readonly senderEmail?: string;
  /**
   * Whether societies with only a phone number are sent SMS (SNS).
   * @default false
   */
  readonly smsEnabled?: boolean;
  /**
   * Prefix of the Cognito managed-login domain (`<prefix>.auth.<region>.amazoncognito.com`).
   * @default - `<stack name>-<account id>` (context `userPoolDomainPrefix` when run by app.ts)
   */
  readonly userPoolDomainPrefix?: string;
  /**
   * Include the local-only sign-in routes (POST /session, POST /session/renew) and their function:
   * the template the embedded runtime runs. Never deployed: AWS signs in through Cognito.
   * @default false
   */
  readonly localSignIn?: boolean;
  /**
   * AWS China (aws-cn): no Cognito (the product's own sessions and a Lambda authorizer), pages
   * through an origin access identity, e-mail through SMTP, no SES, SNS SMS or X-Ray.
   * @default - the region is `cn-*`, or context `china=true` (docs/deploy.md, AWS China)
   */
  readonly china?: boolean;
  /**
   * The pages' ICP-recorded domain and its IAM server certificate id (AWS China: CloudFront takes
   * no ACM certificate there).
   * @default - context `pagesDomain` and `pagesCertificateId`; without them the CloudFront domain
   */
  readonly pagesDomain?: { readonly domainName: string; readonly iamCertificateId: string };
  /**
   * SMTP for e-mail in AWS China: the Secrets Manager secret (name or ARN) holding
   * `{"url":"smtps://user:pass@host:465","from":"…"}`.
   * @default - context `smtpSecret`; without it no e-mail in AWS China (robots only)
   */
  readonly smtpSecret?: string;
  /**
   * The API's ICP-recorded domain and the ARN of its certificate imported into ACM in the region.
   * @default - context `apiDomain` and `apiCertificateArn`; without them the execute-api endpoint
   */
  readonly apiDomain?: { readonly domainName: string; readonly certificateArn: string };
}

/** The whole product in AWS: table, round functions and state machine, schedule, API, alerts, pages. */
export class RoundsStack extends Stack {
  public readonly table: RoundsTable;
  public readonly roundFunctions: Readonly<Record<RoundFunctionId, RoundsFunction>>;
  public readonly round: RoundStateMachine;
  public readonly schedule: QuarterlySchedule;
  public readonly notifications: AlertNotifications;
  public readonly outbox: OutboxDispatch;
  public readonly api: RoundsHttpApi;
  private readonly cognito?: RoundsAuth;
  /** Sign-in where there is no Cognito (AWS China). */
  public readonly sessionAuth?: SessionAuth;
  /** Whether this is the AWS China flavour (infra/china.ts). */
  public readonly china: boolean;
  public readonly pages: RoundsPages;
  public readonly attachments: AttachmentsStore;
  /** The data migrations, run by a Trigger after each deploy that changes them (docs/deploy.md). */
  public readonly migrations: RoundsFunction;
  public readonly operations: Operations;

  constructor(scope: Construct, id: string, props: RoundsStackProps = {}) {
    super(scope, id, {
      description: 'Quarterly science-service rounds for the mountain counties (一季一镇，一镇五问)',
      ...props,
    });
    // Server access logs are delivered under a bucket policy, not the deprecated LogDeliveryWrite ACL.
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    if (props.china !== undefined) this.node.setContext(CHINA_CONTEXT, String(props.china));
    this.china = isChina(this);
    const china = this.china;

    this.table = new RoundsTable(this, 'RoundsTable');
    this.notifications = new AlertNotifications(this, 'Notifications', {
      ...(props.coordinatorEmails ? { coordinatorEmails: props.coordinatorEmails } : {}),
    });

    const functions = {} as Record<RoundFunctionId, RoundsFunction>;
    for (const [functionId, wiring] of Object.entries(ROUND_FUNCTIONS)) {
      const fn = new RoundsFunction(this, functionId, {
        entry: wiring.entry,
        ...(functionId === 'AssignSocieties'
          ? { bundleFiles: [HIGHS_WASM], memorySize: 3008, timeout: Duration.minutes(5) }
          : {}),
      });
      this.table.grantTo(fn, wiring.table);
      functions[functionId as RoundFunctionId] = fn;
    }
    this.roundFunctions = functions;

    this.round = new RoundStateMachine(this, 'Round', {
      functions,
      table: this.table.table,
      alertTopic: this.notifications.topic,
      ...(props.offerConcurrency === undefined ? {} : { offerConcurrency: props.offerConcurrency }),
    });
    for (const [functionId, wiring] of Object.entries(ROUND_FUNCTIONS)) {
      if ('answerTasks' in wiring) this.round.grantTaskAnswer(functions[functionId as RoundFunctionId]);
    }
    const senderEmail =
      props.senderEmail ??
      (china ? '' : undefined) ??
      new CfnParameter(this, 'SenderEmail', {
        type: 'String',
        description:
          'The address notifications are e-mailed from (a verified SES identity or on a verified domain)',
        allowedPattern: '^[^@\\s]+@[^@\\s]+$',
        constraintDescription: 'an e-mail address such as notify@example.org.cn',
      }).valueAsString;
    this.outbox = new OutboxDispatch(this, 'Outbox', {
      table: this.table,
      ...(china
        ? { smtpSecret: props.smtpSecret ?? contextString(this, 'smtpSecret') ?? '' }
        : { senderEmail, ...(props.smsEnabled ? { smsEnabled: true } : {}) }),
      ...(props.scheduleEnabled === undefined ? {} : { enabled: props.scheduleEnabled }),
    });
    this.schedule = new QuarterlySchedule(this, 'QuarterlySchedule', {
      stateMachine: this.round.stateMachine,
      table: this.table,
      ...(props.scheduleEnabled === undefined ? {} : { enabled: props.scheduleEnabled }),
    });

    // Pages first (the API's CORS allows their URL), their upload last (it carries the API's URL).
    // Sign-in returns to the pages' domain, so the pages come before the user pool's client.
    const pagesContext = contextDomain(this, 'pagesDomain', 'pagesCertificateId', IAM_CERTIFICATE_ID);
    const pagesDomain =
      props.pagesDomain ??
      (pagesContext
        ? { domainName: pagesContext.domainName, iamCertificateId: pagesContext.certificate }
        : undefined);
    this.pages = new RoundsPages(
      this,
      'Pages',
      china ? { china: true, ...(pagesDomain ? { pagesDomain } : {}) } : {},
    );
    if (china) {
      // No Cognito in China: the product's own invitations and sessions, as on one machine.
      this.sessionAuth = new SessionAuth(this, 'SessionAuth', { table: this.table });
      this.api = new RoundsHttpApi(this, 'HttpApi', {
        table: this.table,
        sessionAuthorizer: this.sessionAuth.authorizer,
        corsOrigins: [this.pages.url],
        includeLocalOnly: true,
        entries: CHINA_SESSION_ENTRIES,
      });
      const apiContext = contextDomain(this, 'apiDomain', 'apiCertificateArn', ACM_CERTIFICATE_ARN);
      const apiDomain =
        props.apiDomain ??
        (apiContext
          ? { domainName: apiContext.domainName, certificateArn: apiContext.certificate }
          : undefined);
      if (apiDomain) this.api.useCustomDomain(apiDomain.domainName, apiDomain.certificateArn);
      for (const functionId of ['ManageUsers', 'Sessions']) {
        const fn = this.api.functions[functionId];
        if (!fn) throw new Error(`the HTTP API has no ${functionId} function`);
        this.sessionAuth.grantSessions(fn);
        fn.addEnvironment('PAGES_URL', this.pages.url);
      }
    } else {
      this.cognito = new RoundsAuth(this, 'Auth', {
        pagesUrl: this.pages.url,
        senderEmail,
        ...(props.userPoolDomainPrefix ? { domainPrefix: props.userPoolDomainPrefix } : {}),
      });
      this.api = new RoundsHttpApi(this, 'HttpApi', {
        table: this.table,
        auth: this.cognito,
        corsOrigins: [this.pages.url],
        ...(props.localSignIn ? { includeLocalOnly: true } : {}),
      });
      // The coordinators' user routes alone administer the pool's users.
      const manageUsers = this.api.functions.ManageUsers;
      if (!manageUsers) throw new Error('the HTTP API has no ManageUsers function');
      this.cognito.grantUserAdministration(manageUsers, this.pages.url);
    }
    // The notices to societies and liaisons, and the coordinator's alert, link to the pages
    // (functions/services/notices.ts, domain/coordinator-notices.ts).
    for (const fn of [
      functions.RecordPlanApproval,
      functions.FindNextSociety,
      functions.SendOfferAndWaitForAnswer,
      functions.RecordAnswer,
      this.api.functions.ApproveSeasonPlan,
      this.api.functions.ScheduleVisit,
      this.api.functions.FileVisitReport,
    ])
      fn?.addEnvironment('PAGES_URL', this.pages.url);
    // POST /rounds starts the round; accept/decline complete its waiting task. Nothing else on it.
    for (const [functionId, wiring] of Object.entries(API_FUNCTIONS)) {
      if (!('round' in wiring)) continue;
      const fn = this.api.functions[functionId];
      if (!fn) throw new Error(`the HTTP API has no ${functionId} function`);
      if (wiring.round === 'start') {
        fn.addEnvironment('STATE_MACHINE_ARN', this.round.stateMachine.stateMachineArn);
        this.round.stateMachine.grantStartExecution(fn);
      } else {
        this.round.grantTaskAnswer(fn);
      }
    }
    // Visit photos: the bucket, the check of each upload, and the API functions that sign or read.
    this.attachments = new AttachmentsStore(this, 'Attachments', {
      table: this.table,
      corsOrigins: [this.pages.url],
      accessLogsBucket: this.pages.logsBucket,
    });
    for (const [functionId, wiring] of Object.entries(API_FUNCTIONS) as [string, ApiFunctionWiring][]) {
      const fn = this.api.functions[functionId];
      if (fn && wiring.files) this.attachments.grantTo(fn, wiring.files);
    }
    this.pages.deploySite(runtimeConfigOf(this));
    // Data migrations once the new code is in place: a failure fails (and rolls back) the deploy.
    this.migrations = new RoundsFunction(this, 'RunMigrations', {
      entry: DEPLOY_FUNCTIONS.RunMigrations.entry,
      timeout: MIGRATIONS_TIMEOUT,
    });
    this.table.grantTo(this.migrations, DEPLOY_FUNCTIONS.RunMigrations.table);
    new triggers.Trigger(this, 'RunMigrationsAfterDeploy', {
      handler: this.migrations,
      timeout: MIGRATIONS_TIMEOUT,
      executeAfter: [this.table, this.round, this.api],
    });
    // Last: its alarms cover every function made above (infra/operations.ts).
    this.operations = new Operations(this, 'Operations', {
      alertTopic: this.notifications.topic,
      stateMachine: this.round.stateMachine,
      httpApi: this.api.api,
      deadLetterQueues: {
        OutboxSchedule: this.outbox.deadLetterQueue,
        QuarterlySchedule: this.schedule.deadLetterQueue,
        ...(this.notifications.deadLetterQueue
          ? { AlertSubscriptions: this.notifications.deadLetterQueue }
          : {}),
      },
      outboxFunction: this.outbox.function,
      pendingOffersFunction: functions.ListPendingOffers,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new CfnOutput(this, 'PagesUrl', { value: this.pages.url });
    if (this.cognito) {
      new CfnOutput(this, 'UserPoolId', { value: this.cognito.userPool.userPoolId });
      new CfnOutput(this, 'UserPoolClientId', { value: this.cognito.client.userPoolClientId });
      new CfnOutput(this, 'SignInDomainUrl', { value: this.cognito.signInDomainUrl });
    }
    if (this.sessionAuth)
      new CfnOutput(this, 'SigningKeySecretArn', { value: this.sessionAuth.signingKey.secretArn });
    new CfnOutput(this, 'StateMachineArn', { value: this.round.stateMachine.stateMachineArn });
    new CfnOutput(this, 'TableName', { value: this.table.table.tableName });
    new CfnOutput(this, 'AlertTopicArn', { value: this.notifications.topic.topicArn });
  }

  /** Cognito (the global stack); the AWS China stack has none (`sessionAuth` instead). */
  public get auth(): RoundsAuth {
    if (!this.cognito) throw new Error('the AWS China stack has no Cognito user pool (see sessionAuth)');
    return this.cognito;
  }
}

/**
 * What the pages read from `/runtime-config.json` in AWS (pages/lib/api-client.js): where the API
 * is, and how to sign in through managed login — authorization code with PKCE at `userPoolDomain`
 * for `userPoolClientId`, returning to `signInRedirect`, asking for `scopes`, then calling the API
 * with the access token (`apiToken`; an ID token is refused: it carries no scope).
 */
export function runtimeConfigOf(stack: RoundsStack): Record<string, string> {
  // Without Cognito (AWS China) the pages sign in with codes, as on one machine: only the API's URL.
  if (stack.sessionAuth) return { apiUrl: stack.api.url };
  return {
    region: stack.region,
    apiUrl: stack.api.url,
    userPoolId: stack.auth.userPool.userPoolId,
    userPoolClientId: stack.auth.client.userPoolClientId,
    userPoolDomain: stack.auth.signInDomainUrl,
    signInRedirect: stack.auth.callbackUrl,
    signOutRedirect: stack.auth.signOutUrl,
    scopes: stack.auth.scopes.join(' '),
    apiToken: 'access_token',
  };
}

/** Registers the cdk-nag packs (AwsSolutions and Serverless) on an app: they run on every synth. */
export function addComplianceChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
}

/** What the CDK CLI hands the app: the deploy target (`CDK_DEFAULT_ACCOUNT`/`CDK_DEFAULT_REGION`). */
export interface CdkCliEnvironment {
  readonly CDK_DEFAULT_ACCOUNT?: string | undefined;
  readonly CDK_DEFAULT_REGION?: string | undefined;
}

export interface RoundsAppOptions {
  /** The process environment the CLI ran the app with. @default - none: an environment-agnostic stack */
  readonly cliEnvironment?: CdkCliEnvironment;
  /** App context (`alertEmails`, `scheduleEnabled`, CDK flags). @default - cdk.json's, when run by the CLI */
  readonly context?: Record<string, unknown>;
  /** Cloud assembly folder. @default - the CLI's (cdk.out) or a temporary one */
  readonly outdir?: string;
}

/**
 * The app exactly as `cdk synth`/`cdk deploy` builds it (infra/app.ts): cdk-nag on every synth,
 * the stack in the CLI's account and region, alert addresses and the schedule switch from context.
 * Tests build it the same way, with and without an account/region.
 */
export function createRoundsApp(options: RoundsAppOptions = {}): { app: App; stack: RoundsStack } {
  const app = new App({
    ...(options.context ? { context: options.context } : {}),
    ...(options.outdir ? { outdir: options.outdir } : {}),
  });
  addComplianceChecks(app);
  const emails = String(app.node.tryGetContext('alertEmails') ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const scheduleEnabled = app.node.tryGetContext('scheduleEnabled');
  const offerConcurrency = app.node.tryGetContext('offerConcurrency');
  const senderEmail = app.node.tryGetContext('senderEmail');
  const smsEnabled = String(app.node.tryGetContext('smsEnabled') ?? 'false') === 'true';
  const userPoolDomainPrefix = app.node.tryGetContext('userPoolDomainPrefix');
  // `china`, `pagesDomain`, `pagesCertificateId` and `smtpSecret` are read by the stack itself.
  const cli = options.cliEnvironment ?? {};
  const stack = new RoundsStack(app, ROUNDS_STACK_ID, {
    env: { account: cli.CDK_DEFAULT_ACCOUNT, region: cli.CDK_DEFAULT_REGION },
    ...(emails.length > 0 ? { coordinatorEmails: emails } : {}),
    ...(scheduleEnabled === undefined ? {} : { scheduleEnabled: String(scheduleEnabled) !== 'false' }),
    ...(offerConcurrency === undefined ? {} : { offerConcurrency: Number(offerConcurrency) }),
    ...(senderEmail ? { senderEmail: String(senderEmail) } : {}),
    ...(smsEnabled ? { smsEnabled } : {}),
    ...(userPoolDomainPrefix ? { userPoolDomainPrefix: String(userPoolDomainPrefix) } : {}),
  });
  return { app, stack };
}

export interface SynthesizeOptions {
  /** Bundle the functions with esbuild (slow); false skips bundling. @default true */
  readonly bundle?: boolean;
  /** Run the cdk-nag packs during synthesis. @default false */
  readonly complianceChecks?: boolean;
  /** Extra app context (e.g. `bundleMetafile`, `sourceMaps`, `xrayTracing`). @default - none */
  readonly context?: Record<string, unknown>;
  /** Deploy target, as the CDK CLI passes it. @default - none: an environment-agnostic stack */
  readonly cliEnvironment?: CdkCliEnvironment;
  /** Props of the stack (sender address, SMS…); `env` comes from `cliEnvironment`. @default - none */
  readonly stackProps?: Omit<RoundsStackProps, 'env'>;
}

export interface SynthesizedRounds {
  /** The CloudFormation template (JSON) of RoundsStack. */
  // biome-ignore lint/suspicious/noExplicitAny: raw CloudFormation JSON
  readonly template: any;
  readonly stack: RoundsStack;
  readonly app: App;
  /** Logical ids of what the embedded runtime needs: the table, the state machine, the functions by registry id. */
  readonly logicalIds: {
    readonly table: string;
    readonly stateMachine: string;
    readonly functions: Readonly<Record<string, string>>;
  };
}

/**
 * Builds a fresh App with one RoundsStack and returns its synthesized template: the one source of
 * truth for the embedded runtime's tables and state machine. Resources carry `aws:cdk:path`
 * metadata (e.g. `RoundsStack/LoadRound/Resource`) and functions also `mountain-rounds:function-id`.
 */
export function synthesizeRoundsTemplate(opts: SynthesizeOptions = {}): SynthesizedRounds {
  const context: Record<string, unknown> = { ...opts.context, 'aws:cdk:enable-path-metadata': true };
  if (opts.bundle === false) context['aws:cdk:bundling-stacks'] = [];
  const app = new App({ context });
  if (opts.complianceChecks) addComplianceChecks(app);
  const cli = opts.cliEnvironment ?? {};
  const stack = new RoundsStack(app, ROUNDS_STACK_ID, {
    ...opts.stackProps,
    env: { account: cli.CDK_DEFAULT_ACCOUNT, region: cli.CDK_DEFAULT_REGION },
  });
  const assembly = app.synth();
  const template = assembly.getStackByName(stack.stackName).template;
  const logicalId = (c: IConstruct) => stack.getLogicalId(c.node.defaultChild as CfnElement);
  const functions: Record<string, string> = {};
  for (const [id, fn] of Object.entries(stack.roundFunctions)) functions[id] = logicalId(fn);
  for (const [id, fn] of Object.entries(stack.api.functions)) functions[id] = logicalId(fn);
  functions.DispatchOutbox = logicalId(stack.outbox.function);
  functions.StartScheduledRound = logicalId(stack.schedule.starter);
  if (stack.sessionAuth) functions.AuthorizeSession = logicalId(stack.sessionAuth.function);
  else functions.AddTokenClaims = logicalId(stack.auth.tokenClaims);
  functions.RunMigrations = logicalId(stack.migrations);
  for (const [id, fn] of Object.entries(stack.attachments.functions)) functions[id] = logicalId(fn);
  return {
    template,
    stack,
    app,
    logicalIds: {
      table: logicalId(stack.table.table),
      stateMachine: logicalId(stack.round.stateMachine),
      functions,
    },
  };
}

/**
 * The folder of each function's bundle in a cloud assembly synthesized with bundling on, by
 * registry id: a bundled asset's S3 key is its hash, and the assembly keeps it as `asset.<hash>/`.
 */
export function functionBundleDirs(synthesized: SynthesizedRounds): Map<string, string> {
  return bundleDirsOf(synthesized.template, synthesized.app.outdir);
}

/** The same for any cloud assembly folder, e.g. the `cdk.out` that `cdk synth` writes. */
// biome-ignore lint/suspicious/noExplicitAny: raw CloudFormation JSON
export function bundleDirsOf(template: any, outdir: string): Map<string, string> {
  type Resource = {
    Type: string;
    Metadata?: Record<string, string>;
    Properties?: { Code?: { S3Key?: string } };
  };
  const dirs = new Map<string, string>();
  for (const resource of Object.values(template.Resources as Record<string, Resource>)) {
    const id = resource.Metadata?.[FUNCTION_ID_METADATA];
    const hash = resource.Properties?.Code?.S3Key?.replace(/\.zip$/, '');
    if (resource.Type === 'AWS::Lambda::Function' && id && hash) {
      dirs.set(id, join(outdir, `asset.${hash}`));
    }
  }
  return dirs;
}
