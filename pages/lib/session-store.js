// The browser's session as stored: { token, expiresAt, user } in localStorage. Below both the API
// client (which sends the token, and ends the session on a 401) and lib/session.js (which renews it).

const KEY = 'session.v1';

/** The stored session, or null when there is none or it has ended. */
export function currentSession() {
  try {
    const session = JSON.parse(localStorage.getItem(KEY) ?? 'null');
    if (session?.token && session.user && Date.parse(session.expiresAt) > Date.now()) return session;
  } catch {}
  return null;
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
