/*
 * The Cognito client and the admin commands functions/identity/cognito.ts sends, and nothing else of
 * the SDK package: cognito.ts imports this module with `import()` on its first admin call, so that
 * listing users never loads it and the bundle holds it as a chunk of its own, tree-shaken to these
 * names (a dynamic import of the package itself would keep all of its commands).
 */
export {
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminResetUserPasswordCommand,
  AdminSetUserMFAPreferenceCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
