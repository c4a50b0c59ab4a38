// /signin: an invitation link (`/signin#code=…`, taken out of the address bar by signin-code.js
// before anything else loads) signs in at once — after asking, when someone else is signed in here;
// a code can be typed instead; a signed-out person can ask for a fresh link sent to their own phone or
// e-mail. Then the browser lands on the role's page (or the page it was sent here from).
import { ApiError, request, runtimeConfig } from './lib/api-client.js';
import { finishManagedLogin, managedLogin, startManagedLogin } from './lib/cognito.js';
import { $ } from './lib/dom.js';
import { lang, pick, sayBilingual, splitBilingual, startLang, t } from './lib/i18n.js';
import { landingFor, ROLE_NAMES } from './lib/session.js';
import { currentSession, endSession, saveSession } from './lib/session-store.js';

const TEXT = {
  pageTitle: ['登录 · 山区四县科技服务', 'Sign in · Mountain-county rounds'],
  title: ['山区四县科技服务 · 登录', 'Mountain-county rounds · Sign in'],
  continue: ['继续', 'Continue'],
  signOut: ['退出登录', 'Sign out'],
  signIn: ['登录', 'Sign in'],
  managedHint: [
    '请使用市科协通过邮件或短信发给你的账号和临时密码登录；第一次登录时请设置新密码。',
    'Sign in with the account and temporary password the city association sent you by e-mail or SMS; set a new password the first time.',
  ],
  managedGo: ['前往登录', 'Go to sign-in'],
  withInvitation: ['用邀请登录', 'Sign in with your invitation'],
  linkHint: [
    '打开协调人发给你的邀请链接，或用手机扫描邀请上的二维码，即可直接登录。也可以在下面输入邀请码。',
    'Open the invitation link the coordinator sent you, or scan the QR code on your invitation with your phone. Or type the invitation code below.',
  ],
  codeLabel: ['邀请码（10 位字母和数字）', 'Invitation code (10 letters and digits)'],
  codeHint: [
    '大小写均可，空格和短横线会被忽略。已在另一台设备上登录？在那台设备上点“添加设备”，用它显示的二维码或代码登录本设备。',
    'Upper or lower case; spaces and dashes are ignored. Signed in on another device? Choose “Add a device” there and use the QR code or code it shows to sign in here.',
  ],
  switchAsk: [
    '你已作为 {who} 登录。这个链接会登录另一个账号（或本账号的另一份邀请）。要换成它吗？',
    'You are signed in as {who}. This link signs in another account (or another invitation of yours). Switch to it?',
  ],
  switchYes: ['换成这个链接的账号', 'Switch to this link'],
  switchNo: ['保持当前登录', 'Stay signed in as now'],
  askTitle: ['没有邀请，或邀请已用过？', 'No invitation, or it was used?'],
  askHint: [
    '输入你在市科协登记的手机号或邮箱，新的登录链接会发到那里（30 分钟内有效，只能用一次）。',
    'Type the mobile number or e-mail address the city association has for you: a new sign-in link is sent there (valid for 30 minutes, once).',
  ],
  contactLabel: ['手机号或邮箱', 'Mobile number or e-mail'],
  askButton: ['发送登录链接', 'Send me a sign-in link'],
  contactEmpty: ['请输入手机号或邮箱。', 'Type your mobile number or e-mail address.'],
  askTooMany: ['请求过于频繁，请一分钟后再试。', 'Too many requests: try again in a minute.'],
  signingIn: ['正在登录…', 'Signing in…'],
  badFormat: [
    '邀请码应为 10 位字母和数字（不含 0、O、1、I），请核对后重新输入。',
    'An invitation code is 10 letters and digits (no 0, O, 1 or I): check it and type it again.',
  ],
  empty: ['请输入邀请码。', 'Type the invitation code.'],
  tooMany: [
    '尝试次数过多，请 {s} 秒后再试。如果邀请码一直无效，请向协调人索取新的邀请。',
    'Too many tries: try again in {s} seconds. If the code keeps failing, ask the coordinator for a new invitation.',
  ],
  offline: [
    '无法连接服务器：请检查网络后重试。',
    'Cannot reach the server: check the connection and try again.',
  ],
  failed: ['登录失败（{status}），请稍后重试。', 'Sign-in failed ({status}); try again later.'],
  nextStep: [
    '下一步：请联系市科协协调人，索取新的邀请（链接、二维码或邀请码）。',
    'Next: ask the city association’s coordinator for a new invitation (link, QR code or code).',
  ],
  signedInAs: ['已登录：{who}', 'Signed in: {who}'],
  managedFailed: [
    '登录没有完成，请再试一次；如仍不行，请联系市科协协调人。',
    'Sign-in did not complete: try again, or ask the city association’s coordinator.',
  ],
  reason_refused: [
    '登录已失效或账号已被撤销，请重新登录。',
    'Your sign-in has ended or the account was revoked: sign in again.',
  ],
  reason_expired: ['登录已过期，请重新登录。', 'Your sign-in has expired: sign in again.'],
  reason_signin: ['请先登录。', 'Please sign in first.'],
  reason_ended: ['请重新登录。', 'Please sign in again.'],
  'reason_signed-out': ['已退出登录。', 'You are signed out.'],
  draftKept: [
    '你填写的内容已保存在本机，重新登录后可以继续。',
    'What you typed is kept on this device; sign in again to carry on.',
  ],
};
const CODE = /^[2-9A-HJ-NP-Z]{10}$/;

