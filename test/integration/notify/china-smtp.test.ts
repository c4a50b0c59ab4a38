import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalSmtpServer, startSmtpServer } from '#support/smtp-server';

// AWS China's outbox e-mail (functions/china/dispatch-outbox.ts → functions/delivery/install-smtp.ts):
// the SMTP server named by the secret SMTP_SECRET_ID is the e-mail adapter, and a real message reaches
// a real SMTP server. Secrets Manager has no local equivalent: a local endpoint answers its JSON
// protocol (GetSecretValue) and records what was asked.

let smtp: LocalSmtpServer;
let secrets: Server;
const asked: { target: string; body: Record<string, unknown> }[] = [];

beforeAll(async () => {
  smtp = await startSmtpServer();
  secrets = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => {
      text += chunk;
    });
    req.on('end', () => {
      asked.push({ target: String(req.headers['x-amz-target']), body: JSON.parse(text) });
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      res.end(
        JSON.stringify({
          Name: 'rounds/smtp',
          SecretString: JSON.stringify({ url: smtp.url, from: '科技服务 <notify@example.org.cn>' }),
        }),
      );
    });
  });
  await new Promise<void>((resolve) => secrets.listen(0, '127.0.0.1', resolve));
  process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = `http://127.0.0.1:${(secrets.address() as AddressInfo).port}`;
  process.env.AWS_REGION = 'cn-northwest-1';
  process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY = 'secret';
  process.env.SMTP_SECRET_ID = 'rounds/smtp';
});

afterAll(async () => {
  await smtp?.close();
  secrets?.close();
});

describe('e-mail in AWS China', () => {
  it('goes through the SMTP server of the secret, read once before the first run', async () => {
    await import('#delivery/install-smtp');
    const { chosenEmailAdapter } = await import('#delivery/email-choice');
    expect(asked).toEqual([{ target: 'secretsmanager.GetSecretValue', body: { SecretId: 'rounds/smtp' } }]);
    const email = chosenEmailAdapter();
    if (!email) throw new Error('no e-mail adapter was chosen');
    await email.deliver(
      {
        id: 'm-1',
        audience: 'society',
        medium: 'email',
        to: 'society@example.org.cn',
        subject: '邀请 / invitation',
        body: '请查看 / please see',
      },
      AbortSignal.timeout(20_000),
    );
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]?.subject).toBe('邀请 / invitation');
    expect(smtp.received[0]?.from?.text).toContain('notify@example.org.cn');
  });
});
