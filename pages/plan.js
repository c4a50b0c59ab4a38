// The coordinator's plan review (the coordinator's word, docs/rules.md): each county's town and why, the societies per need, the
// overrides (pin, exclude, lock a town) re-planned at once with what each costs, the approval that
// sends the offers, and the needs left without a society placed by hand. Names and words only.
import { api } from './lib/api-client.js';
import { $, el, muted, option, setStatus } from './lib/dom.js';
import { lang, say, sayBilingual, startLang, t } from './lib/i18n.js';
import {
  OFFER_STATUS_LABELS,
  overrideCostWords,
  ROLE_LABELS,
  ROUND_STATUS_LABELS,
  SCHEDULE_NONE_LABEL,
  SCHEDULE_STATUS_LABELS,
  seasonLabel,
  seasonOfInstant,
  shanghaiDateTime,
} from './lib/schemas.js';
import { startSession } from './lib/session.js';

const TEXT = {
  title: ['本季计划审核', 'Season plan review'],
  visitsNav: ['各县走访', 'Visits'],
  adjustNav: ['调整与代价', 'Overrides'],
  unassignedNav: ['未分派需求', 'Unassigned needs'],
  visits: ['各县走访：乡镇与承接学会', 'Each county’s visit: its town and societies'],
  adjust: ['调整与代价', 'Overrides and what they cost'],
  adjustHelp: [
    '在各县卡片上指定或排除学会、锁定乡镇；调整先列在这里，点“应用调整”后重新规划。',
    'Pin or exclude societies and lock towns on the county cards; they are listed here and re-planned when you press “Apply overrides”.',
  ],
  apply: ['应用调整', 'Apply overrides'],
  costs: ['各项调整的代价', 'What each override costs'],
  approveTitle: ['批准计划', 'Approve the plan'],
  approve: ['批准并发出邀请', 'Approve and send the offers'],
  unassignedTitle: ['未分派的需求', 'Needs without a society'],
  badSeason: ['季度应形如 2026-Q4', 'The season must look like 2026-Q4'],
  noPlan: [
    '{season}还没有计划：请先在看板上启动本季轮次',
    '{season} has no plan yet: start the round on the dashboard',
  ],
  awaiting: [
    '计划待协调人批准，截止 {deadline}（到时自动批准）',
    'Plan awaiting approval, until {deadline} (approved automatically then)',
  ],
  approvedBy: ['已批准（{who}，{at}），邀请已发出', 'Approved ({who}, {at}); the offers are out'],
  approvedAuto: ['已批准（自动批准，{at}），邀请已发出', 'Approved automatically ({at}); the offers are out'],
  approvedTimeout: [
    '已批准（审核期满自动批准，{at}），邀请已发出',
    'Approved when the review time ran out ({at}); the offers are out',
  ],
  town: ['走访乡镇', 'Town visited'],
  whyTown: ['为什么选这个乡镇', 'Why this town'],
  locked: ['协调人锁定了这个乡镇', 'A coordinator locked this town'],
  ruleTwo: [
    '按规则：近期未走访的乡镇中，待解决需求的紧急度合计最高',
    'By the rule: of the towns not visited recently, the highest summed urgency of open needs',
  ],
  standing: [
    '{town}：待解决需求 {count} 项，紧急度合计 {weight}，{last}{recent}',
    '{town}: {count} open needs, urgency {weight}, {last}{recent}',
  ],
  lastVisit: ['上次走访 {season}', 'last visited {season}'],
  neverVisited: ['从未走访', 'never visited'],
  recent: ['（近期走访过）', ' (visited recently)'],
  chosen: ['（已选）', ' (chosen)'],
  societies: ['承接学会与需求', 'Societies and their needs'],
  noSociety: ['没有学会承接', 'No society'],
  pinned: ['（协调人指定）', ' (pinned)'],
  notSent: ['未发出', 'not sent yet'],
  visitDate: ['走访日期', 'Visit date'],
  dateBy: ['{who}提出', 'proposed by {who}'],
  dateConfirmedBy: ['{who}确认', 'confirmed by {who}'],
  capacity: ['本季 {used}/{per} 次', '{used} of {per} this season'],
  unassignedHere: ['未分派', 'Unassigned'],
  'reason.no-competent-society': ['没有学会具备该主题与领域', 'no society has the theme and field'],
  'reason.competent-societies-full': ['能承接的学会本季已满', 'every competent society is full this season'],
  'reason.excluded-by-override': [
    '能承接的学会被调整排除',
    'the competent societies are excluded by an override',
  ],
  'cause.no-competent-society': ['没有学会具备该主题与领域', 'No society has the theme and field'],
  'cause.all-full': [
    '对口的学会都不能再承接（见下）；可安排其他尚有余力的学会',
    'No competent society can take it (see below); another society with capacity left may',
  ],
  'cause.excluded-by-override': [
    '尚有余力的对口学会已被本季调整排除；仍可手工安排',
    'The competent societies with capacity left are excluded by this season’s overrides; a placement by hand may still choose one',
  ],
  'cause.not-planned': [
    '计划中没有学会承接；下列对口学会尚有余力',
    'No society took it in the plan; these competent societies have capacity left',
  ],
  'cause.declined-three-times': ['已被婉拒或逾期 {n} 次', 'Declined or unanswered {n} times'],
  lockTown: ['锁定乡镇', 'Lock the town'],
  pin: ['指定到本县', 'Pin to this county'],
  excludeHere: ['本县排除', 'Exclude here'],
  excludeAll: ['所有县排除', 'Exclude everywhere'],
  chooseSociety: ['选择学会', 'Choose a society'],
  note: ['理由（可选）', 'Why (optional)'],
  noDraft: ['没有调整', 'No overrides'],
  'draft.pin': ['指定 {society} 走访 {county}', 'Pin {society} to {county}'],
  'draft.exclusion': ['{society} 不参加 {county} 的走访', '{society} off the visit of {county}'],
  'draft.exclusionAll': ['{society} 本季不参加任何走访', '{society} on no visit this season'],
  'draft.town-lock': ['{county} 锁定走访 {town}', '{county} visits {town}'],
  noCosts: ['尚无（应用调整后显示）', 'None yet (shown after applying overrides)'],
  replanned: [
    '已重新规划：覆盖紧急度 {weight}，共 {pairs} 次学会走访',
    'Re-planned: urgency {weight} covered, {pairs} society visits',
  ],
  willSend: [
    '批准后将向 {m} 个学会发出 {n} 份邀请，各自开始计时答复；之后不能再调整。',
    'Approving sends {n} offers to {m} societies, each with its own time to answer; the plan can no longer be changed.',
  ],
  sent: [
    '计划已批准，不能再调整：已向 {m} 个学会发出 {n} 份邀请。',
    'The plan is approved and can no longer be changed: {n} offers went to {m} societies.',
  ],
  approvedNow: ['已批准：{n} 份邀请正在发出', 'Approved: {n} offers are going out'],
  placeWith: ['安排', 'Place'],
  bareTitle: ['{n} 个县的走访没有任何学会承接', '{n} visits have no society at all'],
  bareVisit: [
    '{place}：{n} 项需求都没有学会，批准后本季无人前往',
    '{place}: none of its {n} needs has a society; approved as it is, nobody goes this season',
  ],
  bareConfirm: [
    '我已知晓，仍然批准（之后可在“未分派需求”中手工安排）',
    'I know; approve anyway (the needs can be placed by hand under “Unassigned needs” after)',
  ],
  noCandidate: [
    '所有学会本季都已满或已在此走访',
    'Every society is full this season or on this visit already',
  ],
  competentGroup: ['对口的学会', 'Competent societies'],
  otherGroup: ['其他尚有余力的学会', 'Other societies with capacity left'],
  notCompetent: ['不对口：擅长 {fields}', 'not competent: works on {fields}'],
  blocked: ['对口的学会：{list}', 'Competent societies: {list}'],
  blockedFull: ['{society}本季已满', '{society} is full this season'],
  blockedOnVisit: ['{society}已在此走访（{status}）', '{society} is on this visit already ({status})'],
  left: ['余力 {n} 次', '{n} left'],
  excludedHere: ['已被本季调整排除', 'excluded by this season’s overrides'],
  placed: ['已安排 {society}，邀请已发出', '{society} placed; the offer is out'],
  noUnassigned: ['没有未分派的需求', 'No need is without a society'],
  errorFields: ['请改正：', 'Please correct:'],
};

