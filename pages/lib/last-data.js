// The last answers a page showed, kept on the device (IndexedDB, by signed-in user and path) and
// shown when the server cannot be reached, with a line that says so: 离线 · 显示的是 HH:MM 的数据.
// A network failure never sends the person to /signin: the session stays in localStorage.
import { request } from './api-client.js';
import { el } from './dom.js';
import { pick } from './i18n.js';
import { database, flush } from './outbox.js';
import { currentSession } from './session-store.js';

const TEXT = {
  offline: ['离线 · 显示的是 {time} 的数据', 'Offline · showing data from {time}'],
  offlineNone: ['离线 · 本机还没有这里的数据', 'Offline · nothing kept on this device for this yet'],
};
const clock = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Shanghai',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** Beijing time HH:MM, with the day (MM-DD) when it was not today. */
export function beijingTime(iso) {
  const parts = (date) => Object.fromEntries(clock.formatToParts(date).map((p) => [p.type, p.value]));
  const then = parts(new Date(iso));
  const now = parts(new Date());
  const hhmm = `${then.hour}:${then.minute}`;
  return then.day === now.day && then.month === now.month ? hhmm : `${then.month}-${then.day} ${hhmm}`;
}

const keyOf = (path) => `${currentSession()?.user?.id ?? ''}|${path}`;

/**
 * GET `path` as JSON: `{ status, body }` from the server (a 200 kept for later), or, when the server
 * cannot be reached, the kept one `{ status: 200, body, offline: true, at }`. With none kept the
 * network error is thrown. A 401 goes to /signin as every request does (the server said so).
 */
export async function getKept(path) {
  let res;
  try {
    res = await request('GET', path);
  } catch (error) {
    if (error?.status === 401) throw error;
    const kept = await (await database()).get('reads', keyOf(path)).catch(() => undefined);
    if (!kept) throw error;
    markOffline(kept.at);
    return { status: 200, body: kept.body, offline: true, at: kept.at };
  }
  const body = await res.json().catch(() => null);
  if (res.ok) {
    markOnline();
    await (await database())
      .put('reads', { body, at: new Date().toISOString() }, keyOf(path))
      .catch(() => {});
  }
  return { status: res.status, body };
}

let line;
let oldest = null;
let none = false;
function render() {
  if (!line) return;
  line.textContent =
    none && !oldest ? pick(TEXT.offlineNone) : pick(TEXT.offline).replace('{time}', beijingTime(oldest));
}

function mount() {
  if (line) return;
  line = el('p', { class: 'offline-line', id: 'offline-line', role: 'status' });
  const bar = document.getElementById('session-bar');
  if (bar) bar.after(line);
  else document.body.prepend(line);
  new MutationObserver(render).observe(document.documentElement, {
    attributes: true,
    attributeFilter: ['lang'],
  });
  // Links to the stylesheet the line shares with the outbox view.
  if (!document.querySelector('link[data-outbox-css]'))
    document.head.append(el('link', { rel: 'stylesheet', href: '/lib/outbox.css', 'data-outbox-css': true }));
}

/** Shows the offline line for data kept at `at` (the oldest shown wins), or with nothing kept. */
export function markOffline(at) {
  mount();
  if (at && (!oldest || at < oldest)) oldest = at;
  if (!at) none = true;
  line.hidden = false;
  render();
}

/** The server answered: the line goes, and whatever waits in the outbox is sent now. */
export function markOnline() {
  const wasOffline = line && !line.hidden;
  if (line) line.hidden = true;
  oldest = null;
  none = false;
  if (wasOffline) flush();
}
