// Sign-in in AWS: Cognito managed login with the authorization code grant and PKCE (S256), read
// from runtime-config.json (userPoolDomain, userPoolClientId, signInRedirect, scopes). The pages call
// the API with the access token; its role/county/society claims come from the pre-token trigger.

const PENDING_KEY = 'signin.pkce.v1';

/** The managed-login settings of runtime-config.json, or null (local: invitation codes instead). */
export function managedLogin(config) {
  const { userPoolDomain, userPoolClientId, signInRedirect } = config ?? {};
  if (!userPoolDomain || !userPoolClientId || !signInRedirect) return null;
  return {
    domain: String(userPoolDomain).replace(/\/+$/, ''),
    clientId: userPoolClientId,
    redirectUri: signInRedirect,
    signOutUri: config.signOutRedirect ?? '',
    scopes: config.scopes ?? 'openid',
  };
}

const base64url = (bytes) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const randomText = (size) => base64url(crypto.getRandomValues(new Uint8Array(size)));

/** Opens managed login; `back` is where to land afterwards. */
export async function startManagedLogin(login, { back = '', lang = 'zh' } = {}) {
  const verifier = randomText(48);
  const state = randomText(24);
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ verifier, state, back }));
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: login.clientId,
    redirect_uri: login.redirectUri,
    scope: login.scopes,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    lang: lang === 'en' ? 'en' : 'zh-CN',
  });
  location.assign(`${login.domain}/oauth2/authorize?${query}`);
}

function claimsOf(jwt) {
  try {
    const part = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const text = new TextDecoder().decode(Uint8Array.from(atob(part), (c) => c.charCodeAt(0)));
    return JSON.parse(text);
  } catch {
    return {};
  }
}

async function tokenRequest(login, fields) {
  const res = await fetch(`${login.domain}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: login.clientId, ...fields }),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok || !json.access_token)
    throw Object.assign(new Error(json.error ?? `HTTP ${res.status}`), { status: res.status });
  return json;
}

/** The session of a token answer: the access token for the API, the person from the tokens' claims. */
function sessionOf(tokens, refreshToken, refreshExpiresAt) {
  const access = claimsOf(tokens.access_token);
  const id = claimsOf(tokens.id_token ?? '');
  const claim = (name) => access[name] ?? id[`custom:${name}`];
  const user = {
    id: access.username ?? id['cognito:username'] ?? access.sub,
    name: id.name ?? access.username ?? '',
    role: claim('role'),
    ...(claim('county') ? { county: claim('county') } : {}),
    ...(claim('society') ? { society: claim('society') } : {}),
    status: 'active',
  };
  const expiresAt = new Date(
    access.exp ? access.exp * 1000 : Date.now() + (tokens.expires_in ?? 3600) * 1000,
  ).toISOString();
  return { token: tokens.access_token, expiresAt, user, refreshToken, refreshExpiresAt };
}

/**
 * Managed login came back to /signin with `?code&state`: the code and the PKCE verifier become
 * tokens. Returns { session, back }; throws when the state is not the one this browser sent.
 */
export async function finishManagedLogin(login, params) {
  const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null');
  sessionStorage.removeItem(PENDING_KEY);
  if (!pending || pending.state !== params.get('state'))
    throw Object.assign(new Error('state'), { status: 400 });
  const tokens = await tokenRequest(login, {
    grant_type: 'authorization_code',
    code: params.get('code') ?? '',
    redirect_uri: login.redirectUri,
    code_verifier: pending.verifier,
  });
  // The app client's refresh tokens last 30 days from the sign-in, rotated or not (infra/auth.ts).
  const refreshExpiresAt = new Date(Date.now() + REFRESH_DAYS * 24 * 3600 * 1000).toISOString();
  return { session: sessionOf(tokens, tokens.refresh_token, refreshExpiresAt), back: pending.back };
}

/** A fresh access token from the refresh token (Cognito keeps the refresh token). */
export async function refreshManagedLogin(login, session) {
  const tokens = await tokenRequest(login, {
    grant_type: 'refresh_token',
    refresh_token: session.refreshToken,
  });
  return sessionOf(tokens, tokens.refresh_token ?? session.refreshToken, session.refreshExpiresAt);
}

/** How long Cognito's refresh token lasts from the sign-in (infra/auth.ts refreshTokenValidity). */
export const REFRESH_DAYS = 30;

/** Managed login's sign-out, which returns to the pages. */
export function signOutUrl(login) {
  const query = new URLSearchParams({ client_id: login.clientId, logout_uri: login.signOutUri });
  return `${login.domain}/logout?${query}`;
}
