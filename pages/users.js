// The coordinator's users page: invite liaisons (for a county), team members (for a society) and
// coordinators; revoke and re-invite; each invitation shown with a QR code of its link drawn here
// (lib/qrcode.js, no outside service), and a printable sheet of one county's liaisons' invitations.
import { api } from './lib/api-client.js';
import { $, el, option, setStatus, showFieldErrors } from './lib/dom.js';
import { both, pick, say, sayBilingual, splitBilingual, startLang, t } from './lib/i18n.js';
import { qrSvg } from './lib/qr-svg.js';
import { shanghaiDateTime } from './lib/schemas.js';
import { ROLE_NAMES, startSession } from './lib/session.js';
import { currentSession } from './lib/session-store.js';

const TEXT = {
  pageTitle: ['用户与邀请 · 山区四县科技服务', 'Users and invitations · Mountain-county rounds'],
  navDashboardBack: ['← 协调人看板', '← Dashboard'],
  title: ['用户与邀请', 'Users and invitations'],
  createTitle: ['邀请新用户', 'Invite a new user'],
  roleLabel: ['角色', 'Role'],
  roleLiaison: ['县科协联络员', 'County liaison'],
  roleTeam: ['学会团队成员', 'Society team member'],
  roleCoordinator: ['市科协协调人', 'Coordinator'],
  countyLabel: ['所属县', 'County'],
  societyLabel: ['所属学会', 'Society'],
  nameLabel: ['姓名', 'Name'],
  phoneLabel: ['手机（可选）', 'Mobile (optional)'],
  emailLabel: ['电子邮箱（可选）', 'E-mail (optional)'],
  create: ['创建并生成邀请', 'Create and invite'],
  newInvitations: ['新邀请', 'New invitations'],
  onceHint: [
    '每份邀请只能使用一次，请当面交给本人或发给本人；重新邀请会让旧邀请作废。',
    'Each invitation works once: hand it or send it to that person only. A new invitation voids the old one.',
  ],
  printTitle: ['打印邀请单', 'Print an invitation sheet'],
  printHint: [
    '为一个县的全部联络员生成新邀请并打印（每人一张卡片，旧邀请作废），开会时当面分发。',
    'New invitations for every liaison of one county, printed one card per person (old invitations stop working), to hand out at a meeting.',
  ],
  printCounty: ['县', 'County'],
  print: ['生成并打印', 'Invite and print'],
  allUsers: ['全部用户', 'All users'],
  place: ['县或学会', 'County or society'],
  statusLabel: ['状态', 'Status'],
  actions: ['操作', 'Actions'],
  active: ['在用', 'active'],
  revoked: ['已撤销', 'revoked'],
  revoke: ['撤销', 'Revoke'],
  reinvite: ['重新邀请', 'New invitation'],
  confirmRevoke: [
    '确定撤销「{name}」吗？其登录将立即失效，且不能再邀请。',
    'Revoke “{name}”? Their sign-in stops at once and they cannot be invited again.',
  ],
  confirmReinvite: [
    '为「{name}」生成新邀请？旧邀请将作废。',
    'A new invitation for “{name}”? The old one stops working.',
  ],
  confirmSheet: [
    '将为{county}的 {n} 位联络员生成新邀请，旧邀请作废。继续吗？',
    'New invitations for the {n} liaisons of {county}; their old invitations stop working. Continue?',
  ],
  noLiaisons: [
    '{county}还没有在用的联络员，请先在上面邀请。',
    '{county} has no active liaison yet: invite one above.',
  ],
  created: ['已创建「{name}」，邀请如下。', 'Created “{name}”; the invitation is below.'],
  reinvited: ['已为「{name}」生成新邀请。', 'A new invitation for “{name}”.'],
  revokedDone: ['已撤销「{name}」。', '“{name}” is revoked.'],
  nameRequired: ['请填写姓名', 'The name is required'],
  empty: ['还没有用户', 'No users yet'],
  code: ['邀请码', 'Code'],
  expires: ['有效期至 {at}（北京时间）', 'Valid until {at} (Beijing time)'],
  sentBy: ['账号和临时密码已通过{by}发送', 'Account and temporary password sent by {by}'],
  email: ['邮件', 'e-mail'],
  sms: ['短信', 'SMS'],
  copy: ['复制链接', 'Copy link'],
  copied: ['已复制', 'Copied'],
  sheetTitle: ['山区四县科技服务 · 登录邀请', 'Mountain-county rounds · Sign-in invitation'],
  sheetHowTo: [
    '用手机相机扫描二维码即可登录；或打开 {signin} 输入邀请码。仅限本人使用一次。',
    'Scan the QR code with your phone’s camera to sign in, or open {signin} and type the code. For you only, once.',
  ],
  sheetFor: ['{county} · 县科协联络员邀请单', '{county} · invitations for county liaisons'],
  printAgain: ['打印', 'Print'],
  closeSheet: ['关闭邀请单', 'Close the sheet'],
  listLoading: ['正在载入…', 'Loading…'],
  countiesFailed: ['县列表未能载入：{why}', 'The counties could not be loaded: {why}'],
  societiesFailed: ['学会列表未能载入：{why}', 'The societies could not be loaded: {why}'],
  retry: ['重试', 'Try again'],
  countyMissing: ['请选择所属县（县列表载入后）', 'Choose the county (once the list has loaded)'],
  societyMissing: ['请选择所属学会（学会列表载入后）', 'Choose the society (once the list has loaded)'],
};