const beijing = (iso) => (iso ? shanghaiDateTime(new Date(iso)) : '');

const colon = () => (lang === 'zh' ? '：' : ': ');

let session;
let plan; // GET /seasons/{season}/plan
let draft = { pins: [], exclusions: [], townLocks: [] };
let unassigned;

const season = () => $('season').value.trim();
const labels = () =>
  plan?.labels ?? unassigned?.labels ?? { counties: {}, towns: {}, societies: {}, needs: {} };
/** Names only: an id the labels lack shows as a word, never itself. */
const countyName = (id) => say(labels().counties[id]) || (lang === 'zh' ? '（县）' : '(county)');
const townName = (county, town) =>
  say(labels().towns[`${county}/${town}`]) || (lang === 'zh' ? '（乡镇）' : '(town)');
const societyName = (id) => say(labels().societies[id]) || t('unknownSociety');
const needTitle = (id) => labels().needs[id]?.title ?? (lang === 'zh' ? '（需求）' : '(need)');

/** An API refusal in both languages, each named field under it. */
function errorBox(error) {
  const first = lang === 'zh' ? error.zh : error.en;
  const second = lang === 'zh' ? error.en : error.zh;
  return el(
    'div',
    { class: 'error-box', role: 'alert' },
    el('strong', {}, first ?? error.message),
    second && second !== first ? el('div', { class: 'muted' }, second) : null,
    error.fields?.length
      ? el(
          'ul',
          {},
          error.fields.map((f) =>
            el('li', {}, f.zh ?? f.message, f.en && f.en !== f.zh ? muted(` / ${f.en}`) : ''),
          ),
        )
      : null,
  );
}

