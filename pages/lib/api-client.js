// The one API client of every page: where the API is (runtime-config.json in AWS, this origin
// locally), the session's bearer token, the API's bilingual errors, and a 401 that sends the browser
// to /signin after the page has saved its drafts.
import { pageLang, splitBilingual } from './i18n.js';
import { endSession, sessionToken } from './session-store.js';

/** An answer that was not 2xx: `message` in the page's language, both kept, fields as the API names them. */
export class ApiError extends Error {
  constructor(status, error = {}) {
    const [zh, en] = splitBilingual(error.message ?? `HTTP ${status}`);
    super(pageLang() === 'en' ? en : zh);
    this.name = 'ApiError';
    this.status = status;
    this.code = error.code ?? 'error';
    this.zh = zh;
    this.en = en;
    this.fields = error.fields ?? [];
  }
}

/** The API's base URL: runtime-config's `apiUrl` when it has one (AWS), else the page's origin. */
export function chooseApiBase(config, origin) {
  const url = typeof config?.apiUrl === 'string' ? config.apiUrl.trim() : '';
  return (url || origin).replace(/\/+$/, '');
}

let config;
/** runtime-config.json, read once a page load; null when there is none (locally). */
export function runtimeConfig() {
  config ??= fetch('/runtime-config.json', { headers: { accept: 'application/json' } })
    .then((res) => (res.ok ? res.json() : null))
    .catch(() => {
      // Offline: asked again on the next request, so the outbox finds the API once the signal is back.
      config = undefined;
      return null;
    });
  return config;
}

/** A missing or unreadable runtime-config.json means this origin. */
export async function apiBase() {
  return chooseApiBase(await runtimeConfig(), location.origin);
}

const beforeSignIn = new Set();
/** `save` runs before the browser leaves for /signin (a 401 or an ended session): keep drafts there. */
export function onBeforeSignIn(save) {
  beforeSignIn.add(save);
}

/** Saves drafts, ends the session and opens /signin with a way back here. */
export function goToSignIn(reason = 'ended') {
  for (const save of beforeSignIn) {
    try {
      save();
    } catch {}
  }
  endSession();
  const back = `${location.pathname}${location.search}`;
  const query = new URLSearchParams({ reason });
  if (!location.pathname.startsWith('/signin')) query.set('return', back);
  location.assign(`/signin?${query}`);
}

/**
 * One request: a JSON body, the bearer token unless `auth: false`. Any answer but 401 is returned
 * as a Response; a 401 of a signed-in request opens /signin and throws.
 */
export async function request(method, path, { body, headers = {}, signal, auth = true } = {}) {
  const token = auth ? sessionToken() : '';
  const res = await fetch(`${await apiBase()}${path}`, {
    method,
    headers: {
      accept: 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    signal,
  });
  if (res.status === 401 && auth) {
    const error = await errorOf(res);
    goToSignIn('refused');
    throw error;
  }
  return res;
}

async function errorOf(res) {
  const json = await res.json().catch(() => ({}));
  return new ApiError(res.status, json?.error);
}

/** `request`, but a non-2xx answer throws an ApiError. */
export async function requestOk(method, path, options) {
  const res = await request(method, path, options);
  if (!res.ok) throw await errorOf(res);
  return res;
}

/** `request` and its JSON; a non-2xx answer throws an ApiError. */
export async function api(method, path, options) {
  const text = await (await requestOk(method, path, options)).text();
  return text ? JSON.parse(text) : {};
}
