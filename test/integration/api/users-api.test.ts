import { request } from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataDir } from '#cli/data-dir';
import { DEMO_DATA_DIR } from '#cli/session';
import { InvitedUser, Session, UserList } from '#schemas/users';
import { embeddedApi } from '#support/embedded-api';
import type { Json } from '#support/http';

// Users, invitations and sessions through the local HTTP adapter on DynamoDB Local with the demo
// data: a coordinator invites a liaison for 淳安, the liaison signs in with the code and
// submits a need; used, expired, replaced and revoked invitations; revocation at once; the rate limit.
// Each test signs in from its own loopback address (127.0.0.x), as the rate limit counts per address.

let store: typeof import('#store/users');
let identity: typeof import('#local/identity');
let limits: typeof import('#identity/limits');
let outbox: typeof import('#store/outbox');
let clients: typeof import('#commons/clients');
let documents: typeof import('#commons/clients').documents;
let tableName: string;
const demo = loadDataDir(DEMO_DATA_DIR);
const api = embeddedApi(demo, 'users-api-');
let coordinator: string;
let scriptLiaison: string;

beforeAll(async () => {
  store = await import('#store/users');
  identity = await import('#local/identity');
  limits = await import('#identity/limits');
  outbox = await import('#store/outbox');
  clients = await import('#commons/clients');
  documents = clients.documents;
  tableName = clients.tableName();
  coordinator = await api.token({ role: 'coordinator', sub: 'script-coordinator' });
  scriptLiaison = await api.token({ role: 'liaison', county: 'chunan', sub: 'script-liaison' });
});

interface Reply {
  status: number;
  body: Json;
  headers: Record<string, string | string[] | undefined>;
}

let lastAddress = 10;
/** A loopback address of its own, so one test's sign-ins do not count against another's. */
const freshAddress = () => `127.0.0.${++lastAddress}`;

