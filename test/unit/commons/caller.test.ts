import { describe, expect, it } from 'vitest';
import { actorOf, callerOf } from '#commons/http';

// Who calls, from the claims API Gateway's JWT authorizer hands the function: a Cognito access token
// in AWS (claims added by functions/triggers/add-token-claims.ts), a local session token on one machine.

const eventWith = (claims: Record<string, string>) =>
  ({ requestContext: { authorizer: { jwt: { claims, scopes: [] } } } }) as never;

describe('callerOf', () => {
  it('reads a Cognito access token: role and county from the trigger, the user id from username (not Cognito’s sub)', () => {
    const caller = callerOf(
      eventWith({
        sub: '7b5c1a2e-0f3d-4c1e-9a55-2f0f3a1b9c77',
        username: 'u-k3m9p2x7qa',
        client_id: 'pagesclient',
        scope: 'openid profile rounds/api',
        token_use: 'access',
        role: 'liaison',
        county: 'chunan',
      }),
    );
    expect(caller).toEqual({
      subject: 'u-k3m9p2x7qa',
      role: 'liaison',
      county: 'chunan',
      society: undefined,
    });
    expect(actorOf(caller)).toBe('liaison:u-k3m9p2x7qa');
  });

  it('reads a team’s society the same way, and a local session token’s sub as the user id', () => {
    expect(
      callerOf(eventWith({ sub: 'x', username: 'u-team', role: 'team', society: 'zj-agri' })),
    ).toMatchObject({ subject: 'u-team', role: 'team', society: 'zj-agri' });
    expect(callerOf(eventWith({ sub: 'u-local', role: 'coordinator', token_use: 'session' }))).toMatchObject({
      subject: 'u-local',
      role: 'coordinator',
    });
  });

  it('refuses a token without a known role (an ID token of another client, a forged role): 401', () => {
    expect(() => callerOf(eventWith({ sub: 'x', username: 'u-1' }))).toThrow(/role/);
    expect(() => callerOf(eventWith({ sub: 'x', role: 'admin' }))).toThrow(/role/);
  });
});
