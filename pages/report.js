// The association's report, printable: the paragraph, the funnel and the seasons side by side (SVG
// drawn by ECharts on the server, shown as images so they print sharply), a table of the seasons, a
// table per county, the typical cases with their photos. report.css lays it out on A4 for print.
import { api, requestOk } from './lib/api-client.js';
import { $, el, option, saveFile, setStatus } from './lib/dom.js';
import { lang, say, sayIssue, startLang, t } from './lib/i18n.js';
import { RANGE_CHOICES, RANGE_TEXT, rangeFor, yearRange } from './lib/report-range.js';
import { FIGURE_LABELS, PEOPLE_FIGURE_LABELS } from './lib/schemas.js';
import { startSession } from './lib/session.js';

const TEXT = {
  ...RANGE_TEXT,
  pageTitle: ['协会报告', 'The association’s report'],
  choice: ['范围', 'Range'],
  print: ['打印 / 存为 PDF', 'Print / save as PDF'],
  docx: ['导出 Word', 'Export Word'],
  xlsx: ['导出 Excel', 'Export Excel'],
  csv: ['导出 CSV', 'Export CSV'],
  overview: ['一、总体情况', '1. Overview'],
  funnel: ['二、需求办理漏斗', '2. From needs to results'],
  funnelCaption: ['收集、走访、分派、办结与合作', 'Collected, on visits, assigned, handled, cooperations'],
  seasons: ['三、各季度情况', '3. Season by season'],
  seasonsCaption: ['各季度并列', 'The seasons side by side'],
  counties: ['四、各县情况', '4. County by county'],
  cases: ['五、典型案例', '5. Typical cases'],
  noCases: ['本期暂无标记的典型案例。', 'No visit was marked as a typical case in this range.'],
  title: ['{range}山区科技服务工作报告', 'Science services in the mountain counties: {range}'],
  subtitle: ['{from} 至 {to}，共 {n} 个季度', '{from} to {to}, {n} seasons'],
  season: ['季度', 'Season'],
  county: ['县（市、区）', 'County'],
  total: ['合计', 'Total'],
  badSeason: [
    '{field}：请填写季度，如 2026-Q3，或年份，如 2026',
    '{field}: enter a season like 2026-Q3, or a year like 2026',
  ],
  noPhoto: ['（无照片）', '(no photo)'],
};

/** The columns of the printed tables (the same as the Word document's). */
const COLUMNS = [
  ['collected', FIGURE_LABELS.collected],
  ['visited', FIGURE_LABELS.visited],
  ['handled', FIGURE_LABELS.handled],
  ['cooperations', FIGURE_LABELS.cooperations],
  ['expertVisits', PEOPLE_FIGURE_LABELS.expertVisits],
  ['academicianVisits', PEOPLE_FIGURE_LABELS.academicianVisits],
  ['experts', PEOPLE_FIGURE_LABELS.experts],
  ['participants', PEOPLE_FIGURE_LABELS.participants],
];
const SEASON_PATTERN = /^\d{4}-Q[1-4]$/;

let report;
let asked = 0;

const seasonName = (season) =>
  lang === 'en' ? season : `${season.slice(0, 4)}年第${'一二三四'[Number(season.slice(6)) - 1]}季度`;
const rangeWords = (from, to) => {
  const whole = from.endsWith('Q1') && to.endsWith('Q4');
  if (whole && from.slice(0, 4) === to.slice(0, 4))
    return lang === 'en' ? from.slice(0, 4) : `${from.slice(0, 4)}年`;
  if (whole)
    return lang === 'en'
      ? `${from.slice(0, 4)}–${to.slice(0, 4)}`
      : `${from.slice(0, 4)}年至${to.slice(0, 4)}年`;
  return from === to ? seasonName(from) : `${seasonName(from)}${lang === 'en' ? '–' : '至'}${seasonName(to)}`;
};

/** The range the form names; a year alone is its four seasons; null (and the field marked) when unreadable. */
function askedRange() {
  const read = (id) => {
    const text = $(id).value.trim();
    const year = yearRange(text);
    if (year) return id === 'from' ? year.from : year.to;
    return SEASON_PATTERN.test(text) ? text : null;
  };
  const from = read('from');
  const to = read('to');
  for (const [id, value] of [
    ['from', from],
    ['to', to],
  ]) {
    if (value) $(id).removeAttribute('aria-invalid');
    else $(id).setAttribute('aria-invalid', 'true');
  }
  if (!from || !to) {
    setStatus(t('badSeason', { field: t(from ? 'to' : 'from') }), true);
    return null;
  }
  return { from, to };
}

async function show(event) {
  event?.preventDefault();
  const range = askedRange();
  if (!range) return;
  history.replaceState(null, '', `?from=${range.from}&to=${range.to}`);
  const mine = ++asked;
  setStatus(t('loading'));
  try {
    const answer = await api('GET', `/reports?from=${range.from}&to=${range.to}`);
    if (mine !== asked) return;
    report = answer;
    setStatus('');
    render();
  } catch (error) {
    if (mine !== asked) return;
    // Another range's figures never stay on the page under this one's name.
    report = undefined;
    $('report').hidden = true;
    // A refused range names its field (from, to): the issue, in the page's language.
    const issues = (error.fields ?? []).map(sayIssue).join('；');
    setStatus(issues || error.message, true);
    for (const field of error.fields ?? []) $(field.path)?.setAttribute('aria-invalid', 'true');
  }
}

