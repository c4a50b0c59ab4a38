import type { Caller } from '#commons/http';
import type { DeviceCode, Invitation, Session } from '#schemas/users';
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
  /**
   * A new invitation for a user just created (`first`) or re-invited; the previous one stops working.
   * `endSessions` (a coordinator re-inviting: a lost phone) also ends every device session of theirs.
   */
  invite(
    user: StoredUser,
    options: { origin: string; first: boolean; days: number; endSessions?: boolean },
  ): Promise<Invitation>;
  /** The user's sessions end (the status is already `revoked` in the table). */
  revoke(user: StoredUser): Promise<void>;
  /** An invitation code → a session. */
  signIn(code: string): Promise<Session>;
  /** A fresh session for a signed-in user. */
  renew(caller: Caller): Promise<Session>;
  /** A device's renewal credential → a fresh session and the next credential (the old one is spent). */
  refresh(deviceToken: string): Promise<Session>;
  /** Ends the device session this credential belongs to (an unknown or ended one: nothing to do). */
  signOut(deviceToken: string): Promise<void>;
  /** A short-lived one-time code with which a signed-in person signs in another device. */
  deviceCode(caller: Caller, origin: string): Promise<DeviceCode>;
  /**
   * A one-time sign-in link the person asked for (sent to their own contact), or undefined where the
   * identity side sends its own (Cognito's managed login: "forgot password").
   */
  signInLink(user: StoredUser, origin: string): Promise<DeviceCode | undefined>;
  /** What a code is known by in the table (rate-limit counters; local invitations): never the code. */
  digest(code: string): string;
}
