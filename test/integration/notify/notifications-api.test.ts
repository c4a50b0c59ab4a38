/**
 * The coordinator's view of the outbox through the local HTTP adapter on DynamoDB Local:
 * GET /notifications filtered by status and season, recipients by name, failures in words;
 * POST /notifications/resend puts a failed message back in the queue, audited, and refuses others.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { currentSeason } from '#domain/season';
import { keys } from '#schemas/keys';
import type { StoredMessage } from '#store/outbox';
import { embeddedApi } from '#support/embedded-api';
import type { Json } from '#support/http';
import { SMALL_CATALOG } from '#support/small-catalog';

const SEASON = currentSeason();
const OTHER = '2025-Q1';
const api = embeddedApi(SMALL_CATALOG, 'notifications-api-');
let coordinator: string;

function message(fields: Partial<StoredMessage> & Pick<StoredMessage, 'id' | 'status'>): StoredMessage {
  return {
    season: SEASON,
    audience: 'society',
    medium: 'webhook',
    to: 'https://oapi.dingtalk.com/robot/send?access_token=x',
    subject: `subject of ${fields.id}`,
    body: 'body',
    createdAt: '2026-01-05T02:00:00.000Z',
    notBefore: '2026-01-05T02:00:00.000Z',
    ...fields,
  };
}

const MESSAGES: StoredMessage[] = [
  message({
    id: 'm-signature',
    status: 'failed',
    kind: 'offer',
    societyId: 'nongxue',
    recipient: { kind: 'society', id: 'nongxue' },
    attempts: 1,
    lastError: 'errcode 310000 sign not match',
    lastErrorCode: 'signature',
    failedAt: '2026-01-05T02:01:00.000Z',
  }),
  message({
    id: 'm-old-failure',
    status: 'failed',
    audience: 'liaison',
    kind: 'accepted',
    countyId: 'linhe',
    attempts: 5,
    lastError: 'HTTP 502 Bad Gateway',
    failedAt: '2026-01-05T03:00:00.000Z',
  }),
  message({
    id: 'm-queued',
    status: 'queued',
    kind: 'reminder',
    recipient: { kind: 'user', id: 'u1', name: '王芳' },
  }),
  message({ id: 'm-sending', status: 'sending', kind: 'offer', societyId: 'kepu', attempts: 1 }),
  message({
    id: 'm-sent',
    status: 'sent',
    kind: 'plan-ready',
    audience: 'coordinator',
    medium: 'topic',
    to: 'coordinator',
  }),
  message({ id: 'm-other-season', season: OTHER, status: 'failed', kind: 'offer', societyId: 'kepu' }),
];

beforeAll(async () => {
  for (const m of MESSAGES) {
    const due = m.status === 'queued' || m.status === 'sending' ? keys.outboxDue(m.status, m.notBefore) : {};
    await api.put({ ...keys.outbox(m.season, m.id), ...due, type: 'message', ...m });
  }
  const users = await import('#store/users');
  await users.putNewUser({
    id: 'wang',
    name: '王协调',
    role: 'coordinator',
    status: 'active',
    createdAt: new Date().toISOString(),
    createdBy: 'test',
  });
  coordinator = await api.token({ role: 'coordinator', sub: 'wang' });
});

async function call(method: string, path: string, options: { token?: string; body?: unknown } = {}) {
  const { status, body } = await api.call(method, path, {
    as: options.token ?? coordinator,
    body: options.body,
  });
  return { status, json: body as Json };
}
const ids = (json: Json) => (json.items as Json[]).map((m) => m.id).sort();

describe('GET /notifications', () => {
  it('lists the current season’s failed messages with the recipient by name and the reason in words', async () => {
    const { status, json } = await call('GET', '/notifications?status=failed');

    expect(status).toBe(200);
    expect(json.season).toBe(SEASON);
    expect(ids(json)).toEqual(['m-old-failure', 'm-signature']);
    const signature = (json.items as Json[]).find((m) => m.id === 'm-signature');
    expect(signature).toMatchObject({
      recipient: { name: { zh: '山溪农学会', en: 'Shanxi Agricultural Society' } },
      kindWords: { zh: '对接邀请', en: 'Offer' },
      statusWords: { zh: '发送失败' },
      attempts: 1,
      reason: { zh: '机器人签名不对：请核对加签密钥' },
      failedAt: '2026-01-05T02:01:00.000Z',
    });
    const old = (json.items as Json[]).find((m) => m.id === 'm-old-failure');
    expect(old).toMatchObject({
      recipient: { name: { zh: '临河县联络员', en: 'The liaisons of Linhe County' } },
      reason: { zh: 'HTTP 502 Bad Gateway', en: 'HTTP 502 Bad Gateway' },
    });
  });

  it('takes pending as queued and sending, sent as sent, and every status without a filter', async () => {
    const pending = await call('GET', '/notifications?status=pending');
    expect(ids(pending.json)).toEqual(['m-queued', 'm-sending']);
    expect((pending.json.items as Json[]).map((m) => m.recipient.name.zh).sort()).toEqual([
      '临河科普协会',
      '王芳',
    ]);
    const sent = await call('GET', '/notifications?status=sent');
    expect(ids(sent.json)).toEqual(['m-sent']);
    expect((sent.json.items as Json[])[0].recipient.name.zh).toBe('协调人');
    expect(ids((await call('GET', '/notifications')).json)).toHaveLength(5);
  });

  it('reads another season when asked, one page at a time', async () => {
    expect(ids((await call('GET', `/notifications?season=${OTHER}&status=failed`)).json)).toEqual([
      'm-other-season',
    ]);
    const first = await call('GET', '/notifications?limit=2');
    expect(first.json.items).toHaveLength(2);
    const second = await call('GET', `/notifications?limit=2&cursor=${first.json.cursor}`);
    expect(ids(second.json)).not.toContain(ids(first.json)[0]);
  });

  it('refuses a bad status or season with a bilingual 400 naming the field', async () => {
    const status = await call('GET', '/notifications?status=lost');
    expect(status.status).toBe(400);
    expect(status.json.error.fields[0].path).toBe('status');
    expect(status.json.error.message).toMatch(/[\u4e00-\u9fff].* \/ /);
    const season = await call('GET', '/notifications?season=2026-5');
    expect(season.status).toBe(400);
    expect(season.json.error.fields[0].path).toBe('season');
  });

  it('is for coordinators only', async () => {
    const liaison = await api.token({ role: 'liaison', county: 'shanxi', sub: 'l1' });
    const team = await api.token({ role: 'team', society: 'nongxue', sub: 't1' });
    expect((await call('GET', '/notifications', { token: liaison })).status).toBe(403);
    expect((await call('GET', '/notifications', { token: team })).status).toBe(403);
    expect(
      (
        await call('POST', '/notifications/resend', {
          token: team,
          body: { season: SEASON, id: 'm-signature' },
        })
      ).status,
    ).toBe(403);
  });
});

describe('POST /notifications/resend', () => {
  it('puts a failed message back in the queue now, attempts afresh, its last error kept, and audits it', async () => {
    const before = Date.now();
    const { status, json } = await call('POST', '/notifications/resend', {
      body: { season: SEASON, id: 'm-signature' },
    });

    expect(status).toBe(200);
    expect(json).toMatchObject({ id: 'm-signature', status: 'queued', attempts: 0 });
    const { getMessage } = await import('#store/outbox-review');
    const stored = (await getMessage<StoredMessage & { dueAt: string }>(SEASON, 'm-signature'))!;
    expect(stored).toMatchObject({ status: 'queued', attempts: 0, lastErrorCode: 'signature' });
    expect(Date.parse(stored.dueAt)).toBeGreaterThanOrEqual(before - 1000);
    // Due now: the dispatcher's Query of the due index finds it.
    const { dueMessages } = await import('#store/outbox');
    const due: string[] = [];
    for await (const page of dueMessages('queued', new Date().toISOString()))
      due.push(...page.map((k) => k.id));
    expect(due).toContain('m-signature');

    const audit = (await call('GET', '/audit?limit=5')).json.items as Json[];
    expect(audit[0]).toMatchObject({
      action: 'notification.resend',
      by: { id: 'wang', name: '王协调' },
      before: { status: 'failed' },
      after: { status: 'queued' },
    });
  });

  it('refuses a message that is not failed with a bilingual 409, and an unknown one with 404', async () => {
    const again = await call('POST', '/notifications/resend', {
      body: { season: SEASON, id: 'm-signature' },
    });
    expect(again.status).toBe(409);
    expect(again.json.error.message).toContain('只有发送失败的消息可以重新发送 / only a message that failed');
    expect(
      (await call('POST', '/notifications/resend', { body: { season: SEASON, id: 'm-sent' } })).status,
    ).toBe(409);
    expect(
      (await call('POST', '/notifications/resend', { body: { season: SEASON, id: 'nope' } })).status,
    ).toBe(404);
    const bad = await call('POST', '/notifications/resend', { body: { season: 'soon', id: 'm-sent' } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.fields[0].path).toBe('season');
  });
});