const params = new URLSearchParams(location.search);
const back = params.get('return') ?? '';
const reason = params.get('reason') ?? '';
/** What the message says, kept so a language switch can say it again. */
let shown = null;
/** A link's code waiting for the person to say whether to switch accounts. */
let pending = null;
let busy = false;

/** As the server reads a code: spaces and dashes dropped, upper case. */
function normalizeCode(raw) {
  return raw.replace(/[\s-]/g, '').toUpperCase();
}

function render() {
  const notes = [TEXT[`reason_${reason}`] ? t(`reason_${reason}`) : '', back ? t('draftKept') : ''];
  $('notice').textContent = notes.filter(Boolean).join(' ');
  $('notice').hidden = !$('notice').textContent;
  const session = currentSession();
  $('signed-in').hidden = !session || Boolean(pending);
  if (session) {
    const who = `${sayBilingual(session.user.name)} · ${pick(ROLE_NAMES[session.user.role])}`;
    $('signed-in-text').textContent = t('signedInAs', { who });
    $('continue').href = landingFor(session.user, back);
  }
  $('message').textContent = shown ? shown() : '';
  $('link-message').textContent = linkShown ? linkShown() : '';
  if (pending && session) {
    const who = `${sayBilingual(session.user.name)} · ${pick(ROLE_NAMES[session.user.role])}`;
    $('switch-text').textContent = t('switchAsk', { who });
  }
}

function show(message) {
  shown = message;
  $('message').textContent = message ? message() : '';
  $('code').setAttribute('aria-invalid', message ? 'true' : 'false');
}

function refusal(error, retryAfter) {
  if (error.status === 429) return () => t('tooMany', { s: retryAfter || 60 });
  if (error.status === 400) return () => t('badFormat');
  const own = () => (lang === 'en' ? error.en : error.zh);
  // 401: the server says which (used, expired, replaced, revoked, unknown) and what to do next.
  if (error.status === 401) return () => `${own()}\n${t('nextStep')}`;
  return () => t('failed', { status: error.status });
}