/** A request from a chosen local address (the rate limit's key is the client address). */
function call(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; from?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const url = new URL(path, api.server.url);
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method,
        localAddress: options.from ?? '127.0.0.1',
        // A connection per request: no kept-alive socket the server may have closed meanwhile.
        agent: false,
        headers: {
          ...options.headers,
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...(payload !== undefined
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
            : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => {
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {}
          resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function invite(body: Record<string, unknown>): Promise<Json> {
  const reply = await call('POST', '/users', { token: coordinator, body });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return InvitedUser.parse(reply.body);
}

const liaisonOfChunan = (name = '淳安联络员') => invite({ name, role: 'liaison', county: 'chunan' });

const chunanNeed = (title: string) => ({
  countyId: 'chunan',
  townId: 'qiandaohu',
  theme: 'industry',
  field: '农业',
  title,
  detail: '希望林业专家来镇里现场指导。',
  urgency: 'normal',
});

const CJK = /[\u4e00-\u9fff]/;
function expectAskForNewInvitation(reply: Reply): void {
  expect(reply.status).toBe(401);
  expect(reply.body.error.code).toBe('unauthorized');
  expect(reply.body.error.message).toMatch(CJK);
  expect(reply.body.error.message).toMatch(/协调人/);
  expect(reply.body.error.message).toMatch(/coordinator/);
}

describe('a coordinator invites a liaison, who signs in with the code and submits a need', () => {
  it('creates the user with a one-time code and a link that carries it after #', async () => {
    const { user, invitation } = await liaisonOfChunan();
    expect(user).toMatchObject({ name: '淳安联络员', role: 'liaison', county: 'chunan', status: 'active' });
    expect(invitation.code).toMatch(/^[2-9A-HJ-NP-Z]{10}$/);
    expect(invitation.url).toBe(`${api.server.url}/signin#code=${invitation.code}`);
    const days = (Date.parse(invitation.expiresAt) - Date.now()) / (24 * 3600 * 1000);
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThanOrEqual(7);
  });

  it('signs in with the code (typed in lower case with a space) and uses the token to POST /needs', async () => {
    const { user, invitation } = await liaisonOfChunan();
    const typed = `${invitation.code.slice(0, 5).toLowerCase()} ${invitation.code.slice(5)}`;
    const session = await call('POST', '/session', { body: { invitation: typed }, from: freshAddress() });
    expect(session.status, JSON.stringify(session.body)).toBe(200);
    const { token, expiresAt, user: signedIn } = Session.parse(session.body);
    expect(signedIn).toEqual(user);
    const hours = (Date.parse(expiresAt) - Date.now()) / 3600_000;
    expect(hours).toBeGreaterThan(11.9);
    expect(hours).toBeLessThanOrEqual(12);
    const need = await call('POST', '/needs', { token, body: chunanNeed('邀请登录后的需求') });
    expect(need.status, JSON.stringify(need.body)).toBe(201);
    expect(need.body.submittedBy).toContain(user.id);
    // Another county is still another county.
    const other = await call('POST', '/needs', { token, body: { ...chunanNeed('x'), countyId: 'jiande' } });
    expect(other.status).toBe(403);
  });

  it('renews a session with POST /session/renew: a fresh token for the same user', async () => {
    const { user, invitation } = await liaisonOfChunan();
    const first = Session.parse(
      (await call('POST', '/session', { body: { invitation: invitation.code }, from: freshAddress() })).body,
    );
    const renewed = await call('POST', '/session/renew', { token: first.token });
    expect(renewed.status).toBe(200);
    const second = Session.parse(renewed.body);
    expect(second.user).toEqual(user);
    expect((await call('GET', '/counties', { token: second.token })).status).toBe(200);
    // A script token names no user: it is not renewed (scripts run rounds token again).
    expect((await call('POST', '/session/renew', { token: scriptLiaison })).status).toBe(401);
  });

  it('lists the users for coordinators, with county and society ids', async () => {
    const { user } = await invite({
      name: '农学会张老师',
      role: 'team',
      society: 'nongxue',
      phone: '+8613800000000',
    });
    const reply = await call('GET', '/users', { token: coordinator });
    expect(reply.status).toBe(200);
    const { items } = UserList.parse(reply.body);
    expect(items).toContainEqual(user);
    expect(items.find((u) => u.id === user.id)).toMatchObject({
      society: 'nongxue',
      phone: '+8613800000000',
    });
  });
});

describe('invitations that no longer work: 401 saying to ask the coordinator', () => {
  it('refuses a code used once already', async () => {
    const { invitation } = await liaisonOfChunan();
    const from = freshAddress();
    expect((await call('POST', '/session', { body: { invitation: invitation.code }, from })).status).toBe(
      200,
    );
    const again = await call('POST', '/session', { body: { invitation: invitation.code }, from });
    expectAskForNewInvitation(again);
    expect(again.body.error.message).toMatch(/用过/);
  });

  it('gives one session for ten simultaneous sign-ins with one code', async () => {
    const { invitation } = await liaisonOfChunan();
    const from = freshAddress();
    const replies = await Promise.all(
      Array.from({ length: 10 }, () =>
        call('POST', '/session', { body: { invitation: invitation.code }, from }),
      ),
    );
    expect(replies.map((r) => r.status).sort()).toEqual([200, ...Array(9).fill(401)]);
  });

  it('refuses an expired code', async () => {
    const { user, invitation } = await liaisonOfChunan();
    // Arrange: the invitation's end moved into the past, as if 7 days had gone by.
    const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    const stored = await store.getUser(user.id, true);
    await documents().send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: `INVITATION#${stored!.invitationDigest}`, sk: 'INVITATION' },
        UpdateExpression: 'SET validUntil = :past',
        ExpressionAttributeValues: { ':past': new Date(Date.now() - 1000).toISOString() },
      }),
    );
    const reply = await call('POST', '/session', {
      body: { invitation: invitation.code },
      from: freshAddress(),
    });
    expectAskForNewInvitation(reply);
    expect(reply.body.error.message).toMatch(/过期/);
  });

  it('refuses an unknown code, and a malformed one is 400 naming invitation', async () => {
    const from = freshAddress();
    expectAskForNewInvitation(await call('POST', '/session', { body: { invitation: 'ABCDEFGHJK' }, from }));
    const malformed = await call('POST', '/session', { body: { invitation: 'O0I1' }, from });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.fields.map((f: Json) => f.path)).toEqual(['invitation']);
  });

  it('voids the old code when a new invitation is issued', async () => {
    const { user, invitation: old } = await liaisonOfChunan();
    const reissued = await call('POST', `/users/${user.id}/invitation`, { token: coordinator });
    expect(reissued.status).toBe(201);
    const fresh = InvitedUser.parse(reissued.body).invitation;
    expect(fresh.code).not.toBe(old.code);
    const from = freshAddress();
    const refused = await call('POST', '/session', { body: { invitation: old.code }, from });
    expectAskForNewInvitation(refused);
    expect((await call('POST', '/session', { body: { invitation: fresh.code }, from })).status).toBe(200);
  });

  it('stops a revoked user at once: the next request is 401, and their unused invitation too', async () => {
    const { user, invitation } = await liaisonOfChunan();
    const { token } = Session.parse(
      (await call('POST', '/session', { body: { invitation: invitation.code }, from: freshAddress() })).body,
    );
    expect((await call('GET', '/counties', { token })).status).toBe(200);
    const revoked = await call('POST', `/users/${user.id}/revoke`, { token: coordinator });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id: user.id, status: 'revoked' });
    const next = await call('POST', '/needs', { token, body: chunanNeed('撤销后的需求') });
    expect(next.status).toBe(401);
    expect(next.body.error.message).toMatch(/撤销.*revoked/);
    expect((await call('POST', '/session/renew', { token })).status).toBe(401);
    // Re-inviting a revoked user is a conflict; a script token for the county keeps working.
    expect((await call('POST', `/users/${user.id}/invitation`, { token: coordinator })).status).toBe(409);
    expect((await call('GET', '/counties', { token: scriptLiaison })).status).toBe(200);
  });

  it('refuses the pending invitation of a revoked user', async () => {
    const { user, invitation } = await liaisonOfChunan();
    await call('POST', `/users/${user.id}/revoke`, { token: coordinator });
    expectAskForNewInvitation(
      await call('POST', '/session', { body: { invitation: invitation.code }, from: freshAddress() }),
    );
  });
});

