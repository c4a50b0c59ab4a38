import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { tracer } from '#commons/tracer';
import { type Deliverable, DeliveryRefusedError, type MediumAdapter } from './port.ts';

/** SNS refuses an SMS over 1,600 bytes; a society's SMS is the subject and the first lines. */
const SMS_MAX_CHARS = 300;

/** The adapter with a client of its own (the function's role and region), as the dispatcher runs it in AWS. */
export function awsSnsSmsAdapter(): MediumAdapter {
  return snsSmsAdapter({ client: tracer.captureAWSv3Client(new SNSClient({})) });
}

/**
 * SMS through Amazon SNS (Publish to a phone number, transactional). A number without a country
 * code is taken as a mainland China number (+86).
 */
export function snsSmsAdapter(options: { client: Pick<SNSClient, 'send'> }): MediumAdapter {
  return {
    async deliver(message: Deliverable, signal: AbortSignal) {
      const phone = e164(message.to);
      if (!phone)
        throw new DeliveryRefusedError(`"${message.to}" is not a phone number`, { code: 'bad-address' });
      await options.client.send(
        new PublishCommand({
          PhoneNumber: phone,
          Message: smsText(message),
          MessageAttributes: {
            'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
          },
        }),
        { abortSignal: signal },
      );
    },
  };
}

/** The subject and the first lines, then the link (cut last, so a long body does not cut the link). */
function smsText(message: Pick<Deliverable, 'subject' | 'body' | 'link'>): string {
  const link = message.link && !message.body.includes(message.link) ? `\n${message.link}` : '';
  return `${`${message.subject}\n${message.body}`.slice(0, SMS_MAX_CHARS - link.length)}${link}`;
}

/** `138 0013 8000` → `+8613800138000`; undefined when it cannot be a number. */
export function e164(phone: string): string | undefined {
  const digits = phone.replace(/[\s-]/g, '');
  const full = digits.startsWith('+') ? digits : `+86${digits}`;
  return /^\+[1-9][0-9]{6,14}$/.test(full) ? full : undefined;
}
