/**
 * The delivery seam: a notification names who it is for (its audience) and how it travels (its
 * medium); each medium is one adapter behind this port. The outbox dispatcher
 * (functions/delivery/outbox-dispatch.ts) knows only the port, so AWS (SES, webhooks, SNS SMS), the
 * `npm start` printer and the tests' recorder are the same dispatcher with other adapters.
 */

import type { Audience, Medium, MessageKind, WebhookKind } from '#schemas/delivery';

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
}

export type DeliveryAdapters = Readonly<Partial<Record<Medium, MediumAdapter>>>;

/** A delivery that can never succeed as it stands (no adapter, no contact, address refused): not retried. */
export class DeliveryRefusedError extends Error {
  override readonly name = 'DeliveryRefusedError';
}

/** Hands a message to the adapter of its medium. */
export async function deliver(
  adapters: DeliveryAdapters,
  message: Deliverable,
  signal: AbortSignal,
): Promise<void> {
  if (message.medium === 'none') {
    throw new DeliveryRefusedError('收件人没有联系方式 / the recipient has no contact to deliver to');
  }
  const adapter = adapters[message.medium];
  if (!adapter) {
    throw new DeliveryRefusedError(
      `未配置“${message.medium}”发送方式 / no adapter is configured for the medium "${message.medium}"`,
    );
  }
  await adapter.deliver(message, signal);
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
