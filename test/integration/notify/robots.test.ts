/**
 * Robot messages end to end: the outbox dispatcher against DynamoDB Local and a local robot server
 * that checks signatures and keeps the 20-a-minute limit as DingTalk does (test/support/robot-server.ts).
 * The clock is driven: `dispatchDue(at)` and the robots read the same time.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recordingAdapters } from '#local/delivery';
import type { Society } from '#schemas/catalog';
import type { StoredMessage } from '#store/outbox';
import { embeddedRuntime } from '#support/embedded-api';
import { type RobotServer, startRobotServer } from '#support/robot-server';

embeddedRuntime();
let outboxStore: typeof import('#store/outbox');
let dispatch: typeof import('#delivery/outbox-dispatch');
let webhook: typeof import('#delivery/webhook');
let clients: typeof import('#commons/clients');

const SECRET = 'SECa1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9';
/** Noon in Beijing: not quiet hours. */
const NOON = new Date('2026-11-10T04:00:00.000Z');
const minutes = (at: Date, n: number) => new Date(at.getTime() + n * 60_000);
const LINK = 'https://kexie.example.cn/team.html?offer=o1';

/** The time the robots and the adapter's signature read: the dispatch run's `at`. */
let world = NOON.getTime();
let signed: RobotServer;
let wecom: RobotServer;

const society = (id: string, contact: Society['contact']): Society => ({
  id,
  name: { zh: `${id}学会`, en: id },
  themes: ['industry'],
  fields: ['茶叶'],
  capacityPerSeason: 3,
  contact,
});

beforeAll(async () => {
  outboxStore = await import('#store/outbox');
  dispatch = await import('#delivery/outbox-dispatch');
  webhook = await import('#delivery/webhook');
  clients = await import('#commons/clients');
  signed = await startRobotServer({ secret: SECRET, now: () => world });
  wecom = await startRobotServer({ kind: 'wecom', now: () => world });
  const { writeCatalog } = await import('#store/catalog');
  await writeCatalog({
    counties: [],
    societies: [
      society('signed', { webhook: signed.url('signed'), webhookSecret: SECRET }),
      society('wrong', { webhook: signed.url('wrong'), webhookSecret: 'SECnot-the-robots-secret' }),
      society('busy', { webhook: signed.url('busy'), webhookSecret: SECRET }),
      society('crowd', { webhook: signed.url('crowd'), webhookSecret: SECRET }),
      society('relay', { webhook: wecom.url('relay'), webhookKind: 'wecom' }),
    ],
    needs: [],
    visits: [],
  });
});
afterAll(async () => {
  await signed.close();
  await wecom.close();
});
// Every test starts with nothing due: what a test leaves queued is flushed far in the future.
afterEach(async () => {
  world = NOON.getTime();
  await dispatch.dispatchDue(new Date('2099-01-05T04:00:00Z'), { adapters: recordingAdapters().adapters });
});

const adapters = () => ({ webhook: webhook.webhookAdapter({ now: () => world }) });
async function run(at: Date, concurrency = 8) {
  world = at.getTime();
  return dispatch.dispatchDue(at, { adapters: adapters(), concurrency });
}

let counter = 0;
async function queue(societyId: string, to: string, overrides: Partial<StoredMessage> = {}) {
  counter++;
  const message = {
    id: `r${counter}#offered`,
    season: '2026-Q4',
    audience: 'society' as const,
    medium: 'webhook' as const,
    to,
    subject: `【2026-Q4 科技服务】邀请 ${counter}`,
    body: '请在 12月10日 18:00 前答复 / please answer by 10 Dec 18:00',
    kind: 'offer' as const,
    recipient: { kind: 'society' as const, id: societyId, name: `${societyId}学会` },
    link: LINK,
    createdAt: minutes(NOON, -60).toISOString(),
    notBefore: minutes(NOON, -60).toISOString(),
    ...overrides,
  };
  await outboxStore.enqueueMessage(message);
  return message;
}

async function stored(message: { season: string; id: string }): Promise<StoredMessage | undefined> {
  const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
  const { keys } = await import('#schemas/keys');
  const { Item } = await clients
    .documents()
    .send(new GetCommand({ TableName: clients.tableName(), Key: keys.outbox(message.season, message.id) }));
  return Item as StoredMessage | undefined;
}

