// The county liaisons' form: submit a town's need and follow it. Mobile first, Chinese first.
// Checked in the browser with the very schemas the API uses (lib/schemas.js is bundled from
// schemas/), kept as a draft on the device, and sent with an Idempotency-Key that a retry after a
// lost connection reuses, so a need is never created twice.

import { onBeforeSignIn, request } from './lib/api-client.js';
import { $, el, option, showFieldErrors } from './lib/dom.js';
import { both, pick, say, startLang, t } from './lib/i18n.js';
import {
  NeedInput,
  STATUS_LABELS,
  THEME_LABELS,
  THEMES,
  URGENCIES,
  URGENCY_LABELS,
  validate,
} from './lib/schemas.js';
import { startSession } from './lib/session.js';

const KEYS = {
  draft: 'needs.draft.v1',
  pending: 'needs.pending.v1',
  counties: 'needs.counties.v1',
};
const REQUEST_TIMEOUT_MS = 20_000;
const RETRY_DELAYS_MS = [1_000, 2_000, 5_000, 10_000, 20_000, 30_000];
const FIELD_SUGGESTIONS = [
  '农业',
  '林业',
  '茶叶',
  '水利',
  '生态',
  '食品',
  '医疗',
  '中医药',
  '科普',
  '青少年',
  '信息化',
  '电商',
  '旅游',
  '乡村治理',
  '建筑',
  '物流',
];
const THEME_HINTS = {
  talent: ['需要哪些方面的人才或专家？', 'What expertise or people are needed?'],
  industry: ['哪个本地产业遇到技术难题？', 'Which local industry has a technical problem?'],
  literacy: ['需要哪些科普，面向谁？', 'What science-popularisation, for whom?'],
  advice: ['哪项本地决策需要专家建议？', 'Which local decision needs expert advice?'],
  grassroots: ['基层科协组织需要什么？', 'What does the grassroots science organisation need?'],
};
const TEXT = {
  pageTitle: ['需求填报 · 山区四县科技服务', 'Town needs · Mountain-county rounds'],
  backHome: ['← 首页', '← Home'],
  title: ['乡镇需求填报', 'Town needs'],
  submitTitle: ['填报需求', 'Submit a need'],
  retryNow: ['立即重试', 'Retry now'],
  countyLabel: ['县（市、区）', 'County'],
  townLabel: ['乡镇（街道）', 'Town'],
  themeLabel: ['主题（一镇五问）', 'Theme (five questions)'],
  fieldLabel: ['领域', 'Field'],
  titleLabel: ['标题', 'Title'],
  detailLabel: ['详情（可选）', 'Detail (optional)'],
  urgencyLabel: ['紧急程度', 'Urgency'],
  submit: ['提交需求', 'Submit'],
  keptHint: [
    '填写内容会自动保存在本机，关闭页面也不会丢失。',
    'What you type is kept on this device, even if the page is closed.',
  ],
  mineTitle: ['已提交的需求', 'Submitted needs'],
  all: ['全部', 'All'],
  open: ['待解决', 'Open'],
  resolved: ['已解决', 'Resolved'],
  withdrawn: ['已撤回', 'Withdrawn'],
  more: ['加载更多', 'Load more'],
  sending: ['正在提交…', 'Sending…'],
  retrying: ['正在重试（同一份提交，不会重复）…', 'Retrying (the same submission, never twice)…'],
  offline: [
    '网络中断，内容已保存在本机，将自动重试（不会重复提交）',
    'No connection. Saved on this device; retrying automatically (never submitted twice)',
  ],
  retryIn: ['秒后重试', 's until retry'],
  sent: ['已提交：', 'Submitted: '],
  empty: ['还没有需求', 'No needs yet'],
  withdraw: ['撤回', 'Withdraw'],
  confirmWithdraw: ['确定撤回这条需求吗？', 'Withdraw this need?'],
  allCounties: ['全部县', 'All counties'],
  choose: ['请选择', 'Choose'],
};

let counties = [];
let identity = null;
let retryTimer = null;
let retryAttempt = 0;
let sending = false;
// The draft is saved only once the form shows it (an empty form must not overwrite it).
let formReady = false;

// ---- session -------------------------------------------------------------------------------------

async function start() {
  const session = startSession({ roles: ['coordinator', 'liaison'] });
  if (!session) return;
  identity = { role: session.user.role, county: session.user.county };
  $('list-status').textContent = t('loading');
  try {
    const reply = await api('GET', '/counties');
    if (reply.status === 401) return;
    counties = reply.body.items ?? [];
    localStorage.setItem(KEYS.counties, JSON.stringify(counties));
  } catch {
    // Offline at start: the towns from the last visit, and the draft, are still on the phone.
    try {
      counties = JSON.parse(localStorage.getItem(KEYS.counties) ?? '[]');
    } catch {}
  }
  $('submit').hidden = false;
  $('mine').hidden = false;
  renderCounties();
  restoreDraft();
  formReady = true;
  showPending();
  const pending = readPending();
  if (pending) send(pending);
  loadList();
}

// ---- form ------------------------------------------------------------------------------------------

