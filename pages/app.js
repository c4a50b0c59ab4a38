// The coordinator's first look at a season's plan: reads the same API the CLI and AWS serve.
import { api } from './lib/api-client.js';
import { $, el } from './lib/dom.js';
import { say, startLang, t } from './lib/i18n.js';
import {
  OFFER_STATUS_LABELS,
  ROUND_STATUS_LABELS,
  seasonLabel,
  seasonOfInstant,
  THEME_LABELS,
} from './lib/schemas.js';
import { startSession } from './lib/session.js';
import { currentSession } from './lib/session-store.js';

const TEXT = {
  title: ['山区四县科技服务轮次', 'Mountain-county science-service rounds'],
  motto: [
    '一季一镇，一镇五问：每季每县走访一个乡镇，每镇问五个问题。',
    'One town per county each season, five questions per town.',
  ],
  toNeeds: ['县联络员：填报与跟踪需求 →', 'County liaisons: submit and follow needs →'],
  toTeam: ['学会团队：邀请与走访报告 →', 'Society teams: offers and visit reports →'],
  toSignin: ['用邀请登录 →', 'Sign in with your invitation →'],
  toDashboard: ['协调人看板：计划、成效与导出 →', 'Coordinator dashboard: plan, results, exports →'],
  toCatalog: [
    '协调人：县、乡镇、学会与五问措辞 →',
    'Coordinators: counties, towns, societies and the questions →',
  ],
  showPlan: ['查看计划', 'Show plan'],
  county: ['县', 'County'],
  town: ['乡镇', 'Town'],
  questions: ['五问（需求数）', 'Five questions (needs)'],
  societies: ['学会与状态', 'Societies and status'],
  unassigned: ['未分配', 'Unassigned'],
};

async function show(event) {
  event?.preventDefault();
  $('status').textContent = t('loading');
  try {
    const [counties, societies, plan] = await Promise.all([
      api('GET', '/counties'),
      api('GET', '/societies').catch(() => ({ items: [] })),
      api('GET', `/seasons/${encodeURIComponent($('season').value)}/plan`),
    ]);
    const byId = new Map(counties.items.map((c) => [c.id, c]));
    const societyName = new Map(societies.items.map((s) => [s.id, s.name]));
    const rows = plan.visits.map((visit) => {
      const county = byId.get(visit.countyId);
      const town = county?.towns.find((x) => x.id === visit.townId);
      const offers = visit.assignments.map((a) =>
        el(
          'div',
          { class: `status-${a.status}` },
          `${say(societyName.get(a.societyId)) || t('unknownSociety')}（${a.needIds.length}）${say(OFFER_STATUS_LABELS[a.status])}`,
        ),
      );
      return el(
        'tr',
        {},
        el('td', {}, say(county?.name)),
        el('td', {}, say(town?.name)),
        el(
          'td',
          {},
          visit.questions.map((q) => `${say(THEME_LABELS[q.theme])} ${q.needIds.length}`).join(' · '),
        ),
        el('td', {}, offers),
        el('td', {}, String(visit.unassignedNeedIds.length)),
      );
    });
    $('plan').tBodies[0].replaceChildren(...rows);
    $('plan').hidden = false;
    $('status').textContent = `${say(seasonLabel(plan.season))} · ${say(ROUND_STATUS_LABELS[plan.status])}`;
  } catch (error) {
    $('plan').hidden = true;
    $('status').textContent = error.message;
  }
}

$('access').addEventListener('submit', show);
$('season').value = seasonOfInstant(new Date());
startLang(TEXT);
// Signed in: the bar and the plan; otherwise the form still opens /signin when used.
if (currentSession()) {
  $('signin-link').hidden = true;
  if (startSession()) show();
}
