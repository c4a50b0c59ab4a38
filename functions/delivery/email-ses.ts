import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { tracer } from '#commons/tracer';
import { type Deliverable, DeliveryRefusedError, type MediumAdapter, textWithLink } from './port.ts';

/** SES errors that a retry cannot cure (a bad or suppressed address, an unverified sender). */
const REFUSED = new Set([
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'BadRequestException',
  'NotFoundException',
]);

/**
 * E-mail through Amazon SES v2 (SendEmail, a plain-text message in UTF-8) from the stack's sender
 * identity; IAM allows ses:SendEmail on that identity only (infra/outbox.ts).
 */
export function sesEmailAdapter(options: { client: Pick<SESv2Client, 'send'>; from: string }): MediumAdapter {
  return {
    async deliver(message: Deliverable, signal: AbortSignal) {
      try {
        await options.client.send(sesEmail(options.from, message), { abortSignal: signal });
      } catch (error) {
        if (error instanceof Error && REFUSED.has(error.name))
          throw new DeliveryRefusedError(`SES ${error.name}: ${error.message}`, {
            cause: error,
            code: error.name === 'MessageRejected' ? 'bad-address' : 'rejected',
          });
        throw error;
      }
    },
  };
}

/** The adapter with a client of its own (the function's role and region), as the dispatcher runs it in AWS. */
export function awsSesEmailAdapter(from: string): MediumAdapter {
  return sesEmailAdapter({ client: tracer.captureAWSv3Client(new SESv2Client({})), from });
}

export function sesEmail(
  from: string,
  message: Pick<Deliverable, 'to' | 'subject' | 'body' | 'link'>,
): SendEmailCommand {
  return new SendEmailCommand({
    FromEmailAddress: from,
    Destination: { ToAddresses: [message.to] },
    Content: {
      Simple: {
        Subject: { Data: message.subject, Charset: 'UTF-8' },
        Body: { Text: { Data: textWithLink(message), Charset: 'UTF-8' } },
      },
    },
  });
}