describe('robot messages', () => {
  it('signs a DingTalk message with the contact’s secret and sends it as an ActionCard that opens the page', async () => {
    const message = await queue('signed', signed.url('signed'));

    const result = await run(NOON);

    expect(result.sent.map((m) => m.id)).toEqual([message.id]);
    expect(signed.accepted.filter((m) => m.robot === 'signed').map((m) => m.body)).toEqual([
      {
        msgtype: 'actionCard',
        actionCard: {
          title: message.subject,
          text: expect.stringContaining('请在 12月10日 18:00 前答复'),
          singleTitle: '打开页面',
          singleURL: LINK,
        },
      },
    ]);
    const after = await stored(message);
    expect(after).toMatchObject({ status: 'sent', attempts: 1 });
    expect(JSON.stringify(after)).not.toContain(SECRET);
  });

  it('ends a message whose secret the robot refuses as failed at the first try, code signature, and never retries it', async () => {
    const message = await queue('wrong', signed.url('wrong'));

    const result = await run(NOON);

    expect(result.failed.map((f) => f.id)).toEqual([message.id]);
    expect(result.retrying).toEqual([]);
    const after = await stored(message);
    expect(after).toMatchObject({ status: 'failed', attempts: 1, lastErrorCode: 'signature' });
    expect(after?.lastError).toContain('310000');
    expect(after?.lastError).not.toMatch(/SECnot|sign=|access_token=/);
    expect(after).not.toHaveProperty('dueAt');
    expect(signed.refused.filter((r) => r.robot === 'wrong').map((r) => r.errcode)).toEqual([310000]);
    // Nothing is tried again, however long one waits.
    expect((await run(minutes(NOON, 600))).failed).toEqual([]);
    expect(signed.refused.filter((r) => r.robot === 'wrong')).toHaveLength(1);
  });

  it('uses the secret only for the robot of the contact: a message to another address goes unsigned', async () => {
    // Queued for another robot than the contact's (the contact was changed since): its secret is not that robot's.
    const message = await queue('signed', signed.url('elsewhere'));

    await run(NOON);

    expect(await stored(message)).toMatchObject({ status: 'failed', lastErrorCode: 'signature' });
    expect(signed.refused.filter((r) => r.robot === 'elsewhere').map((r) => r.errcode)).toEqual([310000]);
  });

  it('sends 45 messages to one robot through two dispatchers at once, never more than 20 in a minute, each once', async () => {
    const messages = await Promise.all(Array.from({ length: 45 }, () => queue('crowd', signed.url('crowd'))));
    const runs: number[] = [];

    for (let minute = 0; minute < 6; minute++) {
      const at = minutes(NOON, minute);
      const [a, b] = await Promise.all([run(at, 4), run(at, 4)]);
      runs.push(a.sent.length + b.sent.length);
      if (signed.accepted.filter((m) => m.robot === 'crowd').length === 45) break;
    }

    expect(runs).toEqual([20, 20, 5]);
    expect(signed.busiestMinute('crowd')).toBe(20);
    expect(signed.refused.filter((r) => r.robot === 'crowd')).toEqual([]);
    const subjects = signed.accepted
      .filter((m) => m.robot === 'crowd')
      .map((m) => (m.body.actionCard as { title: string }).title);
    expect(subjects.sort()).toEqual(messages.map((m) => m.subject).sort());
    // Waiting for a slot is not a try.
    for (const message of messages)
      expect(await stored(message)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('puts a message the robot answers 130101 back in the queue a minute later or more, its tries unchanged', async () => {
    // Another sender filled the robot's minute: the robot answers "too fast" and stays muted 10 minutes.
    const other = webhook.webhookAdapter({ now: () => world });
    for (let i = 0; i < 20; i++)
      await other.deliver(
        {
          id: `x${i}`,
          audience: 'society',
          medium: 'webhook',
          to: signed.url('busy'),
          subject: 'x',
          body: 'x',
          robot: { secret: SECRET },
        },
        AbortSignal.timeout(5_000),
      );
    const message = await queue('busy', signed.url('busy'));

    const first = await run(NOON);

    expect(first.deferred).toEqual([{ id: message.id, until: expect.any(String), code: 'too-fast' }]);
    expect(new Date(first.deferred[0]?.until as string).getTime()).toBeGreaterThanOrEqual(
      minutes(NOON, 1).getTime(),
    );
    expect(await stored(message)).toMatchObject({ status: 'queued', attempts: 0, lastErrorCode: 'too-fast' });

    // Still muted five minutes on: deferred again, still no try counted.
    const again = await run(minutes(NOON, 5));
    expect(again.deferred.map((d) => d.id)).toEqual([message.id]);
    expect(await stored(message)).toMatchObject({ status: 'queued', attempts: 0 });

    const later = await run(minutes(NOON, 11));
    expect(later.sent.map((m) => m.id)).toEqual([message.id]);
    expect(await stored(message)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('sends a WeCom robot markdown with the link as a line, in the dialect the contact names', async () => {
    const message = await queue('relay', wecom.url('relay'));

    await run(NOON);

    expect(await stored(message)).toMatchObject({ status: 'sent' });
    expect(wecom.accepted.map((m) => m.body)).toEqual([
      {
        msgtype: 'markdown',
        markdown: { content: expect.stringContaining(`[打开页面 / Open the page](${LINK})`) },
      },
    ]);
  });

  it('runs the same on npm start’s dispatcher, under the DispatchOutbox function’s role (contact read, slot taken)', async () => {
    const { startOutboxDispatcher } = await import('#local/outbox-dispatcher');
    const lines: string[] = [];
    const dispatcher = startOutboxDispatcher({
      out: (l) => lines.push(l),
      intervalMs: 3_600_000,
      adapters: adapters(),
    });
    const message = await queue('signed', signed.url('signed'));
    world = minutes(NOON, 30).getTime();
    try {
      const result = await dispatcher.run(minutes(NOON, 30));
      expect(result.sent.map((m) => m.id)).toEqual([message.id]);
    } finally {
      dispatcher.stop();
    }
    expect(lines).toEqual([]);
  });
});
