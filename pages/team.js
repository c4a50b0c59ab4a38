// The society team's page: offers to accept or decline, confirmed visits with their date, photos,
// five questions and needs, and the visit-report form. Everything submitted waits in the outbox on
// the device (lib/outbox.js) and is sent by itself; the page opens offline with the last answers
// it showed (lib/last-data.js). Drafts stay in this browser; an unchanged report re-sent keeps its
// Idempotency-Key (the server files it once), a changed one gets a new key.
import { $, el, setStatus } from './lib/dom.js';
import { both, say, sayBilingual, startLang, t } from './lib/i18n.js';
import { getKept } from './lib/last-data.js';
import { enqueue, KINDS, list as outboxItems, retry, subscribe } from './lib/outbox.js';
import { mountOutboxBadge, mountOutboxList } from './lib/outbox-view.js';
import { attachmentIdOf, photoStrip } from './lib/photo-strip.js';
import { peopleOf, reportPeople } from './lib/report-people.js';
import { scheduleCard } from './lib/schedule-card.js';
import {
  seasonLabel,
  shanghaiDate,
  shanghaiDateTime,
  THEME_LABELS,
  THEMES,
  URGENCY_LABELS,
} from './lib/schemas.js';
import { startSession } from './lib/session.js';

const TEXT = {
  title: ['学会团队：邀请与走访报告', 'Society team: offers and visit reports'],
  offers: ['待答复的邀请', 'Offers awaiting your answer'],
  visits: ['已确认的走访', 'Confirmed visits'],
  messages: ['通知（发件箱）', 'Notifications (outbox)'],
  earlier: ['以往邀请', 'Earlier offers'],
  deadline: ['答复截止（北京时间）', 'Answer by (Beijing time)'],
  accept: ['接受', 'Accept'],
  decline: ['婉拒', 'Decline'],
  reason: ['婉拒理由', 'Reason for declining'],
  reasonNeeded: ['请填写婉拒理由', 'Please give a reason'],
  confirmDecline: ['确认婉拒', 'Confirm: decline'],
  cancel: ['取消', 'Cancel'],
  accepted: ['已接受，感谢！', 'Accepted, thank you!'],
  declined: ['已婉拒，需求将改派其他学会。', 'Declined; the needs will move to another society.'],
  answerQueued: ['答复已保存在本机，将自动发送', 'Your answer is kept on this device and sent by itself'],
  acceptLabel: ['接受邀请：{place}', 'Accept the offer: {place}'],
  declineLabel: ['婉拒邀请：{place}', 'Decline the offer: {place}'],
  reportLabel: ['走访报告：{place}', 'Visit report: {place}'],
  photosInReport: ['报告附带的照片（勾选）', 'Photos in the report (tick them)'],
  waitingPhotos: [
    '报告将在所选照片上传后自动发送',
    'The report is sent by itself once its photos are uploaded',
  ],
  unchanged: ['这份报告已在发件箱中，内容未改动', 'This report is already in the outbox, unchanged'],
  visitPage: ['走访详情（各学会报告与日志）→', 'The visit (every society’s report, the log) →'],
  yourNeeds: ['贵会对接的需求', 'Needs for your society'],
  questions: ['一镇五问', 'The five questions'],
  report: ['走访报告', 'Visit report'],
  visitDate: ['走访日期', 'Visit date'],
  outcomes: ['需求办理结果', 'Outcome per need'],
  cooperations: ['达成的合作', 'Cooperations reached'],
  coopTitle: ['合作内容', 'Cooperation'],
  partner: ['合作方', 'Partner'],
  addCoop: ['添加合作', 'Add a cooperation'],
  submit: ['提交报告', 'Submit report'],
  draftKept: ['草稿已保存在本机', 'Draft kept on this device'],
  queued: ['已放入发件箱，联网后自动发送（不会重复）', 'In the outbox: sent by itself, never twice'],
  replayed: [
    '此前已提交（第 {v} 版），内容未改动，未重复提交',
    'Already filed (version {v}) unchanged; not filed twice',
  ],
  lastReport: ['最新报告：第 {v} 版，{t}', 'Latest report: version {v}, {t}'],
  resolved: ['已解决', 'resolved'],
  partial: ['部分解决', 'partial'],
  unresolved: ['未解决', 'unresolved'],
  status_offered: ['待答复', 'offered'],
  status_accepted: ['已接受', 'accepted'],
  status_declined: ['已婉拒', 'declined'],
  status_expired: ['逾期', 'expired'],
  status_reassigned: ['已改派', 'reassigned'],
  reassignedNote: ['（改派）', ' (reassigned to you)'],
  msg_queued: ['待发送', 'queued'],
  msg_sent: ['已发送', 'sent'],
  msg_cancelled: ['已取消', 'cancelled'],
  msg_sending: ['发送中', 'sending'],
  msg_failed: ['发送失败', 'not delivered'],
};
let data;
/** GET /visits/{id} of each confirmed visit: its date and photos. */
let details = {};
let session;
/** Unsubscribers of what the last render mounted (outbox lists, photo strips). */
const live = new Set();
const track = (stop) => live.add(stop);
const beijing = (iso) => (iso ? shanghaiDateTime(new Date(iso)) : '');
const place = (item) => ({
  zh: `${item.county?.zh ?? item.county ?? ''}${item.town?.zh ?? item.town ?? ''}`,
  en: `${item.county?.en ?? item.county ?? ''} ${item.town?.en ?? item.town ?? ''}`.trim(),
});
const labelFor = (key, item) => {
  const where = place(item);
  return { zh: both(key).zh.replace('{place}', where.zh), en: both(key).en.replace('{place}', where.en) };
};

