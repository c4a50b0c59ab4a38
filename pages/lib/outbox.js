// The outbox on the device: everything a person submits (a need, an edit, an answer, a report, a
// photo, a visit date) is stored in IndexedDB first, with its own Idempotency-Key made once, and sent
// from there: many items may wait, the form stays free, and sending resumes by itself when the
// server answers again (with backoff, while any page is open and at the next opening). The server's
// idempotency makes a re-send after a lost answer arrive once. See docs/architecture.md (offline).
//
// Item: { id, kind, method, path, body, label: {zh,en}, key, state: 'waiting'|'sending'|'sent'|
// 'failed', receipt?, response?, error?: {zh,en}, attempts, createdAt, nextAt?, sentAt? }.
// A photo's bytes are kept beside it (store `blobs`), so list() stays light.
import { apiBase, goToSignIn } from './api-client.js';
import { splitBilingual } from './i18n.js';
import { currentSession, freshToken } from './session-store.js';
import { openDB } from './vendor/idb.js';

export const KINDS = [
  'need',
  'need-edit',
  'need-withdraw',
  'answer',
  'report',
  'schedule',
  'schedule-confirm',
  'attachment',
  'attachment-edit',
  'attachment-delete',
];
/** Waits between tries of a server that does not answer; the last one repeats. */
export const BACKOFF_MS = [2_000, 5_000, 10_000, 20_000, 30_000];
const REQUEST_TIMEOUT_MS = 30_000;
/** Delivered items stay listed (with their receipt) this long. */
const KEEP_SENT_MS = 3 * 24 * 3600 * 1000;
const DB_NAME = 'mountain-rounds';
const CHANNEL = 'outbox';
const LOCK = 'outbox-send';

let dbPromise;
/** The app's IndexedDB: the outbox's items and blobs, and the pages' last answers (lib/last-data.js). */
export function database() {
  dbPromise ??= openDB(DB_NAME, 1, {
    upgrade(db) {
      const items = db.createObjectStore('items', { keyPath: 'id' });
      items.createIndex('createdAt', 'createdAt');
      db.createObjectStore('blobs');
      db.createObjectStore('reads');
    },
  });
  return dbPromise;
}

// ---- changes, in this tab and the others ---------------------------------------------------------

const listeners = new Set();
const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : null;

async function notify(broadcast = true) {
  if (broadcast) channel?.postMessage('changed');
  if (listeners.size === 0) return;
  const items = await list();
  for (const cb of listeners) {
    try {
      cb(items);
    } catch {}
  }
}
channel?.addEventListener('message', () => {
  notify(false);
  // Another tab queued something or saw the server answer: this one may send too.
  schedule(0);
});

/** `cb(items)` on every change, here or in another tab; now too. Returns the unsubscriber. */
export function subscribe(cb) {
  listeners.add(cb);
  list().then(cb, () => {});
  return () => listeners.delete(cb);
}

// ---- the queue -----------------------------------------------------------------------------------

function newId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Every item, oldest first. */
export async function list() {
  const db = await database();
  return db.getAllFromIndex('items', 'createdAt');
}

export async function get(id) {
  return (await database()).get('items', id);
}

/**
 * Queues one submission and starts sending. `blob` (a photo) goes with kind 'attachment': the JSON
 * is sent first, then the bytes to the upload form it answers. Returns the stored item.
 */
export async function enqueue({ kind, method = 'POST', path, body, label, key, blob }) {
  if (!KINDS.includes(kind)) throw new Error(`unknown outbox kind: ${kind}`);
  if (typeof path !== 'string' || !path.startsWith('/')) throw new Error('outbox path must start with /');
  const item = {
    id: newId(),
    kind,
    method,
    path,
    body,
    label: label ?? { zh: '', en: '' },
    key: key ?? newId(),
    state: 'waiting',
    attempts: 0,
    createdAt: new Date().toISOString(),
    user: currentSession()?.user?.id ?? null,
  };
  const db = await database();
  const tx = db.transaction(['items', 'blobs'], 'readwrite');
  await tx.objectStore('items').put(item);
  if (blob) await tx.objectStore('blobs').put(blob, item.id);
  await tx.done;
  await notify();
  schedule(0);
  return item;
}

async function update(id, change) {
  const db = await database();
  const tx = db.transaction('items', 'readwrite');
  const item = await tx.store.get(id);
  if (!item) {
    await tx.done;
    return null;
  }
  const next = { ...item, ...change };
  for (const key of Object.keys(change)) if (change[key] === undefined) delete next[key];
  await tx.store.put(next);
  await tx.done;
  await notify();
  return next;
}

