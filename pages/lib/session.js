// The browser's session (stored by lib/session-store.js) renewed before it ends, and the bar on
// every page that says who is signed in, with 退出登录.
import { api, apiBase, goToSignIn, request, runtimeConfig } from './api-client.js';
import { managedLogin, signOutUrl } from './cognito.js';
import { el } from './dom.js';
import { pick, say, sayBilingual } from './i18n.js';
import { ROLE_HOME } from './landing.js';
import { currentSession, endSession, hadSession, refreshDevice, saveSession } from './session-store.js';

/**
 * Renew when less than this is left (tokens last 12 h locally, renewed with the device's credential
 * for 30 days from its last use; Cognito's access tokens 1 h, renewed with its refresh token).
 */
const RENEW_BEFORE_MS = 10 * 60 * 1000;
const RETRY_RENEW_MS = 60 * 1000;

export { landingFor, ROLE_HOME } from './landing.js';

export const ROLE_NAMES = {
  coordinator: ['市科协协调人', 'Coordinator'],
  liaison: ['县科协联络员', 'County liaison'],
  team: ['学会团队成员', 'Society team member'],
};
const TEXT = {
  signOut: ['退出登录', 'Sign out'],
  addDevice: ['添加设备', 'Add a device'],
  addDeviceTitle: ['在另一台设备上登录', 'Sign in on another device'],
  addDeviceHint: [
    '用另一台手机或电脑扫描这个二维码，或在它的登录页输入下面的代码。{minutes} 分钟内有效，只能用一次。',
    'Scan this QR code with the other phone or computer, or type the code below on its sign-in page. Valid for {minutes} minutes, once.',
  ],
  addDeviceUntil: ['有效至 {time}（北京时间）', 'Valid until {time} (Beijing time)'],
  addDeviceOffline: [
    '现在连不上服务器，有信号时再试。',
    'The server cannot be reached now: try again when there is a signal.',
  ],
  close: ['关闭', 'Close'],
  users: ['用户与邀请', 'Users and invitations'],
};

let renewTimer;
/**
 * A fresh session: POST /session/renew locally, Cognito's refresh token in AWS. A network failure
 * tries again in a minute; a refusal opens /signin.
 */
export async function renewSession() {
  clearTimeout(renewTimer);
  try {
    const session = currentSession();
    if (session?.deviceToken || session?.refreshToken) {
      // The device's credential, or Cognito's refresh token (lib/session-store.js): a refusal means
      // this device is signed out.
      if (!(await refreshDevice(await apiBase(), RENEW_BEFORE_MS))) return goToSignIn('refused');
    } else saveSession(await api('POST', '/session/renew'));
  } catch (error) {
    if (error?.status === 401) return;
    // Cognito refuses a revoked or disabled user's refresh token with 400 invalid_grant.
    if (error?.status === 400) return goToSignIn('refused');
    renewTimer = setTimeout(renewSession, RETRY_RENEW_MS);
    return;
  }
  // At least a minute between renewals, even if a token came back nearly spent.
  keepRenewed(RETRY_RENEW_MS);
}

/** Renews RENEW_BEFORE_MS before the end; checked again when a sleeping phone wakes the page. */
export function keepRenewed(soonestMs = 0) {
  clearTimeout(renewTimer);
  const session = currentSession();
  if (!session) return;
  const due = Math.max(soonestMs, Date.parse(session.expiresAt) - RENEW_BEFORE_MS - Date.now());
  if (due <= 0) renewSession();
  else renewTimer = setTimeout(renewSession, Math.min(due, 2 ** 31 - 1));
}

/**
 * The page's session, renewed, with its bar; or, without one, the browser goes to /signin (null).
 * A role not in `roles` is sent to its own page.
 */
export function startSession({ roles } = {}) {
  const session = currentSession();
  if (!session) {
    goToSignIn(hadSession() ? 'expired' : 'signin');
    return null;
  }
  if (roles && !roles.includes(session.user.role)) {
    location.replace(ROLE_HOME[session.user.role] ?? '/');
    return null;
  }
  keepRenewed();
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState !== 'visible') return;
    if (!currentSession()) goToSignIn('expired');
    else keepRenewed();
  });
  mountSessionBar(session);
  return session;
}

