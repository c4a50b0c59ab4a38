// The coordinator's dashboard: the season's plan with each offer's status, the figures per county
// as bars, the funnel of the season's figures (the report's, under its labels), exports, and a link
// to each visit's page. Names and words only, never ids or status keys.
import { api, requestOk } from './lib/api-client.js';
import { $, el, option, saveFile, setStatus } from './lib/dom.js';
import { say, startLang, t } from './lib/i18n.js';
import { RANGE_CHOICES, RANGE_TEXT, rangeFor, reportHref, yearRange } from './lib/report-range.js';
import {
  FIGURE_LABELS,
  FUNNEL_KEYS,
  OFFER_STATUS_LABELS,
  ROUND_STATUS_LABELS,
  START_OUTCOME_LABELS,
  seasonLabel,
  seasonOfInstant,
} from './lib/schemas.js';
import { startSession } from './lib/session.js';

const TEXT = {
  ...RANGE_TEXT,
  navReport: ['协会报告', 'Association report'],
  associationReport: [
    '协会报告（年度、任意季度范围）',
    'The association’s report (a year, any range of seasons)',
  ],
  choice: ['范围', 'Range'],
  seasonHint: [
    '填写季度（如 2026-Q3）或年份（如 2026）',
    'Enter a season (like 2026-Q3) or a year (like 2026)',
  ],
  badSeason: [
    '季度：请填写季度，如 2026-Q3，或年份，如 2026',
    'Season: enter a season like 2026-Q3, or a year like 2026',
  ],
  yearPick: [
    '{year}年：请选择一个季度查看计划，或打开全年的协会报告',
    '{year}: pick a season to see its plan, or open the year’s report',
  ],
  yearReport: ['{year}年协会报告', 'The {year} report'],
  noPlanFigures: [
    '本季尚无计划；下面是本季已有的数字',
    'No plan for this season yet; below are the season’s figures so far',
  ],
  title: ['协调人看板：本季计划与成效', 'Coordinator dashboard: the season’s plan and results'],
  navCatalog: ['目录与五问', 'Catalog and questions'],
  navPlan: ['计划审核', 'Plan review'],
  start: ['启动本季轮次', 'Start the season’s round'],
  funnel: ['成效漏斗', 'Funnel'],
  perCounty: ['各县成效', 'Figures per county'],
  csv: ['导出 CSV', 'Export CSV'],
  xlsx: ['导出 Excel', 'Export Excel'],
  plan: ['本季计划与邀请状态', 'Plan and offer status'],
  county: ['县', 'County'],
  town: ['乡镇', 'Town'],
  societies: ['学会（需求数）与状态', 'Societies (needs) and status'],
  unassigned: ['未分派需求', 'Unassigned needs'],
  visit: ['走访详情', 'Visit'],
  open: ['查看', 'Open'],
  noPlan: ['本季尚无计划', 'No plan for this season yet'],
  definitions: ['各项数字的含义', 'What each figure counts'],
  try: ['第 {n} 次', 'try {n}'],
  alertsTitle: ['需要协调的事项', 'Needs your attention'],
  alertTriesExhausted: [
    '{place}：{n} 项需求已先后请 {tries} 个学会对接，均婉拒或未答复（最后一个：{society}）。',
    '{place}: {n} needs are unassigned after {tries} societies declined or did not answer (last: {society}).',
  ],
  alertNoSociety: [
    '{place}：{n} 项需求没有其他对口且有余力的学会可以改派（婉拒的学会：{society}）。',
    '{place}: no other competent society with capacity left can take {n} needs (declined by {society}).',
  ],
  alertBareVisit: [
    '{place}：本季走访没有任何学会承接（{n} 项需求），无人前往。',
    '{place}: no society at all on this season’s visit ({n} needs); nobody goes.',
  ],
  alertTodo: [
    '请在计划审核页把它们安排到其他学会。',
    'Place them with another society on the plan review page.',
  ],
  placeByHand: ['去安排', 'Place them'],
  failedTitle: ['发送失败的消息', 'Messages not delivered'],
  fixFirst: [
    '重新发送前，请先在目录中改正收件人的联系方式（机器人地址、加签密钥、邮箱或电话）：',
    'Before sending again, fix the recipient’s contact (robot URL, 加签 secret, e-mail or phone) in the catalog:',
  ],
  openCatalog: ['打开目录', 'Open the catalog'],
  failedAbout: ['内容：{kind}', 'About: {kind}'],
  failedWhy: ['原因：{reason}', 'Why: {reason}'],
  failedWhen: ['{time} 发送失败，已尝试 {n} 次', 'Failed {time}, after {n} tries'],
  unknownReason: ['原因不明', 'Reason unknown'],
  resend: ['重新发送', 'Send again'],
  resent: ['已重新排队，将很快发出：{who}', 'Queued again, going out shortly: {who}'],
};
const COLORS = {
  collected: '#8c959f',
  onVisit: '#57606a',
  assigned: '#0969da',
  visited: '#8250df',
  handled: '#1a7f37',
  cooperations: '#bf8700',
};
let state;
/** Each show() counts: an answer to an earlier one (another season) is dropped, never drawn. */
let asked = 0;
const season = () => $('season').value.trim();
const SEASON_PATTERN = /^\d{4}-Q[1-4]$/;

