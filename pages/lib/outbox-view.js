// How the outbox (lib/outbox.js) looks: a list of items with 待发送 / 正在发送 / 已送达 (回执号) /
// 失败 (the server's message) and 重试 / 放弃, and a badge for the top bar with the count not yet
// delivered. Both follow the page's language (<html lang>) and every change, in any tab.
import { el } from './dom.js';
import { pick, say } from './i18n.js';
import { discard, retry, subscribe, unsentCount } from './outbox.js';

const TEXT = {
  waiting: ['待发送', 'Waiting to send'],
  waitingRetry: ['待发送 · 连上网络后自动发送', 'Waiting · sent by itself once the server answers'],
  sending: ['正在发送…', 'Sending…'],
  sent: ['已送达', 'Delivered'],
  receipt: ['回执号', 'receipt'],
  failed: ['失败', 'Not accepted'],
  retry: ['重试', 'Retry'],
  discard: ['放弃', 'Discard'],
  clear: ['移除', 'Remove'],
  confirmDiscard: ['放弃这一项？它不会再发送。', 'Discard this item? It will not be sent.'],
  badge: ['待发送 {n}', '{n} unsent'],
  badgeTitle: ['本机尚未送达的提交', 'Submissions not yet delivered from this device'],
  heading: ['本机发件箱', 'Outbox on this device'],
};
const tx = (key, vars = {}) => pick(TEXT[key]).replace(/\{(\w+)\}/g, (_, k) => vars[k] ?? '');

// The view's own stylesheet, so a page needs only the import.
function ensureStyles() {
  if (document.querySelector('link[data-outbox-css]')) return;
  document.head.append(el('link', { rel: 'stylesheet', href: '/lib/outbox.css', 'data-outbox-css': true }));
}

function onLangChange(redraw) {
  new MutationObserver(redraw).observe(document.documentElement, {
    attributes: true,
    attributeFilter: ['lang'],
  });
}

/** The words of an item's state: 待发送 / 正在发送 / 已送达 · 回执号 … / 失败：…. */
export function stateText(item) {
  if (item.state === 'sent')
    return item.receipt ? `${tx('sent')} · ${tx('receipt')} ${item.receipt}` : tx('sent');
  if (item.state === 'sending') return tx('sending');
  if (item.state === 'failed') return `${tx('failed')}：${say(item.error) || ''}`;
  return item.attempts > 0 ? tx('waitingRetry') : tx('waiting');
}

function itemRow(item) {
  const buttons = [];
  if (item.state === 'failed' || (item.state === 'waiting' && item.attempts > 0))
    buttons.push(el('button', { type: 'button', class: 'link', onclick: () => retry(item.id) }, tx('retry')));
  if (item.state === 'waiting' || item.state === 'failed')
    buttons.push(
      el(
        'button',
        {
          type: 'button',
          class: 'link danger',
          onclick: () => {
            if (confirm(tx('confirmDiscard'))) discard(item.id);
          },
        },
        tx('discard'),
      ),
    );
  if (item.state === 'sent')
    buttons.push(
      el('button', { type: 'button', class: 'link', onclick: () => discard(item.id) }, tx('clear')),
    );
  return el(
    'li',
    {
      class: `outbox-item outbox-${item.state}`,
      dataset: { id: item.id, state: item.state, kind: item.kind },
    },
    el('span', { class: 'outbox-label' }, say(item.label)),
    el('span', { class: 'outbox-state', role: item.state === 'failed' ? 'alert' : null }, stateText(item)),
    buttons.length ? el('span', { class: 'outbox-actions' }, ...buttons) : null,
  );
}

/**
 * Renders the outbox's items (those `filter` keeps) into `container`, kept current; the newest
 * first, at most `limit`. Returns the unsubscriber.
 */
export function mountOutboxList(container, { filter = () => true, limit = 20, heading = false } = {}) {
  ensureStyles();
  let items = [];
  const render = () => {
    const shown = items.filter(filter).reverse().slice(0, limit);
    container.hidden = shown.length === 0;
    const list = el('ul', { class: 'outbox' }, ...shown.map(itemRow));
    if (heading && shown.length)
      container.replaceChildren(el('h3', { class: 'outbox-heading' }, tx('heading')), list);
    else container.replaceChildren(list);
  };
  onLangChange(render);
  return subscribe((next) => {
    items = next;
    render();
  });
}

/**
 * The badge with the count not yet delivered, in the page's sticky header (else the session bar,
 * once it is drawn); hidden at 0. A click goes to `#target` when the page has one.
 */
export function mountOutboxBadge({ target = 'outbox' } = {}) {
  ensureStyles();
  const badge = el('a', { class: 'outbox-badge', id: 'outbox-badge', href: `#${target}`, hidden: true });
  let count = 0;
  const render = () => {
    badge.hidden = count === 0;
    badge.textContent = tx('badge', { n: count });
    badge.title = tx('badgeTitle');
  };
  const place = () => {
    const header = document.querySelector('header.bar');
    const bar = header ?? document.getElementById('session-bar');
    if (!bar) return false;
    const before = header ? document.getElementById('lang') : null;
    if (before?.parentElement === header) header.insertBefore(badge, before);
    else bar.append(badge);
    return true;
  };
  if (!place()) {
    const watch = new MutationObserver(() => place() && watch.disconnect());
    watch.observe(document.body, { childList: true });
  }
  onLangChange(render);
  return subscribe((items) => {
    count = unsentCount(items);
    render();
  });
}