/** The API's refusal in the page's language. */
const refusalOf = (got) => sayBilingual(got.body?.error?.message ?? `HTTP ${got.status}`);

async function load() {
  if (!data) setStatus(t('loading'));
  try {
    const got = await getKept('/assignments');
    if (got.status !== 200) return setStatus(refusalOf(got), true);
    data = got.body;
    const pairs = await Promise.all(
      data.visits.map(async (v) => {
        const visit = await getKept(`/visits/${encodeURIComponent(v.visitId)}`).catch(() => null);
        return [v.visitId, visit?.status === 200 ? visit.body : null];
      }),
    );
    details = Object.fromEntries(pairs);
    setStatus('');
    render();
  } catch (error) {
    setStatus(error.message, true);
  }
}

function needList(needs) {
  if (!needs.length) return el('p', { class: 'muted' }, t('none'));
  return el(
    'ul',
    { class: 'needs' },
    needs.map((n) =>
      el(
        'li',
        { class: n.mine ? 'mine' : '' },
        n.title ?? t('none'),
        ' ',
        el(
          'span',
          { class: `muted urgency-${n.urgency}` },
          `${n.field ?? ''} · ${say(URGENCY_LABELS[n.urgency])}`,
        ),
      ),
    ),
  );
}

function questionsOf(item) {
  return el(
    'details',
    {},
    el('summary', {}, t('questions')),
    item.questions.map((q) =>
      el(
        'div',
        {},
        el('h3', {}, say(THEME_LABELS[q.theme])),
        // The wording the visit was framed with, kept even when the season's wording changes later.
        q.text ? el('p', { class: 'question-text' }, say(q.text)) : null,
        needList(q.needs),
      ),
    ),
  );
}

function header(item) {
  const badge = el('span', { class: `badge status-${item.status}` }, t(`status_${item.status}`));
  return el(
    'h3',
    {},
    `${say(seasonLabel(item.season))} · ${say(item.county)} ${say(item.town)}`,
    item.attempt > 1 ? t('reassignedNote') : '',
    badge,
  );
}

