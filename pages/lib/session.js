// The browser's session (stored by lib/session-store.js) renewed before it ends, and the bar on
// every page that says who is signed in, with 退出登录.
import { api, goToSignIn, runtimeConfig } from './api-client.js';
import { managedLogin, refreshManagedLogin, signOutUrl } from './cognito.js';
import { el } from './dom.js';
import { pick, say, sayBilingual } from './i18n.js';
import { ROLE_HOME } from './landing.js';
import { currentSession, endSession, hadSession, saveSession } from './session-store.js';

/** Renew when less than this is left (sessions last 12 h locally, Cognito's access tokens 1 h). */
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
    const login = session?.refreshToken ? managedLogin(await runtimeConfig()) : null;
    saveSession(login ? await refreshManagedLogin(login, session) : await api('POST', '/session/renew'));
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
      endSession();
      location.assign(login ? signOutUrl(login) : '/signin?reason=signed-out');
    },
  });
  document.body.prepend(el('div', { class: 'session-bar', id: 'session-bar' }, who, links, out));
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