describe('bad input on POST /users: 400 naming the field, nothing written', () => {
  const userCount = async () => (await store.listUsers()).length;

  it.each([
    [{ name: '某县联络员', role: 'liaison', county: 'nowhere' }, 'county'],
    [{ name: '某学会', role: 'team', society: 'no-such-society' }, 'society'],
    [{ name: '缺县的联络员', role: 'liaison' }, 'county'],
    [{ name: '缺学会的团队', role: 'team' }, 'society'],
    [{ name: '协调人', role: 'coordinator', county: 'chunan' }, 'county'],
    [{ name: '', role: 'liaison', county: 'chunan' }, 'name'],
    [{ name: '淳安', role: 'boss' }, 'role'],
    [{ name: '淳安', role: 'liaison', county: 'chunan', email: 'not-mail' }, 'email'],
    [{ name: '淳安', role: 'liaison', county: 'chunan', phone: '12345' }, 'phone'],
  ])('%j → 400 naming %s', async (body, field) => {
    const before = await userCount();
    const reply = await call('POST', '/users', { token: coordinator, body });
    expect(reply.status).toBe(400);
    expect(reply.body.error.fields.map((f: Json) => f.path)).toContain(field);
    expect(reply.body.error.message).toMatch(CJK);
    expect(await userCount()).toBe(before);
  });

  it('404 for revoking or re-inviting a user that does not exist', async () => {
    expect((await call('POST', '/users/u-nobody/revoke', { token: coordinator })).status).toBe(404);
    expect((await call('POST', '/users/u-nobody/invitation', { token: coordinator })).status).toBe(404);
  });
});

describe('the code is never stored or logged in clear', () => {
  it('keeps only a digest of the code in the table', async () => {
    const { user, invitation } = await liaisonOfChunan();
    const { QueryCommand } = await import('@aws-sdk/lib-dynamodb');
    const stored = await store.getUser(user.id, true);
    const items = [
      ...((
        await documents().send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': `INVITATION#${stored!.invitationDigest}` },
          }),
        )
      ).Items ?? []),
      stored,
    ];
    expect(items).toHaveLength(2);
    expect(JSON.stringify(items)).not.toContain(invitation.code);
  });
});