/** Who approved, by name: this user's own name, else the role (the plan keeps only a user id). */
function approverName(id) {
  if (session?.user.id === id) return sayBilingual(session.user.name);
  return say(ROLE_LABELS.coordinator);
}

const awaiting = () => plan?.status === 'awaiting-approval';

function roundStatus() {
  const node = $('round-status');
  if (!plan) return node.replaceChildren();
  const a = plan.approval ?? {};
  let text = say(ROUND_STATUS_LABELS[plan.status]);
  if (awaiting() && a.deadline) text = t('awaiting', { deadline: beijing(a.deadline) });
  else if (a.approvedAt) {
    const key =
      a.approvedBy === 'auto-approve'
        ? 'approvedAuto'
        : a.approvedBy === 'timeout'
          ? 'approvedTimeout'
          : 'approvedBy';
    text = t(key, { who: approverName(a.approvedBy), at: beijing(a.approvedAt) });
  }
  node.className = `round-status ${awaiting() ? 'awaiting' : 'approved'}`;
  node.replaceChildren(`${say(seasonLabel(plan.season))} · ${text}`);
}

const live = (visit) => visit.assignments.filter((a) => a.status !== 'withdrawn');

/** The visit date both sides agree, and its state, in words (docs/rules.md, The visit date). */
function visitDate(visit) {
  const s = visit.schedule;
  if (!s)
    return el('p', { class: 'visit-date muted' }, `${t('visitDate')}${colon()}${say(SCHEDULE_NONE_LABEL)}`);
  const when = `${s.date}${s.time ? ` ${s.time}` : ''}`;
  const who =
    s.status === 'confirmed' && s.confirmedBy
      ? t('dateConfirmedBy', { who: say(s.confirmedBy.name) })
      : t('dateBy', { who: say(s.proposedBy.name) });
  return el(
    'p',
    { class: `visit-date ${s.status}` },
    `${t('visitDate')}${colon()}`,
    el('strong', {}, when),
    ` · ${say(SCHEDULE_STATUS_LABELS[s.status])} · ${who}`,
  );
}

