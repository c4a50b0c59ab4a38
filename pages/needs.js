// The county liaisons' form: submit a town's need and follow it. Mobile first, Chinese first.
// Checked in the browser with the very schemas the API uses (lib/schemas.js is bundled from
// schemas/), kept as a draft on the device, and queued in the outbox (lib/outbox.js): each need with
// its own Idempotency-Key, many waiting at once with no signal, sent by themselves when the server
// answers again. The form stays free and keeps the town for the next need. The last lists shown are
// kept on the device (lib/last-data.js), so the page opens offline. See docs/architecture.md.

import { onBeforeSignIn } from './lib/api-client.js';
import { $, el, option, showFieldErrors } from './lib/dom.js';
import { both, say, startLang, t } from './lib/i18n.js';
import { getKept } from './lib/last-data.js';
import { enqueue, subscribe } from './lib/outbox.js';
import { mountOutboxBadge, mountOutboxList } from './lib/outbox-view.js';
import {
  DEFAULT_QUESTION_TEXT,
  NeedInput,
  OFFER_STATUS_LABELS,
  STATUS_LABELS,
  seasonLabel,
  seasonOfInstant,
  THEME_LABELS,
  THEMES,
  URGENCIES,
  URGENCY_LABELS,
  validate,
} from './lib/schemas.js';
import { startSession } from './lib/session.js';

const KEYS = {
  draft: 'needs.draft.v1',
  /** Before the outbox: one pending need in localStorage, moved into the outbox at the next opening. */
  pending: 'needs.pending.v1',
};
const NEED_KINDS = ['need', 'need-edit', 'need-withdraw'];
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
/** The five questions as the form's hints: the season's wording once it is read, the default before. */
let wording = DEFAULT_QUESTION_TEXT;
const TEXT = {
  pageTitle: ['需求填报 · 山区四县科技服务', 'Town needs · Mountain-county rounds'],
  backHome: ['← 首页', '← Home'],
  title: ['乡镇需求填报', 'Town needs'],
  submitTitle: ['填报需求', 'Submit a need'],
  countyLabel: ['县（市、区）', 'County'],
  townLabel: ['乡镇（街道）', 'Town'],
  themeLabel: ['主题（一镇五问）', 'Theme (five questions)'],
  fieldLabel: ['领域', 'Field'],
  titleLabel: ['标题', 'Title'],
  detailLabel: ['详情（可选）', 'Detail (optional)'],
  urgencyLabel: ['紧急程度', 'Urgency'],
  submit: ['提交需求', 'Submit'],
  keptHint: [
    '填写内容和待发送的需求都保存在本机，关闭页面、重启手机也不会丢失；没有信号也可以连续填报。',
    'What you type and the needs waiting to send are kept on this device, through a closed page or a restarted phone; with no signal you can record one need after another.',
  ],
  mineTitle: ['已提交的需求', 'Submitted needs'],
  all: ['全部', 'All'],
  open: ['待解决', 'Open'],
  resolved: ['已解决', 'Resolved'],
  withdrawn: ['已撤回', 'Withdrawn'],
  more: ['加载更多', 'Load more'],
  queued: [
    '已保存在本机：「{title}」（{town}），有网络时自动发送，不会重复。可以接着填下一条。',
    'Kept on this device: “{title}” ({town}); sent by itself when there is a connection, never twice. You can fill in the next one.',
  ],
  delivered: [
    '已送达：「{title}」（{town}）· 回执号 {receipt}',
    'Delivered: “{title}” ({town}) · receipt {receipt}',
  ],
  needLabel: ['需求「{title}」（{town}）', 'Need “{title}” ({town})'],
  withdrawLabel: ['撤回需求「{title}」', 'Withdraw the need “{title}”'],
  withdrawQueued: ['撤回待发送', 'Withdrawal waiting to send'],
  listOffline: ['离线，显示的是本机保存的列表', 'Offline: the list kept on this device'],
  listUnavailable: ['离线，本机还没有保存需求列表', 'Offline: no list kept on this device yet'],
  visitTitle: ['本季走访', 'This season’s visit'],
  visitNone: ['本季还没有安排走访。', 'No visit planned for this season yet.'],
  visitTown: ['走访乡镇', 'Town'],
  visitSocieties: ['学会', 'Societies'],
  visitDate: ['走访日期', 'Visit date'],
  visitDateNone: ['尚未约定', 'not agreed yet'],
  visitDateProposed: ['（待确认）', '(proposed, to be confirmed)'],
  visitDateConfirmed: ['（已确认）', '(confirmed)'],
  visitContact: ['团队联系人', 'Team contact'],
  visitOpen: ['查看走访详情', 'Open the visit'],
  visitAwaiting: ['计划审核中', 'plan under review'],
  empty: ['还没有需求', 'No needs yet'],
  withdraw: ['撤回', 'Withdraw'],
  confirmWithdraw: ['确定撤回这条需求吗？', 'Withdraw this need?'],
  allCounties: ['全部县', 'All counties'],
  choose: ['请选择', 'Choose'],
};

