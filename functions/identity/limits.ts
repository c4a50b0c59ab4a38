/*
 * Sign-in limits kept in memory (docs/rules.md, sign-in): a try is counted and refused here before
 * anything reads or writes the table, so a flood costs the database nothing. Per client address, per
 * code (or contact) and a ceiling for the whole process, each over one clock minute. In AWS each
 * function instance keeps its own, and the HTTP API's per-route throttle (infra/http-api.ts) bounds
 * the sum.
 */

export interface SignInLimits {
  /** Tries a minute from one client address. */
  perAddress: number;
  /** Tries a minute of one code, or of one contact asking for a link. */
  perSubject: number;
  /** Tries a minute in all, past the two limits above. */
  overall: number;
}

export const SIGN_IN_LIMITS: SignInLimits = { perAddress: 10, perSubject: 10, overall: 300 };

/** Counters of the current minute; at most this many keys, then the oldest go. */
const MAX_KEYS = 20_000;
let minute = '';
const counts = new Map<string, number>();

function bump(key: string): number {
  const count = (counts.get(key) ?? 0) + 1;
  if (!counts.has(key) && counts.size >= MAX_KEYS) counts.delete(counts.keys().next().value as string);
  counts.set(key, count);
  return count;
}

/**
 * Counts one try of `route` from `address` for `subject` (a digest, never the code). Returns the
 * seconds to wait when it is over a limit, else 0. The address counts every try; the subject and
 * the overall ceiling only those the address limit let through, so one flooding address does not
 * use up everyone else's sign-ins.
 */
export function overLimit(
  route: string,
  address: string,
  subject: string,
  now: Date,
  limits: SignInLimits = SIGN_IN_LIMITS,
): number {
  const current = now.toISOString().slice(0, 16);
  if (current !== minute) {
    minute = current;
    counts.clear();
  }
  const wait = 60 - now.getUTCSeconds();
  if (bump(`${route}|a|${address || 'unknown'}`) > limits.perAddress) return wait;
  if (bump(`${route}|s|${subject}`) > limits.perSubject) return wait;
  if (bump(`${route}|all`) > limits.overall) return wait;
  return 0;
}

/** Tests start from empty counters. */
export function resetLimits(): void {
  counts.clear();
  minute = '';
}
