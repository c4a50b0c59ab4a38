// One visit as its readers see it (GET /visits/{id}): the town, the visit date the team and the
// county's liaison agree, the photos, the five questions as framed, the needs with the societies
// offered them and their outcomes, the offers, every report version with its five answers and
// cooperations, and the log. Names and words only, never ids or status keys. Opens offline with the
// last answer it showed (lib/last-data.js); a date or a photo waits in the outbox (lib/outbox.js).
import { $, el, muted, setStatus } from './lib/dom.js';
import { say, sayBilingual, startLang, t } from './lib/i18n.js';
import { getKept } from './lib/last-data.js';
import { list as outboxItems, subscribe } from './lib/outbox.js';
import { mountOutboxBadge } from './lib/outbox-view.js';
import { photoStrip } from './lib/photo-strip.js';
import { scheduleCard } from './lib/schedule-card.js';
import {
  LOG_KIND_LABELS,
  NEED_STATUS_LABELS,
  OFFER_STATUS_LABELS,
  OUTCOME_LABELS,
  seasonLabel,
  shanghaiDateTime,
  THEME_LABELS,
  URGENCY_LABELS,
} from './lib/schemas.js';
import { startSession } from './lib/session.js';

const TEXT = {
  title: ['走访详情', 'Visit'],
  questions: ['一镇五问', 'The five questions'],
  needs: ['需求、承接学会与办理结果', 'Needs, their societies and outcomes'],
  offers: ['邀请', 'Offers'],
  reports: ['走访报告（全部版本）', 'Visit reports (every version)'],
  log: ['走访日志', 'Visit log'],
  noVisit: [
    '地址中没有走访编号，请从看板或团队页面打开',
    'No visit in the address: open it from the dashboard or the team page',
  ],
  planned: ['计划于', 'Planned'],
  noneListed: ['（本题无需求）', '(no needs under this question)'],
  unassigned: ['未分派', 'Unassigned'],
  notReported: ['尚未报告', 'Not reported yet'],
  noReport: ['尚未提交走访报告', 'No visit report filed yet'],
  version: ['第 {v} 版', 'Version {v}'],
  latest: ['最新', 'latest'],
  visitDate: ['走访日期', 'Visit date'],
  filed: ['提交于', 'Filed'],
  by: ['提交人', 'Filed by'],
  outcomes: ['需求办理结果', 'Outcome per need'],
  cooperations: ['达成的合作', 'Cooperations reached'],
  attempt: ['第 {n} 次邀请', 'offer {n}'],
  offeredAt: ['邀请于', 'Offered'],
  answeredAt: ['答复于', 'Answered'],
  deadline: ['答复截止', 'Answer by'],
  reason: ['理由', 'Reason'],
  by_society: ['承接学会', 'Societies'],
  outcome: ['办理结果', 'Outcome'],
  submitted: ['提交于', 'Submitted'],
  navNeeds: ['需求填报', 'Town needs'],
  reportPhotos: ['报告附带的照片', 'Photos in this report'],
};
const NAV = {
  coordinator: [['/dashboard.html', 'navDashboard']],
  liaison: [['/needs.html', 'navNeeds']],
  team: [['/team.html', 'navTeam']],
};

let visit;
let session;
const live = new Set();
const track = (stop) => live.add(stop);
const beijing = (iso) => (iso ? shanghaiDateTime(new Date(iso)) : '');

const none = () => el('p', { class: 'muted' }, t('none'));

const needTitle = (id) => visit.needs.find((n) => n.id === id)?.title ?? t('none');

function summary() {
  return [
    el('h2', {}, `${say(visit.county.name)} · ${say(visit.town.name)}`),
    el('p', {}, say(seasonLabel(visit.season)), ' · ', muted(`${t('planned')} ${beijing(visit.plannedAt)}`)),
  ];
}

