import { randomUUID } from 'node:crypto';
import pLimit from 'p-limit';
import { nextSendableTime } from '#domain/quiet-hours';
import type { Contact } from '#schemas/catalog';
import type { DeliveryFailure } from '#schemas/delivery';
import { getCounty, getSociety } from '#store/catalog';
import { getTeamOffer } from '#store/offers';
import {
  claimMessage,
  deferMessage,
  deliveryFailed,
  dueMessages,
  type MessageKey,
  type StoredMessage,
  settleClaimed,
} from '#store/outbox';
import { nextMinute, takeRobotSlot } from '#store/robot-budget';
import {
  type Deliverable,
  type DeliveryAdapters,
  DeliveryDeferredError,
  DeliveryRefusedError,
  deliver,
  failureCode,
} from './port.ts';

/**
 * The outbox's sender, shared by the `DispatchOutbox` Lambda (AWS, every 10 minutes) and the
 * `npm start` loop; only the adapters differ. One run Queries the due messages (the outbox-due
 * index), claims each with a lease, hands it to the adapter of its medium and marks it sent only
 * once the medium took it. A failed delivery is retried later with backoff, and after
 * `maxAttempts` tries (or at once, when the medium refuses it for good) the message is `failed`
 * with its last error and its code. A reminder whose offer was answered meanwhile is cancelled
 * instead. During quiet hours (QUIET_HOURS, 22:00–07:00 Asia/Shanghai by default) nothing goes out,
 * retries included.
 *
 * Robots: the recipient's contact is read again at delivery for the robot's 加签 secret and dialect
 * (never copied into the outbox), and each delivery to a real robot first takes a slot of the robot's
 * 20 a minute (functions/store/robot-budget.ts). Without one, or when the robot itself says "too
 * fast", the message goes back to the queue for a later minute without counting as a try.
 */
export interface DispatchOptions {
  readonly adapters: DeliveryAdapters;
  /** Deliveries at once. @default 8 */
  readonly concurrency?: number;
  /** Time left to this run (a Lambda's `context.getRemainingTimeInMillis`). @default unbounded */
  readonly remainingMs?: () => number;
  /** The longest one delivery may take before it is aborted. @default 10 s */
  readonly deliveryTimeoutMs?: number;
  /** How long a claim holds; past it another dispatcher may take the message. @default 2 min */
  readonly leaseMs?: number;
  /** Tries before a message is `failed`. @default 5 */
  readonly maxAttempts?: number;
  /** Wait before the first retry; doubled for each further one. @default 5 min */
  readonly retryBaseMs?: number;
}

export interface DispatchResult {
  sent: StoredMessage[];
  cancelled: string[];
  /** Back in the queue, due again at `retryAt`. */
  retrying: { id: string; error: string; retryAt: string }[];
  /** Given up: no tries left, or refused by the medium. */
  failed: { id: string; error: string }[];
  /** Back in the queue without counting as a try: the robot's minute was full (`too-fast`). */
  deferred: { id: string; until: string; code: DeliveryFailure }[];
  /** Quiet hours: nothing was claimed. */
  quiet: boolean;
  /** The run stopped claiming because its time ran short; the rest waits for the next run. */
  stoppedEarly: boolean;
}

const DEFAULTS = {
  concurrency: 8,
  deliveryTimeoutMs: 10_000,
  leaseMs: 120_000,
  maxAttempts: 5,
  retryBaseMs: 5 * 60_000,
};

/** Enough time for a claim, a delivery to its timeout and the write that settles it. */
const SETTLE_MARGIN_MS = 5_000;

/** When a message that failed its `attempts`-th try is due again (before quiet hours are applied). */
export function retryDelayMs(attempts: number, baseMs: number): number {
  return baseMs * 2 ** Math.max(0, attempts - 1);
}

/**
 * One run at `at` (the clock moves on from there as the run takes time). Messages due by the
 * clock are claimed until the remaining time would not fit another delivery.
 */