async function signIn(raw) {
  if (busy) return;
  const code = normalizeCode(raw);
  if (!code) return show(() => t('empty'));
  if (!CODE.test(code)) return show(() => t('badFormat'));
  busy = true;
  $('submit').disabled = true;
  show(() => t('signingIn'));
  let res;
  try {
    res = await request('POST', '/session', { body: { invitation: code }, auth: false });
  } catch {
    busy = false;
    $('submit').disabled = false;
    return show(() => t('offline'));
  }
  const json = await res.json().catch(() => ({}));
  if (res.ok && json.token) {
    saveSession(json);
    location.replace(landingFor(json.user, back));
    return;
  }
  const retryAfter = Number(res.headers.get('retry-after')) || 0;
  show(refusal(new ApiError(res.status, json.error), retryAfter));
  busy = false;
  if (res.status === 429) setTimeout(() => ($('submit').disabled = false), (retryAfter || 60) * 1000);
  else $('submit').disabled = false;
}

async function managed(login) {
  $('sign-in').hidden = true;
  $('managed').hidden = false;
  let failed = params.has('error');
  $('managed-button').addEventListener('click', () => startManagedLogin(login, { back, lang }));
  if (params.has('code') && params.has('state')) {
    try {
      const done = await finishManagedLogin(login, params);
      saveSession(done.session);
      location.replace(landingFor(done.session.user, done.back));
      return;
    } catch {
      failed = true;
    }
  }
  history.replaceState(null, '', location.pathname);
  $('managed-message').textContent = failed ? t('managedFailed') : '';
}

$('code-form').addEventListener('submit', (event) => {
  event.preventDefault();
  signIn($('code').value);
});
/** Ends this device's session on the server too (best effort), then here. */
async function signOutHere() {
  const deviceToken = currentSession()?.deviceToken;
  if (deviceToken)
    await request('POST', '/session/sign-out', { body: { deviceToken }, auth: false }).catch(() => {});
  endSession();
}

$('sign-out').addEventListener('click', async () => {
  await signOutHere();
  render();
});

/** What the link answered, kept so a language switch can say it again. */
let linkShown = null;
function showLink(message) {
  linkShown = message;
  $('link-message').textContent = message ? message() : '';
}
$('link-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const contact = $('contact').value.trim();
  if (!contact) return showLink(() => t('contactEmpty'));
  $('link-submit').disabled = true;
  try {
    const res = await request('POST', '/session/link', { body: { contact }, auth: false });
    const json = await res.json().catch(() => ({}));
    if (res.status === 429) showLink(() => t('askTooMany'));
    else {
      const error = res.ok ? null : new ApiError(res.status, json.error);
      const [zh, en] = splitBilingual(json.message ?? '');
      showLink(error ? () => (lang === 'en' ? error.en : error.zh) : () => (lang === 'en' ? en : zh));
    }
  } catch {
    showLink(() => t('offline'));
  } finally {
    $('link-submit').disabled = false;
  }
});

startLang(TEXT, render);
// In AWS: Cognito's managed login (no codes typed here).
const login = managedLogin(await runtimeConfig());
if (login) await managed(login);
// The link's code: signin-code.js took it out of the address bar and history before anything loaded.
function linkCode() {
  let code = null;
  try {
    code = sessionStorage.getItem('signin.code');
    sessionStorage.removeItem('signin.code');
  } catch {}
  return code ?? new URLSearchParams(location.hash.slice(1)).get('code');
}
const fromLink = login ? null : linkCode();
if (location.hash) history.replaceState(null, '', `${location.pathname}${location.search}`);
if (login) {
  // handled by managed()
} else if (fromLink && currentSession()) {
  // Someone is signed in here: ask before this browser becomes another account.
  pending = fromLink;
  $('switch').hidden = false;
  $('signed-in').hidden = true;
  $('sign-in').hidden = true;
  $('ask-link').hidden = true;
  render();
  $('switch-yes').addEventListener('click', async () => {
    $('switch').hidden = true;
    $('sign-in').hidden = false;
    await signOutHere();
    render();
    $('code').value = pending;
    signIn(pending);
    pending = null;
  });
  $('switch-no').addEventListener('click', () => {
    pending = null;
    location.replace(landingFor(currentSession().user, back));
  });
} else if (fromLink) {
  $('code').value = fromLink;
  signIn(fromLink);
} else $('code').focus();
