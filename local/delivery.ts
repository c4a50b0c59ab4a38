import type { Deliverable, DeliveryAdapters, MediumAdapter } from '#delivery/port';

/**
 * The delivery adapters of one machine: nothing leaves it. `npm start` prints each message as it
 * goes out; tests record them (and can make a medium fail).
 */
export function printingAdapters(out: (line: string) => void): DeliveryAdapters {
  const print: MediumAdapter = {
    async deliver(message) {
      const coordinator = message.audience === 'coordinator';
      const to = coordinator ? '协调人 coordinator' : `${message.medium} ${message.to}`;
      out(`✉ ${coordinator ? '⚠ ' : ''}[${to}] ${message.subject}`);
      for (const line of message.body.split('\n')) out(`    ${line}`);
    },
  };
  return { email: print, webhook: print, sms: print, topic: print };
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
