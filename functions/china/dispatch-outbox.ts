/*
 * DispatchOutbox in AWS China (infra/outbox.ts), where there is no SES: SMTP or no e-mail, chosen
 * before the first run (functions/delivery/install-smtp.ts). The global bundle carries neither
 * nodemailer nor the Secrets Manager client.
 */
import '#delivery/install-smtp';

export { handler } from '#functions/triggers/dispatch-outbox';
