import { smtpEmailAdapter, smtpServerName } from '#delivery/email-smtp';
import { type Deliverable, type DeliveryAdapters, type MediumAdapter, textWithLink } from '#delivery/port';
import { webhookAdapter } from '#delivery/webhook';

/**
 * The delivery adapters of one machine, chosen by NOTIFY: `print` (the default) prints each message
 * to the `npm start` log as it goes out; `send` delivers robot webhooks over HTTP(S) and e-mail
 * through SMTP_URL (printed when it is not set); SMS is printed either way (AWS sends SMS). Any other
 * value is refused, so that a typo does not silently print what was meant to be sent.
 */
export function localAdapters(
  env: Readonly<Record<string, string | undefined>>,
  out: (line: string) => void,
): { adapters: DeliveryAdapters; line: string } {
  const notify = env.NOTIFY?.trim() || 'print';
  const printing = printingAdapters(out);
  if (notify === 'print')
    return {
      adapters: printing,
      line: '通知：打印在此，不发送 / notifications: printed here, not sent (NOTIFY=send to send)',
    };
  if (notify !== 'send')
    throw new Error(
      `NOTIFY 只能是 send 或 print，而不是“${notify}” / NOTIFY must be send or print, not "${notify}"`,
    );
  const smtp = env.SMTP_URL?.trim();
  const adapters: DeliveryAdapters = {
    ...printing,
    webhook: webhookAdapter(),
    ...(smtp ? { email: smtpEmailAdapter({ url: smtp, from: env.SMTP_FROM?.trim() || undefined }) } : {}),
    sms: printingAdapter(out, '短信由 AWS 发送，此处只打印 / SMS is left to AWS; printed here'),
  };
  const email = smtp
    ? `邮件经 ${smtpServerName(smtp)} / e-mail through ${smtpServerName(smtp)}`
    : '邮件打印（未设 SMTP_URL）/ e-mail printed (no SMTP_URL)';
  return {
    adapters,
    line: `通知：真实发送 / notifications sent for real: 机器人 webhooks; ${email}; 短信打印 / SMS printed`,
  };
}

/** Every medium printed to `out`: the recipient, subject, body and the link line (never a robot's secret). */
export function printingAdapters(out: (line: string) => void): DeliveryAdapters {
  const print = printingAdapter(out);
  return { email: print, webhook: print, sms: print, topic: print };
}

function printingAdapter(out: (line: string) => void, note?: string): MediumAdapter {
  return {
    async deliver(message) {
      const coordinator = message.audience === 'coordinator';
      const to = coordinator ? '协调人 coordinator' : `${message.medium} ${message.to}`;
      out(`✉ ${coordinator ? '⚠ ' : ''}[${to}] ${message.subject}`);
      if (note) out(`    (${note})`);
      for (const line of textWithLink(message).split('\n')) out(`    ${line}`);
    },
  };
}

export interface RecordingAdapters {
  readonly adapters: DeliveryAdapters;
  /** Every message an adapter accepted, in order. */
  readonly delivered: Deliverable[];
  /** Makes the next `times` deliveries of `medium` throw `error`. */
  failNext(medium: keyof DeliveryAdapters, error: Error, times?: number): void;
}

export function recordingAdapters(): RecordingAdapters {
  const delivered: Deliverable[] = [];
  const failures = new Map<string, { error: Error; times: number }>();
  const record: MediumAdapter = {
    async deliver(message) {
      const failure = failures.get(message.medium);
      if (failure && failure.times > 0) {
        failure.times--;
        throw failure.error;
      }
      delivered.push(message);
    },
  };
  return {
    adapters: { email: record, webhook: record, sms: record, topic: record },
    delivered,
    failNext(medium, error, times = 1) {
      failures.set(medium, { error, times });
    },
  };
}