/** An answer to this offer waiting in the outbox (or delivered, before the list is read again). */
const answerItem = (items, offerId) =>
  items.find(
    (i) =>
      i.kind === 'answer' &&
      i.path.startsWith(`/assignments/${encodeURIComponent(offerId)}/`) &&
      i.state !== 'failed',
  );

function offerCard(item, items) {
  const path = (decision) => `/assignments/${encodeURIComponent(item.id)}/${decision}`;
  const reason = el('textarea', {
    rows: 2,
    placeholder: t('reason'),
    'aria-label': t('reason'),
    name: 'reason',
  });
  const reasonError = el('p', { class: 'error', role: 'alert' });
  const answer = async (decision) => {
    const body = decision === 'decline' ? { reason: reason.value.trim() } : {};
    await enqueue({
      kind: 'answer',
      method: 'POST',
      path: path(decision),
      body,
      label: labelFor(decision === 'accept' ? 'acceptLabel' : 'declineLabel', item),
    });
    setStatus(t('answerQueued'));
  };
  const queued = answerItem(items, item.id);
  const acceptButton = el(
    'button',
    { type: 'button', class: 'accept', dataset: { action: 'accept' }, onclick: () => answer('accept') },
    t('accept'),
  );
  // 婉拒 opens the reason and a confirm step; only 确认婉拒 sends it.
  const declineBox = el(
    'div',
    { class: 'decline-box', hidden: true },
    reason,
    reasonError,
    el(
      'div',
      { class: 'actions' },
      el(
        'button',
        {
          type: 'button',
          class: 'decline',
          dataset: { action: 'confirm-decline' },
          onclick: () => {
            if (!reason.value.trim()) {
              reasonError.textContent = t('reasonNeeded');
              setStatus(t('reasonNeeded'), true);
              reason.focus();
              return;
            }
            answer('decline');
          },
        },
        t('confirmDecline'),
      ),
      el(
        'button',
        {
          type: 'button',
          dataset: { action: 'cancel-decline' },
          onclick: () => {
            declineBox.hidden = true;
            buttons.hidden = false;
            reasonError.textContent = '';
          },
        },
        t('cancel'),
      ),
    ),
  );
  const declineButton = el(
    'button',
    {
      type: 'button',
      class: 'decline',
      dataset: { action: 'decline' },
      onclick: () => {
        buttons.hidden = true;
        declineBox.hidden = false;
        reason.focus();
      },
    },
    t('decline'),
  );
  const buttons = el('div', { class: 'actions', hidden: Boolean(queued) }, acceptButton, declineButton);
  const lines = el('div', { class: 'outbox-near' });
  track(
    mountOutboxList(lines, {
      filter: (i) => i.kind === 'answer' && i.path.startsWith(`/assignments/${encodeURIComponent(item.id)}/`),
      limit: 2,
    }),
  );
  return el(
    'article',
    { class: 'card offered', dataset: { offer: item.id } },
    header(item),
    el('p', { class: 'muted' }, `${t('deadline')}: ${beijing(item.deadline)}`),
    el('h3', {}, t('yourNeeds')),
    needList(item.needs),
    questionsOf(item),
    buttons,
    declineBox,
    lines,
  );
}

// ---- the visit report, with a draft kept in localStorage -------------------------------------
const draftKey = (visitId) => `report-draft:${visitId}`;
/** A report waiting for its photos to be uploaded (their ids are the server's): { body, key, photos }. */
const heldKey = (visitId) => `report-held:${visitId}`;
const reportPath = (visitId) => `/visits/${encodeURIComponent(visitId)}/report`;

/** The agreed visit date, the report form's default. */
const agreedDate = (visitId) => {
  const schedule = details[visitId]?.schedule;
  return schedule?.status === 'confirmed' ? schedule.date : undefined;
};

