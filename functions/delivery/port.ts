/**
 * The delivery seam: a notification names who it is for (its audience) and how it travels (its
 * medium); each medium is one adapter behind this port. The outbox dispatcher
 * (functions/delivery/outbox-dispatch.ts) knows only the port, so AWS (SES, webhooks, SNS SMS), the
 * `npm start` printer and the tests' recorder are the same dispatcher with other adapters.
 */

import type { Audience, DeliveryFailure, Medium, MessageKind, WebhookKind } from '#schemas/delivery';

/** What an adapter needs of a message. */
export interface Deliverable {
  readonly id: string;
  readonly audience: Audience;
  readonly medium: Medium;
  /** The address in the medium: an e-mail address, a robot URL, an E.164 phone number. */
  readonly to: string;
  readonly subject: string;
  readonly body: string;
  readonly kind?: MessageKind;
  /** The absolute address of the page where the reader acts: a robot's button, a line in an e-mail. */
  readonly link?: string;
  /** A robot's 加签 secret and dialect, read from the recipient's contact when it is delivered. */
  readonly robot?: { readonly secret?: string; readonly kind?: WebhookKind };
}

export interface MediumAdapter {
  /** Resolves once the medium accepted the message; `signal` aborts a delivery that takes too long. */
  deliver(message: Deliverable, signal: AbortSignal): Promise<void>;
  /** Posts to real robots: the dispatcher keeps each robot's 20 a minute (a printer needs no pacing). */
  readonly pacedPerRobot?: boolean;
}

export type DeliveryAdapters = Readonly<Partial<Record<Medium, MediumAdapter>>>;

/**
 * A delivery that can never succeed as it stands (no adapter, no contact, address or signature
 * refused): not retried. `code` says why, for the coordinator (schemas/delivery.ts).
 */
export class DeliveryRefusedError extends Error {
  override readonly name = 'DeliveryRefusedError';
  readonly code: DeliveryFailure;
  constructor(message: string, options: ErrorOptions & { code?: DeliveryFailure } = {}) {
    super(message, options);
    this.code = options.code ?? 'rejected';
  }
}

/**
 * The medium asks to be tried again later (a robot's 20-a-minute limit): the message goes back to
 * the queue at least `retryAfterMs` later, and the try does not count as an attempt.
 */
export class DeliveryDeferredError extends Error {
  override readonly name = 'DeliveryDeferredError';
  readonly code: DeliveryFailure;
  readonly retryAfterMs: number;
  constructor(message: string, options: ErrorOptions & { code?: DeliveryFailure; retryAfterMs: number }) {
    super(message, options);
    this.code = options.code ?? 'too-fast';
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Why a delivery failed, as the outbox records it: an error without a code is retried as `unreachable`. */
export function failureCode(error: unknown): DeliveryFailure {
  return error instanceof DeliveryRefusedError || error instanceof DeliveryDeferredError
    ? error.code
    : 'unreachable';
}

/** Hands a message to the adapter of its medium. */
export async function deliver(
  adapters: DeliveryAdapters,
  message: Deliverable,
  signal: AbortSignal,
): Promise<void> {
  if (message.medium === 'none') {
    throw new DeliveryRefusedError('收件人没有联系方式 / the recipient has no contact to deliver to', {
      code: 'no-contact',
    });
  }
  const adapter = adapters[message.medium];
  if (!adapter) {
    throw new DeliveryRefusedError(
      `未配置“${message.medium}”发送方式 / no adapter is configured for the medium "${message.medium}"`,
      { code: 'no-adapter' },
    );
  }
  await adapter.deliver(message, signal);
}

/**
 * The body with the line that leads to the page (`link`) at its end, for media that carry plain
 * text (e-mail, SMS, the printed log); unchanged when there is no link or the body has it already.
 */
export function textWithLink(message: Pick<Deliverable, 'body' | 'link'>): string {
  if (!message.link || message.body.includes(message.link)) return message.body;
  return `${message.body}\n\n打开页面 / Open the page: ${message.link}`;
}

/** Where a contact is reached: a robot webhook first (read at once by the team), then e-mail, then SMS. */
export function contactRoute(contact?: {
  email?: string | undefined;
  phone?: string | undefined;
  webhook?: string | undefined;
}): { medium: Medium; to: string } {
  if (contact?.webhook) return { medium: 'webhook', to: contact.webhook };
  if (contact?.email) return { medium: 'email', to: contact.email };
  if (contact?.phone) return { medium: 'sms', to: contact.phone };
  return { medium: 'none', to: '' };
}

/**
 * Every way a contact is reached at once: its robot and its e-mail (a group robot is read at once,
 * an e-mail is kept); SMS only when it has neither; `none` when it has nothing, so the message can
 * still be read on its page.
 */
export function contactRoutes(contact?: {
  email?: string | undefined;
  phone?: string | undefined;
  webhook?: string | undefined;
}): { medium: Medium; to: string }[] {
  const routes: { medium: Medium; to: string }[] = [];
  if (contact?.webhook) routes.push({ medium: 'webhook', to: contact.webhook });
  if (contact?.email) routes.push({ medium: 'email', to: contact.email });
  if (routes.length === 0 && contact?.phone) routes.push({ medium: 'sms', to: contact.phone });
  return routes.length > 0 ? routes : [{ medium: 'none', to: '' }];
}
