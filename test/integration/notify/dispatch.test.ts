/**
 * The outbox dispatcher against DynamoDB Local (tables from the synthesized template, the
 * outbox-due index included), with the recording adapters of local/delivery.ts standing in for
 * the media: leases, sent-after-delivery, retries with backoff, failed, the time budget, the
 * concurrency bound, quiet hours, and reading only what is due.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Deliverable, MediumAdapter } from '#delivery/port';
import { recordingAdapters } from '#local/delivery';
import type { StoredMessage } from '#store/outbox';
import { embeddedRuntime } from '#support/embedded-api';

embeddedRuntime();
let outboxStore: typeof import('#store/outbox');
let dispatch: typeof import('#delivery/outbox-dispatch');
let clients: typeof import('#commons/clients');

beforeAll(async () => {
  outboxStore = await import('#store/outbox');
  dispatch = await import('#delivery/outbox-dispatch');
  clients = await import('#commons/clients');
});
// Every test starts with nothing due: what a test leaves queued is sent far in the future.
afterEach(async () => {
  await dispatch.dispatchDue(new Date('2099-01-05T04:00:00Z'), { adapters: recordingAdapters().adapters });
});

/** Noon in Beijing: not quiet hours. */
const NOON = new Date('2026-11-10T04:00:00.000Z');
const minutes = (at: Date, n: number) => new Date(at.getTime() + n * 60_000);

