import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';

/**
 * AddTokenClaims: Cognito's pre-token-generation trigger (event version V2_0). The pages call the
 * API with the access token (the authorizer requires the API's scope, which only access tokens
 * carry); Cognito puts custom attributes only in ID tokens, so this copies the user's
 * `custom:role`, `custom:county` and `custom:society` into the access token as `role`, `county`
 * and `society`, the claims functions/commons/http.ts reads. Nothing is logged: the event holds
 * the person's attributes.
 */
export const IDENTITY_CLAIMS = ['role', 'county', 'society'] as const;

export const handler = async (
  event: PreTokenGenerationV2TriggerEvent,
): Promise<PreTokenGenerationV2TriggerEvent> => {
  const attributes = event.request.userAttributes ?? {};
  const claims: Record<string, string> = {};
  for (const name of IDENTITY_CLAIMS) {
    const value = attributes[`custom:${name}`];
    if (value) claims[name] = value;
  }
  event.response = {
    claimsAndScopeOverrideDetails: { accessTokenGeneration: { claimsToAddOrOverride: claims } },
  };
  return event;
};