function choice(name, value, text, hint) {
  const id = `${name}-${value}`;
  return el(
    'label',
    { class: 'choice', for: id },
    el('input', { type: 'radio', name, value, id }),
    el('strong', {}, text),
    hint ? el('small', {}, hint) : null,
  );
}

function renderChoices() {
  const draft = readDraft();
  $('theme').replaceChildren(
    ...THEMES.map((th) => choice('theme', th, say(THEME_LABELS[th]), pick(THEME_HINTS[th]))),
  );
  $('urgency').replaceChildren(...URGENCIES.map((u) => choice('urgency', u, say(URGENCY_LABELS[u]))));
  setRadio('theme', draft.theme);
  setRadio('urgency', draft.urgency);
  $('fields').replaceChildren(...FIELD_SUGGESTIONS.map((f) => el('option', { value: f })));
}

function setRadio(name, value) {
  for (const input of document.querySelectorAll(`input[name="${name}"]`))
    input.checked = input.value === value;
}

function renderCounties() {
  if (!identity || counties.length === 0) return;
  const select = $('countyId');
  const chosen = select.value || readDraft().countyId || identity.county || '';
  const mine = identity.role === 'liaison' ? counties.filter((c) => c.id === identity.county) : counties;
  select.replaceChildren(
    ...(identity.role === 'coordinator' ? [option('', t('choose'))] : []),
    ...mine.map((c) => option(c.id, say(c.name))),
  );
  select.value = mine.some((c) => c.id === chosen) ? chosen : (mine[0]?.id ?? '');
  select.disabled = identity.role === 'liaison';
  renderTowns();
}

function renderTowns() {
  const county = counties.find((c) => c.id === $('countyId').value);
  const select = $('townId');
  const chosen = select.value || readDraft().townId || '';
  select.replaceChildren(
    option('', t('choose')),
    ...(county?.towns ?? []).map((town) => option(town.id, say(town.name))),
  );
  select.value = county?.towns.some((town) => town.id === chosen) ? chosen : '';
}

function formValues() {
  const radio = (name) => document.querySelector(`input[name="${name}"]:checked`)?.value;
  const values = {
    countyId: $('countyId').value || identity?.county || '',
    townId: $('townId').value,
    theme: radio('theme'),
    field: $('field').value,
    title: $('title').value,
    detail: $('detail').value,
    urgency: radio('urgency'),
  };
  for (const key of Object.keys(values))
    if (values[key] === undefined || values[key] === '') delete values[key];
  return values;
}

function readDraft() {
  try {
    return JSON.parse(localStorage.getItem(KEYS.draft) ?? '{}') ?? {};
  } catch {
    return {};
  }
}

function saveDraft() {
  localStorage.setItem(KEYS.draft, JSON.stringify(formValues()));
}

function restoreDraft() {
  const draft = readDraft();
  for (const key of ['field', 'title', 'detail']) $(key).value = draft[key] ?? '';
  setRadio('theme', draft.theme);
  setRadio('urgency', draft.urgency);
  renderCounties();
}

function showErrors(issues) {
  showFieldErrors($('need-form'), issues);
  const first = issues[0] && $(issues[0].path);
  first?.focus?.();
}

// ---- sending ---------------------------------------------------------------------------------------

function readPending() {
  try {
    const pending = JSON.parse(localStorage.getItem(KEYS.pending) ?? 'null');
    return pending && typeof pending.key === 'string' && pending.body ? pending : null;
  } catch {
    return null;
  }
}

function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function api(method, path, body, headers = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  try {
    let res;
    try {
      res = await request(method, path, { body, headers, signal: controller.signal });
    } catch (error) {
      // A 401: the browser is on its way to /signin, the draft kept.
      if (error?.status === 401) return { status: 401, body: null };
      throw error;
    }
    let parsed = null;
    try {
      parsed = await res.json();
    } catch {}
    return { status: res.status, body: parsed };
  } finally {
    clearTimeout(timer);
  }
}

function showPending() {
  const pending = readPending();
  $('pending').hidden = !pending || retryAttempt === 0;
  $('need-fields').disabled = Boolean(pending);
  if (pending) $('pending-text').textContent = t(sending ? 'retrying' : 'offline');
}

function scheduleRetry(pending) {
  clearTimeout(retryTimer);
  const delay = RETRY_DELAYS_MS[Math.min(retryAttempt, RETRY_DELAYS_MS.length - 1)];
  retryAttempt++;
  retryTimer = setTimeout(() => send(pending), delay);
}