let counties = [];
let identity = null;
/** Outbox items queued from this page view: their confirmation is shown when they arrive. */
const queuedHere = new Map();
// The draft is saved only once the form shows it (an empty form must not overwrite it).
let formReady = false;

// ---- session -------------------------------------------------------------------------------------

async function start() {
  const session = startSession({ roles: ['coordinator', 'liaison'] });
  if (!session) return;
  identity = { role: session.user.role, county: session.user.county };
  $('list-status').textContent = t('loading');
  try {
    // Offline: the towns kept from the last visit (lib/last-data.js), and the draft, are on the phone.
    const reply = await getKept('/counties');
    if (reply.status === 200) counties = reply.body?.items ?? [];
  } catch {}
  $('submit').hidden = false;
  $('mine').hidden = false;
  renderCounties();
  restoreDraft();
  formReady = true;
  await adoptPending();
  mountOutboxList($('outbox'), { filter: (item) => NEED_KINDS.includes(item.kind), limit: 10 });
  mountOutboxBadge({ target: 'outbox' });
  subscribe(onOutbox);
  loadList();
  loadVisit();
  loadWording();
}

/** A need an older version of this page left pending in localStorage goes to the outbox, same key. */
async function adoptPending() {
  let pending = null;
  try {
    pending = JSON.parse(localStorage.getItem(KEYS.pending) ?? 'null');
  } catch {}
  if (pending && typeof pending.key === 'string' && pending.body) {
    await enqueue({
      kind: 'need',
      path: '/needs',
      body: pending.body,
      key: pending.key,
      label: labelOf('needLabel', pending.body),
    });
  }
  localStorage.removeItem(KEYS.pending);
}

// ---- form ------------------------------------------------------------------------------------------

function choice(name, value, text, hint) {
  const id = `${name}-${value}`;
  return el(
    'label',
    { class: 'choice', for: id },
    el('input', { type: 'radio', name, value, id }),
    el('strong', {}, text),
    hint ? el('small', { dataset: { hint: value } }, hint) : null,
  );
}

