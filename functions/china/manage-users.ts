import { installSessionIdentity } from '#identity/signing-key';

/*
 * ManageUsers in AWS China (infra/rounds-stack.ts), where there is no Cognito: the product's own
 * sessions, keyed by the stack's secret, become the identity port before the first request. The
 * global bundle (functions/api/manage-users.ts alone) carries no Secrets Manager client.
 */
await installSessionIdentity();

export { handler } from '#functions/api/manage-users';