/** A person's name; the built-in coordinator's reads `协调人 / coordinator`. */
const personName = (user) => sayBilingual(user.name);
const beijing = (iso) => shanghaiDateTime(new Date(iso));
const SHOWN_KEY = 'users.invitations.v1';

let counties = [];
let societies = [];
/**
 * The lists the form chooses from, by name: `loading`, `ready` or `failed` (with why). A county or
 * society is always chosen from its list, never typed; the choice waits for the list.
 */
const lists = {
  county: { state: 'loading', why: '' },
  society: { state: 'loading', why: '' },
};
let users = [];
/** The invitations issued on this page (this tab only): { user, invitation }. */
let shown = [];
try {
  shown = JSON.parse(sessionStorage.getItem(SHOWN_KEY) ?? '[]');
} catch {}

const grouped = (code) => code.replace(/(.{5})(?=.)/g, '$1 ');

function placeOf(user) {
  if (user.county) return say(counties.find((c) => c.id === user.county)?.name) || user.county;
  if (user.society) return say(societies.find((s) => s.id === user.society)?.name) || user.society;
  return '';
}

const roleName = (role) => pick(ROLE_NAMES[role]) || role;

function invitationCard({ user, invitation }) {
  const copy = el('button', { type: 'button', class: 'link' }, t('copy'));
  copy.addEventListener('click', async () => {
    await navigator.clipboard?.writeText(invitation.url).catch(() => {});
    copy.textContent = t('copied');
  });
  return el(
    'article',
    { class: 'invitation', 'data-user': user.id },
    el('div', { class: 'qr-box' }, qrSvg(invitation.url)),
    el(
      'div',
      { class: 'details' },
      el('h3', {}, personName(user)),
      el('p', {}, [roleName(user.role), placeOf(user)].filter(Boolean).join(' · ')),
      invitation.code
        ? el(
            'p',
            { class: 'code' },
            `${t('code')} `,
            el('strong', { 'data-code': invitation.code }, grouped(invitation.code)),
          )
        : el('p', {}, t('sentBy', { by: (invitation.sentBy ?? ['email']).map((m) => t(m)).join('/') })),
      el('p', { class: 'expires' }, t('expires', { at: beijing(invitation.expiresAt) })),
      el(
        'p',
        { class: 'url' },
        el('a', { href: invitation.url, class: 'invitation-url' }, invitation.url),
        ' ',
        copy,
      ),
    ),
  );
}

function renderInvitations() {
  $('new-invitations').hidden = shown.length === 0;
  $('invitations').replaceChildren(...shown.map(invitationCard));
}

function remember(invited) {
  shown = [invited, ...shown.filter((s) => s.user.id !== invited.user.id)].slice(0, 50);
  sessionStorage.setItem(SHOWN_KEY, JSON.stringify(shown));
  renderInvitations();
}

/** A `<select>` filled from its list, or disabled saying 正在载入… (or that it failed, with 重试). */
function fillChoice(select, list, options, failedKey, retry) {
  const value = select.value;
  select.disabled = list.state !== 'ready';
  if (list.state === 'ready') {
    select.replaceChildren(...options());
    if (value) select.value = value;
  } else select.replaceChildren(option('', list.state === 'loading' ? t('listLoading') : '—'));
  const line = select.parentElement.querySelector('.list-failed');
  if (!line) return;
  line.hidden = list.state !== 'failed';
  line.replaceChildren(
    ...(list.state === 'failed'
      ? [
          el('span', {}, t(failedKey, { why: list.why })),
          ' ',
          el('button', { type: 'button', class: 'link retry', onclick: retry }, t('retry')),
        ]
      : []),
  );
}

