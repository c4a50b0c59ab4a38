import { Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { IDENTITY_FUNCTIONS } from '../functions/registry.ts';
import { RoundsFunction } from './rounds-function.ts';

/** Identity claims (Cognito custom attributes `custom:role`, `custom:county`, `custom:society`). */
export const IDENTITY_ATTRIBUTES = ['role', 'county', 'society'] as const;

/**
 * The Cognito admin calls the user routes make (functions/identity/cognito.ts), and no
 * other: POST /users → AdminCreateUser (and, for a coordinator, AdminSetUserMFAPreference: SMS
 * codes required); re-invite → AdminCreateUser (RESEND), or AdminResetUserPassword for someone who
 * set a password already, then AdminUserGlobalSignOut (a lost phone); revoke →
 * AdminUserGlobalSignOut then AdminDisableUser.
 */
export const USER_ADMIN_ACTIONS = [
  'cognito-idp:AdminCreateUser',
  'cognito-idp:AdminSetUserMFAPreference',
  'cognito-idp:AdminResetUserPassword',
  'cognito-idp:AdminUserGlobalSignOut',
  'cognito-idp:AdminDisableUser',
] as const;

/** The resource server and scope every API route requires: only access tokens carry it. */
export const API_RESOURCE_SERVER = 'rounds';
export const API_SCOPE_NAME = 'api';
export const API_SCOPE = `${API_RESOURCE_SERVER}/${API_SCOPE_NAME}`;

/** The signature mainland carriers require at the head of every SMS, unless context `smsSignature` names another. */
export const DEFAULT_SMS_SIGNATURE = '【科协科技服务】';

/**
 * The SMS signature from context `smsSignature` (`科协科技服务` or `【科协科技服务】`), as `【…】`:
 * 2 to 12 characters, Chinese characters, letters or digits, the carriers' form of a signature.
 */
export function smsSignatureOf(value: unknown): string {
  if (value === undefined) return DEFAULT_SMS_SIGNATURE;
  const name = String(value)
    .trim()
    .replace(/^【(.*)】$/u, '$1');
  if (!/^[\p{Script=Han}A-Za-z0-9]{2,12}$/u.test(name))
    throw new Error(
      `context smsSignature「${String(value)}」无效：短信签名应为 2 到 12 个汉字、字母或数字，如 ${DEFAULT_SMS_SIGNATURE} / context smsSignature "${String(value)}" is not valid: an SMS signature is 2 to 12 Chinese characters, letters or digits, e.g. ${DEFAULT_SMS_SIGNATURE}`,
    );
  return `【${name}】`;
}

/** The path Cognito's managed login returns to with the authorization code (pages/signin.html). */
export const SIGN_IN_PATH = '/signin';

export interface RoundsAuthProps {
  /** The pages' origin (`https://<CloudFront domain>`): the sign-in callback and sign-out URLs live there. */
  readonly pagesUrl: string;
  /**
   * Prefix of the managed-login domain (`<prefix>.auth.<region>.amazoncognito.com`), unique in the
   * region: lowercase letters, digits and hyphens, without "aws", "amazon" or "cognito".
   * @default `<stack name>-<account id>`, lower-cased
   */
  readonly domainPrefix?: string;
  /**
   * The address Cognito e-mails invitations and codes from, through SES (the notifications' sender):
   * an address on a verified SES domain identity.
   * @default - Cognito's own e-mail (a few dozen messages a day; for trying out only)
   */
  readonly senderEmail?: string;
}

/**
 * Who may use the product, in AWS: a Cognito user pool whose users coordinators create (no self
 * sign-up; Cognito e-mails or texts the invitation), the pages' public app client signing in through
 * managed login with the authorization code grant and PKCE (no client secret, no implicit grant),
 * and a pre-token-generation trigger that puts the role, county and society into the access token.
 */
export class RoundsAuth extends Construct {
  public readonly userPool: cognito.UserPool;
  public readonly client: cognito.UserPoolClient;
  public readonly domain: cognito.UserPoolDomain;
  public readonly resourceServer: cognito.UserPoolResourceServer;
  /** The pre-token-generation trigger (V2_0). */
  public readonly tokenClaims: RoundsFunction;
  /** `https://<prefix>.auth.<region>.amazoncognito.com`: managed login's base URL. */
  public readonly signInDomainUrl: string;
  /** Where managed login returns with the code: `<pages>/signin`. */
  public readonly callbackUrl: string;
  /** Where managed login returns after signing out: `<pages>/`. */
  public readonly signOutUrl: string;
  /** The OAuth scopes the pages ask for (space-separated in the authorize request). */
  public readonly scopes: readonly string[];

  constructor(scope: Construct, id: string, props: RoundsAuthProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.callbackUrl = `${props.pagesUrl}${SIGN_IN_PATH}`;
    this.signOutUrl = `${props.pagesUrl}/`;
    // Mainland carriers deliver an SMS only with the sender's signature 【…】 at its head.
    const signature = smsSignatureOf(this.node.tryGetContext('smsSignature'));

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      // Coordinators create accounts (POST /users); nobody signs themselves up.
      selfSignUpEnabled: false,
      // A liaison may have only a phone: e-mail is not required, and either signs in.
      signInAliases: { username: true, email: true, phone: true },
      autoVerify: { email: true, phone: true },
      standardAttributes: {
        email: { required: false, mutable: true },
        phoneNumber: { required: false, mutable: true },
        fullname: { required: false, mutable: true },
      },
      customAttributes: {
        role: new cognito.StringAttribute({ minLen: 1, maxLen: 16, mutable: true }),
        county: new cognito.StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
        society: new cognito.StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
      },
      userInvitation: {
        emailSubject: '科技服务走访：邀请您登录 / Science-service rounds: your invitation',
        emailBody: `您好！协调人邀请您使用科技服务走访系统。用户名：{username}，临时密码：{####}（7 天内有效）。请在手机上打开 ${props.pagesUrl}${SIGN_IN_PATH} 登录并设置新密码。<br>Hello! The coordinator invited you to the science-service rounds. User name: {username}, temporary password: {####} (valid 7 days). Open ${props.pagesUrl}${SIGN_IN_PATH} to sign in and choose a new password.`,
        smsMessage: `${signature}科技服务走访邀请：用户名 {username} 临时密码 {####}，7 天内登录 ${props.pagesUrl}${SIGN_IN_PATH}`,
      },
      // A changed e-mail address or phone number is confirmed with a code.
      userVerification: {
        emailStyle: cognito.VerificationEmailStyle.CODE,
        emailSubject: '科技服务走访：验证码 / Science-service rounds: your code',
        emailBody:
          '您好！您的验证码 / Hello! Your verification code: {####}<br>请在科技服务走访系统中输入。/ Enter it in the science-service rounds.',
        smsMessage: `${signature}科技服务走访验证码 / verification code: {####}`,
      },
      // Coordinators' sign-in codes (SMS MFA).
      mfaMessage: `${signature}科技服务走访登录验证码 / sign-in code: {####}，请勿告诉他人 / tell no one`,
      // Invitations and codes go through SES as the notifications' sender: Cognito's own e-mail
      // sends only a few dozen a day.
      ...(props.senderEmail
        ? {
            email: cognito.UserPoolEmail.withSES({
              fromEmail: props.senderEmail,
              fromName: '科技服务走访 Science-service rounds',
              sesRegion: stack.region,
            }),
          }
        : {}),
      // Cognito texts invitations to those with only a phone: it needs its SMS role.
      enableSmsRole: true,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(7),
      },
      // MFA per person: coordinators must (ManageUsers sets SMS MFA as their preference when it
      // creates them, functions/identity/cognito.ts; the pages' client has no scope to turn it off),
      // liaisons and teams may add an authenticator app. A pool-wide REQUIRED would lock liaisons out.
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_AND_PHONE_WITHOUT_MFA,
      // Essentials: managed login, and access-token claims from the pre-token-generation trigger.
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    if (props.senderEmail) {
      // The sender's domain is the verified SES identity (docs/deploy.md), as for DispatchOutbox
      // (infra/outbox.ts); the address may be a parameter, so the domain is cut from it at deploy.
      (this.userPool.node.defaultChild as cognito.CfnUserPool).addPropertyOverride(
        'EmailConfiguration.SourceArn',
        stack.formatArn({
          service: 'ses',
          resource: 'identity',
          resourceName: Fn.select(1, Fn.split('@', props.senderEmail)),
        }),
      );
    }
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is required per person, not pool-wide: coordinators get SMS MFA set as their preference when they are created (the pages cannot turn it off); county liaisons sign in on phones in mountain towns with poor signal, often shared office phones, and required MFA would lock them out of submitting needs. Accounts are created by coordinators only (no self sign-up).',
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'Essentials tier: Plus-tier adaptive authentication challenges sign-ins from changing mobile-carrier IPs, which is every liaison sign-in here, and its challenge needs the MFA they cannot reliably receive. Strong password policy and coordinator-created accounts instead.',
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        "The user pool's SMS role (created by aws-cdk-lib): Cognito texts invitations and codes to phone numbers with sns:Publish, and a phone number has no ARN.",
    });

    this.tokenClaims = new RoundsFunction(this, 'AddTokenClaims', {
      entry: IDENTITY_FUNCTIONS.AddTokenClaims.entry,
      description: 'Pre-token generation (V2_0): role, county and society into the access token',
    });
    this.userPool.addTrigger(
      cognito.UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG,
      this.tokenClaims,
      cognito.LambdaVersion.V2_0,
    );

    const apiScope = new cognito.ResourceServerScope({
      scopeName: API_SCOPE_NAME,
      scopeDescription: 'Call the rounds HTTP API',
    });
    this.resourceServer = this.userPool.addResourceServer('Api', {
      identifier: API_RESOURCE_SERVER,
      userPoolResourceServerName: 'Rounds API',
      scopes: [apiScope],
    });

    // Users may read their role/county/society but never write them: only coordinators (admin API) set them.
    const readAttributes = new cognito.ClientAttributes()
      .withStandardAttributes({
        email: true,
        emailVerified: true,
        fullname: true,
        phoneNumber: true,
        phoneNumberVerified: true,
      })
      .withCustomAttributes(...IDENTITY_ATTRIBUTES);
    const writeAttributes = new cognito.ClientAttributes().withStandardAttributes({
      email: true,
      fullname: true,
      phoneNumber: true,
    });
    const oauthScopes = [
      cognito.OAuthScope.OPENID,
      cognito.OAuthScope.PROFILE,
      cognito.OAuthScope.EMAIL,
      cognito.OAuthScope.PHONE,
      cognito.OAuthScope.resourceServer(this.resourceServer, apiScope),
    ];
    this.scopes = ['openid', 'profile', 'email', 'phone', API_SCOPE];
    // A public client (a browser holds no secret): authorization code grant, with PKCE from the pages.
    this.client = this.userPool.addClient('PagesClient', {
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: oauthScopes,
        callbackUrls: [this.callbackUrl],
        logoutUrls: [this.signOutUrl],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      readAttributes,
      writeAttributes,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      // A device stays signed in for 30 days (docs/rules.md, sign-in). Each renewal rotates the refresh
      // token (the old one is taken for 60 s more, for a retry on a bad line), but Cognito counts the
      // 30 days from the sign-in, not from the last use: in AWS the session does not slide.
      refreshTokenValidity: Duration.days(30),
      refreshTokenRotationGracePeriod: Duration.seconds(60),
    });

    const domainPrefix =
      props.domainPrefix ?? `${stack.stackName.toLowerCase().replace(/[^a-z0-9-]/g, '')}-${stack.account}`;
    this.domain = this.userPool.addDomain('SignInDomain', {
      cognitoDomain: { domainPrefix },
      managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    // Managed login (v2) serves an app client only once it has a style: Cognito's own.
    new cognito.CfnManagedLoginBranding(this, 'SignInStyle', {
      userPoolId: this.userPool.userPoolId,
      clientId: this.client.userPoolClientId,
      useCognitoProvidedValues: true,
    });
    this.signInDomainUrl = this.domain.baseUrl();
  }

  /** Lets `fn` administer this pool's users with exactly USER_ADMIN_ACTIONS, and tells it the pool. */
  public grantUserAdministration(fn: RoundsFunction, pagesUrl: string): iam.Grant {
    fn.addEnvironment('USER_POOL_ID', this.userPool.userPoolId);
    fn.addEnvironment('PAGES_URL', pagesUrl);
    return this.userPool.grant(fn, ...USER_ADMIN_ACTIONS);
  }
}
