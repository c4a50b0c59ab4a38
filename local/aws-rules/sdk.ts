import { localArn } from '../template.ts';
import { AwsServiceError } from './errors.ts';
import type { IamPolicies } from './iam.ts';
import { type Caller, currentCaller } from './identity.ts';
import { snsPublishViolation } from './limits.ts';

/**
 * The IAM authorization and parameter limits of the SNS, SES v2 and Cognito user-pool calls the
 * functions make (the notification adapters, the Cognito identity adapter). Used as a middleware on such a client when one runs locally, and by tests of
 * an adapter with a recording client, to check that the sending function's role allows what it sent.
 */
export interface SdkRequest {
  /** The IAM action, e.g. `ses:SendEmail`. */
  action: string;
  /** Any one of these resources suffices (SES authorizes the e-mail or the domain identity). */
  anyOf: string[];
  violation?: AwsServiceError;
}

export type SdkService = 'sns' | 'ses' | 'cognito-idp';

export function sdkRequestOf(
  service: SdkService,
  operation: string,
  input: Record<string, unknown>,
): SdkRequest {
  if (service === 'sns' && operation === 'Publish') {
    const target = (input.TopicArn ?? input.TargetArn) as string | undefined;
    const violation = target ? snsPublishViolation(input) : undefined;
    // A Publish to a phone number has no resource: sns:Publish on "*".
    return { action: 'sns:Publish', anyOf: [target ?? '*'], ...(violation ? { violation } : {}) };
  }
  if (service === 'ses' && (operation === 'SendEmail' || operation === 'SendBulkEmail')) {
    const explicit = input.FromEmailAddressIdentityArn as string | undefined;
    const from = String(input.FromEmailAddress ?? '').replace(/^.*<([^>]+)>.*$/, '$1');
    const domain = from.split('@')[1];
    const identities = explicit
      ? [explicit]
      : [localArn('ses', `identity/${from}`), ...(domain ? [localArn('ses', `identity/${domain}`)] : [])];
    return { action: `ses:${operation}`, anyOf: identities };
  }
  if (service === 'cognito-idp' && typeof input.UserPoolId === 'string') {
    // Admin calls are authorized on the user pool they name.
    return {
      action: `cognito-idp:${operation}`,
      anyOf: [localArn('cognito-idp', `userpool/${input.UserPoolId}`)],
    };
  }
  return { action: `${service}:${operation}`, anyOf: ['*'] };
}

/** Resolves when the caller's role allows the request on one of its resources; else AWS's AccessDenied. */
export async function authorizeSdkRequest(
  iam: IamPolicies,
  caller: Caller,
  request: SdkRequest,
): Promise<void> {
  let denied: unknown;
  for (const resource of request.anyOf) {
    try {
      await iam.authorize(caller, request.action, [resource]);
      denied = undefined;
      break;
    } catch (error) {
      denied ??= error;
    }
  }
  // SNS names its AccessDenied AuthorizationError (the SDK's AuthorizationErrorException).
  if (denied && request.action.startsWith('sns:'))
    throw new AwsServiceError('AuthorizationErrorException', (denied as Error).message, 403);
  if (denied) throw denied;
  if (request.violation) throw request.violation;
}

/** A middleware for an SNS, SES v2 or Cognito client the functions use: checks each call as AWS would. */
export function attachSdkRules(
  client: { middlewareStack: { add: (...args: never[]) => void; remove: (name: string) => boolean } },
  service: SdkService,
  iam: IamPolicies,
): void {
  const name = 'embeddedRuntimeAwsRules';
  client.middlewareStack.remove(name);
  const middleware =
    (
      next: (args: { input: Record<string, unknown> }) => Promise<unknown>,
      context: { commandName?: string },
    ) =>
    async (args: { input: Record<string, unknown> }) => {
      const request = sdkRequestOf(service, (context.commandName ?? '').replace(/Command$/, ''), args.input);
      const caller = currentCaller();
      if (caller) await authorizeSdkRequest(iam, caller, request);
      else if (request.violation) throw request.violation;
      return next(args);
    };
  (client.middlewareStack.add as (...args: unknown[]) => void)(middleware, {
    step: 'initialize',
    priority: 'high',
    name,
  });
}