/** Nothing of the season shown before stays on the page under another season's name. */
function clear() {
  state = undefined;
  $('figures').hidden = true;
  $('funnel').replaceChildren();
  $('chart').replaceChildren();
  $('plan-section').hidden = true;
  $('plan').tBodies[0].replaceChildren();
  $('year-seasons').hidden = true;
  $('year-seasons').replaceChildren();
  $('season').removeAttribute('aria-invalid');
  $('alerts-section').hidden = true;
  $('alert-list').replaceChildren();
  $('failed-messages').hidden = true;
  $('failed-list').replaceChildren();
}

/** A year typed alone: its four seasons to pick from, and the year's report. */
function showYear(year) {
  setStatus(t('yearPick', { year }));
  const pick = (s) =>
    el(
      'button',
      {
        type: 'button',
        onclick: () => {
          $('season').value = s;
          show();
        },
      },
      say(seasonLabel(s)),
    );
  $('year-seasons').replaceChildren(
    ...['Q1', 'Q2', 'Q3', 'Q4'].map((q) => pick(`${year}-${q}`)),
    el('a', { href: reportHref(yearRange(year)), class: 'button' }, t('yearReport', { year })),
  );
  $('year-seasons').hidden = false;
  setReportRange(yearRange(year));
}

async function show(event) {
  event?.preventDefault();
  const mine = ++asked;
  clear();
  const wanted = season();
  if (/^\d{4}$/.test(wanted)) return showYear(wanted);
  if (!SEASON_PATTERN.test(wanted)) {
    $('season').setAttribute('aria-invalid', 'true');
    return setStatus(t('badSeason'), true);
  }
  setStatus(t('loading'));
  try {
    const [counties, societies, plan, report, failed] = await Promise.all([
      api('GET', '/counties'),
      // Society names (the catalog); without them a society shows as "(society)", never its id.
      api('GET', '/societies').catch(() => ({ items: [] })),
      // No plan yet (404): the season's figures still show, the plan table does not.
      api('GET', `/seasons/${encodeURIComponent(wanted)}/plan`).catch((error) => {
        if (error.status === 404) return null;
        throw error;
      }),
      api('GET', `/seasons/${encodeURIComponent(wanted)}/report`),
      failedMessages(wanted),
    ]);
    if (mine !== asked) return;
    state = {
      counties: new Map(counties.items.map((c) => [c.id, c])),
      societies: new Map(societies.items.map((s) => [s.id, s.name])),
      plan,
      report,
      failed,
    };
    setStatus(
      plan
        ? `${say(seasonLabel(plan.season))} · ${say(ROUND_STATUS_LABELS[plan.status])}`
        : `${say(seasonLabel(wanted))} · ${t('noPlanFigures')}`,
    );
    render();
  } catch (error) {
    if (mine !== asked) return;
    setStatus(error.status === 404 ? t('noPlan') : error.message, true);
  }
}