let counter = 0;
async function queue(overrides: Partial<StoredMessage> = {}): Promise<StoredMessage> {
  counter++;
  const message = {
    id: `m${counter}#offered`,
    season: '2026-Q4',
    audience: 'society' as const,
    medium: 'email' as const,
    to: `society-${counter}@example.org.cn`,
    subject: `【测试】邀请 ${counter}`,
    body: '请答复 / please answer',
    createdAt: minutes(NOON, -60).toISOString(),
    notBefore: minutes(NOON, -60).toISOString(),
    status: 'queued' as const,
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

async function dueIds(at: Date): Promise<string[]> {
  const ids: string[] = [];
  for (const status of ['queued', 'sending'] as const)
    for await (const page of outboxStore.dueMessages(status, at.toISOString()))
      ids.push(...page.map((m) => m.id));
  return ids;
}

const failing = (error: () => Error): MediumAdapter => ({
  async deliver() {
    throw error();
  },
});

describe('the outbox dispatcher', () => {
  it('marks a message sent only after its medium took it, and then it leaves the due index', async () => {
    const message = await queue();
    let statusWhileDelivering: string | undefined;
    const email: MediumAdapter = {
      async deliver() {
        statusWhileDelivering = (await stored(message))?.status;
      },
    };

    const result = await dispatch.dispatchDue(NOON, { adapters: { email } });

    expect(statusWhileDelivering).toBe('sending');
    expect(result.sent.map((m) => m.id)).toEqual([message.id]);
    expect(await stored(message)).toMatchObject({ status: 'sent', attempts: 1, sentAt: expect.any(String) });
    expect(await stored(message)).not.toHaveProperty('dueStatus');
    expect(await dueIds(minutes(NOON, 10_000))).toEqual([]);
  });

  it('puts a failed delivery back with doubling waits, and after five tries marks it failed with the last error', async () => {
    const message = await queue();
    const adapters = { email: failing(() => new Error('SMTP 451 try later')) };
    let at = NOON;
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 4; attempt++) {
      const result = await dispatch.dispatchDue(at, { adapters });
      expect(result.retrying.map((r) => r.id)).toEqual([message.id]);
      const after = await stored(message);
      expect(after).toMatchObject({
        status: 'queued',
        attempts: attempt,
        lastError: 'Error: SMTP 451 try later',
        lastErrorCode: 'unreachable',
      });
      const next = new Date(after?.dueAt as string);
      waits.push(Math.round((next.getTime() - at.getTime()) / 60_000));
      // Not due yet a minute before: nothing is tried.
      expect((await dispatch.dispatchDue(minutes(next, -1), { adapters })).retrying).toEqual([]);
      at = next;
    }
    expect(waits).toEqual([5, 10, 20, 40]);

    const last = await dispatch.dispatchDue(at, { adapters });
    expect(last.failed).toEqual([{ id: message.id, error: 'Error: SMTP 451 try later' }]);
    expect(await stored(message)).toMatchObject({
      status: 'failed',
      attempts: 5,
      lastError: 'Error: SMTP 451 try later',
      failedAt: expect.any(String),
    });
    expect(await dueIds(minutes(NOON, 100_000))).toEqual([]);
  });

  it('fails at once what no retry can deliver: a recipient without contact, a medium without adapter', async () => {
    const nobody = await queue({ medium: 'none', to: '' });
    const phone = await queue({ medium: 'sms', to: '+8613800138000' });

    const result = await dispatch.dispatchDue(NOON, { adapters: recordingAdapters().adapters });

    expect(result.failed).toEqual([{ id: nobody.id, error: expect.stringContaining('no contact') }]);
    expect(await stored(nobody)).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastErrorCode: 'no-contact',
    });
    expect(await stored(phone)).toMatchObject({ status: 'sent' });

    const unconfigured = await queue({ medium: 'webhook', to: 'https://oapi.dingtalk.com/robot/send?x=1' });
    const refused = await dispatch.dispatchDue(NOON, { adapters: {} });
    expect(refused.failed).toEqual([{ id: unconfigured.id, error: expect.stringContaining('"webhook"') }]);
    expect(await stored(unconfigured)).toMatchObject({ status: 'failed', lastErrorCode: 'no-adapter' });
  });

  it('delivers concurrently, never more at once than its bound', async () => {
    const messages = await Promise.all(Array.from({ length: 12 }, () => queue()));
    let inFlight = 0;
    let most = 0;
    let full = false;
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const email: MediumAdapter = {
      async deliver() {
        inFlight++;
        most = Math.max(most, inFlight);
        if (inFlight === 4) full = true;
        // The first deliveries wait (5 s at most) for four to be in flight at once: on a busy machine the
        // claims come slowly, and a delivery would otherwise end before the fourth began.
        for (const started = Date.now(); !full && Date.now() - started < 5_000; ) await sleep(10);
        await sleep(40);
        inFlight--;
      },
    };

    const result = await dispatch.dispatchDue(NOON, { adapters: { email }, concurrency: 4 });

    expect(result.sent.map((m) => m.id).sort()).toEqual(messages.map((m) => m.id).sort());
    expect(most).toBe(4);
  });

  it('stops claiming when the remaining time would not fit another delivery; the next run sends the rest', async () => {
    const messages = await Promise.all(Array.from({ length: 6 }, () => queue()));
    const recorder = recordingAdapters();
    // A Lambda with a minute left until two messages went out, then 12 s: below delivery timeout + margin.
    const remainingMs = () => (recorder.delivered.length < 2 ? 60_000 : 12_000);

    const first = await dispatch.dispatchDue(NOON, {
      adapters: recorder.adapters,
      remainingMs,
      concurrency: 1,
      deliveryTimeoutMs: 10_000,
    });

    expect(first.stoppedEarly).toBe(true);
    expect(first.sent).toHaveLength(2);
    expect((await dueIds(NOON)).sort()).toEqual(
      messages
        .map((m) => m.id)
        .filter((id) => !first.sent.some((s) => s.id === id))
        .sort(),
    );
    const second = await dispatch.dispatchDue(NOON, { adapters: recorder.adapters });
    expect(second.sent).toHaveLength(4);
    expect(new Set(recorder.delivered.map((m) => m.id)).size).toBe(6);
  });

  it('delivers each message once when two dispatchers run at the same time', async () => {
    const messages = await Promise.all(Array.from({ length: 10 }, () => queue()));
    const recorder = recordingAdapters();

    const [a, b] = await Promise.all([
      dispatch.dispatchDue(NOON, { adapters: recorder.adapters, concurrency: 3 }),
      dispatch.dispatchDue(NOON, { adapters: recorder.adapters, concurrency: 3 }),
    ]);

    expect(a.sent.length + b.sent.length).toBe(10);
    expect(recorder.delivered.map((m) => m.id).sort()).toEqual(messages.map((m) => m.id).sort());
  });

  it('takes over a message whose dispatcher died mid-delivery once its lease has run out', async () => {
    const message = await queue();
    // A dispatcher claims it until 12:02 and is never heard of again.
    const dead = await outboxStore.claimMessage(message, {
      id: 'dead-dispatcher',
      at: NOON.toISOString(),
      until: minutes(NOON, 2).toISOString(),
    });
    expect(dead).toMatchObject({ status: 'sending', attempts: 1 });
    const recorder = recordingAdapters();

    const during = await dispatch.dispatchDue(minutes(NOON, 1), { adapters: recorder.adapters });
    const after = await dispatch.dispatchDue(minutes(NOON, 3), { adapters: recorder.adapters });

    expect(during.sent).toEqual([]);
    expect(after.sent.map((m) => m.id)).toEqual([message.id]);
    expect(await stored(message)).toMatchObject({ status: 'sent', attempts: 2 });
    // The dead dispatcher's late settle changes nothing.
    expect(await outboxStore.settleClaimed(message, 'dead-dispatcher', 'sent', NOON.toISOString())).toBe(
      false,
    );
  });

  it('sends nothing during quiet hours, and a retry that would fall in them waits until 07:00 Beijing time', async () => {
    const message = await queue();
    const recorder = recordingAdapters();
    const night = new Date('2026-11-10T15:00:00.000Z'); // 23:00 in Beijing

    const quiet = await dispatch.dispatchDue(night, { adapters: recorder.adapters });
    expect(quiet).toMatchObject({ quiet: true, sent: [] });
    expect(await stored(message)).toMatchObject({ status: 'queued' });

    const lateEvening = new Date('2026-11-10T13:58:00.000Z'); // 21:58 in Beijing
    const retried = await dispatch.dispatchDue(lateEvening, {
      adapters: { email: failing(() => new Error('timeout')) },
    });
    expect(retried.retrying).toEqual([
      { id: message.id, error: 'Error: timeout', retryAt: '2026-11-10T23:00:00.000Z' },
    ]);
  });

  it('reads only due messages, of any season, through the outbox-due index and never a whole outbox', async () => {
    const old = await queue({ season: '2024-Q1', notBefore: '2024-02-01T02:00:00.000Z' });
    const later = await queue({ notBefore: minutes(NOON, 60).toISOString() });
    const recorder = recordingAdapters();
    const send = vi.spyOn(clients.documents(), 'send');

    const result = await dispatch.dispatchDue(NOON, { adapters: recorder.adapters });

    const queries = send.mock.calls
      .map(([command]) => command.input as { IndexName?: string; KeyConditionExpression?: string })
      .filter((input) => input.KeyConditionExpression);
    send.mockRestore();
    expect(result.sent.map((m) => m.id)).toEqual([old.id]);
    expect(recorder.delivered.map((m: Deliverable) => m.id)).toEqual([old.id]);
    expect(await stored(later)).toMatchObject({ status: 'queued' });
    expect(queries.length).toBeGreaterThan(0);
    expect(queries.every((q) => q.IndexName === 'outbox-due')).toBe(true);
  });
});