function questions() {
  return visit.questions.map((q) =>
    el(
      'article',
      { class: 'card question', dataset: { theme: q.theme } },
      el('h3', {}, say(THEME_LABELS[q.theme])),
      el('p', {}, say(q.text)),
      q.needIds.length
        ? el(
            'ul',
            { class: 'needs' },
            q.needIds.map((id) => el('li', {}, needTitle(id))),
          )
        : el('p', { class: 'muted' }, t('noneListed')),
    ),
  );
}

function needs() {
  if (!visit.needs.length) return [none()];
  return visit.needs.map((need) =>
    el(
      'article',
      { class: 'card need' },
      el('h3', {}, need.title),
      el(
        'p',
        { class: 'muted' },
        [
          say(THEME_LABELS[need.theme]),
          need.field,
          say(URGENCY_LABELS[need.urgency]),
          say(NEED_STATUS_LABELS[need.status]),
        ]
          .filter(Boolean)
          .join(' · '),
      ),
      el(
        'p',
        {},
        `${t('by_society')}：`,
        need.societies.length
          ? need.societies.map((s, i) => [
              i ? '，' : '',
              el(
                'span',
                { class: `status-${s.status}` },
                `${say(s.name)}（${say(OFFER_STATUS_LABELS[s.status])}）`,
              ),
            ])
          : el('span', { class: 'status-declined' }, t('unassigned')),
      ),
      el(
        'p',
        {},
        `${t('outcome')}：`,
        need.outcome
          ? [
              el('strong', {}, say(OUTCOME_LABELS[need.outcome.outcome])),
              need.outcome.note ? ` · ${need.outcome.note}` : '',
              muted(` · ${say(need.outcome.society.name)} ${t('version', { v: need.outcome.version })}`),
            ]
          : muted(t('notReported')),
      ),
    ),
  );
}

function offers() {
  if (!visit.offers.length) return [none()];
  return visit.offers.map((o) =>
    el(
      'article',
      { class: `card offer status-${o.status}` },
      el('h3', {}, say(o.society.name), el('span', { class: 'badge' }, say(OFFER_STATUS_LABELS[o.status]))),
      el(
        'p',
        { class: 'muted' },
        [
          t('attempt', { n: o.attempt }),
          o.offeredAt ? `${t('offeredAt')} ${beijing(o.offeredAt)}` : '',
          o.answeredAt ? `${t('answeredAt')} ${beijing(o.answeredAt)}` : '',
          o.status === 'offered' && o.deadline ? `${t('deadline')} ${beijing(o.deadline)}` : '',
        ]
          .filter(Boolean)
          .join(' · '),
      ),
      el(
        'ul',
        { class: 'needs' },
        o.needIds.map((id) => el('li', {}, needTitle(id))),
      ),
      o.reason ? el('p', {}, `${t('reason')}：${o.reason}`) : null,
    ),
  );
}

function reports() {
  if (!visit.reports.length) return [el('p', { class: 'muted' }, t('noReport'))];
  return [...visit.reports].reverse().map((r) =>
    el(
      'article',
      { class: `card report${r.latest ? ' accepted' : ''}`, dataset: { version: String(r.version) } },
      el(
        'h3',
        {},
        `${say(r.society.name)} · ${t('version', { v: r.version })}`,
        r.latest ? el('span', { class: 'badge' }, t('latest')) : null,
      ),
      el(
        'p',
        { class: 'muted' },
        `${t('visitDate')} ${r.visitDate} · ${t('filed')} ${beijing(r.reportedAt)}`,
      ),
      el(
        'dl',
        { class: 'answers' },
        visit.questions.map((q) => [
          el('dt', {}, say(THEME_LABELS[q.theme])),
          el('dd', {}, r.answers[q.theme] ?? ''),
        ]),
      ),
      el('h4', {}, t('outcomes')),
      r.outcomes.length
        ? el(
            'ul',
            { class: 'needs' },
            r.outcomes.map((o) =>
              el(
                'li',
                {},
                `${needTitle(o.needId)}：`,
                el('strong', {}, say(OUTCOME_LABELS[o.outcome])),
                o.note ? ` · ${o.note}` : '',
              ),
            ),
          )
        : none(),
      r.attachmentIds?.length ? reportPhotos(r.attachmentIds) : null,
      el('h4', {}, t('cooperations')),
      r.cooperations.length
        ? el(
            'ul',
            { class: 'needs' },
            r.cooperations.map((c) => el('li', {}, `${c.title} — ${c.partner}`)),
          )
        : none(),
    ),
  );
}

