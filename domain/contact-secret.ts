import type { Contact } from '#schemas/catalog';

/*
 * A contact's robot secret (DingTalk 加签) is a credential: stored, used to sign, never shown. What
 * is shown instead (docs/api.md, catalog): to a coordinator the contact with `webhookSecretSet:
 * true` in place of the secret; to anyone else only whom to call (name, phone, e-mail) — the
 * robot's address carries its own access token, so it stays with the coordinators who set it.
 */

/** A contact as an answer shows it. */
export type ShownContact = Omit<Contact, 'webhookSecret'> & { webhookSecretSet?: true };

export function shownContact(contact: Contact, toCoordinator: boolean): ShownContact {
  const { webhookSecret, ...rest } = contact;
  if (toCoordinator) return { ...rest, ...(webhookSecret ? { webhookSecretSet: true as const } : {}) };
  const { name, phone, email } = rest;
  return { ...(name ? { name } : {}), ...(phone ? { phone } : {}), ...(email ? { email } : {}) };
}

/** A county or society as an answer shows it: its contact without the secret. */
export function withShownContact<T extends { contact?: Contact }>(
  item: T,
  toCoordinator: boolean,
): Omit<T, 'contact'> & { contact?: ShownContact } {
  if (!item.contact) return item;
  const contact = shownContact(item.contact, toCoordinator);
  const { contact: _stored, ...rest } = item;
  return Object.keys(contact).length > 0 ? { ...rest, contact } : rest;
}

/**
 * A contact as a change sends it: `webhookSecret` a new secret, `""` or `null` to clear it, or left
 * out to keep the stored one — kept only while the robot's address stays the same (another robot
 * has another secret) and there is an address at all.
 */
export type ContactInput = Omit<Contact, 'webhookSecret'> & { webhookSecret?: string | null };

export function contactToStore(input: ContactInput, stored: Contact | undefined): Contact {
  const { webhookSecret, ...rest } = input;
  const keep =
    webhookSecret === undefined &&
    rest.webhook !== undefined &&
    rest.webhook === stored?.webhook &&
    stored?.webhookSecret !== undefined;
  const secret = keep ? stored?.webhookSecret : webhookSecret || undefined;
  return { ...rest, ...(secret ? { webhookSecret: secret } : {}) };
}

/** An item as a change sends it, with its contact's secret resolved against what is stored. */
export function itemToStore<T extends { contact?: Contact }>(
  input: Omit<T, 'contact'> & { contact?: ContactInput },
  stored: T | undefined,
): T {
  if (!input.contact) return input as T;
  return { ...input, contact: contactToStore(input.contact, stored?.contact) } as T;
}

/** Whether two contacts' secrets differ (the audit notes a new secret it cannot show). */
export const secretChanged = (before?: Contact, after?: Contact) =>
  (before?.webhookSecret ?? '') !== (after?.webhookSecret ?? '');
