import { cognitoIdentity } from './cognito.ts';
import type { IdentityPort } from './port.ts';

export type { IdentityPort } from './port.ts';

/**
 * The identity port in use (port.ts): Cognito in AWS, the product's own sessions (sessions.ts) on one
 * machine and in AWS China (installed by the session-bound entries, functions/identity/signing-key.ts).
 */
let current: IdentityPort = cognitoIdentity;

export function identity(): IdentityPort {
  return current;
}

/** Used by the embedded runtime only. */
export function installIdentityPort(port: IdentityPort): void {
  current = port;
}