function loadDraft(item) {
  const saved = localStorage.getItem(draftKey(item.visitId));
  if (saved) {
    const draft = JSON.parse(saved);
    if (!draft.dateTouched && agreedDate(item.visitId)) draft.visitDate = agreedDate(item.visitId);
    return draft;
  }
  const base = item.report?.input;
  return {
    visitDate: base?.visitDate ?? agreedDate(item.visitId) ?? shanghaiDate(new Date()),
    dateTouched: Boolean(base?.visitDate),
    answers: { ...Object.fromEntries(THEMES.map((k) => [k, ''])), ...(base?.answers ?? {}) },
    outcomes: Object.fromEntries((base?.outcomes ?? []).map((o) => [o.needId, o.outcome])),
    cooperations: base?.cooperations ?? [],
    photos: base?.attachmentIds ?? [],
  };
}

/**
 * Queues the report, or holds it until the photos it names are uploaded. The key: the same for the
 * same content (a retry the server files once), a new one when the content changed.
 */
async function submitReport(item, draft, body) {
  const content = JSON.stringify({ body, photos: draft.photos });
  const items = await outboxItems();
  if (draft.sent?.content === content) {
    const same = items.find((i) => i.kind === 'report' && i.key === draft.sent.key);
    if (same?.state === 'failed') {
      await retry(same.id);
      return t('queued');
    }
    if (same?.state === 'sent') return t('replayed', { v: same.response?.version ?? '' });
    if (same) return t('unchanged');
  } else draft.sent = { content, key: crypto.randomUUID() };
  localStorage.setItem(draftKey(item.visitId), JSON.stringify(draft));
  const held = { body, key: draft.sent.key, photos: draft.photos, label: labelFor('reportLabel', item) };
  localStorage.setItem(heldKey(item.visitId), JSON.stringify(held));
  await releaseHeld(item.visitId, items);
  return localStorage.getItem(heldKey(item.visitId)) ? t('waitingPhotos') : t('queued');
}

/**
 * A held report goes to the outbox once each photo it names is uploaded (a queued photo's id is
 * the server's receipt); a photo discarded or refused is left out. Run at every outbox change.
 */
async function releaseHeld(visitId, items) {
  const saved = localStorage.getItem(heldKey(visitId));
  if (!saved) return false;
  const held = JSON.parse(saved);
  const ids = [];
  for (const photo of held.photos ?? []) {
    if (!photo.startsWith('outbox:')) {
      ids.push(photo);
      continue;
    }
    const queued = items.find((i) => i.id === photo.slice('outbox:'.length));
    if (!queued || queued.state === 'failed') continue;
    const id = attachmentIdOf(queued);
    if (!id) return false; // still waiting for this photo
    ids.push(id);
  }
  // Another tab may have released it first: the same key, so the server files it once.
  localStorage.removeItem(heldKey(visitId));
  if (items.some((i) => i.kind === 'report' && i.key === held.key)) return true;
  await enqueue({
    kind: 'report',
    method: 'POST',
    path: reportPath(visitId),
    body: { ...held.body, ...(ids.length ? { attachmentIds: ids } : {}) },
    key: held.key,
    label: held.label,
  });
  return true;
}