function names(countyId, townId) {
  const county = state.counties.get(countyId);
  return [say(county?.name), say(county?.towns.find((x) => x.id === townId)?.name)];
}
const societyName = (id) => say(state.societies.get(id)) || t('unknownSociety');

/**
 * The funnel: the report's total under the report's labels (FUNNEL_KEYS), so it shows the same
 * numbers as the API, CSV and XLSX. Bars of needs are scaled to the largest need figure; 已走访
 * (towns) to the season's visits.
 */
function funnel() {
  const { total } = state.report;
  const needMax = Math.max(1, total.collected, total.onVisit, total.assigned, total.cooperations);
  const visits = Math.max(
    1,
    state.plan?.visits.length ?? state.report.counties.filter((c) => c.townId).length,
  );
  const rows = FUNNEL_KEYS.map((key) => {
    const label = FIGURE_LABELS[key];
    const share = key === 'visited' ? total[key] / visits : total[key] / needMax;
    return el(
      'div',
      { class: 'funnel-row', title: say(label.definition) },
      el('span', { class: 'label' }, say(label)),
      el(
        'span',
        { class: 'bar' },
        el('i', {
          style: `width:${Math.max(1, Math.round(100 * Math.min(1, share)))}%;background:${COLORS[key]}`,
        }),
      ),
      el(
        'span',
        { class: 'value' },
        el('strong', { 'data-figure': key }, String(total[key])),
        ` ${say(label.unit)}`,
      ),
    );
  });
  const definitions = el(
    'details',
    { class: 'definitions' },
    el('summary', {}, t('definitions')),
    el(
      'dl',
      {},
      FUNNEL_KEYS.flatMap((key) => [
        el('dt', {}, say(FIGURE_LABELS[key])),
        el('dd', {}, say(FIGURE_LABELS[key].definition)),
      ]),
    ),
  );
  return [el('div', { class: 'funnel', role: 'list' }, rows), definitions];
}

/** Per county: horizontal bars with their numbers and the county's name, which wrap but never clip. */
function countyChart() {
  const keys = ['collected', 'onVisit', 'assigned', 'handled', 'cooperations'];
  const rows = state.report.counties;
  const max = Math.max(1, ...rows.flatMap((c) => keys.map((k) => c[k])));
  const groups = rows.map((c) => {
    const [county, town] = c.townId ? names(c.countyId, c.townId) : names(c.countyId);
    return el(
      'div',
      { class: 'county-bars', 'data-county': county },
      el('div', { class: 'label county-name' }, town ? `${county} · ${town}` : county),
      keys.map((key) =>
        el(
          'div',
          { class: 'bar-row' },
          el('span', { class: 'label' }, say(FIGURE_LABELS[key])),
          el(
            'span',
            { class: 'bar' },
            el('i', { style: `width:${Math.round((100 * c[key]) / max)}%;background:${COLORS[key]}` }),
          ),
          el('span', { class: 'label value' }, String(c[key])),
        ),
      ),
    );
  });
  return [el('div', { class: 'county-chart', role: 'img', 'aria-label': t('perCounty') }, groups)];
}

function planRows() {
  return state.plan.visits.map((visit) => {
    const [county, town] = names(visit.countyId, visit.townId);
    const societies = el(
      'td',
      {},
      visit.assignments.map((a) =>
        el(
          'div',
          { class: `status-${a.status}` },
          `${societyName(a.societyId)}（${a.needIds.length}）${say(OFFER_STATUS_LABELS[a.status])}${a.attempt > 1 ? ` · ${t('try', { n: a.attempt })}` : ''}`,
        ),
      ),
    );
    societies.dataset.label = t('societies');
    const link = el('a', { href: `/visit.html?id=${encodeURIComponent(visit.id)}` }, t('open'));
    return el(
      'tr',
      {},
      el('td', { class: 'county', 'data-label': t('county') }, county),
      el('td', { 'data-label': t('town') }, town),
      societies,
      el('td', { 'data-label': t('unassigned') }, String(visit.unassignedNeedIds.length)),
      el('td', { 'data-label': t('visit') }, link),
    );
  });
}