/** The photos a report names, as thumbnails (the signed URLs GET /visits/{id} lists). */
function reportPhotos(ids) {
  const shown = ids.map((id) => (visit.attachments ?? []).find((a) => a.id === id)).filter(Boolean);
  if (!shown.length) return null;
  return [
    el('h4', {}, t('reportPhotos')),
    el(
      'div',
      { class: 'photo-strip' },
      shown.map((a) =>
        el(
          'figure',
          { class: 'photo', dataset: { attachment: a.id } },
          el('img', { src: a.url, alt: a.caption ?? '', loading: 'lazy' }),
          a.caption ? el('figcaption', {}, a.caption) : null,
        ),
      ),
    ),
  ];
}

function logEntries() {
  return visit.log.map((e) =>
    el(
      'li',
      {},
      el('time', {}, beijing(e.at)),
      ' · ',
      el('strong', {}, say(LOG_KIND_LABELS[e.kind])),
      ' · ',
      say(e.who),
      e.society && say(e.society.name) !== say(e.who) ? ` · ${say(e.society.name)}` : '',
      typeof e.detail?.reason === 'string' ? ` · ${e.detail.reason}` : '',
    ),
  );
}

let lastItems = [];
function render(items = lastItems) {
  for (const stop of live) stop();
  live.clear();
  document.title = `${say(visit.county.name)} ${say(visit.town.name)} · ${t('title')}`;
  $('summary').replaceChildren(...summary());
  const canAct = session?.user.role === 'team' || session?.user.role === 'liaison';
  $('schedule').replaceChildren(
    scheduleCard({
      visitId: visit.id,
      schedule: visit.schedule ?? null,
      items,
      user: session?.user,
      town: visit.town.name,
      track,
    }),
  );
  $('photos').replaceChildren(
    photoStrip({
      visitId: visit.id,
      attachments: visit.attachments ?? [],
      user: session?.user,
      town: visit.town.name,
      canAdd: canAct,
      track,
    }),
  );
  $('questions').replaceChildren(...questions());
  $('needs').replaceChildren(...needs());
  $('offers').replaceChildren(...offers());
  $('reports').replaceChildren(...reports());
  $('log').replaceChildren(...logEntries());
  $('visit').hidden = false;
}

const visitId = () => new URLSearchParams(location.search).get('id');

async function load() {
  const id = visitId();
  if (!id) return setStatus(t('noVisit'), true);
  if (!visit) setStatus(t('loading'));
  try {
    const got = await getKept(`/visits/${encodeURIComponent(id)}`);
    if (got.status !== 200)
      return setStatus(sayBilingual(got.body?.error?.message ?? `HTTP ${got.status}`), true);
    visit = got.body;
    setStatus('');
    render(await outboxItems());
  } catch (error) {
    setStatus(error.message, true);
  }
}

/** A date or a photo of this visit delivered: read the visit again. */
let delivered = null;
function watchOutbox() {
  const path = `/visits/${encodeURIComponent(visitId() ?? '')}/`;
  subscribe((items) => {
    lastItems = items;
    const sent = new Set(items.filter((i) => i.state === 'sent' && i.path.startsWith(path)).map((i) => i.id));
    const fresh = delivered && [...sent].some((i) => !delivered.has(i));
    delivered = sent;
    if (fresh) load();
  });
}

function navFor(role) {
  const nav = document.querySelector('nav.pages');
  for (const [href, key] of NAV[role] ?? []) nav?.append(el('a', { href, 'data-t': key }, t(key)));
}

startLang(TEXT, () => visit && render());
session = startSession({ roles: ['coordinator', 'liaison', 'team'] });
if (session) {
  navFor(session.user.role);
  mountOutboxBadge();
  watchOutbox();
  load();
}
