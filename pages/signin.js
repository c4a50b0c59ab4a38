// /signin: an invitation link (`/signin#code=…`) signs in at once; a code can be typed instead.
// Then the browser lands on the role's page (or the page it was sent here from).
import { ApiError, request, runtimeConfig } from './lib/api-client.js';
import { finishManagedLogin, managedLogin, startManagedLogin } from './lib/cognito.js';
import { $ } from './lib/dom.js';
import { lang, pick, sayBilingual, startLang, t } from './lib/i18n.js';
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
    '大小写均可，空格和短横线会被忽略。没有邀请，或邀请已用过、已过期？请联系市科协协调人，索取新的邀请。',
    "Upper or lower case; spaces and dashes are ignored. No invitation, or it was used or has expired? Ask the city association's coordinator for a new one.",
  ],
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
  $('signed-in').hidden = !session;
  if (session) {
    const who = `${sayBilingual(session.user.name)} · ${pick(ROLE_NAMES[session.user.role])}`;
    $('signed-in-text').textContent = t('signedInAs', { who });
    $('continue').href = landingFor(session.user, back);
  }
  $('message').textContent = shown ? shown() : '';
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
$('sign-out').addEventListener('click', () => {
  endSession();
  render();
});

startLang(TEXT, render);
// In AWS: Cognito's managed login (no codes typed here).
const login = managedLogin(await runtimeConfig());
if (login) await managed(login);
// The link's code, from the fragment (never sent to a server): taken out of the address bar and history.
const fromLink = new URLSearchParams(location.hash.slice(1)).get('code');
if (login) {
  // handled by managed()
} else if (fromLink) {
  history.replaceState(null, '', `${location.pathname}${location.search}`);
  $('code').value = fromLink;
  signIn(fromLink);
} else $('code').focus();
