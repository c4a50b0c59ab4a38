import { createHash } from 'node:crypto';
import type {
  AttributeType,
  CognitoIdentityProviderClient,
  DeliveryMediumType,
} from '@aws-sdk/client-cognito-identity-provider';
import { memoized, requiredEnv } from '#commons/config';
import { fieldIssue, invalidInput, NotFoundError } from '#commons/errors';
import { tracer } from '#commons/tracer';
import type { StoredUser } from '#store/users';
import type { IdentityPort } from './port.ts';

/*
 * The Cognito adapter of the identity port. USER_POOL_ID and PAGES_URL are set on the coordinators'
 * user function only (RoundsAuth.grantUserAdministration in infra/auth.ts), with exactly the admin
 * calls below (USER_ADMIN_ACTIONS) on that pool.
 */
const userPoolId = memoized(() => requiredEnv('USER_POOL_ID'));
const pagesUrl = memoized(() => process.env.PAGES_URL ?? '');
/** The user pool's temporary-password validity (infra/http-api.ts), what the invitation lasts. */
export const COGNITO_INVITATION_DAYS = 7;

let client: CognitoIdentityProviderClient | undefined;
/** Tests pass a client whose `send` records what was sent. */
export function useCognitoClient(replacement: CognitoIdentityProviderClient): void {
  client = replacement;
}
type CognitoSdk = typeof import('./cognito-admin.ts');
/**
 * One admin call. The client and its commands (./cognito-admin.ts) are loaded on the first: listing
 * users needs none, so they are a chunk of their own in the bundle (splitBundleCommand in
 * infra/rounds-function.ts).
 */
async function adminCall(
  call: (client: CognitoIdentityProviderClient, sdk: CognitoSdk) => Promise<unknown>,
): Promise<void> {
  const sdk = await import('./cognito-admin.ts');
  client ??= tracer.captureAWSv3Client(new sdk.CognitoIdentityProviderClient({}));
  await call(client, sdk);
}
function pool(): string {
  return userPoolId();
}

/** The claims the handlers read (`custom:role`, `custom:county`, `custom:society`) and how to reach the person. */
export function cognitoAttributes(user: StoredUser): AttributeType[] {
  const attributes: AttributeType[] = [
    { Name: 'name', Value: user.name },
    { Name: 'custom:role', Value: user.role },
  ];
  if (user.county) attributes.push({ Name: 'custom:county', Value: user.county });
  if (user.society) attributes.push({ Name: 'custom:society', Value: user.society });
  if (user.email)
    attributes.push({ Name: 'email', Value: user.email }, { Name: 'email_verified', Value: 'true' });
  if (user.phone)
    attributes.push(
      { Name: 'phone_number', Value: user.phone },
      { Name: 'phone_number_verified', Value: 'true' },
    );
  return attributes;
}

const MANAGED_LOGIN =
  '在 AWS 中请通过登录页（Cognito）登录，会话由其刷新令牌续期 / in AWS, sign in on the sign-in page (Cognito managed login); it renews the session with its refresh token';

export const cognitoIdentity: IdentityPort = {
  async create(user, options) {
    return cognitoIdentity.invite(user, { ...options, first: true });
  },
  async invite(user, { first, endSessions }) {
    const sentBy: ('email' | 'sms')[] = [
      ...(user.email ? ['email' as const] : []),
      ...(user.phone ? ['sms' as const] : []),
    ];
    if (sentBy.length === 0) {
      const zh = '须填写邮箱或手机号，Cognito 才能发送邀请';
      const en = 'an e-mail or phone number is needed for Cognito to send the invitation';
      throw invalidInput([fieldIssue('email', `「email」${zh}`, `email: ${en}`)]);
    }
    if (first && user.role === 'coordinator' && !user.phone) {
      const zh = '协调人须填写手机号：登录时要用短信验证码（多重验证）';
      const en = 'a coordinator needs a phone number: signing in asks for a code sent by SMS (MFA)';
      throw invalidInput([fieldIssue('phone', `「phone」${zh}`, `phone: ${en}`)]);
    }
    const mediums = sentBy.map((m): DeliveryMediumType => (m === 'email' ? 'EMAIL' : 'SMS'));
    if (first) {
      await adminCall((cognito, sdk) =>
        cognito.send(
          new sdk.AdminCreateUserCommand({
            UserPoolId: pool(),
            Username: user.id,
            UserAttributes: cognitoAttributes(user),
            DesiredDeliveryMediums: mediums,
          }),
        ),
      );
      // Coordinators steer every county: each of their sign-ins asks for a code sent to their phone.
      if (user.role === 'coordinator')
        await adminCall((cognito, sdk) =>
          cognito.send(
            new sdk.AdminSetUserMFAPreferenceCommand({
              UserPoolId: pool(),
              Username: user.id,
              SMSMfaSettings: { Enabled: true, PreferredMfa: true },
            }),
          ),
        );
    } else {
      try {
        // Resends the invitation with a new temporary password; the old one stops working.
        await adminCall((cognito, sdk) =>
          cognito.send(
            new sdk.AdminCreateUserCommand({
              UserPoolId: pool(),
              Username: user.id,
              MessageAction: 'RESEND',
              DesiredDeliveryMediums: mediums,
            }),
          ),
        );
      } catch (error) {
        // Someone who already set a password gets a reset code instead.
        if ((error as Error).name !== 'UnsupportedUserStateException') throw error;
        await adminCall((cognito, sdk) =>
          cognito.send(new sdk.AdminResetUserPasswordCommand({ UserPoolId: pool(), Username: user.id })),
        );
      }
    }
    // A coordinator re-inviting (a lost phone): every refresh token of theirs stops now.
    if (endSessions)
      await adminCall((cognito, sdk) =>
        cognito.send(new sdk.AdminUserGlobalSignOutCommand({ UserPoolId: pool(), Username: user.id })),
      );
    return {
      url: `${pagesUrl()}/signin`,
      expiresAt: new Date(Date.now() + COGNITO_INVITATION_DAYS * 24 * 3600 * 1000).toISOString(),
      sentBy,
    };
  },
  async revoke(user) {
    // Refresh tokens stop at once; access and ID tokens already issued end within their hour.
    try {
      await adminCall((cognito, sdk) =>
        cognito.send(new sdk.AdminUserGlobalSignOutCommand({ UserPoolId: pool(), Username: user.id })),
      );
    } catch (error) {
      // Revoked again (Cognito refuses to sign out a disabled user), or removed from the pool: nothing to stop.
      const name = (error as Error).name;
      if (name === 'UserNotFoundException') return;
      if (name !== 'NotAuthorizedException') throw error;
    }
    await adminCall((cognito, sdk) =>
      cognito.send(new sdk.AdminDisableUserCommand({ UserPoolId: pool(), Username: user.id })),
    );
  },
  async signIn() {
    throw new NotFoundError(MANAGED_LOGIN);
  },
  async renew() {
    throw new NotFoundError(MANAGED_LOGIN);
  },
  async refresh() {
    throw new NotFoundError(MANAGED_LOGIN);
  },
  async signOut() {
    // The pages revoke Cognito's refresh token and end the managed login themselves (pages/lib/cognito.js).
  },
  async deviceCode() {
    throw new NotFoundError(MANAGED_LOGIN);
  },
  async signInLink() {
    // The managed login's "forgot password" sends its own code to the person's e-mail or phone.
    return undefined;
  },
  digest(code) {
    return createHash('sha256').update(code).digest('base64url');
  },
};