function renderForm() {
  const countyOptions = () => counties.map((c) => option(c.id, say(c.name)));
  fillChoice($('county'), lists.county, countyOptions, 'countiesFailed', loadCounties);
  fillChoice($('print-county'), lists.county, countyOptions, 'countiesFailed', loadCounties);
  fillChoice(
    $('society'),
    lists.society,
    () => societies.map((s) => option(s.id, say(s.name))),
    'societiesFailed',
    loadSocieties,
  );
  const role = $('role').value;
  $('county-row').hidden = role !== 'liaison';
  $('society-row').hidden = role !== 'team';
}

/** Loads one list the form chooses from; the form shows it loading, then its names or 重试. */
async function loadList(list, path, keep) {
  list.state = 'loading';
  renderForm();
  try {
    keep((await api('GET', path)).items);
    list.state = 'ready';
  } catch (error) {
    list.state = 'failed';
    list.why = sayBilingual(error.message);
  }
  renderForm();
  renderUsers();
}

const loadCounties = () =>
  loadList(lists.county, '/counties', (items) => {
    counties = items;
  });
const loadSocieties = () =>
  loadList(lists.society, '/societies', (items) => {
    societies = items;
  });

function renderUsers() {
  const rows = users.map((user) =>
    el(
      'tr',
      { 'data-user': user.id, 'data-status': user.status },
      el('td', {}, personName(user)),
      el('td', {}, roleName(user.role)),
      el('td', {}, placeOf(user)),
      el('td', { class: `status-${user.status}` }, t(user.status)),
      el(
        'td',
        { class: 'actions' },
        user.status === 'active'
          ? [
              el('button', { type: 'button', onclick: () => reinvite(user) }, t('reinvite')),
              // Nobody revokes their own account from here (it would end this session).
              user.id === currentSession()?.user.id
                ? null
                : el('button', { type: 'button', class: 'danger', onclick: () => revoke(user) }, t('revoke')),
            ]
          : null,
      ),
    ),
  );
  $('users').tBodies[0].replaceChildren(
    ...(rows.length ? rows : [el('tr', {}, el('td', { colspan: '5', class: 'muted' }, t('empty')))]),
  );
}

async function loadUsers() {
  users = (await api('GET', '/users')).items;
  renderUsers();
}

async function load() {
  setStatus(t('loading'));
  try {
    await Promise.all([loadCounties(), loadSocieties(), loadUsers()]);
    renderInvitations();
    setStatus('');
  } catch (error) {
    setStatus(error.message, true);
  }
}

async function create(event) {
  event.preventDefault();
  const role = $('role').value;
  const body = { name: $('name').value.trim(), role };
  if (role === 'liaison') body.county = $('county').value;
  if (role === 'team') body.society = $('society').value;
  for (const key of ['phone', 'email']) if ($(key).value.trim()) body[key] = $(key).value.trim();
  const missing = [
    ...(body.name ? [] : [{ path: 'name', ...both('nameRequired') }]),
    ...(role === 'liaison' && !body.county ? [{ path: 'county', ...both('countyMissing') }] : []),
    ...(role === 'team' && !body.society ? [{ path: 'society', ...both('societyMissing') }] : []),
  ];
  if (missing.length) return showFieldErrors($('user-form'), missing);
  showFieldErrors($('user-form'), []);
  $('create-button').disabled = true;
  try {
    const invited = await api('POST', '/users', { body });
    remember(invited);
    setStatus(t('created', { name: invited.user.name }));
    $('name').value = '';
    $('phone').value = '';
    $('email').value = '';
    await loadUsers();
    document
      .querySelector(`#invitations [data-user="${CSS.escape(invited.user.id)}"]`)
      ?.scrollIntoView({ block: 'nearest' });
  } catch (error) {
    showFieldErrors(
      $('user-form'),
      error.fields?.length
        ? [...error.fields, { path: '(form)', ...both('fix') }]
        : [{ path: '(form)', zh: error.zh ?? error.message, en: error.en ?? error.message }],
    );
  } finally {
    $('create-button').disabled = false;
  }
}

