import type { StoredMessage } from '#commons/store/outbox';

/**
 * The outbox's sender on one machine: every few seconds, the due messages (see
 * functions/commons/outbox-dispatch.ts, shared with the DispatchOutbox Lambda) are "sent" —
 * printed to the `npm start` log — and marked sent; reminders of answered offers are cancelled.
 */
export interface OutboxDispatcher {
  /** One pass now (over the current and previous season, or the given ones); resolves with the messages sent. */
  tick(now?: Date, seasons?: readonly string[]): Promise<StoredMessage[]>;
  stop(): void;
}

export function startOutboxDispatcher(options: {
  out: (line: string) => void;
  intervalMs?: number;
  now?: () => Date;
}): OutboxDispatcher {
  const now = options.now ?? (() => new Date());
  const print = {
    async deliver(message: StoredMessage) {
      const to = message.channel === 'coordinator' ? '协调人 coordinator' : message.to;
      options.out(`✉ ${message.channel === 'coordinator' ? '⚠ ' : ''}[${to}] ${message.subject}`);
      for (const line of message.body.split('\n')) options.out(`    ${line}`);
    },
  };
  const tick = async (at: Date = now(), seasons?: readonly string[]): Promise<StoredMessage[]> => {
    const { dispatchDue } = await import('#commons/outbox-dispatch');
    return (await dispatchDue(at, print, seasons)).sent;
  };
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = tick()
      .catch((error: Error) => options.out(`发件箱出错 / outbox error: ${error.message}`))
      .finally(() => {
        running = undefined;
      });
  }, options.intervalMs ?? 5000);
  timer.unref();
  return { tick, stop: () => clearInterval(timer) };
}
