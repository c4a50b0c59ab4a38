import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';
import { sessionRefusal } from '#identity/sessions';
import { signingKey } from '#identity/signing-key';
import { verifyLocalToken } from '#identity/tokens';

/** What a route receives of a session token (`requestContext.authorizer.lambda`, read by callerOf). */
export type SessionContext = Record<string, string | number>;

const REFUSED: APIGatewaySimpleAuthorizerWithContextResult<SessionContext> = {
  isAuthorized: false,
  context: {},
};

/**
 * AuthorizeSession: the HTTP API's authorizer where there is no Cognito (AWS China; simple
 * responses, no result cache). The same checks as the local HTTP adapter (local/http-server.ts):
 * the token's signature, issuer, audience and expiry (functions/identity/tokens.ts), then that its
 * user is still active, the token newer than their last re-invitation and its device session not
 * ended (sessionRefusal). The claims go to the route as the JWT authorizer's would.
 */
export async function handler(
  event: Pick<APIGatewayRequestAuthorizerEventV2, 'headers'>,
): Promise<APIGatewaySimpleAuthorizerWithContextResult<SessionContext>> {
  const header = event.headers?.authorization ?? event.headers?.Authorization ?? '';
  const token = /^Bearer\s+(.+)$/i.exec(header)?.[1];
  if (!token) return REFUSED;
  const verified = await verifyLocalToken(await signingKey(), token);
  if (!verified.ok) return REFUSED;
  if (await sessionRefusal(verified.claims)) return REFUSED;
  const context: SessionContext = {};
  for (const [name, value] of Object.entries(verified.claims))
    if (typeof value === 'string' || typeof value === 'number') context[name] = value;
  return { isAuthorized: true, context };
}