function reportForm(item) {
  const draft = loadDraft(item);
  const save = () => localStorage.setItem(draftKey(item.visitId), JSON.stringify(draft));
  const note = el(
    'p',
    { class: 'muted', role: 'status' },
    item.report ? t('lastReport', { v: item.report.version, t: beijing(item.report.reportedAt) }) : '',
  );
  // A society reports outcomes only for the needs of its own assignment (visit report authority, docs/rules.md).
  const visitNeeds = item.questions.flatMap((q) => q.needs).filter((need) => need.mine);
  const coops = el('div', {});
  const drawCoops = () =>
    coops.replaceChildren(
      ...draft.cooperations.map((c, i) =>
        el(
          'div',
          { class: 'coop-row' },
          el('input', {
            value: c.title,
            placeholder: t('coopTitle'),
            'aria-label': t('coopTitle'),
            name: `coop-title-${i}`,
            oninput: (e) => {
              c.title = e.target.value;
              save();
            },
          }),
          el('input', {
            value: c.partner,
            placeholder: t('partner'),
            'aria-label': t('partner'),
            name: `coop-partner-${i}`,
            oninput: (e) => {
              c.partner = e.target.value;
              save();
            },
          }),
          el(
            'button',
            {
              type: 'button',
              onclick: () => {
                draft.cooperations.splice(i, 1);
                save();
                drawCoops();
              },
            },
            t('remove'),
          ),
        ),
      ),
    );
  drawCoops();
  const submit = el('button', { type: 'submit', class: 'accept' }, t('submit'));
  // The outbox's state of this report, right under its button.
  const held = el(
    'p',
    { class: 'note held', hidden: !localStorage.getItem(heldKey(item.visitId)) },
    t('waitingPhotos'),
  );
  const lines = el('div', { class: 'outbox-near' });
  track(
    mountOutboxList(lines, {
      filter: (i) => i.kind === 'report' && i.path === reportPath(item.visitId),
      limit: 3,
    }),
  );
  // A ticked photo that was still queued is named by its attachment id once uploaded.
  const stored = (key) => {
    const queued = key.startsWith('outbox:') && items.find((i) => i.id === key.slice('outbox:'.length));
    return (queued && attachmentIdOf(queued)) || key;
  };
  draft.photos = (draft.photos ?? []).map(stored);
  // What was sent reads the same way, so the unchanged report still keeps its key.
  if (draft.sent?.content) {
    const sent = JSON.parse(draft.sent.content);
    draft.sent.content = JSON.stringify({ ...sent, photos: (sent.photos ?? []).map(stored) });
  }
  const selected = new Set(draft.photos);
  const photos = photoStrip({
    visitId: item.visitId,
    attachments: details[item.visitId]?.attachments ?? [],
    user: session?.user,
    town: item.town,
    selected,
    onSelect: (key, on) => {
      if (on) selected.add(key);
      else selected.delete(key);
      draft.photos = [...selected];
      save();
    },
    track,
  });
  const form = el(
    'form',
    { class: 'report', dataset: { visit: item.visitId } },
    el(
      'label',
      {},
      el('span', {}, t('visitDate')),
      el('input', {
        type: 'date',
        name: 'visitDate',
        value: draft.visitDate,
        required: true,
        oninput: (e) => {
          draft.visitDate = e.target.value;
          draft.dateTouched = true;
          save();
        },
      }),
    ),
    THEMES.map((theme) =>
      el(
        'label',
        {},
        el('span', {}, say(THEME_LABELS[theme])),
        el(
          'textarea',
          {
            name: `answer-${theme}`,
            required: true,
            oninput: (e) => {
              draft.answers[theme] = e.target.value;
              save();
            },
          },
          draft.answers[theme] ?? '',
        ),
      ),
    ),
    el(
      'fieldset',
      {},
      el('legend', {}, t('outcomes')),
      visitNeeds.map((need) =>
        el(
          'div',
          { class: 'outcome-row' },
          el('span', {}, need.title ?? ''),
          el(
            'select',
            {
              name: `outcome-${need.id}`,
              'aria-label': need.title ?? need.id,
              onchange: (e) => {
                draft.outcomes[need.id] = e.target.value;
                save();
              },
            },
            ['unresolved', 'partial', 'resolved'].map((o) =>
              el('option', { value: o, selected: (draft.outcomes[need.id] ?? 'unresolved') === o }, t(o)),
            ),
          ),
        ),
      ),
    ),
    el(
      'fieldset',
      {},
      el('legend', {}, t('cooperations')),
      coops,
      el(
        'button',
        {
          type: 'button',
          onclick: () => {
            draft.cooperations.push({ title: '', partner: '' });
            save();
            drawCoops();
          },
        },
        t('addCoop'),
      ),
    ),
    reportPeople(draft, save, item),
    el('fieldset', { class: 'report-photos' }, el('legend', {}, t('photosInReport')), photos),
    el('p', { class: 'muted' }, t('draftKept')),
    submit,
    held,
    note,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    save();
    const body = {
      visitDate: draft.visitDate,
      answers: draft.answers,
      outcomes: visitNeeds.map((n) => ({ needId: n.id, outcome: draft.outcomes[n.id] ?? 'unresolved' })),
      cooperations: draft.cooperations.filter((c) => c.title.trim() && c.partner.trim()),
      ...peopleOf(draft),
    };
    const said = await submitReport(item, draft, body);
    held.hidden = !localStorage.getItem(heldKey(item.visitId));
    setStatus(said);
  });
  // The report's state stays in sight under the button, also once the filed form folds away.
  return [el('details', { open: !item.report }, el('summary', {}, t('report')), form), lines];
}