describe('codes, tokens and logs (abuse)', () => {
  it('draws codes of 10 symbols from a 32-symbol alphabet, uniformly: 50 bits', async () => {
    const { INVITATION_ALPHABET, INVITATION_CODE_LENGTH } = await import('#schemas/users');
    const { newInvitationCode } = await import('#local/identity');
    expect(new Set(INVITATION_ALPHABET).size).toBe(32);
    expect(INVITATION_ALPHABET).not.toMatch(/[01IO]/);
    expect(INVITATION_CODE_LENGTH * Math.log2(INVITATION_ALPHABET.length)).toBeGreaterThanOrEqual(50);
    const counts = new Map<string, number>();
    const codes = Array.from({ length: 3200 }, newInvitationCode);
    for (const code of codes) {
      expect(code).toMatch(/^[2-9A-HJ-NP-Z]{10}$/);
      for (const symbol of code) counts.set(symbol, (counts.get(symbol) ?? 0) + 1);
    }
    expect(new Set(codes).size).toBe(codes.length);
    // 32,000 symbols: each of the 32 about 1,000 times (a bias such as byte % 32 of a skewed source shows).
    expect(counts.size).toBe(32);
    for (const [symbol, n] of counts) expect(n, symbol).toBeGreaterThan(850);
    for (const [symbol, n] of counts) expect(n, symbol).toBeLessThan(1150);
  });

  it('gives session tokens an exp 12 hours after they are issued', async () => {
    const { invitation } = await liaisonOfChunan();
    const session = await call('POST', '/session', {
      body: { invitation: invitation.code },
      from: freshAddress(),
    });
    const claims = JSON.parse(Buffer.from(session.body.token.split('.')[1], 'base64url').toString());
    expect(typeof claims.exp).toBe('number');
    expect(claims.exp - claims.iat).toBe(12 * 3600);
    const renewed = await call('POST', '/session/renew', { token: session.body.token });
    const renewedClaims = JSON.parse(Buffer.from(renewed.body.token.split('.')[1], 'base64url').toString());
    expect(renewedClaims.exp - renewedClaims.iat).toBe(12 * 3600);
  });

  it('logs neither the code nor the token while inviting, signing in, renewing and refusing', async () => {
    const { logger } = await import('#commons/logger');
    const written: string[] = [];
    const capture = (stream: NodeJS.WriteStream) => {
      const original = stream.write.bind(stream);
      stream.write = ((chunk: unknown, ...rest: unknown[]) => {
        written.push(String(chunk));
        return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof stream.write;
      return () => {
        stream.write = original as typeof stream.write;
      };
    };
    const consoleCalls: unknown[][] = [];
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) => {
      const original = console[level];
      console[level] = (...args: unknown[]) => {
        consoleCalls.push(args);
      };
      return () => {
        console[level] = original;
      };
    });
    const restore = [capture(process.stdout), capture(process.stderr), ...spies];
    let secrets: string[] = [];
    try {
      const { invitation } = await liaisonOfChunan();
      const from = freshAddress();
      const session = await call('POST', '/session', { body: { invitation: invitation.code }, from });
      const renewed = await call('POST', '/session/renew', { token: session.body.token });
      const reused = await call('POST', '/session', { body: { invitation: invitation.code }, from });
      expect([session.status, renewed.status, reused.status]).toEqual([200, 200, 401]);
      // The capture sees the functions' logger: a marker written through it must show up.
      logger.info('capture-check', { marker: 'log-capture-marker' });
      secrets = [invitation.code, session.body.token, renewed.body.token];
    } finally {
      for (const undo of restore) undo();
    }
    const everything = [...written, ...consoleCalls.map((args) => args.map(String).join(' '))].join('\n');
    expect(everything).toContain('log-capture-marker');
    for (const secret of secrets) {
      expect(everything).not.toContain(secret);
      // Neither a token's signature (its secret part).
      expect(everything).not.toContain(secret.split('.').at(-1));
    }
  });
});