/** Sends the pending submission; the same Idempotency-Key until the server has answered for it. */
async function send(pending) {
  if (sending) return;
  sending = true;
  clearTimeout(retryTimer);
  $('sent').textContent = t('sending');
  showPending();
  let reply;
  try {
    reply = await api('POST', '/needs', pending.body, { 'idempotency-key': pending.key });
  } catch {
    reply = null; // no answer: offline, dropped, timed out
  }
  sending = false;
  $('sent').textContent = '';
  if (!reply || reply.status >= 500 || reply.status === 429) {
    scheduleRetry(pending);
    showPending();
    return;
  }
  localStorage.removeItem(KEYS.pending);
  retryAttempt = 0;
  showPending();
  if (reply.status === 201) {
    localStorage.removeItem(KEYS.draft);
    $('need-form').reset();
    restoreDraft();
    $('sent').textContent = `${t('sent')}${reply.body.title}（${reply.body.id}）`;
    loadList();
    return;
  }
  if (reply.status === 401) return;
  const error = reply.body?.error ?? {};
  showErrors(
    error.fields?.length
      ? error.fields
      : [
          {
            path: '(form)',
            message: error.message ?? `HTTP ${reply.status}`,
            zh: error.message,
            en: error.message,
          },
        ],
  );
}

function submit(event) {
  event.preventDefault();
  if (readPending()) return;
  $('sent').textContent = '';
  const result = validate(NeedInput, formValues());
  if (!result.ok) {
    showErrors([...result.issues, { path: '(form)', ...both('fix') }]);
    return;
  }
  showErrors([]);
  // The validated body is what is sent, and re-sent, under this key.
  const pending = { key: newKey(), body: result.data, at: new Date().toISOString() };
  localStorage.setItem(KEYS.pending, JSON.stringify(pending));
  retryAttempt = 0;
  send(pending);
}

// ---- the list --------------------------------------------------------------------------------------

function place(countyId, townId) {
  const county = counties.find((c) => c.id === countyId);
  const town = county?.towns.find((x) => x.id === townId);
  return `${county ? say(county.name) : countyId} · ${town ? say(town.name) : townId}`;
}

function needItem(need) {
  const li = el(
    'li',
    { dataset: { id: need.id, status: need.status } },
    el(
      'div',
      { class: 'need-head' },
      el('strong', {}, need.title),
      el('span', { class: `status status-${need.status}` }, say(STATUS_LABELS[need.status]) || need.status),
    ),
    el(
      'div',
      { class: 'meta' },
      [
        place(need.countyId, need.townId),
        say(THEME_LABELS[need.theme]),
        need.field,
        say(URGENCY_LABELS[need.urgency]),
        need.submittedAt?.slice(0, 10),
      ]
        .filter(Boolean)
        .join(' · '),
    ),
  );
  if (need.status === 'open') {
    const withdraw = async () => {
      if (!confirm(t('confirmWithdraw'))) return;
      const reply = await api('POST', `/needs/${encodeURIComponent(need.id)}/withdraw`).catch(() => null);
      if (reply?.status === 200) li.replaceWith(needItem(reply.body));
    };
    li.append(el('button', { type: 'button', class: 'link', onclick: withdraw }, t('withdraw')));
  }
  return li;
}

const LIST_PAGE = 30;
const LIST_MAX = 2000;
let listed = [];
let shown = 0;

/**
 * The needs of the liaison's county (a coordinator: every county), newest first. The API pages in
 * index order (status, town), so every page is read, then sorted here; a county has a few hundred.
 */
async function loadList() {
  if (!identity) return;
  $('list-status').textContent = t('loading');
  const all = [];
  let cursor;
  do {
    const params = new URLSearchParams({ limit: '100' });
    if (identity.role === 'liaison' && identity.county) params.set('countyId', identity.county);
    if ($('status-filter').value) params.set('status', $('status-filter').value);
    if (cursor) params.set('cursor', cursor);
    let reply;
    try {
      reply = await api('GET', `/needs?${params}`);
    } catch {
      $('list-status').textContent = t('offline').split(/[，.]/)[0];
      return;
    }
    if (reply.status === 401) return;
    if (reply.status !== 200) {
      $('list-status').textContent = reply.body?.error?.message ?? `HTTP ${reply.status}`;
      return;
    }
    all.push(...reply.body.items);
    cursor = reply.body.cursor;
  } while (cursor && all.length < LIST_MAX);
  listed = all.sort(
    (a, b) => Date.parse(b.submittedAt) - Date.parse(a.submittedAt) || b.id.localeCompare(a.id),
  );
  shown = 0;
  $('needs').replaceChildren();
  showMore();
}

function showMore() {
  const next = listed.slice(shown, shown + LIST_PAGE);
  $('needs').append(...next.map(needItem));
  shown += next.length;
  $('more').hidden = shown >= listed.length;
  $('list-status').textContent = listed.length ? '' : t('empty');
}

// ---- wiring ----------------------------------------------------------------------------------------

onBeforeSignIn(() => formReady && saveDraft());
$('need-form').addEventListener('input', saveDraft);
$('need-form').addEventListener('change', (event) => {
  if (event.target.id === 'countyId') renderTowns();
  saveDraft();
});
$('need-form').addEventListener('submit', submit);
$('retry-now').addEventListener('click', () => {
  const pending = readPending();
  if (pending) send(pending);
});
$('status-filter').addEventListener('change', () => loadList());
$('more').addEventListener('click', showMore);
window.addEventListener('online', () => {
  const pending = readPending();
  if (pending) send(pending);
});

startLang(TEXT, () => {
  renderChoices();
  renderCounties();
  showPending();
  loadList();
});
start();
