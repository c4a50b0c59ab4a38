// The society team's page: offers to accept or decline, confirmed visits with their five questions
// and needs, and the visit-report form. Drafts stay in this browser; a retried submission carries
// the same Idempotency-Key, so it never files a second version.
import { api as callApi } from './lib/api-client.js';
import { $, el, setStatus } from './lib/dom.js';
import { say, startLang, t } from './lib/i18n.js';
import { peopleOf, reportPeople } from './lib/report-people.js';
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
  load: ['载入', 'Load'],
  offers: ['待答复的邀请', 'Offers awaiting your answer'],
  visits: ['已确认的走访', 'Confirmed visits'],
  messages: ['通知（发件箱）', 'Notifications (outbox)'],
  earlier: ['以往邀请', 'Earlier offers'],
  deadline: ['答复截止（北京时间）', 'Answer by (Beijing time)'],
  accept: ['接受', 'Accept'],
  decline: ['婉拒', 'Decline'],
  reason: ['婉拒理由', 'Reason for declining'],
  reasonNeeded: ['请填写婉拒理由', 'Please give a reason'],
  accepted: ['已接受，感谢！', 'Accepted, thank you!'],
  declined: ['已婉拒，需求将改派其他学会。', 'Declined; the needs will move to another society.'],
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
  submitted: ['已提交第 {v} 版', 'Version {v} filed'],
  replayed: ['此前已提交（第 {v} 版），未重复提交', 'Already filed (version {v}); not filed twice'],
  retry: [
    '网络不佳，可再次点击提交（不会重复）',
    'Poor connection: press submit again (it will not file twice)',
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
  queued: ['待发送', 'queued'],
  sent: ['已发送', 'sent'],
  cancelled: ['已取消', 'cancelled'],
  sending: ['发送中', 'sending'],
  failed: ['发送失败', 'not delivered'],
};
let data;
const beijing = (iso) => (iso ? shanghaiDateTime(new Date(iso)) : '');

function api(method, path, body, headers = {}) {
  return callApi(method, path, { body, headers });
}

async function load(event) {
  event?.preventDefault();
  setStatus(t('loading'));
  try {
    data = await api('GET', '/assignments');
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
        `${n.title ?? n.id}`,
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

function offerCard(item) {
  const reason = el('textarea', {
    rows: 2,
    placeholder: t('reason'),
    'aria-label': t('reason'),
    hidden: true,
    name: 'reason',
  });
  const answer = async (decision, button) => {
    if (decision === 'decline') {
      if (reason.hidden) {
        reason.hidden = false;
        reason.focus();
        return;
      }
      if (!reason.value.trim()) {
        setStatus(t('reasonNeeded'), true);
        reason.focus();
        return;
      }
    }
    button.disabled = true;
    try {
      await api(
        'POST',
        `/assignments/${encodeURIComponent(item.id)}/${decision}`,
        decision === 'decline' ? { reason: reason.value.trim() } : {},
      );
      await load();
      setStatus(t(decision === 'accept' ? 'accepted' : 'declined'));
    } catch (error) {
      button.disabled = false;
      setStatus(error.message, true);
    }
  };
  const acceptButton = el(
    'button',
    { type: 'button', class: 'accept', dataset: { action: 'accept' } },
    t('accept'),
  );
  const declineButton = el(
    'button',
    { type: 'button', class: 'decline', dataset: { action: 'decline' } },
    t('decline'),
  );
  acceptButton.addEventListener('click', () => answer('accept', acceptButton));
  declineButton.addEventListener('click', () => answer('decline', declineButton));
  return el(
    'article',
    { class: 'card offered', dataset: { offer: item.id } },
    header(item),
    el('p', { class: 'muted' }, `${t('deadline')}: ${beijing(item.deadline)}`),
    el('h3', {}, t('yourNeeds')),
    needList(item.needs),
    questionsOf(item),
    el('div', { class: 'actions' }, acceptButton, declineButton, reason),
  );
}

// ---- the visit report, with a draft kept in localStorage -------------------------------------
const draftKey = (visitId) => `report-draft:${visitId}`;
function loadDraft(item) {
  const saved = localStorage.getItem(draftKey(item.visitId));
  if (saved) return JSON.parse(saved);
  const base = item.report?.input;
  return {
    key: crypto.randomUUID(),
    visitDate: base?.visitDate ?? shanghaiDate(new Date()),
    answers: { ...Object.fromEntries(THEMES.map((k) => [k, ''])), ...(base?.answers ?? {}) },
    outcomes: Object.fromEntries((base?.outcomes ?? []).map((o) => [o.needId, o.outcome])),
    cooperations: base?.cooperations ?? [],
  };
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
    el('p', { class: 'muted' }, t('draftKept')),
    submit,
    note,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    save();
    submit.disabled = true;
    const body = {
      visitDate: draft.visitDate,
      answers: draft.answers,
      outcomes: visitNeeds.map((n) => ({ needId: n.id, outcome: draft.outcomes[n.id] ?? 'unresolved' })),
      cooperations: draft.cooperations.filter((c) => c.title.trim() && c.partner.trim()),
      ...peopleOf(draft),
    };
    try {
      // The same key for every retry of this draft: the server files it once.
      const result = await api('POST', `/visits/${encodeURIComponent(item.visitId)}/report`, body, {
        'idempotency-key': draft.key,
      });
      localStorage.removeItem(draftKey(item.visitId));
      await load();
      setStatus(t(result.replayed ? 'replayed' : 'submitted', { v: result.version }));
    } catch (error) {
      submit.disabled = false;
      const detail = error.fields?.map((f) => `${f.path}: ${f.message}`).join('；');
      setStatus(error.status ? `${error.message}${detail ? ` (${detail})` : ''}` : t('retry'), true);
    }
  });
  return el('details', { open: !item.report }, el('summary', {}, t('report')), form);
}

function visitCard(item) {
  return el(
    'article',
    { class: 'card accepted', dataset: { visit: item.visitId } },
    header(item),
    el('p', {}, el('a', { href: `/visit.html?id=${encodeURIComponent(item.visitId)}` }, t('visitPage'))),
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
    el('span', { class: 'badge' }, t(m.status)),
    el('div', { class: 'muted' }, beijing(m.notBefore)),
    m.body,
  );
}

function fill(section, container, nodes) {
  $(section).hidden = false;
  $(container).replaceChildren(...(nodes.length ? nodes : [el('p', { class: 'muted' }, t('none'))]));
}

function render() {
  fill('offers-section', 'offers', data.offers.map(offerCard));
  fill('visits-section', 'visits', data.visits.map(visitCard));
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

$('access').addEventListener('submit', load);
startLang(TEXT, () => data && render());
if (startSession({ roles: ['team', 'coordinator'] })) load();
