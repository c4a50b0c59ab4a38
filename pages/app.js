// The coordinator's first look at a season's plan: reads the same API the CLI and AWS serve.
import { api } from './lib/api-client.js';
import {
  OFFER_STATUS_LABELS,
  ROUND_STATUS_LABELS,
  seasonLabel,
  seasonOfInstant,
  THEME_LABELS,
} from './lib/schemas.js';
import { currentSession, startSession } from './lib/session.js';

let lang = localStorage.getItem('lang') ?? 'zh';
const $ = (id) => document.getElementById(id);
/** A bilingual label or name in the page's language; unknown shows nothing, never an id. */
const say = (label) => label?.[lang] ?? label?.zh ?? '';

function applyLang() {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  for (const el of document.querySelectorAll('[data-zh]')) el.textContent = el.dataset[lang];
  $('lang').textContent = lang === 'zh' ? 'English' : '中文';
}

async function show(event) {
  event?.preventDefault();
  $('status').textContent = lang === 'zh' ? '加载中…' : 'Loading…';
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
      const town = county?.towns.find((t) => t.id === visit.townId);
      const tr = document.createElement('tr');
      const cells = [
        say(county?.name),
        say(town?.name),
        visit.questions.map((q) => `${say(THEME_LABELS[q.theme])} ${q.needIds.length}`).join(' · '),
        null,
        String(visit.unassignedNeedIds.length),
      ];
      for (const text of cells) {
        const td = document.createElement('td');
        if (text === null) {
          for (const a of visit.assignments) {
            const div = document.createElement('div');
            const name = say(societyName.get(a.societyId)) || (lang === 'zh' ? '（学会）' : '(society)');
            div.textContent = `${name}（${a.needIds.length}）${say(OFFER_STATUS_LABELS[a.status])}`;
            div.className = `status-${a.status}`;
            td.append(div);
          }
        } else td.textContent = text;
        tr.append(td);
      }
      return tr;
    });
    $('plan').tBodies[0].replaceChildren(...rows);
    $('plan').hidden = false;
    $('status').textContent = `${say(seasonLabel(plan.season))} · ${say(ROUND_STATUS_LABELS[plan.status])}`;
  } catch (error) {
    $('plan').hidden = true;
    $('status').textContent = error.message;
  }
}

$('lang').addEventListener('click', () => {
  lang = lang === 'zh' ? 'en' : 'zh';
  localStorage.setItem('lang', lang);
  applyLang();
});
$('access').addEventListener('submit', show);
$('season').value = seasonOfInstant(new Date());
applyLang();
// Signed in: the bar and the plan; otherwise the form still opens /signin when used.
if (currentSession()) {
  $('signin-link').hidden = true;
  if (startSession()) show();
}
