import { BUILT_IN_COORDINATOR, type InvitedUser, type NewUser } from '#schemas/users';
import { localIdentity } from './identity.ts';
import { tokenKey } from './tokens.ts';

/** The pages each role lands on after signing in. */
export const ROLE_PAGES = {
  liaison: { path: '/needs.html', zh: '县联络员：填报需求', en: 'county liaisons: needs form' },
  team: { path: '/team.html', zh: '学会团队：邀请与走访报告', en: 'society teams: offers and visit reports' },
  coordinator: { path: '/dashboard.html', zh: '协调人看板', en: 'coordinator dashboard' },
} as const;

/** Where links point when no request says: PUBLIC_URL, else this machine's `npm start` (PORT, default 3000). */
export function defaultOrigin(): string {
  return process.env.PUBLIC_URL?.replace(/\/+$/, '') || `http://127.0.0.1:${process.env.PORT || '3000'}`;
}

/**
 * A fresh one-time invitation for `wanted` (created when missing, see inviteLocalUser) on the
 * database the functions' clients point at: for `npm start` and `rounds signin`.
 */
export async function localInvitation(
  dataDir: string,
  wanted: Omit<NewUser, 'name'> & { name?: string },
  origin: string,
): Promise<InvitedUser> {
  const [{ installIdentityPort }, { inviteLocalUser }, catalog] = await Promise.all([
    import('#identity/identity'),
    import('#services/manage-users'),
    import('#store/catalog'),
  ]);
  installIdentityPort(localIdentity(tokenKey(dataDir)));
  return inviteLocalUser({ ...wanted, name: wanted.name ?? (await defaultName(wanted, catalog)) }, origin);
}

/** `淳安联络员`, `浙江省农学会团队`, or the built-in coordinator. */
async function defaultName(
  user: Pick<NewUser, 'role' | 'county' | 'society'>,
  catalog: typeof import('#store/catalog'),
): Promise<string> {
  if (user.role === 'liaison' && user.county)
    return `${(await catalog.getCounty(user.county))?.name.zh ?? user.county}联络员`;
  if (user.role === 'team' && user.society)
    return `${(await catalog.getSociety(user.society))?.name.zh ?? user.society}团队`;
  return BUILT_IN_COORDINATOR.name;
}