const svgImage = (svg) => `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;

function table(caption, head, rows, totalRow) {
  return el(
    'table',
    { class: 'figures' },
    caption ? el('caption', {}, caption) : null,
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        head.map((h) => el('th', { scope: 'col' }, h)),
      ),
    ),
    el(
      'tbody',
      {},
      rows.map(([name, row]) =>
        el(
          'tr',
          {},
          el('th', { scope: 'row' }, name),
          COLUMNS.map(([key]) => el('td', {}, String(row[key]))),
        ),
      ),
    ),
    totalRow
      ? el(
          'tfoot',
          {},
          el(
            'tr',
            {},
            el('th', { scope: 'row' }, t('total')),
            COLUMNS.map(([key]) => el('td', {}, String(totalRow[key]))),
          ),
        )
      : null,
  );
}

const header = (first) => [first, ...COLUMNS.map(([, label]) => say(label))];
const countyName = (id) => say(report.countyNames[id]) || id;

function render() {
  if (!report) return;
  const words = rangeWords(report.from, report.to);
  document.title = `${t('title', { range: words })} · ${t('pageTitle')}`;
  $('title').textContent = t('title', { range: words });
  $('subtitle').textContent = t('subtitle', {
    from: seasonName(report.from),
    to: seasonName(report.to),
    n: report.seasons.length,
  });
  $('summary').textContent = report.summary[lang] ?? report.summary.zh;
  $('totals').replaceChildren(
    ...COLUMNS.map(([key, label]) =>
      el(
        'div',
        { class: 'total', title: say(label.definition) },
        el('strong', { 'data-figure': key }, String(report.total[key])),
        el('span', {}, say(label)),
      ),
    ),
  );
  const charts = report.charts[lang] ?? report.charts.zh;
  $('funnel').src = svgImage(charts.funnel);
  $('funnel').alt = t('funnelCaption');
  $('seasons-chart').src = svgImage(charts.seasons);
  $('seasons-chart').alt = t('seasonsCaption');
  $('season-table').replaceWith(
    Object.assign(
      table(
        null,
        header(t('season')),
        report.bySeason.map((row) => [seasonName(row.season), row]),
        report.total,
      ),
      { id: 'season-table' },
    ),
  );
  $('county-tables').replaceChildren(
    table(
      null,
      header(t('county')),
      report.counties.map((row) => [countyName(row.countyId), row]),
      report.total,
    ),
    ...report.counties.map((county) =>
      el(
        'div',
        { class: 'county-table' },
        table(
          countyName(county.countyId),
          header(t('season')),
          report.byCountySeason
            .filter((row) => row.countyId === county.countyId)
            .map((row) => [seasonName(row.season), row]),
          county,
        ),
      ),
    ),
  );
  $('cases').replaceChildren(
    ...(report.cases.length === 0
      ? [el('p', { class: 'muted' }, t('noCases'))]
      : report.cases.map((c) =>
          el(
            'figure',
            { class: 'case' },
            c.photoUrl ? el('img', { src: c.photoUrl, alt: c.caption }) : null,
            el('figcaption', {}, c.sentence),
          ),
        )),
  );
  $('report').hidden = false;
}

async function download(format) {
  const range = askedRange();
  if (!range) return;
  try {
    const res = await requestOk('GET', `/reports?from=${range.from}&to=${range.to}&format=${format}`);
    saveFile(await res.blob(), `association-report-${range.from}-${range.to}.${format}`);
  } catch (error) {
    setStatus(error.message, true);
  }
}

function pickChoice() {
  const choice = $('choice').value;
  const custom = choice === 'custom';
  $('from').readOnly = !custom;
  $('to').readOnly = !custom;
  if (!custom) {
    const range = rangeFor(choice);
    $('from').value = range.from;
    $('to').value = range.to;
    show();
  }
}

function fillChoices() {
  const chosen = $('choice').value || 'custom';
  $('choice').replaceChildren(...RANGE_CHOICES.map((c) => option(c, t(c), c === chosen)));
}

$('range').addEventListener('submit', show);
$('choice').addEventListener('change', pickChoice);
$('print').addEventListener('click', () => window.print());
for (const format of ['docx', 'xlsx', 'csv']) $(format).addEventListener('click', () => download(format));
const params = new URLSearchParams(location.search);
const initial =
  params.get('from') && params.get('to')
    ? { from: params.get('from'), to: params.get('to') }
    : rangeFor('thisYear');
$('from').value = initial.from;
$('to').value = initial.to;
const matching = RANGE_CHOICES.find(
  (c) => c !== 'custom' && JSON.stringify(rangeFor(c)) === JSON.stringify(initial),
);
$('choice').append(option(matching ?? 'custom', ''));
$('choice').value = matching ?? 'custom';
startLang(TEXT, () => {
  fillChoices();
  render();
});
if (startSession({ roles: ['coordinator'] })) show();
