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
let documents: typeof import('#commons/clients').documents;
let tableName: string;
const demo = loadDataDir(DEMO_DATA_DIR);
const api = embeddedApi(demo, 'users-api-');
let coordinator: string;
let scriptLiaison: string;

beforeAll(async () => {
  store = await import('#store/users');
  const clients = await import('#commons/clients');
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
  options: { token?: string; body?: unknown; from?: string } = {},
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
        headers: {
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
