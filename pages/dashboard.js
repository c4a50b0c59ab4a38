// The coordinator's dashboard: the season's plan with each offer's status, the figures per county
// as a bar chart, the funnel collected → assigned → visited → handled → cooperations, and exports.
import { ApiError, request } from './lib/api-client.js';
import { seasonOfInstant, shanghaiDateTime } from './lib/schemas.js';
import { startSession } from './lib/session.js';

const T = {
  title: ['协调人看板：本季计划与成效', 'Coordinator dashboard: the season’s plan and results'],
  navHome: ['首页', 'Home'],
  navTeam: ['学会团队', 'Society teams'],
  season: ['季度', 'Season'],
  show: ['查看', 'Show'],
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
  log: ['日志', 'Log'],
  logTitle: ['走访日志', 'Visit log'],
  loading: ['加载中…', 'Loading…'],
  started: ['已启动：{id}', 'Started: {id}'],
  collected: ['收集需求', 'collected'],
  assigned: ['已分派', 'assigned'],
  visited: ['已走访', 'visited'],
  handled: ['已办结', 'handled'],
  cooperations: ['达成合作', 'cooperations'],
  carriedOver: ['结转下季', 'carried over'],
  noPlan: ['本季尚无计划', 'No plan for this season yet'],
  visitedNote: [
    '“已走访”：已提交走访报告的乡镇中已分派的需求',
    '“visited”: assigned needs of towns whose visit report is filed',
  ],
  status_offered: ['待答复', 'offered'],
  status_accepted: ['已接受', 'accepted'],
  status_declined: ['已婉拒', 'declined'],
  status_expired: ['逾期', 'expired'],
  status_reassigned: ['已改派', 'reassigned'],
  show_log: ['查看', 'View'],
};
const KIND = {
  planned: ['已计划', 'planned'],
  offered: ['已邀请', 'offered'],
  accepted: ['已接受', 'accepted'],
  declined: ['已婉拒', 'declined'],
  'timed-out': ['逾期未答复', 'timed out'],
  reassigned: ['已改派', 'reassigned'],
  reported: ['已提交报告', 'reported'],
  edited: ['已修改报告', 'edited'],
  failed: ['失败', 'failed'],
};
const COLORS = {
  collected: '#8c959f',
  assigned: '#0969da',
  visited: '#8250df',
  handled: '#1a7f37',
  cooperations: '#bf8700',
};
let lang = localStorage.getItem('lang') ?? 'zh';
let state;
const $ = (id) => document.getElementById(id);
const t = (key, vars = {}) =>
  (T[key]?.[lang === 'zh' ? 0 : 1] ?? key).replace(/\{(\w+)\}/g, (_, k) => vars[k] ?? '');
const pick = (pair) => pair?.[lang === 'zh' ? 0 : 1] ?? '';
const beijing = (iso) => shanghaiDateTime(new Date(iso));
const SVG = 'http://www.w3.org/2000/svg';

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) if (child != null) node.append(child);
  return node;
}
function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function applyLang() {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  for (const node of document.querySelectorAll('[data-t]')) node.textContent = t(node.dataset.t);
  $('lang').textContent = lang === 'zh' ? 'English' : '中文';
  if (state) render();
}

async function api(method, path, body) {
  const res = await request(method, path, { body });
  if (!res.ok) throw new ApiError(res.status, (await res.json().catch(() => ({})))?.error);
  return res;
}
const setStatus = (text, isError = false) => {
  $('status').textContent = text;
  $('status').className = text ? `note${isError ? ' error' : ''}` : '';
};
const season = () => $('season').value.trim();

async function show(event) {
  event?.preventDefault();
  setStatus(t('loading'));
  try {
    const [counties, plan, report] = await Promise.all([
      api('GET', '/counties').then((r) => r.json()),
      api('GET', `/seasons/${encodeURIComponent(season())}/plan`).then((r) => r.json()),
      api('GET', `/seasons/${encodeURIComponent(season())}/report`).then((r) => r.json()),
    ]);
    state = { counties: new Map(counties.items.map((c) => [c.id, c])), plan, report };
    setStatus(`${plan.season} · ${plan.status}`);
    render();
  } catch (error) {
    setStatus(error.status === 404 ? t('noPlan') : error.message, true);
  }
}

function names(countyId, townId) {
  const county = state.counties.get(countyId);
  return [county?.name[lang] ?? countyId, county?.towns.find((x) => x.id === townId)?.name[lang] ?? townId];
}