/** Sends a failed (or waiting) item again now, with the same key. */
export async function retry(id) {
  await update(id, { state: 'waiting', error: undefined, nextAt: undefined });
  return flush();
}

/** Forgets an item (and its photo); what was already delivered stays delivered. */
export async function discard(id) {
  const db = await database();
  const tx = db.transaction(['items', 'blobs'], 'readwrite');
  await tx.objectStore('items').delete(id);
  await tx.objectStore('blobs').delete(id);
  await tx.done;
  await notify();
}

/** True while an item is on its way, in this tab or another (a new service worker waits for this). */
export async function isSending() {
  if (sendingHere.size > 0) return true;
  const held = (await navigator.locks?.query?.())?.held ?? [];
  return held.some((lock) => lock.name === LOCK);
}

/** The number of items not yet delivered (waiting, sending or failed). */
export const unsentCount = (items) => items.filter((item) => item.state !== 'sent').length;

/** The receipt the server gave: the need's id, the report's version, the attachment's id. */
export function receiptOf(item) {
  const r = item.response ?? {};
  const receipt =
    item.receipt ??
    (item.kind === 'report' && r.version !== undefined ? `v${r.version}` : undefined) ??
    r.attachment?.id ??
    r.id ??
    r.version;
  return receipt === undefined ? null : String(receipt);
}

// ---- sending -------------------------------------------------------------------------------------

const sendingHere = new Set();
let timer;
let flushing = null;

/** Next try in `ms` (0: now); an earlier one already planned stands. */
function schedule(ms) {
  const at = Date.now() + ms;
  if (timer && timer.at <= at) return;
  clearTimeout(timer?.id);
  const fire = () => {
    timer = null;
    run(false);
  };
  timer = { at, id: setTimeout(fire, ms) };
}

/** Sends everything waiting now, backoff or not. Resolves once this round has ended. */
export function flush() {
  return run(true);
}

function run(now) {
  if (flushing) {
    flushing.then(() => schedule(0));
    return flushing;
  }
  flushing = withLock(() => round(now)).finally(() => {
    flushing = null;
  });
  return flushing;
}

/** One tab sends at a time (Web Locks where there are), so two open pages never race. */
function withLock(work) {
  if (navigator.locks?.request) return navigator.locks.request(LOCK, work);
  return work();
}

/** Network failures in a row: the server's silence backs off for every item alike. */
let unreachable = 0;

async function round(now) {
  if (!currentSession()) return; // signed out: the items wait for the next sign-in on this device
  await prune();
  const items = await list();
  let next = Number.POSITIVE_INFINITY;
  for (const item of items) {
    // 'sending' here means a tab closed mid-send (this one holds the lock): the same key again.
    if (item.state !== 'waiting' && item.state !== 'sending') continue;
    // Someone else's items wait for them to sign in again on this device.
    if (item.user && item.user !== currentSession()?.user?.id) continue;
    const due = item.nextAt ? Date.parse(item.nextAt) : 0;
    if (!now && due > Date.now()) {
      next = Math.min(next, due - Date.now());
      continue;
    }
    const outcome = await sendOne(item);
    if (outcome === 'signed-out') return;
    if (outcome === 'unreachable') {
      // No answer: the rest would fare alike; all wait for the next try.
      unreachable++;
      schedule(BACKOFF_MS[Math.min(unreachable - 1, BACKOFF_MS.length - 1)]);
      return;
    }
    unreachable = 0;
  }
  if (Number.isFinite(next)) schedule(Math.max(0, next));
}

async function prune() {
  const cutoff = Date.now() - KEEP_SENT_MS;
  for (const item of await list())
    if (item.state === 'sent' && Date.parse(item.sentAt ?? item.createdAt) < cutoff) await discard(item.id);
}

async function fetchWithTimeout(url, init) {
  const controller = new AbortController();
  const clock = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  try {
    return await fetch(url, { ...init, signal: controller.signal });
  } finally {
    clearTimeout(clock);
  }
}

async function apiRequest(item) {
  const base = await apiBase();
  // After days offline the token has lapsed: the device's credential renews it first (lib/session-store.js).
  const token = await freshToken(base);
  const json = item.body !== undefined && item.body !== null;
  return fetchWithTimeout(`${base}${item.path}`, {
    method: item.method,
    headers: {
      accept: 'application/json',
      'idempotency-key': item.key,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(json ? { 'content-type': 'application/json' } : {}),
    },
    ...(json ? { body: JSON.stringify(item.body) } : {}),
  });
}

