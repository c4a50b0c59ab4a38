// The service worker (/sw.js, built by `npm run pages:build`): registered by every page, so after one
// visit online the pages open with no network. A new version waits until the person agrees (有新版本 ·
// 刷新) and no outbox item is mid-send; queued items live in IndexedDB, so the update strands none.
import { el } from './dom.js';
import { pick } from './i18n.js';
import { isSending } from './outbox.js';

const TEXT = {
  update: ['有新版本', 'A new version'],
  reload: ['刷新', 'Reload'],
  waitSend: ['正在发送，送完即刷新…', 'Sending; reloading once it is done…'],
};

/** Registers /sw.js (scope /) and offers a waiting new version; nothing where workers are missing. */
export async function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return null;
  let registration;
  try {
    registration = await navigator.serviceWorker.register('/sw.js', { scope: '/' });
  } catch {
    return null; // an old browser or a private window: the pages still work online
  }
  if (registration.waiting && navigator.serviceWorker.controller) offerUpdate(registration.waiting);
  registration.addEventListener('updatefound', () => {
    const worker = registration.installing;
    worker?.addEventListener('statechange', () => {
      if (worker.state === 'installed' && navigator.serviceWorker.controller) offerUpdate(worker);
    });
  });
  // A phone left open for days learns of a new version when it wakes.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') registration.update().catch(() => {});
  });
  return registration;
}

let offered = false;
function offerUpdate(worker) {
  if (offered) return;
  offered = true;
  const button = el('button', { type: 'button', id: 'update-reload' });
  const words = el('span');
  const line = el('div', { class: 'update-line', id: 'update-line', role: 'status' }, words, button);
  const render = (waiting = false) => {
    words.textContent = waiting ? pick(TEXT.waitSend) : pick(TEXT.update);
    button.textContent = pick(TEXT.reload);
  };
  render();
  button.addEventListener('click', async () => {
    button.disabled = true;
    // An item on its way finishes first; the next opening resends anything left with its key.
    while (await isSending()) {
      render(true);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), { once: true });
    worker.postMessage({ type: 'SKIP_WAITING' });
  });
  new MutationObserver(() => render()).observe(document.documentElement, {
    attributes: true,
    attributeFilter: ['lang'],
  });
  const bar = document.getElementById('session-bar');
  if (bar) bar.after(line);
  else document.body.prepend(line);
}

// Loaded by every page (<script type="module" src="/lib/sw-register.js">).
registerServiceWorker();