function renderChoices() {
  const draft = readDraft();
  $('theme').replaceChildren(
    ...THEMES.map((th) => choice('theme', th, say(THEME_LABELS[th]), say(wording[th]))),
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

// ---- sending, through the outbox --------------------------------------------------------------

function townName(countyId, townId) {
  const county = counties.find((c) => c.id === countyId);
  const town = county?.towns.find((x) => x.id === townId);
  return town ? town.name : { zh: townId ?? '', en: townId ?? '' };
}

/** `{zh, en}` of a TEXT key for a need, its title and town filled in both languages. */
function labelOf(key, need) {
  const town = townName(need.countyId, need.townId);
  const fill = (text, lang) =>
    text.replace('{title}', need.title ?? '').replace('{town}', typeof town === 'string' ? town : town[lang]);
  return { zh: fill(TEXT[key][0], 'zh'), en: fill(TEXT[key][1], 'en') };
}

function submit(event) {
  event.preventDefault();
  $('sent').textContent = '';
  const result = validate(NeedInput, formValues());
  if (!result.ok) {
    showErrors([...result.issues, { path: '(form)', ...both('fix') }]);
    return;
  }
  showErrors([]);
  const need = result.data;
  // The validated body is what is sent, and re-sent, under the outbox's key for it.
  enqueue({ kind: 'need', path: '/needs', body: need, label: labelOf('needLabel', need) }).then((item) => {
    queuedHere.set(item.id, need);
    showConfirmation('queued', need);
  });
  // Ready for the next need at once: the town stays, the rest is cleared.
  const keep = { countyId: need.countyId, townId: need.townId };
  localStorage.setItem(KEYS.draft, JSON.stringify(keep));
  $('need-form').reset();
  restoreDraft();
  $('title').focus();
}

let confirmation = null;
function showConfirmation(kind, need, receipt) {
  confirmation = { kind, need, receipt };
  renderConfirmation();
}
function renderConfirmation() {
  if (!confirmation) return;
  const { kind, need, receipt } = confirmation;
  $('sent').textContent = t(kind, {
    title: need.title,
    town: say(townName(need.countyId, need.townId)),
    receipt: receipt ?? '',
  });
}

/** An item of this page arrived: say so by title and town, and show the list with it. */
let listDirty = false;
let firstCall = true;
function onOutbox(items) {
  withdrawing.clear();
  for (const item of items)
    if (item.kind === 'need-withdraw' && item.state !== 'sent' && item.state !== 'failed')
      withdrawing.add(item.path);
  for (const item of items) {
    if (!NEED_KINDS.includes(item.kind) || item.state !== 'sent') continue;
    if (queuedHere.has(item.id)) {
      showConfirmation('delivered', queuedHere.get(item.id), item.receipt);
      queuedHere.delete(item.id);
      listDirty = true;
    } else if (!seenSent.has(item.id)) listDirty = true;
    seenSent.add(item.id);
  }
  if (firstCall) {
    firstCall = false;
    return;
  }
  if (listDirty) {
    listDirty = false;
    loadList();
  }
}
const seenSent = new Set();

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
  const path = `/needs/${encodeURIComponent(need.id)}/withdraw`;
  if (need.status === 'open' && withdrawing.has(path)) {
    li.append(el('span', { class: 'status status-withdrawn' }, t('withdrawQueued')));
  } else if (need.status === 'open') {
    const withdraw = async () => {
      if (!confirm(t('confirmWithdraw'))) return;
      withdrawing.add(path);
      await enqueue({ kind: 'need-withdraw', path, body: {}, label: labelOf('withdrawLabel', need) });
      li.replaceWith(needItem(need));
    };
    li.append(el('button', { type: 'button', class: 'link', onclick: withdraw }, t('withdraw')));
  }
  return li;
}

/** Withdrawals queued in the outbox and not yet delivered, by path. */
const withdrawing = new Set();
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
  let offline = false;
  do {
    const params = new URLSearchParams({ limit: '100' });
    if (identity.role === 'liaison' && identity.county) params.set('countyId', identity.county);
    if ($('status-filter').value) params.set('status', $('status-filter').value);
    if (cursor) params.set('cursor', cursor);
    let reply;
    try {
      reply = await getKept(`/needs?${params}`);
    } catch (error) {
      if (error?.status === 401) return;
      $('list-status').textContent = t('listUnavailable');
      return;
    }
    if (reply.status !== 200) {
      $('list-status').textContent = reply.body?.error?.message ?? `HTTP ${reply.status}`;
      return;
    }
    offline ||= Boolean(reply.offline);
    all.push(...reply.body.items);
    cursor = reply.body.cursor;
  } while (cursor && all.length < LIST_MAX);
  listed = all.sort(
    (a, b) => Date.parse(b.submittedAt) - Date.parse(a.submittedAt) || b.id.localeCompare(a.id),
  );
  shown = 0;
  $('needs').replaceChildren();
  showMore();
  if (offline) $('list-status').textContent = t('listOffline');
}

function showMore() {
  const next = listed.slice(shown, shown + LIST_PAGE);
  $('needs').append(...next.map(needItem));
  shown += next.length;
  $('more').hidden = shown >= listed.length;
  $('list-status').textContent = listed.length ? '' : t('empty');
}

// ---- this season's visit ---------------------------------------------------------------------------

