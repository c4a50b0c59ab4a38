// The browser's session as stored: { token, expiresAt, user, deviceToken?, deviceExpiresAt? } in
// localStorage. Below both the API client (which sends the token, and ends the session on a 401) and
// lib/session.js (which renews it). Locally a device stays signed in while its device credential
// lasts (30 days from its last use, docs/rules.md): an expired token is renewed with it before the
// next request, however long the phone was offline.

import { managedLogin, refreshManagedLogin } from './cognito.js';

const KEY = 'session.v1';
/** Renew a token with less than this left before sending it. */
const STALE_MS = 60 * 1000;

function stored() {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? 'null');
  } catch {
    return null;
  }
}

/**
 * True while the device may still renew its token itself: the device credential (locally) or
 * Cognito's refresh token (in AWS) has not lapsed.
 */
function deviceLasts(session) {
  if (session?.deviceToken) return Date.parse(session.deviceExpiresAt) > Date.now();
  return Boolean(session?.refreshToken) && Date.parse(session.refreshExpiresAt) > Date.now();
}

/** The stored session, or null when there is none or it has ended (token and device credential). */
export function currentSession() {
  const session = stored();
  if (!session?.token || !session.user) return null;
  return Date.parse(session.expiresAt) > Date.now() || deviceLasts(session) ? session : null;
}

/** True when a session was stored, even one that has ended (so the reader is told it expired). */
export const hadSession = () => Boolean(localStorage.getItem(KEY));

export function saveSession(session) {
  localStorage.setItem(KEY, JSON.stringify(session));
}

export function endSession() {
  localStorage.removeItem(KEY);
}

export function sessionToken() {
  return currentSession()?.token ?? '';
}

/** The session's token needs renewing: expired, or about to. */
export function tokenStale(session = currentSession(), soonMs = STALE_MS) {
  return Boolean(session) && Date.parse(session.expiresAt) - Date.now() < soonMs;
}

let refreshing = null;
/**
 * Trades the device credential for a fresh token and the next credential (POST /session/refresh
 * at `base`) when less than `soonMs` is left. One tab at a time (Web Locks): a credential is spent once, so a second tab reads what
 * the first stored instead of spending it again. Returns the stored session, or null when the
 * server refused (the device is signed out). A network failure throws.
 */
export function refreshDevice(base, soonMs = STALE_MS) {
  refreshing ??= withLock(async () => {
    const session = currentSession();
    if (!session?.deviceToken && !session?.refreshToken) return session;
    // Another tab renewed while this one waited.
    if (!tokenStale(session, soonMs)) return session;
    if (!session.deviceToken) return refreshCognito(session);
    const res = await fetch(`${base}/session/refresh`, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify({ deviceToken: session.deviceToken }),
    });
    if (res.status === 401) {
      endSession();
      return null;
    }
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const next = await res.json();
    saveSession(next);
    return next;
  }).finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/** In AWS: Cognito's token endpoint (lib/cognito.js); a refused refresh token (400) ends the session. */
async function refreshCognito(session) {
  const config = await fetch('/runtime-config.json', { headers: { accept: 'application/json' } }).then(
    (res) => (res.ok ? res.json() : null),
  );
  const login = managedLogin(config);
  if (!login) return session;
  try {
    const next = await refreshManagedLogin(login, session);
    saveSession(next);
    return next;
  } catch (error) {
    if (error?.status !== 400) throw error;
    endSession();
    return null;
  }
}

function withLock(run) {
  return globalThis.navigator?.locks ? navigator.locks.request('session-refresh', run) : run();
}

/**
 * The token to send: renewed first when it is stale and the device credential can renew it. Offline
 * (or a server error) the old token is sent as it is: the request itself then tells what happened.
 */
export async function freshToken(base) {
  const session = currentSession();
  if ((!session?.deviceToken && !session?.refreshToken) || !tokenStale(session)) return session?.token ?? '';
  try {
    return (await refreshDevice(base))?.token ?? '';
  } catch {
    return session.token;
  }
}