function townWhy(visit) {
  const explain = visit.explain;
  if (!explain) return [];
  return [
    el('p', { class: 'muted' }, `${t('whyTown')}${colon()}`, explain.townLocked ? t('locked') : t('ruleTwo')),
    el(
      'ul',
      { class: 'why' },
      explain.towns.map((s) =>
        el(
          'li',
          {},
          t('standing', {
            town: townName(visit.countyId, s.townId),
            count: s.openNeedCount,
            weight: s.urgencyWeight,
            last: s.lastVisitedSeason
              ? t('lastVisit', { season: say(seasonLabel(s.lastVisitedSeason)) })
              : t('neverVisited'),
            recent: s.visitedRecently ? t('recent') : '',
          }),
          s.townId === visit.townId ? el('strong', {}, t('chosen')) : '',
        ),
      ),
    ),
  ];
}

function societiesOf(visit) {
  const why = new Map((visit.explain?.assignments ?? []).map((a) => [a.societyId, a]));
  const rows = live(visit).map((a) => {
    const w = why.get(a.societyId);
    // `proposed` while the plan waits: 拟派（待批准，未发出）.
    const state = say(OFFER_STATUS_LABELS[a.status]) || t('notSent');
    return el(
      'li',
      { dataset: { society: societyName(a.societyId) } },
      el('strong', {}, societyName(a.societyId)),
      w?.pinned ? t('pinned') : '',
      muted(
        ` · ${[
          state,
          w
            ? t('capacity', {
                used: w.capacity.usedBefore + w.capacity.usedInPlan,
                per: w.capacity.perSeason,
              })
            : '',
        ]
          .filter(Boolean)
          .join(' · ')}`,
      ),
      el('div', {}, a.needIds.map(needTitle).join('；')),
    );
  });
  const reasons = new Map((visit.explain?.unassigned ?? []).map((u) => [u.needId, u.reason]));
  const left = visit.unassignedNeedIds.map((id) =>
    el(
      'li',
      { class: 'status-declined' },
      el('strong', {}, `${t('unassignedHere')}${colon()}`),
      needTitle(id),
      reasons.has(id) ? muted(` · ${t(`reason.${reasons.get(id)}`)}`) : '',
    ),
  );
  return el('ul', { class: 'society-needs' }, rows.length ? rows : el('li', {}, t('noSociety')), left);
}

function controls(visit) {
  const county = visit.countyId;
  const towns = Object.keys(labels().towns)
    .filter((key) => key.startsWith(`${county}/`))
    .map((key) => key.slice(county.length + 1));
  const townSelect = el(
    'select',
    { name: 'town', 'aria-label': t('lockTown') },
    towns.map((town) => option(town, townName(county, town), town === visit.townId)),
  );
  const societies = Object.keys(labels().societies).sort((a, b) =>
    societyName(a).localeCompare(societyName(b), 'zh'),
  );
  const societySelect = el(
    'select',
    { name: 'society', 'aria-label': t('chooseSociety') },
    option('', t('chooseSociety')),
    societies.map((id) => option(id, societyName(id))),
  );
  const note = el('input', { name: 'note', placeholder: t('note'), maxlength: '500' });
  const withNote = (o) => (note.value.trim() ? { ...o, note: note.value.trim() } : o);
  const chosen = () => societySelect.value;
  const button = (key, action) =>
    el(
      'button',
      { type: 'button', dataset: { action: key }, onclick: action, disabled: !awaiting() },
      t(key),
    );
  return el(
    'div',
    { class: 'controls' },
    el(
      'div',
      { class: 'row' },
      townSelect,
      button('lockTown', () => {
        draft.townLocks = draft.townLocks.filter((l) => l.countyId !== county);
        draft.townLocks.push(withNote({ countyId: county, townId: townSelect.value }));
        renderDraft();
      }),
    ),
    el('div', { class: 'row' }, societySelect),
    el('div', { class: 'row' }, note),
    el(
      'div',
      { class: 'row' },
      button('pin', () => {
        if (!chosen()) return;
        draft.pins.push(withNote({ societyId: chosen(), countyId: county }));
        renderDraft();
      }),
      button('excludeHere', () => {
        if (!chosen()) return;
        draft.exclusions.push(withNote({ societyId: chosen(), countyId: county }));
        renderDraft();
      }),
      button('excludeAll', () => {
        if (!chosen()) return;
        draft.exclusions.push(withNote({ societyId: chosen() }));
        renderDraft();
      }),
    ),
  );
}

