import { cognitoIdentity } from './cognito.ts';
import type { IdentityPort } from './port.ts';

export type { IdentityPort } from './port.ts';

/** The identity port in use (identity-port.ts): Cognito in AWS, local/identity.ts on one machine. */
let current: IdentityPort = cognitoIdentity;

export function identity(): IdentityPort {
  return current;
}

/** Used by the embedded runtime only. */
export function installIdentityPort(port: IdentityPort): void {
  current = port;
}