export async function dispatchDue(at: Date, options: DispatchOptions): Promise<DispatchResult> {
  const settings = { ...DEFAULTS, ...options };
  const result: DispatchResult = {
    sent: [],
    cancelled: [],
    retrying: [],
    failed: [],
    deferred: [],
    quiet: false,
    stoppedEarly: false,
  };
  const started = Date.now();
  const clock = () => new Date(at.getTime() + (Date.now() - started));
  if (nextSendableTime(at).getTime() > at.getTime()) {
    result.quiet = true;
    return result;
  }
  const reserve = settings.deliveryTimeoutMs + SETTLE_MARGIN_MS;
  const outOfTime = () => {
    if ((options.remainingMs?.() ?? Number.POSITIVE_INFINITY) >= reserve) return false;
    result.stoppedEarly = true;
    return true;
  };
  const leaseId = randomUUID();
  const limit = pLimit(settings.concurrency);

  const handle = async (due: MessageKey): Promise<void> => {
    if (outOfTime()) return;
    const now = clock();
    const message = await claimMessage(due, {
      id: leaseId,
      at: now.toISOString(),
      until: new Date(now.getTime() + settings.leaseMs).toISOString(),
    });
    if (!message) return;
    if (message.kind === 'reminder' && message.offerId && !(await stillWaiting(message.offerId))) {
      if (await settleClaimed(message, leaseId, 'cancelled', clock().toISOString()))
        result.cancelled.push(message.id);
      return;
    }
    const robot = message.medium === 'webhook' && settings.adapters.webhook !== undefined;
    const deliverable = robot ? await withRobot(message) : message;
    const paced = robot && settings.adapters.webhook?.pacedPerRobot === true;
    if (paced && !(await takeRobotSlot(message.to, clock()))) {
      const until = nextSendableTime(nextMinute(clock())).toISOString();
      if (await deferMessage(message, leaseId, { until }))
        result.deferred.push({ id: message.id, until, code: 'too-fast' });
      return;
    }
    try {
      await deliver(settings.adapters, deliverable, AbortSignal.timeout(settings.deliveryTimeoutMs));
    } catch (error) {
      const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      const code = failureCode(error);
      const failedAt = clock();
      if (error instanceof DeliveryDeferredError) {
        const until = nextSendableTime(new Date(failedAt.getTime() + error.retryAfterMs)).toISOString();
        const failure = { error: text, code, at: failedAt.toISOString() };
        if (await deferMessage(message, leaseId, { until, failure }))
          result.deferred.push({ id: message.id, until, code });
        return;
      }
      const retryAt =
        error instanceof DeliveryRefusedError || (message.attempts ?? 1) >= settings.maxAttempts
          ? undefined
          : nextSendableTime(
              new Date(failedAt.getTime() + retryDelayMs(message.attempts ?? 1, settings.retryBaseMs)),
            ).toISOString();
      if (
        await deliveryFailed(message, leaseId, { error: text, code, at: failedAt.toISOString(), retryAt })
      ) {
        if (retryAt) result.retrying.push({ id: message.id, error: text, retryAt });
        else result.failed.push({ id: message.id, error: text });
      }
      return;
    }
    if (await settleClaimed(message, leaseId, 'sent', clock().toISOString())) result.sent.push(message);
  };

  // Queued messages first, then those whose claim ran out (a dispatcher that stopped mid-way).
  for (const status of ['queued', 'sending'] as const) {
    for await (const page of dueMessages(status, clock().toISOString())) {
      if (outOfTime()) return result;
      await Promise.all(page.map((message) => limit(() => handle(message))));
    }
  }
  return result;
}

/**
 * A robot message with the robot's secret and dialect from the recipient's contact as it is now —
 * only when that contact's webhook is still the address the message goes to.
 */
async function withRobot(message: StoredMessage): Promise<Deliverable> {
  const contact = await recipientContact(message);
  if (!contact?.webhook || contact.webhook !== message.to) return message;
  if (!contact.webhookSecret && !contact.webhookKind) return message;
  return {
    ...message,
    robot: {
      ...(contact.webhookSecret ? { secret: contact.webhookSecret } : {}),
      ...(contact.webhookKind ? { kind: contact.webhookKind } : {}),
    },
  };
}

async function recipientContact(message: StoredMessage): Promise<Contact | undefined> {
  const recipient =
    message.recipient ??
    (message.societyId ? { kind: 'society' as const, id: message.societyId } : undefined);
  if (recipient?.kind === 'society') return (await getSociety(recipient.id))?.contact;
  if (recipient?.kind === 'county') return (await getCounty(recipient.id))?.contact;
  return undefined;
}

async function stillWaiting(offerId: string): Promise<boolean> {
  const offer = await getTeamOffer(offerId);
  return offer?.status === 'offered' && !offer.decision;
}
