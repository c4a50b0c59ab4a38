import type { DispatchResult } from '#delivery/outbox-dispatch';
import type { DeliveryAdapters } from '#delivery/port';
import type { StoredMessage } from '#store/outbox';
import { runAsFunction } from './aws-rules/identity.ts';
import { printingAdapters } from './delivery.ts';

/**
 * The outbox's sender on one machine: every few seconds the same dispatcher as the DispatchOutbox
 * Lambda (functions/delivery/outbox-dispatch.ts) sends the due messages through local adapters —
 * by default printed to the `npm start` log — and reminders of answered offers are cancelled.
 */
export interface OutboxDispatcher {
  /** One pass now (or at `now`); resolves with the messages sent. */
  tick(now?: Date): Promise<StoredMessage[]>;
  /** One pass, with everything it did. */
  run(now?: Date): Promise<DispatchResult>;
  stop(): void;
}

export function startOutboxDispatcher(options: {
  out: (line: string) => void;
  intervalMs?: number;
  now?: () => Date;
  /** @default printing adapters (every medium printed to `out`) */
  adapters?: DeliveryAdapters;
}): OutboxDispatcher {
  const now = options.now ?? (() => new Date());
  const adapters = options.adapters ?? printingAdapters(options.out);
  const run = async (at: Date = now()): Promise<DispatchResult> => {
    const { dispatchDue } = await import('#delivery/outbox-dispatch');
    // The same code as the DispatchOutbox Lambda, so with that function's role.
    const result = await runAsFunction('DispatchOutbox', () => dispatchDue(at, { adapters }));
    for (const { id, error } of result.failed)
      options.out(`✉ 发送失败，不再重试 / not delivered, given up: ${id}: ${error}`);
    return result;
  };
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = run()
      .catch((error: Error) => options.out(`发件箱出错 / outbox error: ${error.message}`))
      .finally(() => {
        running = undefined;
      });
  }, options.intervalMs ?? 5000);
  timer.unref();
  return { tick: async (at) => (await run(at)).sent, run, stop: () => clearInterval(timer) };
}