function funnel() {
  const { total, counties } = state.report;
  const visitedNeeds = counties.filter((c) => c.visited > 0).reduce((sum, c) => sum + c.assigned, 0);
  const steps = [
    ['collected', total.collected],
    ['assigned', total.assigned],
    ['visited', visitedNeeds],
    ['handled', total.handled],
    ['cooperations', total.cooperations],
  ];
  const max = Math.max(1, ...steps.map(([, v]) => v));
  const width = 560;
  const chart = svg('svg', {
    viewBox: `0 0 ${width} ${steps.length * 34}`,
    width: '100%',
    role: 'img',
    'aria-label': t('funnel'),
  });
  steps.forEach(([key, value], i) => {
    const w = Math.max(2, ((width - 200) * value) / max);
    chart.append(
      svg('text', { x: 0, y: i * 34 + 21 }, t(key)),
      svg('rect', {
        x: 110 + (width - 200 - w) / 2,
        y: i * 34 + 4,
        width: w,
        height: 26,
        rx: 3,
        fill: COLORS[key],
      }),
      svg('text', { x: width - 80, y: i * 34 + 21, 'data-figure': key }, String(value)),
    );
  });
  return [chart, el('p', { class: 'muted' }, t('visitedNote'))];
}

function countyChart() {
  const keys = ['collected', 'assigned', 'handled', 'cooperations'];
  const rows = state.report.counties;
  const max = Math.max(1, ...rows.flatMap((c) => keys.map((k) => c[k])));
  const group = 110;
  const chart = svg('svg', {
    viewBox: `0 0 ${Math.max(1, rows.length) * group + 20} 200`,
    width: '100%',
    role: 'img',
    'aria-label': t('perCounty'),
  });
  rows.forEach((c, i) => {
    keys.forEach((key, j) => {
      const h = (150 * c[key]) / max;
      chart.append(
        svg(
          'rect',
          { x: 20 + i * group + j * 22, y: 160 - h, width: 18, height: h, fill: COLORS[key] },
          undefined,
        ),
      );
      chart.append(svg('text', { x: 20 + i * group + j * 22, y: 155 - h }, String(c[key])));
    });
    chart.append(svg('text', { x: 20 + i * group, y: 180 }, names(c.countyId, c.townId).join(' ')));
  });
  const legend = el(
    'div',
    { class: 'chart-legend' },
    keys.map((k) => el('span', {}, el('i', { style: `background:${COLORS[k]}` }), t(k))),
  );
  return [chart, legend];
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
          `${a.societyId} (${a.needIds.length}) ${t(`status_${a.status}`)}${a.attempt > 1 ? ` ·${a.attempt}` : ''}`,
        ),
      ),
    );
    const logButton = el('button', { type: 'button', onclick: () => showLog(visit.id) }, t('show_log'));
    return el(
      'tr',
      {},
      el('td', {}, county),
      el('td', {}, town),
      societies,
      el('td', {}, String(visit.unassignedNeedIds.length)),
      el('td', {}, logButton),
    );
  });
}

async function showLog(visitId) {
  try {
    const log = await (await api('GET', `/visits/${encodeURIComponent(visitId)}/log`)).json();
    $('log-section').hidden = false;
    $('log').replaceChildren(
      ...log.entries.map((e) =>
        el(
          'li',
          {},
          `${beijing(e.at)} · ${pick(KIND[e.kind]) || e.kind} · ${e.by}${e.detail?.societyId ? ` · ${e.detail.societyId}` : ''}${e.detail?.reason ? ` · ${e.detail.reason}` : ''}`,
        ),
      ),
    );
  } catch (error) {
    setStatus(error.message, true);
  }
}

function render() {
  $('figures').hidden = false;
  $('funnel').replaceChildren(...funnel());
  $('chart').replaceChildren(...countyChart());
  $('plan-section').hidden = false;
  $('plan').tBodies[0].replaceChildren(...planRows());
}

async function download(format) {
  try {
    const res = await api('GET', `/seasons/${encodeURIComponent(season())}/report?format=${format}`);
    const url = URL.createObjectURL(await res.blob());
    const link = el('a', { href: url, download: `season-report-${season()}.${format}` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (error) {
    setStatus(error.message, true);
  }
}

async function startRound() {
  try {
    const result = await (await api('POST', '/rounds', { season: season() })).json();
    setStatus(t('started', { id: result.executionId }));
  } catch (error) {
    setStatus(error.message, true);
  }
}

$('lang').addEventListener('click', () => {
  lang = lang === 'zh' ? 'en' : 'zh';
  localStorage.setItem('lang', lang);
  applyLang();
});
$('access').addEventListener('submit', show);
$('start').addEventListener('click', startRound);
$('csv').addEventListener('click', () => download('csv'));
$('xlsx').addEventListener('click', () => download('xlsx'));
$('season').value = seasonOfInstant(new Date());
applyLang();
if (startSession({ roles: ['coordinator'] })) show();
