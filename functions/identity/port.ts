import type { Caller } from '#commons/http';
import type { Invitation, Session } from '#schemas/users';
import type { StoredUser } from '#store/users';

/**
 * Where people's identities live, behind one port. The users themselves (name, role, county or
 * society, status) are records in the table either way (functions/store/users.ts); the port
 * does what only the identity side can: invite, sign out, and (locally) trade an invitation code for
 * a session. In AWS that is Cognito (cognito-identity.ts: AdminCreateUser sends the invitation by
 * e-mail or SMS, revoking is AdminUserGlobalSignOut + AdminDisableUser, pages sign in through the
 * managed login); the embedded runtime installs local/identity.ts (codes in the table, tokens signed
 * by the DATA_DIR key).
 */
export interface IdentityPort {
  /**
   * Before a new user is stored: creates their identity where that needs no record of ours
   * (Cognito: AdminCreateUser, which sends the invitation) and returns the invitation; undefined
   * when the invitation needs the stored user (local codes). A refusal here leaves nothing behind.
   */
  create(user: StoredUser, options: { origin: string; days: number }): Promise<Invitation | undefined>;
  /** A new invitation for a user just created (`first`) or re-invited; the previous one stops working. */
  invite(user: StoredUser, options: { origin: string; first: boolean; days: number }): Promise<Invitation>;
  /** The user's sessions end (the status is already `revoked` in the table). */
  revoke(user: StoredUser): Promise<void>;
  /** An invitation code → a session. */
  signIn(code: string): Promise<Session>;
  /** A fresh session for a signed-in user. */
  renew(caller: Caller): Promise<Session>;
  /** What a code is known by in the table (rate-limit counters; local invitations): never the code. */
  digest(code: string): string;
}
