import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { chooseEmailAdapter } from './email-choice.ts';
import { smtpEmailAdapter } from './email-smtp.ts';

/*
 * Loaded first by the outbox dispatcher in AWS China only (functions/china/dispatch-outbox.ts): there is no
 * SES: e-mail through the SMTP server of the secret SMTP_SECRET_ID
 * (`{"url":"smtps://user:pass@host:465","from":"…"}`, docs/deploy.md, AWS China), read once per cold
 * start; SMTP_SECRET_ID empty: no e-mail (an e-mail is refused at once, not retried). The global
 * bundle carries neither nodemailer nor the Secrets Manager client.
 */
const secretId = process.env.SMTP_SECRET_ID;
if (secretId) {
  const secret = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: secretId }));
  const smtp = JSON.parse(secret.SecretString ?? '{}') as { url?: unknown; from?: unknown };
  if (typeof smtp.url !== 'string' || smtp.url === '')
    throw new Error(`SMTP 密钥 ${secretId} 缺少 url / the SMTP secret ${secretId} has no "url"`);
  chooseEmailAdapter(
    smtpEmailAdapter({ url: smtp.url, ...(typeof smtp.from === 'string' ? { from: smtp.from } : {}) }),
  );
} else {
  chooseEmailAdapter(null);
}