function renderVisits() {
  $('visit-list').replaceChildren(
    ...plan.visits.map((visit) =>
      el(
        'li',
        { class: 'card visit', dataset: { county: countyName(visit.countyId) } },
        el('h3', {}, `${countyName(visit.countyId)} · ${townName(visit.countyId, visit.townId)}`),
        visitDate(visit),
        townWhy(visit),
        el('h4', {}, t('societies')),
        societiesOf(visit),
        awaiting() ? controls(visit) : null,
      ),
    ),
  );
  $('visits').hidden = false;
}

function describe(kind, o) {
  if (kind === 'pin')
    return t('draft.pin', { society: societyName(o.societyId), county: countyName(o.countyId) });
  if (kind === 'exclusion')
    return o.countyId
      ? t('draft.exclusion', { society: societyName(o.societyId), county: countyName(o.countyId) })
      : t('draft.exclusionAll', { society: societyName(o.societyId) });
  return t('draft.town-lock', { county: countyName(o.countyId), town: townName(o.countyId, o.townId) });
}

const LISTS = { pin: 'pins', exclusion: 'exclusions', 'town-lock': 'townLocks' };

function renderDraft() {
  const items = Object.entries(LISTS).flatMap(([kind, list]) =>
    draft[list].map((o, index) =>
      el(
        'li',
        { dataset: { kind } },
        describe(kind, o),
        o.note ? muted(` · ${o.note}`) : '',
        awaiting()
          ? el(
              'button',
              {
                type: 'button',
                onclick: () => {
                  draft[list].splice(index, 1);
                  renderDraft();
                },
              },
              t('remove'),
            )
          : '',
      ),
    ),
  );
  $('draft-list').replaceChildren(...(items.length ? items : [el('li', { class: 'muted' }, t('noDraft'))]));
}

function costWords(c) {
  return overrideCostWords(c, lang === 'en' ? 'en' : 'zh');
}

function renderCosts(costs) {
  const items = (costs ?? []).map((c) =>
    el('li', { dataset: { kind: c.kind } }, el('strong', {}, describe(c.kind, c)), colon(), costWords(c)),
  );
  $('cost-list').replaceChildren(...(items.length ? items : [el('li', { class: 'muted' }, t('noCosts'))]));
}

/** Visits the plan gives no society at all: nobody would go to that county this season. */
const bareVisits = () => plan.visits.filter((visit) => live(visit).length === 0);
const approveAnyway = el('input', { type: 'checkbox', name: 'approveAnyway' });

function renderApprove() {
  const offers = plan.visits.flatMap(live);
  const societies = new Set(offers.map((a) => a.societyId));
  $('approve-what').textContent = t('willSend', { n: offers.length, m: societies.size });
  if (!awaiting()) $('approve-what').textContent = t('sent', { n: offers.length, m: societies.size });
  // Approving a visit with no society is allowed (the coordinator may place needs by hand after),
  // but never without a word: each is named, and the approval waits for a tick that says so.
  const bare = awaiting() ? bareVisits() : [];
  const warning = $('approve-warning');
  warning.hidden = bare.length === 0;
  const confirm = approveAnyway;
  if (bare.length === 0) confirm.checked = false;
  warning.replaceChildren(
    ...(bare.length
      ? [
          el('p', {}, el('strong', {}, t('bareTitle', { n: bare.length }))),
          el(
            'ul',
            {},
            bare.map((visit) =>
              el(
                'li',
                {},
                t('bareVisit', {
                  place: `${countyName(visit.countyId)} · ${townName(visit.countyId, visit.townId)}`,
                  n: visit.unassignedNeedIds.length,
                }),
              ),
            ),
          ),
          el('label', {}, confirm, ' ', t('bareConfirm')),
        ]
      : []),
  );
  $('approve').hidden = !awaiting();
  $('approve').disabled = bare.length > 0 && !confirm.checked;
  $('approve-section').hidden = false;
}

