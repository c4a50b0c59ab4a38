import nodemailer from 'nodemailer';
import { type Deliverable, DeliveryRefusedError, type MediumAdapter, textWithLink } from './port.ts';

/** The sender when SMTP_FROM is not set. */
export const DEFAULT_SMTP_FROM = '科技服务 <noreply@localhost>';

/**
 * E-mail through an SMTP server (`npm start` with NOTIFY=send and SMTP_URL: `smtp://user:pass@host:587`,
 * `smtps://…:465`): a UTF-8 plain-text message, the body with the line that leads to the page.
 * A 5xx for the recipient (RCPT TO) is the address refused: not retried; another 5xx is a refusal
 * of the message; a 4xx, a lost connection or a timeout is retried.
 */
export function smtpEmailAdapter(options: { url: string; from?: string }): MediumAdapter {
  const transport = nodemailer.createTransport({
    url: options.url,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  const from = options.from || DEFAULT_SMTP_FROM;
  return {
    async deliver(message: Deliverable, signal: AbortSignal) {
      const sending = transport.sendMail({
        from,
        to: message.to,
        subject: message.subject,
        text: textWithLink(message),
      });
      // A delivery given up on (aborted) may still fail later: that failure is already told.
      sending.catch(() => {});
      try {
        await Promise.race([sending, aborted(signal)]);
      } catch (error) {
        throw smtpFailure(error);
      }
    },
  };
}

/** The SMTP server's host and port, for a start-up line (never the user or password). */
export function smtpServerName(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}`;
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const fail = () =>
      reject(new Error(`SMTP 超时 / SMTP timed out (${String(signal.reason ?? 'aborted')})`));
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
}

function smtpFailure(error: unknown): Error {
  if (!(error instanceof Error)) return new Error(String(error));
  const { responseCode, command } = error as Error & { responseCode?: number; command?: string };
  const text = `SMTP ${responseCode ?? (error as { code?: string }).code ?? ''}: ${error.message}`.slice(
    0,
    500,
  );
  if (responseCode !== undefined && responseCode >= 500 && responseCode < 600) {
    const recipient = command === 'RCPT TO' || (error as { code?: string }).code === 'EENVELOPE';
    return new DeliveryRefusedError(text, { cause: error, code: recipient ? 'bad-address' : 'rejected' });
  }
  return new Error(text, { cause: error });
}
