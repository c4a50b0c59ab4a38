/**
 * The delivery adapters (webhook against a local robot server; SES and SNS with recorded clients,
 * since neither has a local equivalent) and the coordinator alert's SNS subject.
 */
import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { sesEmailAdapter } from '#delivery/email-ses';
import { contactRoute, type Deliverable, DeliveryRefusedError } from '#delivery/port';
import { e164, snsSmsAdapter } from '#delivery/sms-sns';
import { webhookAdapter } from '#delivery/webhook';
import { alertTexts } from '#domain/coordinator-notices';

const message = (overrides: Partial<Deliverable> = {}): Deliverable => ({
  id: 'o1#offered',
  audience: 'society',
  medium: 'webhook',
  to: '',
  subject: '【2026-Q4 科技服务】邀请',
  body: '请答复 / please answer',
  ...overrides,
});
const signal = () => AbortSignal.timeout(5_000);

async function robot(answer: { status: number; body: string }) {
  const received: unknown[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push(JSON.parse(body));
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/robot/send?access_token=t`;
  return { url, received, close: () => server.close() };
}

describe('the webhook adapter (DingTalk / WeCom robots)', () => {
  it('posts the robot text message and accepts errcode 0', async () => {
    const hook = await robot({ status: 200, body: '{"errcode":0,"errmsg":"ok"}' });
    await webhookAdapter().deliver(message({ to: hook.url }), signal());
    hook.close();
    expect(hook.received).toEqual([
      { msgtype: 'text', text: { content: '【2026-Q4 科技服务】邀请\n请答复 / please answer' } },
    ]);
  });

  it('fails (to be retried) when the robot answers 200 with another errcode, or 5xx', async () => {
    const limited = await robot({ status: 200, body: '{"errcode":130101,"errmsg":"send too fast"}' });
    const down = await robot({ status: 503, body: '' });
    const a = webhookAdapter().deliver(message({ to: limited.url }), signal());
    const b = webhookAdapter().deliver(message({ to: down.url }), signal());
    await expect(a).rejects.toThrow(/errcode 130101/);
    await expect(b).rejects.toThrow(/HTTP 503/);
    await expect(b).rejects.not.toBeInstanceOf(DeliveryRefusedError);
    limited.close();
    down.close();
  });

  it('refuses for good when the robot answers 404 (a wrong URL is not cured by retrying)', async () => {
    const gone = await robot({ status: 404, body: '' });
    await expect(webhookAdapter().deliver(message({ to: gone.url }), signal())).rejects.toBeInstanceOf(
      DeliveryRefusedError,
    );
    gone.close();
  });
});

describe('the SES e-mail adapter', () => {
  it('sends a UTF-8 text e-mail from the sender, and refuses for good what SES rejects', async () => {
    const sent: unknown[] = [];
    const client = {
      send: async (command: { input: unknown }) => {
        sent.push(command.input);
        if (sent.length > 1)
          throw Object.assign(new Error('Email address is not verified.'), { name: 'MessageRejected' });
        return { MessageId: 'm-1' };
      },
    } as never;
    const email = sesEmailAdapter({ client, from: 'notify@kexie.example.cn' });
    await email.deliver(message({ medium: 'email', to: 'office@society.example.cn' }), signal());
    expect(sent[0]).toMatchObject({
      FromEmailAddress: 'notify@kexie.example.cn',
      Destination: { ToAddresses: ['office@society.example.cn'] },
      Content: { Simple: { Subject: { Data: '【2026-Q4 科技服务】邀请', Charset: 'UTF-8' } } },
    });
    await expect(email.deliver(message({ medium: 'email', to: 'x@y.cn' }), signal())).rejects.toBeInstanceOf(
      DeliveryRefusedError,
    );
  });
});

describe('the SNS SMS adapter', () => {
  it('publishes a transactional SMS to the number in E.164 (+86 when it has no country code)', async () => {
    const sent: Record<string, unknown>[] = [];
    const client = {
      send: async (command: { input: Record<string, unknown> }) => sent.push(command.input),
    } as never;
    await snsSmsAdapter({ client }).deliver(message({ medium: 'sms', to: '138 0013-8000' }), signal());
    expect(sent).toEqual([
      {
        PhoneNumber: '+8613800138000',
        Message: '【2026-Q4 科技服务】邀请\n请答复 / please answer',
        MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
      },
    ]);
    expect(e164('+852 2345 6789')).toBe('+85223456789');
    expect(e164('call me')).toBeUndefined();
  });
});

describe('who gets a message by which medium', () => {
  it('prefers the robot webhook, then e-mail, then SMS; no contact is medium none', () => {
    expect(contactRoute({ email: 'a@b.cn', webhook: 'https://oapi.dingtalk.com/robot/send' })).toEqual({
      medium: 'webhook',
      to: 'https://oapi.dingtalk.com/robot/send',
    });
    expect(contactRoute({ email: 'a@b.cn', phone: '13800138000' })).toEqual({
      medium: 'email',
      to: 'a@b.cn',
    });
    expect(contactRoute({ phone: '13800138000' })).toEqual({ medium: 'sms', to: '13800138000' });
    expect(contactRoute(undefined)).toEqual({ medium: 'none', to: '' });
  });
});

describe('the coordinator alert', () => {
  const longCounty = 'c'.repeat(64);
  const offer = {
    id: `2026-Q4.${longCounty}.s1`,
    season: '2026-Q4',
    countyId: longCounty,
    townId: 't1',
    societyId: 's1',
    visitId: `2026-Q4.${longCounty}`,
    needIds: ['n1'],
    status: 'declined',
    createdAt: '2026-10-01T01:00:00.000Z',
  } as never;

  it.each(['tries-exhausted', 'no-society'] as const)(
    'has an SNS subject under 100 ASCII characters for a 64-character county id (%s)',
    (reason) => {
      const { subject } = alertTexts({ offer, reason, needs: [{ id: 'n1', title: '茶园病虫害' }], tries: 3 });
      expect(subject.length).toBeLessThan(100);
      expect(subject).toMatch(/^[\x20-\x7e]+$/);
      expect(subject).toMatch(/^Mountain rounds 2026-Q4: /);
      expect(subject).toContain('ccc...');
    },
  );

  it('keeps a short county id whole', () => {
    const { subject } = alertTexts({
      offer: { ...(offer as object), countyId: 'chunan' } as never,
      reason: 'tries-exhausted',
      needs: [],
      tries: 3,
    });
    expect(subject).toBe('Mountain rounds 2026-Q4: needs of chunan unassigned after 3 tries');
  });
});

describe('the embedded runtime reading the dispatcher from the template', () => {
  it('resolves the SenderEmail parameter and its domain (Fn::Select of Fn::Split) in the policy and environment', async () => {
    const { synthesizeRoundsTemplate } = await import('#infra/rounds-stack');
    const { LOCAL_PARAMETER_VALUES, resolveIntrinsics } = await import('#local/template');
    const { logicalIdOf } = await import('#support/template');
    const { template, stack } = synthesizeRoundsTemplate({ bundle: false });
    const fnId = logicalIdOf(stack, stack.outbox.function);
    const roleId = template.Resources[fnId].Properties.Role['Fn::GetAtt'][0];
    const statements = Object.values<{ Type: string; Properties: Record<string, unknown> }>(
      template.Resources,
    )
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .filter((r) => (r.Properties.Roles as { Ref: string }[]).some((ref) => ref.Ref === roleId))
      .flatMap(
        (r) => resolveIntrinsics(r.Properties.PolicyDocument, template, {}) as { Statement: unknown[] },
      )
      .flatMap((document) => document.Statement) as { Action: string; Resource: string[] }[];

    const sender = LOCAL_PARAMETER_VALUES.SenderEmail as string;
    expect(statements.find((s) => s.Action === 'ses:SendEmail')?.Resource).toEqual([
      `arn:aws:ses:local:000000000000:identity/${sender}`,
      `arn:aws:ses:local:000000000000:identity/${sender.split('@')[1]}`,
    ]);
    expect(resolveIntrinsics(template.Resources[fnId].Properties.Environment, template, {})).toMatchObject({
      Variables: { SENDER_EMAIL: sender, SMS_ENABLED: '0' },
    });
  });
});