function render() {
  roundStatus();
  renderVisits();
  renderDraft();
  renderCosts(plan.costs);
  $('adjust').hidden = false;
  renderApprove();
  renderUnassigned();
}

function causeWords(item) {
  return t(`cause.${item.cause}`, { n: item.refusals });
}

/** Competent societies first; the others in their own group, each marked 不对口 with what it works on. */
function candidateGroups(item) {
  const words = (c) => {
    const notes = [t('left', { n: c.capacityLeft })];
    if (!c.competent)
      notes.push(t('notCompetent', { fields: (c.fields ?? []).join(lang === 'zh' ? '、' : ', ') }));
    if (c.excluded) notes.push(t('excludedHere'));
    return lang === 'zh' ? `${say(c.name)}（${notes.join('，')}）` : `${say(c.name)} (${notes.join(', ')})`;
  };
  const group = (label, list) =>
    list.length
      ? [
          el(
            'optgroup',
            { label },
            list.map((c) => option(c.societyId, words(c))),
          ),
        ]
      : [];
  return [
    ...group(
      t('competentGroup'),
      item.candidates.filter((c) => c.competent),
    ),
    ...group(
      t('otherGroup'),
      item.candidates.filter((c) => !c.competent),
    ),
  ];
}

/** Why the competent societies cannot take the need: each by name, full or on the visit already. */
function blockedWords(item) {
  if (!item.blocked?.length) return '';
  const one = (b) =>
    b.why === 'full'
      ? t('blockedFull', { society: say(b.name) })
      : t('blockedOnVisit', { society: say(b.name), status: say(OFFER_STATUS_LABELS[b.offerStatus]) });
  return t('blocked', { list: item.blocked.map(one).join(lang === 'zh' ? '；' : '; ') });
}

function renderUnassigned() {
  if (!unassigned) return;
  const items = unassigned.items.map((item) => {
    const select = el('select', { name: 'candidate', 'aria-label': t('placeWith') }, candidateGroups(item));
    const result = el('div', { class: 'result', 'aria-live': 'polite' });
    const place = async (button) => {
      button.disabled = true;
      try {
        await api(
          'POST',
          `/seasons/${encodeURIComponent(season())}/needs/${encodeURIComponent(item.needId)}/assign`,
          {
            body: { societyId: select.value },
          },
        );
        const name = say(item.candidates.find((c) => c.societyId === select.value)?.name);
        // The visit's card shows the new offer too.
        plan = {
          labels: plan.labels,
          ...(await api('GET', `/seasons/${encodeURIComponent(season())}/plan`)),
        };
        renderVisits();
        await loadUnassigned();
        const card = [...$('unassigned-list').children].find((n) => n.dataset.need === item.needId);
        const done = el('div', { class: 'ok-box' }, t('placed', { society: name }));
        if (card) card.append(done);
        else $('unassigned-list').prepend(el('li', { class: 'card' }, el('h3', {}, item.title), done));
      } catch (error) {
        result.replaceChildren(errorBox(error));
        button.disabled = false;
      }
    };
    return el(
      'li',
      { class: 'card unassigned', dataset: { need: item.needId } },
      el('h3', {}, item.title),
      el('p', { class: 'muted' }, `${countyName(item.countyId)} · ${townName(item.countyId, item.townId)}`),
      el('p', {}, causeWords(item)),
      item.blocked?.length ? el('p', { class: 'muted blocked' }, blockedWords(item)) : '',
      item.candidates.length
        ? el(
            'div',
            { class: 'place' },
            select,
            el('button', { type: 'button', onclick: (e) => place(e.currentTarget) }, t('placeWith')),
          )
        : el('p', { class: 'muted' }, t('noCandidate')),
      result,
    );
  });
  $('unassigned-list').replaceChildren(
    ...(items.length ? items : [el('li', { class: 'muted' }, t('noUnassigned'))]),
  );
  $('unassigned').hidden = false;
}

