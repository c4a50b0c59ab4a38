// The coordinator's first look at a season's plan: reads the same API the CLI and AWS serve.
import { api } from './lib/api-client.js';
import { seasonOfInstant } from './lib/schemas.js';
import { currentSession, startSession } from './lib/session.js';

const THEMES = {
  talent: ['人才引智', 'Talent'],
  industry: ['科技兴业', 'Industry'],
  literacy: ['科普素养', 'Literacy'],
  advice: ['建言献策', 'Advice'],
  grassroots: ['强基固本', 'Grassroots'],
};
const STATUS = {
  offered: ['待答复', 'offered'],
  accepted: ['已接受', 'accepted'],
  declined: ['已婉拒', 'declined'],
  expired: ['逾期', 'expired'],
  reassigned: ['已改派', 'reassigned'],
};
let lang = localStorage.getItem('lang') ?? 'zh';
const $ = (id) => document.getElementById(id);
const pick = (pair) => (lang === 'zh' ? pair[0] : pair[1]);

function applyLang() {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  for (const el of document.querySelectorAll('[data-zh]')) el.textContent = el.dataset[lang];
  $('lang').textContent = lang === 'zh' ? 'English' : '中文';
}

async function show(event) {
  event?.preventDefault();
  $('status').textContent = lang === 'zh' ? '加载中…' : 'Loading…';
  try {
    const [counties, plan] = await Promise.all([
      api('GET', '/counties'),
      api('GET', `/seasons/${encodeURIComponent($('season').value)}/plan`),
    ]);
    const byId = new Map(counties.items.map((c) => [c.id, c]));
    const rows = plan.visits.map((visit) => {
      const county = byId.get(visit.countyId);
      const town = county?.towns.find((t) => t.id === visit.townId);
      const tr = document.createElement('tr');
      const cells = [
        county?.name[lang] ?? visit.countyId,
        town?.name[lang] ?? visit.townId,
        visit.questions.map((q) => `${pick(THEMES[q.theme])} ${q.needIds.length}`).join(' · '),
        null,
        String(visit.unassignedNeedIds.length),
      ];
      for (const text of cells) {
        const td = document.createElement('td');
        if (text === null) {
          for (const a of visit.assignments) {
            const div = document.createElement('div');
            div.textContent = `${a.societyId} (${a.needIds.length}) ${pick(STATUS[a.status])}`;
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
    $('status').textContent = `${plan.season} · ${plan.status}`;
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