describe('DispatchOutbox in AWS: SES e-mail and robot webhooks', () => {
  const SENDER = 'notify@mail.kexie.example.cn';

  it('writes the messages it gave up on as the EMF metric the operators’ alarm reads', async () => {
    // SMS is off in this stack: an SMS message has no adapter and fails at once.
    const sms = await queue({ medium: 'sms', to: '+8613800000000', subject: '【测试】邀请', body: '请答复' });
    process.env.SENDER_EMAIL = SENDER;
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'RoundsStack-OutboxDispatchOutbox';
    const lines: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    vi.useFakeTimers({ toFake: ['Date'], now: NOON });
    let result: Record<string, unknown>;
    try {
      const { handler } = await import('#functions/triggers/dispatch-outbox');
      result = await (handler as unknown as (e: unknown, c: unknown) => Promise<Record<string, unknown>>)(
        {},
        { getRemainingTimeInMillis: () => 110_000 },
      );
    } finally {
      vi.useRealTimers();
      write.mockRestore();
      delete process.env.AWS_LAMBDA_FUNCTION_NAME;
    }
    expect(result).toMatchObject({ failed: 1 });
    expect(await stored(sms)).toMatchObject({ status: 'failed', lastErrorCode: 'no-adapter' });

    const documents = lines
      .flatMap((chunk) => chunk.split('\n'))
      .filter((line) => line.includes('"_aws"'))
      .map((line) => JSON.parse(line));
    expect(documents).toHaveLength(1);
    const { METRIC, METRICS_DIMENSION, METRICS_NAMESPACE } = await import('#commons/metrics');
    expect(documents[0]).toMatchObject({
      _aws: {
        Timestamp: NOON.getTime(),
        CloudWatchMetrics: [
          {
            Namespace: METRICS_NAMESPACE,
            Dimensions: [[METRICS_DIMENSION]],
            Metrics: expect.arrayContaining([{ Name: METRIC.messagesFailed, Unit: 'Count' }]),
          },
        ],
      },
      [METRICS_DIMENSION]: 'RoundsStack-OutboxDispatchOutbox',
      [METRIC.messagesFailed]: 1,
      [METRIC.messagesSent]: 0,
    });

    // The alarm of the synthesized stack reads exactly that metric of this function.
    const { synthesizeRoundsTemplate } = await import('#infra/rounds-stack');
    const { logicalIdOf } = await import('#support/template');
    const synth = synthesizeRoundsTemplate({ bundle: false, stackProps: { senderEmail: SENDER } });
    const dispatcher = logicalIdOf(synth.stack, synth.stack.outbox.function);
    const alarm = Object.values(
      synth.template.Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>,
    )
      .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
      .map((r) => r.Properties)
      .find((p) => p.MetricName === METRIC.messagesFailed);
    expect(alarm).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      Dimensions: [{ Name: METRICS_DIMENSION, Value: { Ref: dispatcher } }],
    });
  });

  it('e-mails through SES v2 from the sender (a call its synthesized policy allows) and posts robot webhooks', async () => {
    const { createServer } = await import('node:http');
    const received: unknown[] = [];
    const robot = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.end('{"errcode":0,"errmsg":"ok"}');
      });
    });
    await new Promise<void>((done) => robot.listen(0, '127.0.0.1', done));
    const robotUrl = `http://127.0.0.1:${(robot.address() as { port: number }).port}/robot/send`;
    const mail = await queue({
      to: 'office@kexie.example.cn',
      subject: '【2026-Q4 科技服务】邀请',
      body: '请答复',
    });
    const hook = await queue({ medium: 'webhook', to: robotUrl, subject: '【测试】邀请', body: '请答复' });

    const { SESv2Client } = await import('@aws-sdk/client-sesv2');
    const ses = vi.spyOn(SESv2Client.prototype, 'send').mockResolvedValue({ MessageId: 'ses-1' } as never);
    process.env.SENDER_EMAIL = SENDER;
    vi.useFakeTimers({ toFake: ['Date'], now: NOON });
    let result: Record<string, unknown>;
    try {
      const { handler } = await import('#functions/triggers/dispatch-outbox');
      result = await (handler as unknown as (e: unknown, c: unknown) => Promise<Record<string, unknown>>)(
        {},
        { getRemainingTimeInMillis: () => 110_000 },
      );
    } finally {
      vi.useRealTimers();
      robot.close();
    }

    expect(result).toMatchObject({ sent: 2, failed: 0, retrying: 0, deferred: 0 });
    expect(ses).toHaveBeenCalledTimes(1);
    const input = (ses.mock.calls[0] as unknown as [{ input: Record<string, unknown> }])[0].input;
    ses.mockRestore();
    expect(input).toEqual({
      FromEmailAddress: SENDER,
      Destination: { ToAddresses: ['office@kexie.example.cn'] },
      Content: {
        Simple: {
          Subject: { Data: '【2026-Q4 科技服务】邀请', Charset: 'UTF-8' },
          Body: { Text: { Data: '请答复', Charset: 'UTF-8' } },
        },
      },
    });
    expect(received).toEqual([
      { msgtype: 'markdown', markdown: { title: '【测试】邀请', text: '### 【测试】邀请\n\n请答复  ' } },
    ]);
    expect(await stored(mail)).toMatchObject({ status: 'sent' });
    expect(await stored(hook)).toMatchObject({ status: 'sent' });

    // The call SES authorizes: ses:SendEmail on the identity of the sender's domain (or address).
    const { synthesizeRoundsTemplate } = await import('#infra/rounds-stack');
    const { logicalIdOf, roleAllows, roleOfFunction, PLACEHOLDER_ACCOUNT, PLACEHOLDER_REGION } = await import(
      '#support/template'
    );
    const synth = synthesizeRoundsTemplate({ bundle: false, stackProps: { senderEmail: SENDER } });
    const role = roleOfFunction(synth.template, logicalIdOf(synth.stack, synth.stack.outbox.function));
    const identity = (name: string) =>
      `arn:aws:ses:${PLACEHOLDER_REGION}:${PLACEHOLDER_ACCOUNT}:identity/${name}`;
    const from = input.FromEmailAddress as string;
    expect(
      await roleAllows(synth.template, role, 'ses:SendEmail', identity(from.split('@')[1] as string)),
    ).toBe(true);
    expect(await roleAllows(synth.template, role, 'ses:SendEmail', identity(from))).toBe(true);
    expect(await roleAllows(synth.template, role, 'ses:SendEmail', identity('elsewhere.example.com'))).toBe(
      false,
    );
    expect(await roleAllows(synth.template, role, 'ses:SendRawEmail', identity(from))).toBe(false);
  });
});