async function reinvite(user) {
  if (!confirm(t('confirmReinvite', { name: user.name }))) return;
  try {
    const invited = await api('POST', `/users/${encodeURIComponent(user.id)}/invitation`);
    remember(invited);
    setStatus(t('reinvited', { name: user.name }));
  } catch (error) {
    setStatus(error.message, true);
  }
}

async function revoke(user) {
  if (!confirm(t('confirmRevoke', { name: user.name }))) return;
  try {
    await api('POST', `/users/${encodeURIComponent(user.id)}/revoke`);
    shown = shown.filter((s) => s.user.id !== user.id);
    sessionStorage.setItem(SHOWN_KEY, JSON.stringify(shown));
    renderInvitations();
    setStatus(t('revokedDone', { name: user.name }));
    await loadUsers();
  } catch (error) {
    setStatus(error.message, true);
  }
}

// ---- the printable sheet: one card per liaison, several per A4 page --------------------------------

function sheetCard({ user, invitation }) {
  return el(
    'article',
    { class: 'sheet-card', 'data-user': user.id },
    el('p', { class: 'sheet-card-title' }, TEXT.sheetTitle[0], el('small', {}, TEXT.sheetTitle[1])),
    el('div', { class: 'qr-box' }, qrSvg(invitation.url)),
    el(
      'div',
      { class: 'details' },
      el('p', { class: 'person' }, splitBilingual(user.name)[0]),
      el('p', {}, placeOf(user), ' · ', ROLE_NAMES[user.role][0]),
      // In AWS there is no code: Cognito has sent the account and a temporary password.
      invitation.code
        ? el(
            'p',
            { class: 'code' },
            TEXT.code[0],
            ' ',
            el('strong', { 'data-code': invitation.code }, grouped(invitation.code)),
          )
        : el(
            'p',
            {},
            TEXT.sentBy[0].replace('{by}', (invitation.sentBy ?? ['email']).map((m) => TEXT[m][0]).join('/')),
          ),
      el('p', { class: 'expires' }, TEXT.expires[0].replace('{at}', beijing(invitation.expiresAt))),
    ),
    el(
      'p',
      { class: 'howto' },
      TEXT.sheetHowTo[0].replace('{signin}', signinAddress(invitation.url)),
      el('br'),
      el('small', {}, TEXT.sheetHowTo[1].replace('{signin}', signinAddress(invitation.url))),
    ),
  );
}

const signinAddress = (url) => url.replace(/#.*$/, '').replace(/^https?:\/\//, '');

async function printSheet(event) {
  event.preventDefault();
  const countyId = $('print-county').value;
  const county = say(counties.find((c) => c.id === countyId)?.name) || countyId;
  const liaisons = users.filter(
    (u) => u.role === 'liaison' && u.county === countyId && u.status === 'active',
  );
  if (!liaisons.length) return setStatus(t('noLiaisons', { county }), true);
  if (!confirm(t('confirmSheet', { county, n: liaisons.length }))) return;
  $('print-button').disabled = true;
  const invited = [];
  try {
    for (const user of liaisons) {
      const one = await api('POST', `/users/${encodeURIComponent(user.id)}/invitation`);
      invited.push(one);
      remember(one);
    }
  } catch (error) {
    setStatus(error.message, true);
  } finally {
    $('print-button').disabled = false;
  }
  if (!invited.length) return;
  const countyName = counties.find((c) => c.id === countyId)?.name?.zh ?? county;
  $('sheet').replaceChildren(
    el(
      'div',
      { class: 'sheet-head' },
      el('h2', {}, TEXT.sheetFor[0].replace('{county}', countyName)),
      el('button', { type: 'button', onclick: () => window.print() }, t('printAgain')),
      el('button', { type: 'button', onclick: closeSheet }, t('closeSheet')),
    ),
    el('div', { class: 'sheet-cards' }, invited.map(sheetCard)),
  );
  $('sheet').hidden = false;
  document.body.classList.add('with-sheet');
  $('sheet').scrollIntoView();
  window.print();
}

function closeSheet() {
  $('sheet').hidden = true;
  $('sheet').replaceChildren();
  document.body.classList.remove('with-sheet');
}

$('role').addEventListener('change', renderForm);
$('user-form').addEventListener('submit', create);
$('print-form').addEventListener('submit', printSheet);

startLang(TEXT, () => {
  renderForm();
  renderUsers();
  renderInvitations();
});
if (startSession({ roles: ['coordinator'] })) load();