function visitCard(item, items) {
  return el(
    'article',
    { class: 'card accepted', dataset: { visit: item.visitId } },
    header(item),
    el('p', {}, el('a', { href: `/visit.html?id=${encodeURIComponent(item.visitId)}` }, t('visitPage'))),
    scheduleCard({
      visitId: item.visitId,
      schedule: details[item.visitId]?.schedule ?? null,
      items,
      user: session?.user,
      town: item.town,
      track,
    }),
    el('h3', {}, t('yourNeeds')),
    needList(item.needs),
    questionsOf(item),
    reportForm(item),
  );
}

function messageView(m) {
  return el(
    'div',
    { class: `message ${m.status}` },
    el('strong', {}, m.subject),
    el('span', { class: 'badge' }, t(`msg_${m.status}`)),
    el('div', { class: 'muted' }, beijing(m.notBefore)),
    m.body,
  );
}

function fill(section, container, nodes) {
  $(section).hidden = false;
  $(container).replaceChildren(...(nodes.length ? nodes : [el('p', { class: 'muted' }, t('none'))]));
}

let items = [];
function render() {
  for (const stop of live) stop();
  live.clear();
  fill(
    'offers-section',
    'offers',
    data.offers.map((o) => offerCard(o, items)),
  );
  fill(
    'visits-section',
    'visits',
    data.visits.map((v) => visitCard(v, items)),
  );
  fill('messages-section', 'messages', data.messages.map(messageView));
  fill(
    'earlier-section',
    'earlier',
    data.earlier.map((item) =>
      el(
        'article',
        { class: 'card' },
        header(item),
        item.reason ? el('p', { class: 'muted' }, item.reason) : null,
      ),
    ),
  );
}

/** What this page sends: once one is delivered, the lists are read again. */
const OURS = KINDS.filter((kind) => !kind.startsWith('need'));
let delivered = null;
function watchOutbox() {
  subscribe(async (next) => {
    items = next;
    for (const visit of data?.visits ?? []) await releaseHeld(visit.visitId, next);
    for (const form of document.querySelectorAll('form.report')) {
      const note = form.querySelector('.held');
      if (note) note.hidden = !localStorage.getItem(heldKey(form.dataset.visit));
    }
    const sent = new Set(next.filter((i) => OURS.includes(i.kind) && i.state === 'sent').map((i) => i.id));
    const before = delivered;
    const fresh = before && [...sent].some((id) => !before.has(id));
    delivered = sent;
    if (!fresh) return;
    // The draft stays: an unchanged report sent again keeps its key, and the server files it once.
    const answered = next.find((i) => i.kind === 'answer' && i.state === 'sent' && !before?.has(i.id));
    await load();
    if (answered) setStatus(t(answered.path.endsWith('/accept') ? 'accepted' : 'declined'));
  });
}

startLang(TEXT, () => data && render());
session = startSession({ roles: ['team', 'coordinator'] });
if (session) {
  if (session.user.role === 'coordinator')
    document.querySelector('nav.pages')?.append(el('a', { href: '/dashboard.html' }, t('navDashboard')));
  mountOutboxBadge();
  watchOutbox();
  load();
}
