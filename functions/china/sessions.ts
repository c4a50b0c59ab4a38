import { installSessionIdentity } from '#identity/signing-key';

/*
 * Sessions (POST /session…) in AWS China (infra/rounds-stack.ts): the product's own sessions, keyed
 * by the stack's secret, are the identity port, as on one machine (local/http-server.ts).
 */
await installSessionIdentity();

export { handler } from '#functions/api/sessions';