// ---- what needs the coordinator: alerts still open, messages not delivered ----------------------

/** The season's failed messages, every page (one Query each on the server). */
async function failedMessages(wanted) {
  const items = [];
  let cursor;
  for (let page = 0; page < 10; page++) {
    const query = `status=failed&season=${encodeURIComponent(wanted)}&limit=200${cursor ? `&cursor=${cursor}` : ''}`;
    const answer = await api('GET', `/notifications?${query}`);
    items.push(...answer.items);
    cursor = answer.cursor;
    if (!cursor) break;
  }
  return items;
}

const clock = new Intl.DateTimeFormat('en-US', {
  timeZone: 'Asia/Shanghai',
  month: 'numeric',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** Beijing time as 12月10日 18:00 (10 Dec 18:00 in English). */
function when(iso) {
  const p = Object.fromEntries(clock.formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return say({
    zh: `${p.month}月${p.day}日 ${p.hour}:${p.minute}`,
    en: `${p.day} ${MONTHS[Number(p.month) - 1]} ${p.hour}:${p.minute}`,
  });
}

/** Offers refused with nobody left to take their needs, while some of those needs still wait. */
function openAlerts() {
  if (!state.plan) return [];
  return state.plan.visits.flatMap((visit) =>
    visit.assignments
      .filter((a) => a.alert)
      .map((a) => ({
        visit,
        assignment: a,
        left: a.alert.needIds.filter((id) => visit.unassignedNeedIds.includes(id)),
      }))
      .filter((x) => x.left.length > 0),
  );
}

/** Visits with no society at all (none planned, or every offer withdrawn): nobody goes to that county. */
function bareVisits() {
  if (!state.plan) return [];
  return state.plan.visits.filter(
    (visit) => visit.unassignedNeedIds.length > 0 && !visit.assignments.some((a) => a.status !== 'withdrawn'),
  );
}

function alertItems() {
  const href = () => `/plan.html?season=${encodeURIComponent(state.plan.season)}#unassigned`;
  const bare = bareVisits().map((visit) => {
    const [county, town] = names(visit.countyId, visit.townId);
    return el(
      'li',
      { class: 'alert' },
      el(
        'p',
        {},
        t('alertBareVisit', {
          place: say({ zh: `${county}${town}`, en: `${town}, ${county}` }),
          n: visit.unassignedNeedIds.length,
        }),
      ),
      el('p', {}, t('alertTodo')),
      el('p', {}, el('a', { class: 'button', href: href() }, t('placeByHand'))),
    );
  });
  return [
    ...bare,
    ...openAlerts().map(({ visit, assignment, left }) => {
      const [county, town] = names(visit.countyId, visit.townId);
      const vars = {
        place: say({ zh: `${county}${town}`, en: `${town}, ${county}` }),
        n: left.length,
        tries: assignment.attempt,
        society: societyName(assignment.societyId),
      };
      const href = `/plan.html?season=${encodeURIComponent(state.plan.season)}#unassigned`;
      return el(
        'li',
        { class: 'alert' },
        el(
          'p',
          {},
          t(assignment.alert.reason === 'tries-exhausted' ? 'alertTriesExhausted' : 'alertNoSociety', vars),
        ),
        el('p', {}, t('alertTodo')),
        el('p', {}, el('a', { class: 'button', href }, t('placeByHand'))),
      );
    }),
  ];
}

function failedItems() {
  return state.failed.map((m) =>
    el(
      'li',
      { class: 'failed' },
      el('p', {}, el('strong', {}, say(m.recipient.name))),
      el('p', {}, t('failedAbout', { kind: say(m.kindWords) }), m.subject ? ` · ${m.subject}` : ''),
      el('p', { class: 'reason' }, t('failedWhy', { reason: m.reason ? say(m.reason) : t('unknownReason') })),
      el(
        'p',
        { class: 'muted' },
        t('failedWhen', { time: when(m.failedAt ?? m.lastTriedAt ?? m.createdAt), n: m.attempts }),
      ),
      el(
        'p',
        {},
        el(
          'button',
          { type: 'button', class: 'resend', onclick: (event) => resend(m, event.currentTarget) },
          t('resend'),
        ),
      ),
    ),
  );
}

async function resend(message, button) {
  button.disabled = true;
  try {
    await api('POST', '/notifications/resend', { body: { season: message.season, id: message.id } });
    state.failed = state.failed.filter((m) => m !== message);
    render();
    setStatus(t('resent', { who: say(message.recipient.name) }));
  } catch (error) {
    button.disabled = false;
    setStatus(error.message, true);
  }
}

function render() {
  if (!state) return;
  const alerts = alertItems();
  $('alerts-section').hidden = alerts.length === 0;
  $('alert-list').replaceChildren(...alerts);
  $('failed-messages').hidden = state.failed.length === 0;
  $('fix-contact-first').replaceChildren(
    t('fixFirst'),
    ' ',
    el('a', { href: '/catalog.html' }, t('openCatalog')),
  );
  $('failed-list').replaceChildren(...failedItems());
  $('figures').hidden = false;
  $('funnel').replaceChildren(...funnel());
  $('chart').replaceChildren(...countyChart());
  $('plan-section').hidden = !state.plan;
  $('plan').tBodies[0].replaceChildren(...(state.plan ? planRows() : []));
}

// ---- the association's report: a range of seasons, opened on its own page ----------------------

function setReportRange(range) {
  $('report-from').value = range.from;
  $('report-to').value = range.to;
  const choice = RANGE_CHOICES.find(
    (c) => c !== 'custom' && JSON.stringify(rangeFor(c)) === JSON.stringify(range),
  );
  $('report-choice').value = choice ?? 'custom';
  reportLink();
}

function reportLink() {
  const custom = $('report-choice').value === 'custom';
  $('report-from').readOnly = !custom;
  $('report-to').readOnly = !custom;
  $('report-link').href = reportHref({
    from: $('report-from').value.trim(),
    to: $('report-to').value.trim(),
  });
}

function fillReportChoices() {
  const chosen = $('report-choice').value || 'thisYear';
  $('report-choice').replaceChildren(...RANGE_CHOICES.map((c) => option(c, t(c), c === chosen)));
}

async function download(format) {
  try {
    const res = await requestOk('GET', `/seasons/${encodeURIComponent(season())}/report?format=${format}`);
    saveFile(await res.blob(), `season-report-${season()}.${format}`);
  } catch (error) {
    setStatus(error.message, true);
  }
}

async function startRound() {
  try {
    const result = await api('POST', '/rounds', { body: { season: season() } });
    // What happened, in words (started, already running, already completed); never the ARN.
    const message = START_OUTCOME_LABELS[result.outcome] ?? START_OUTCOME_LABELS.running;
    setStatus(say(message).replace('{season}', say(seasonLabel(result.season))));
  } catch (error) {
    setStatus(error.message, true);
  }
}

$('access').addEventListener('submit', show);
$('report-choice').addEventListener('change', () => {
  if ($('report-choice').value !== 'custom') setReportRange(rangeFor($('report-choice').value));
  else reportLink();
});
for (const id of ['report-from', 'report-to']) $(id).addEventListener('input', reportLink);
$('report-range').addEventListener('submit', (event) => {
  event.preventDefault();
  location.href = $('report-link').href;
});
$('start').addEventListener('click', startRound);
$('csv').addEventListener('click', () => download('csv'));
$('xlsx').addEventListener('click', () => download('xlsx'));
$('season').value = seasonOfInstant(new Date());
startLang(TEXT, () => {
  fillReportChoices();
  render();
});
setReportRange(rangeFor('thisYear'));
if (startSession({ roles: ['coordinator'] })) show();