describe('rate limit on POST /session', () => {
  /** `run` within one clock minute (the counters' window): once more if a minute boundary fell inside. */
  async function withinOneMinute<T>(run: () => Promise<T>): Promise<T> {
    for (;;) {
      const minute = new Date().toISOString().slice(0, 16);
      const result = await run();
      if (new Date().toISOString().slice(0, 16) === minute) return result;
    }
  }

  it('answers 429 with a bilingual message after 10 tries a minute from one address', async () => {
    const replies = await withinOneMinute(async () => {
      const from = freshAddress();
      const out: Reply[] = [];
      for (let i = 0; i < 12; i++) {
        const code = `ABCDEFGH${'23456789ABCD'[i]}${'23456789ABCD'[i]}`;
        out.push(await call('POST', '/session', { body: { invitation: code }, from }));
      }
      return out;
    });
    expect(replies.map((r) => r.status)).toEqual([...Array(10).fill(401), 429, 429]);
    const last = replies[11]!;
    expect(last.body.error.code).toBe('too-many-requests');
    expect(last.body.error.message).toMatch(/尝试次数过多.*too many attempts/);
    expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('limits tries of one code from many addresses, and a good code then waits too', async () => {
    const { invitation } = await liaisonOfChunan();
    const statuses = await withinOneMinute(async () => {
      const code = `ZZZZZZZZ${'23456789'[lastAddress % 8]}Z`;
      const out: number[] = [];
      for (let i = 0; i < 11; i++)
        out.push(
          (await call('POST', '/session', { body: { invitation: code }, from: freshAddress() })).status,
        );
      return out;
    });
    expect(statuses).toEqual([...Array(10).fill(401), 429]);
    // The real code is counted on its own: it still works from a new address.
    expect(
      (await call('POST', '/session', { body: { invitation: invitation.code }, from: freshAddress() }))
        .status,
    ).toBe(200);
  });
});

const DAY = 24 * 3600 * 1000;

/** A liaison signed in on one device: the session with its device credential. */
async function signedInLiaison(name = '淳安联络员') {
  const invited = await liaisonOfChunan(name);
  const reply = await call('POST', '/session', {
    body: { invitation: invited.invitation.code },
    from: freshAddress(),
  });
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return { ...invited, session: Session.parse(reply.body) };
}

const refresh = (deviceToken: string | undefined) =>
  call('POST', '/session/refresh', { body: { deviceToken }, from: freshAddress() });

/** Runs `body` with the device sessions' clock `days` ahead of now. */
async function daysLater<T>(days: number, body: () => Promise<T>): Promise<T> {
  const at = Date.now() + days * DAY;
  identity.setIdentityClock(() => new Date(at));
  try {
    return await body();
  } finally {
    identity.setIdentityClock();
  }
}

describe('device sessions last 30 days from their last use', () => {
  it('gives a device credential that keeps the device signed in for 30 days', async () => {
    const { session } = await signedInLiaison();
    expect(session.deviceToken).toMatch(/^[a-z2-9]{16}\.[A-Za-z0-9_-]{43}$/);
    const days = (Date.parse(session.deviceExpiresAt ?? '') - Date.now()) / DAY;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
    // Only a digest of the secret is stored.
    const [deviceId, secret] = (session.deviceToken ?? '').split('.');
    const device = await store.getDevice(deviceId ?? '');
    expect(device).toMatchObject({ userId: session.user.id, via: 'invitation' });
    expect(JSON.stringify(device)).not.toContain(secret);
  });

  it('renews after 29 days offline, again 29 days later (sliding), and refuses after 31 days unused', async () => {
    const { user, session } = await signedInLiaison();
    const after29 = await daysLater(29, () => refresh(session.deviceToken));
    expect(after29.status, JSON.stringify(after29.body)).toBe(200);
    const second = Session.parse(after29.body);
    expect(second.user).toEqual(user);
    expect(second.deviceToken).not.toBe(session.deviceToken);
    expect((Date.parse(second.deviceExpiresAt ?? '') - Date.now()) / DAY).toBeGreaterThan(58.9);
    expect((await call('GET', '/counties', { token: second.token })).status).toBe(200);
    const after58 = await daysLater(58, () => refresh(second.deviceToken));
    expect(after58.status).toBe(200);
    const third = Session.parse(after58.body);
    const after89 = await daysLater(58 + 31, () => refresh(third.deviceToken));
    expect(after89.status).toBe(401);
    expect(after89.body.error.message).toMatch(/30 天.*30 days/);
  });

  it('refuses a device unused for 31 days', async () => {
    const { session } = await signedInLiaison();
    expect((await daysLater(31, () => refresh(session.deviceToken))).status).toBe(401);
  });

  it('spends each credential: the old one is taken again only within its short grace, then it ends the device', async () => {
    const { session } = await signedInLiaison();
    const first = await refresh(session.deviceToken);
    expect(first.status).toBe(200);
    // The answer was lost on a bad line: the same credential is asked again at once.
    const again = await refresh(session.deviceToken);
    expect(again.status).toBe(200);
    const latest = Session.parse(again.body);
    // Much later, someone replays a spent credential: refused, and the device session ends.
    const replay = await daysLater(1, () => refresh(Session.parse(first.body).deviceToken));
    expect(replay.status).toBe(401);
    expect((await refresh(latest.deviceToken)).status).toBe(401);
  });

  it('ends at once when the user is revoked: the token and the credential', async () => {
    const { user, session } = await signedInLiaison();
    expect((await call('POST', `/users/${user.id}/revoke`, { token: coordinator })).status).toBe(200);
    expect((await call('GET', '/counties', { token: session.token })).status).toBe(401);
    const refused = await refresh(session.deviceToken);
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toMatch(/撤销.*revoked/);
  });

  it('ends every device of the person when the coordinator re-invites them (a lost phone)', async () => {
    const { user, session: phone } = await signedInLiaison();
    const device = await call('POST', '/session/device-code', { token: phone.token });
    const tablet = Session.parse(
      (await call('POST', '/session', { body: { invitation: device.body.code }, from: freshAddress() })).body,
    );
    // Tokens count whole seconds: the re-invitation comes in a later second than the sign-ins.
    await new Promise((done) => setTimeout(done, 1100));
    const reinvited = await call('POST', `/users/${user.id}/invitation`, { token: coordinator });
    expect(reinvited.status).toBe(201);
    for (const old of [phone, tablet]) {
      expect((await refresh(old.deviceToken)).status).toBe(401);
      expect((await call('GET', '/counties', { token: old.token })).status).toBe(401);
    }
    // The new invitation signs the found (or new) phone in.
    const code = InvitedUser.parse(reinvited.body).invitation.code;
    const fresh = await call('POST', '/session', { body: { invitation: code }, from: freshAddress() });
    expect(fresh.status).toBe(200);
    expect((await call('GET', '/counties', { token: fresh.body.token })).status).toBe(200);
  });

  it('ends this device on the server when it signs out, and no other', async () => {
    const { session } = await signedInLiaison();
    const code = (await call('POST', '/session/device-code', { token: session.token })).body.code;
    const other = Session.parse(
      (await call('POST', '/session', { body: { invitation: code }, from: freshAddress() })).body,
    );
    const out = await call('POST', '/session/sign-out', {
      body: { deviceToken: session.deviceToken },
      from: freshAddress(),
    });
    expect(out.status).toBe(200);
    expect(out.body.message).toMatch(/已退出.*signed out/);
    expect((await refresh(session.deviceToken)).status).toBe(401);
    expect((await call('GET', '/counties', { token: session.token })).status).toBe(401);
    expect((await call('GET', '/counties', { token: other.token })).status).toBe(200);
    expect((await refresh(other.deviceToken)).status).toBe(200);
  });

  it('tells a second browser opening a used invitation how to get in without the coordinator', async () => {
    const { invitation } = await signedInLiaison();
    const second = await call('POST', '/session', {
      body: { invitation: invitation.code },
      from: freshAddress(),
    });
    expect(second.status).toBe(401);
    expect(second.body.error.message).toMatch(/已经用过.*添加设备.*登录链接.*Add a device/s);
  });
});

describe('adding a device with a code shown on a signed-in one', () => {
  it('gives a 10-minute code and link that sign in the same person once', async () => {
    const { user, session } = await signedInLiaison();
    const shown = await call('POST', '/session/device-code', { token: session.token });
    expect(shown.status, JSON.stringify(shown.body)).toBe(201);
    expect(shown.body.code).toMatch(/^[2-9A-HJ-NP-Z]{10}$/);
    expect(shown.body.url).toBe(`${api.server.url}/signin#code=${shown.body.code}`);
    const minutes = (Date.parse(shown.body.expiresAt) - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(9.9);
    expect(minutes).toBeLessThanOrEqual(10);
    const added = await call('POST', '/session', {
      body: { invitation: shown.body.code },
      from: freshAddress(),
    });
    expect(added.status).toBe(200);
    expect(added.body.user).toEqual(user);
    const twice = await call('POST', '/session', {
      body: { invitation: shown.body.code },
      from: freshAddress(),
    });
    expect(twice.status).toBe(401);
    expect(twice.body.error.message).toMatch(/已经用过.*已登录的设备.*used already/);
    // The coordinator's invitation is not replaced by a device code.
    expect((await refresh(session.deviceToken)).status).toBe(200);
  });

  it('refuses a code after its 10 minutes, and a script token cannot show one', async () => {
    const { session } = await signedInLiaison();
    const { code } = (await call('POST', '/session/device-code', { token: session.token })).body;
    const late = await daysLater(11 / (24 * 60), () =>
      call('POST', '/session', { body: { invitation: code }, from: freshAddress() }),
    );
    expect(late.status).toBe(401);
    expect(late.body.error.message).toMatch(/已过期.*expired/);
    expect((await call('POST', '/session/device-code', { token: scriptLiaison })).status).toBe(401);
    expect((await call('POST', '/session/device-code', {})).status).toBe(401);
  });
});

describe('asking for a fresh sign-in link', () => {
  it('sends a single-use link to the phone on file, and answers the same for a number nobody has', async () => {
    const phone = `+86139${String(lastAddress).padStart(8, '0')}`;
    const { user } = await invite({ name: '建德联络员', role: 'liaison', county: 'jiande', phone });
    const typed = `${phone.slice(3, 6)} ${phone.slice(6, 10)}-${phone.slice(10)}`;
    const known = await call('POST', '/session/link', { body: { contact: typed }, from: freshAddress() });
    const unknown = await call('POST', '/session/link', {
      body: { contact: '139 0000 0001' },
      from: freshAddress(),
    });
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(unknown.body).toEqual(known.body);
    expect(known.body.message).toMatch(/登录链接.*sign-in link/);
    const sent = (await outbox.outbox('signin')).filter((m) => m.to === phone);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.medium).toBe('sms');
    const code = /#code=([2-9A-HJ-NP-Z]{10})/.exec(sent[0]?.body ?? '')?.[1];
    const signedIn = await call('POST', '/session', { body: { invitation: code }, from: freshAddress() });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.user.id).toBe(user.id);
    expect(
      (await call('POST', '/session', { body: { invitation: code }, from: freshAddress() })).status,
    ).toBe(401);
    expect((await outbox.outbox('signin')).some((m) => m.to === '+8613900000001')).toBe(false);
  });

  it('refuses what is neither a phone nor an e-mail with 400 naming contact, and limits asking', async () => {
    const bad = await call('POST', '/session/link', { body: { contact: 'x' }, from: freshAddress() });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/contact/);
    const from = freshAddress();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++)
      statuses.push(
        (await call('POST', '/session/link', { body: { contact: `139 0000 ${1000 + i}` }, from })).status,
      );
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(202));
    expect(statuses.slice(10)).toEqual([429, 429]);
  });
});