/** The season's wording of the five questions, as the coordinators set it (kept for offline). */
async function loadWording() {
  try {
    const reply = await getKept(`/seasons/${encodeURIComponent(seasonOfInstant(new Date()))}/questions`);
    if (reply.status !== 200 || !reply.body) return;
    wording = Object.fromEntries(THEMES.map((th) => [th, reply.body[th] ?? DEFAULT_QUESTION_TEXT[th]]));
    // Only the hints change: a theme already chosen stays chosen.
    for (const small of document.querySelectorAll('#theme small[data-hint]'))
      small.textContent = say(wording[small.dataset.hint]);
  } catch {
    // Offline and never read: the default wording stays.
  }
}

let visit;
/** The liaison's county's visit this season (its id is `<season>.<county>`), kept for offline. */
async function loadVisit() {
  if (identity?.role !== 'liaison' || !identity.county) return;
  const id = `${seasonOfInstant(new Date())}.${identity.county}`;
  try {
    const reply = await getKept(`/visits/${encodeURIComponent(id)}`);
    visit = reply.status === 200 ? reply.body : null;
  } catch {
    visit = undefined;
  }
  renderVisit();
}

const ACTIVE_OFFERS = new Set(['offered', 'accepted', 'proposed']);

function renderVisit() {
  if (visit === undefined) return;
  const card = $('visit');
  card.hidden = false;
  const season = seasonLabel(seasonOfInstant(new Date()));
  if (!visit) {
    card.replaceChildren(el('h2', {}, `${t('visitTitle')} · ${say(season)}`), el('p', {}, t('visitNone')));
    return;
  }
  const offers = (visit.offers ?? []).filter((o) => ACTIVE_OFFERS.has(o.status));
  const societies = offers.map((o) => {
    const status = OFFER_STATUS_LABELS[o.status] ? say(OFFER_STATUS_LABELS[o.status]) : t('visitAwaiting');
    return `${say(o.society.name)}（${status}）`;
  });
  const schedule = visit.schedule;
  const date = schedule
    ? `${schedule.date}${schedule.time ? ` ${schedule.time}` : ''} ${t(schedule.status === 'confirmed' ? 'visitDateConfirmed' : 'visitDateProposed')}`
    : t('visitDateNone');
  const contacts = offers
    .filter((o) => o.status === 'accepted' && o.society.contact)
    .map((o) => {
      const c = o.society.contact;
      return el(
        'li',
        {},
        [say(o.society.name), c.name].filter(Boolean).join(' · '),
        c.phone ? [' · ', el('a', { href: `tel:${c.phone.replace(/\s/g, '')}` }, c.phone)] : null,
        c.email ? [' · ', el('a', { href: `mailto:${c.email}` }, c.email)] : null,
      );
    });
  const row = (label, ...value) =>
    el('div', { class: 'visit-row' }, el('dt', {}, label), el('dd', {}, ...value));
  card.replaceChildren(
    el('h2', {}, `${t('visitTitle')} · ${say(season)}`),
    el(
      'dl',
      { class: 'visit-facts' },
      row(t('visitTown'), say(visit.town?.name)),
      row(t('visitSocieties'), societies.length ? societies.join('、') : t('none')),
      row(t('visitDate'), date),
      contacts.length ? row(t('visitContact'), el('ul', { class: 'contacts' }, ...contacts)) : null,
    ),
    el('a', { href: `/visit.html?id=${encodeURIComponent(visit.id)}`, class: 'visit-link' }, t('visitOpen')),
  );
}

// ---- wiring ----------------------------------------------------------------------------------------

onBeforeSignIn(() => formReady && saveDraft());
$('need-form').addEventListener('input', saveDraft);
$('need-form').addEventListener('change', (event) => {
  if (event.target.id === 'countyId') renderTowns();
  saveDraft();
});
$('need-form').addEventListener('submit', submit);
$('status-filter').addEventListener('change', () => loadList());
$('more').addEventListener('click', showMore);

startLang(TEXT, () => {
  renderChoices();
  renderCounties();
  renderConfirmation();
  renderVisit();
  loadList();
});
start();