/** The photo's bytes to the upload form: its fields, then `file`; the form's signature is the authority. */
async function upload(item, form) {
  const blob = await (await database()).get('blobs', item.id);
  if (!blob) return null;
  const data = new FormData();
  for (const [name, value] of Object.entries(form.fields ?? {})) data.append(name, value);
  data.append('file', blob, blob.name ?? `${item.id}.jpg`);
  return fetchWithTimeout(form.url, { method: 'POST', body: data });
}

const NO_PHOTO = {
  zh: '照片已不在本机，请重新选择',
  en: 'The photo is no longer on this device; choose it again',
};
const SIGNED_OUT = {
  zh: '登录已过期，重新登录后自动发送',
  en: 'Signed out; it is sent once you sign in again',
};

/** The server's words for a refusal, in both languages, the fields it names included. */
async function refusal(res) {
  const json = await res.json().catch(() => null);
  const error = json?.error;
  const [zh, en] = error?.message
    ? splitBilingual(error.message)
    : [`HTTP ${res.status}`, `HTTP ${res.status}`];
  const fields = Array.isArray(error?.fields) ? error.fields : [];
  const more = (lang) =>
    fields
      .map((f) => f[lang] ?? f.message)
      .filter(Boolean)
      .join('；');
  return {
    zh: [zh, more('zh')].filter(Boolean).join('：'),
    en: [en, more('en')].filter(Boolean).join(': '),
    status: res.status,
    ...(fields.length ? { fields } : {}),
  };
}

/** 400, 403, 404, 409, 413, 422…: retrying the same request cannot heal it. */
const hopeless = (status) => status >= 400 && status < 500 && ![401, 408, 425, 429].includes(status);

async function sendOne(item) {
  sendingHere.add(item.id);
  await update(item.id, { state: 'sending', attempts: item.attempts + 1 });
  const attempts = item.attempts + 1;
  const wait = (extra = {}) => update(item.id, { state: 'waiting', ...extra });
  // The server answered but failed (5xx, 429): this item backs off on its own, the others go on.
  const later = () =>
    update(item.id, {
      state: 'waiting',
      nextAt: new Date(Date.now() + BACKOFF_MS[Math.min(attempts - 1, BACKOFF_MS.length - 1)]).toISOString(),
    });
  try {
    let res;
    try {
      res = await apiRequest(item);
    } catch {
      await wait();
      return 'unreachable';
    }
    if (res.status === 401) {
      await wait({ error: SIGNED_OUT });
      // Even the device's credential was refused (revoked, signed out elsewhere): sign in again; the
      // item waits here on the device and goes once this person is back.
      if (currentSession() && !location.pathname.startsWith('/signin')) goToSignIn('refused');
      return 'signed-out';
    }
    if (!res.ok) {
      if (hopeless(res.status)) {
        await update(item.id, { state: 'failed', error: await refusal(res), nextAt: undefined });
        return 'failed';
      }
      await later();
      return 'server-error';
    }
    const text = await res.text();
    let response = {};
    try {
      response = text ? JSON.parse(text) : {};
    } catch {}
    if (item.kind === 'attachment' && response.upload?.url) {
      let uploaded;
      try {
        uploaded = await upload(item, response.upload);
      } catch {
        await wait();
        return 'unreachable';
      }
      if (!uploaded) {
        await update(item.id, { state: 'failed', error: NO_PHOTO, nextAt: undefined });
        return 'failed';
      }
      if (!uploaded.ok) {
        if (hopeless(uploaded.status)) {
          await update(item.id, { state: 'failed', error: await refusal(uploaded), nextAt: undefined });
          return 'failed';
        }
        await later();
        return 'server-error';
      }
      await (await database()).delete('blobs', item.id);
    }
    const done = {
      state: 'sent',
      response,
      sentAt: new Date().toISOString(),
      error: undefined,
      nextAt: undefined,
    };
    done.receipt = receiptOf({ ...item, ...done }) ?? undefined;
    await update(item.id, done);
    return 'sent';
  } finally {
    sendingHere.delete(item.id);
  }
}

// ---- by itself -----------------------------------------------------------------------------------

if (typeof window !== 'undefined') {
  // Drafts and queued items must survive a full phone: ask once; the browser may say no.
  navigator.storage?.persist?.().catch(() => {});
  window.addEventListener('online', () => flush());
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') schedule(0);
  });
  // At every opening: what an earlier visit left waiting goes now.
  schedule(0);
}