async function loadUnassigned() {
  try {
    unassigned = await api('GET', `/seasons/${encodeURIComponent(season())}/unassigned`);
    renderUnassigned();
  } catch (error) {
    $('unassigned-list').replaceChildren(el('li', {}, errorBox(error)));
    $('unassigned').hidden = false;
  }
}

function fromPlan(overrides) {
  return {
    pins: [...(overrides?.pins ?? [])],
    exclusions: [...(overrides?.exclusions ?? [])],
    townLocks: [...(overrides?.townLocks ?? [])],
  };
}

async function load() {
  if (!/^\d{4}-Q[1-4]$/.test(season())) return setStatus(t('badSeason'), true);
  history.replaceState(null, '', `?season=${encodeURIComponent(season())}`);
  setStatus(t('loading'));
  plan = undefined;
  unassigned = undefined;
  for (const id of ['visits', 'adjust', 'approve-section', 'unassigned']) $(id).hidden = true;
  $('round-status').replaceChildren();
  $('apply-result').replaceChildren();
  $('approve-result').replaceChildren();
  try {
    plan = await api('GET', `/seasons/${encodeURIComponent(season())}/plan`);
  } catch (error) {
    if (error.status === 404) return setStatus(t('noPlan', { season: say(seasonLabel(season())) }));
    return setStatus(error.message, true);
  }
  setStatus('');
  draft = fromPlan(plan.overrides);
  render();
  await loadUnassigned();
}

$('apply').addEventListener('click', async () => {
  const button = $('apply');
  button.disabled = true;
  $('apply-result').replaceChildren(el('p', { class: 'muted' }, t('loading')));
  try {
    const replanned = await api('PUT', `/seasons/${encodeURIComponent(season())}/overrides`, { body: draft });
    plan = { labels: plan.labels, ...replanned.plan, costs: replanned.costs, overrides: replanned.overrides };
    draft = fromPlan(replanned.overrides);
    render();
    $('apply-result').replaceChildren(
      el(
        'div',
        { class: 'ok-box' },
        t('replanned', {
          weight: replanned.explain.objective.weight,
          pairs: replanned.explain.objective.pairs,
        }),
      ),
    );
    await loadUnassigned();
  } catch (error) {
    $('apply-result').replaceChildren(errorBox(error));
  } finally {
    button.disabled = false;
  }
});

approveAnyway.addEventListener('change', () => {
  $('approve').disabled = bareVisits().length > 0 && awaiting() && !approveAnyway.checked;
});

$('approve').addEventListener('click', async () => {
  const button = $('approve');
  button.disabled = true;
  try {
    plan = {
      labels: plan.labels,
      ...(await api('POST', `/seasons/${encodeURIComponent(season())}/plan/approve`)),
    };
    render();
    $('approve-result').replaceChildren(
      el('div', { class: 'ok-box' }, t('approvedNow', { n: plan.visits.flatMap(live).length })),
    );
    await loadUnassigned();
  } catch (error) {
    $('approve-result').replaceChildren(errorBox(error));
  } finally {
    button.disabled = false;
  }
});

$('season-form').addEventListener('submit', (event) => {
  event.preventDefault();
  load();
});

$('season').value = new URLSearchParams(location.search).get('season') ?? seasonOfInstant(new Date());
startLang(TEXT, () => plan && render());
session = startSession({ roles: ['coordinator'] });
if (session) load();