/** The county's or society's name, never its id (empty while unknown). */
async function placeName(user) {
  try {
    if (user.county) {
      const { items } = await api('GET', '/counties');
      return items.find((c) => c.id === user.county)?.name ?? null;
    }
    if (user.society) {
      const { items } = await api('GET', '/societies');
      return items.find((s) => s.id === user.society)?.name ?? null;
    }
  } catch {}
  return null;
}

function mountSessionBar(session) {
  const who = el('span', { class: 'who' });
  const links = el('span', { class: 'links' });
  const out = el('button', {
    type: 'button',
    id: 'sign-out-button',
    onclick: async () => {
      const login = session.refreshToken ? managedLogin(await runtimeConfig()) : null;
      const deviceToken = currentSession()?.deviceToken;
      // The device's session ends on the server too (best effort: offline it lapses in 30 days).
      if (deviceToken)
        await request('POST', '/session/sign-out', { body: { deviceToken }, auth: false }).catch(() => {});
      endSession();
      location.assign(login ? signOutUrl(login) : '/signin?reason=signed-out');
    },
  });
  const add = el('button', { type: 'button', id: 'add-device-button', onclick: () => showDeviceCode() });
  // Only local sessions add devices here; in AWS another device signs in through the managed login.
  add.hidden = !session.deviceToken;
  document.body.prepend(el('div', { class: 'session-bar', id: 'session-bar' }, who, links, add, out));
  let place = null;
  const render = () => {
    who.replaceChildren(
      el('strong', {}, sayBilingual(session.user.name)),
      [pick(ROLE_NAMES[session.user.role]), say(place)]
        .filter(Boolean)
        .map((s) => ` · ${s}`)
        .join(''),
    );
    const usersLink = session.user.role === 'coordinator' && !location.pathname.startsWith('/users');
    links.replaceChildren(...(usersLink ? [el('a', { href: '/users.html' }, pick(TEXT.users))] : []));
    out.textContent = pick(TEXT.signOut);
    add.textContent = pick(TEXT.addDevice);
  };
  render();
  placeName(session.user).then((name) => {
    place = name;
    render();
  });
  // Pages switch language by setting <html lang>: follow it.
  new MutationObserver(render).observe(document.documentElement, {
    attributes: true,
    attributeFilter: ['lang'],
  });
}

/**
 * 添加设备: a one-time code for another device (POST /session/device-code), shown as a QR code, the
 * code and until when, in a dialog over the page.
 */
async function showDeviceCode() {
  document.getElementById('device-code')?.remove();
  const body = el('div', { class: 'device-code-body' });
  const dialog = el(
    'dialog',
    { id: 'device-code', class: 'device-code', 'aria-labelledby': 'device-code-title' },
    el('h2', { id: 'device-code-title' }, pick(TEXT.addDeviceTitle)),
    body,
    el('button', { type: 'button', class: 'close', onclick: () => dialog.close() }, pick(TEXT.close)),
  );
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  let shown;
  try {
    shown = await api('POST', '/session/device-code');
  } catch (error) {
    body.replaceChildren(
      el('p', { role: 'alert' }, error?.status ? error.message : pick(TEXT.addDeviceOffline)),
    );
    return;
  }
  const { qrSvg } = await import('./qr-svg.js');
  const minutes = Math.round((Date.parse(shown.expiresAt) - Date.now()) / 60000);
  const time = new Date(shown.expiresAt).toLocaleTimeString('zh-CN', {
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'Asia/Shanghai',
  });
  body.replaceChildren(
    el('p', {}, pick(TEXT.addDeviceHint).replace('{minutes}', String(minutes))),
    el('div', { class: 'qr-box' }, qrSvg(shown.url)),
    el('p', { class: 'device-code-text', id: 'device-code-text' }, shown.code.replace(/(.{5})(?=.)/g, '$1 ')),
    el('p', { class: 'hint' }, pick(TEXT.addDeviceUntil).replace('{time}', time)),
  );
}