describe('a flood of sign-in guesses', () => {
  it('writes nothing to the table, and a sign-in from another address still works', async () => {
    const { invitation } = await liaisonOfChunan('洪水中的联络员');
    limits.resetLimits();
    const writes: string[] = [];
    const reads: string[] = [];
    const READ = /^(Get|Query|BatchGet|Scan)/;
    clients.dynamodb().middlewareStack.add(
      (next, context) => async (args) => {
        (READ.test(context.commandName ?? '') ? reads : writes).push(context.commandName ?? '');
        return next(args);
      },
      { step: 'initialize', name: 'countFloodCalls' },
    );
    try {
      const from = freshAddress();
      const guesses = Array.from({ length: 400 }, (_, i) => {
        const tail = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
        return `FLXXDGU${tail[i % 32]}${tail[Math.floor(i / 32) % 32]}${tail[Math.floor(i / 1024) % 32]}`;
      });
      const statuses = await Promise.all(
        guesses.map(
          async (code) => (await call('POST', '/session', { body: { invitation: code }, from })).status,
        ),
      );
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(390);
      expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(10);
      expect(writes).toEqual([]);
      // Only the tries the limit let through read the table (one GetItem each).
      expect(reads.length).toBeLessThanOrEqual(10);
      const good = await call('POST', '/session', {
        body: { invitation: invitation.code },
        from: freshAddress(),
      });
      expect(good.status).toBe(200);
    } finally {
      clients.dynamodb().middlewareStack.remove('countFloodCalls');
    }
  });
});

describe('invitation links name this server, never the request’s Host', () => {
  it('ignores a forged Host header', async () => {
    const reply = await call('POST', '/users', {
      token: coordinator,
      body: { name: '宿主联络员', role: 'liaison', county: 'chunan' },
      headers: { host: 'evil.example', 'x-forwarded-proto': 'https' },
    });
    expect(reply.status).toBe(201);
    expect(reply.body.invitation.url.startsWith(`${api.server.url}/signin#code=`)).toBe(true);
    const again = await call('POST', `/users/${reply.body.user.id}/invitation`, {
      token: coordinator,
      headers: { host: 'evil.example' },
    });
    expect(again.body.invitation.url).not.toContain('evil.example');
  });
});
