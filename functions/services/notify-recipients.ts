import { contactRoutes } from '#delivery/port';
import type { Audience, Medium, Recipient } from '#schemas/delivery';
import type { County, Society } from '#schemas/index';
import { normalizePhone } from '#schemas/users';
import type { StoredUser } from '#store/users';

/*
 * Who reads a society's or a county's messages (docs/rules.md, "Who hears what"): the catalog
 * contact — its robot and its e-mail, SMS only when it has neither — and each active team member of
 * the society (each active liaison of the county) at their own e-mail, or phone when they gave no
 * e-mail; an address the catalog contact already has is not sent to twice.
 */

/** One copy of a message: whose contact, by which medium, to which address. */
export interface Address {
  readonly recipient: Recipient;
  readonly audience: Extract<Audience, 'society' | 'liaison'>;
  readonly medium: Medium;
  readonly to: string;
}

/** An address as compared: e-mail case-insensitive, a phone as E.164. */
const same = (medium: Medium, to: string) =>
  medium === 'email'
    ? `email:${to.trim().toLowerCase()}`
    : medium === 'sms'
      ? `sms:${normalizePhone(to)}`
      : `${medium}:${to}`;

function addresses(
  audience: Address['audience'],
  owner: Recipient,
  contact: Society['contact'],
  people: readonly StoredUser[],
): Address[] {
  const own = contactRoutes(contact).map((route) => ({ recipient: owner, audience, ...route }));
  const known = new Set(own.filter((a) => a.medium !== 'none').map((a) => same(a.medium, a.to)));
  // The catalog contact's phone counts as known too: a member with only that phone is reached by it.
  if (contact?.phone) known.add(same('sms', contact.phone));
  if (contact?.email) known.add(same('email', contact.email));
  const personal: Address[] = [];
  for (const person of [...people].sort((a, b) => a.id.localeCompare(b.id))) {
    const route = person.email
      ? { medium: 'email' as const, to: person.email }
      : person.phone
        ? { medium: 'sms' as const, to: person.phone }
        : undefined;
    if (!route || known.has(same(route.medium, route.to))) continue;
    known.add(same(route.medium, route.to));
    personal.push({ recipient: { kind: 'user', id: person.id, name: person.name }, audience, ...route });
  }
  // A contact with no medium is kept (readable on its page) only when nobody else is reached.
  const reachable = own.filter((a) => a.medium !== 'none');
  return [...(reachable.length > 0 || personal.length === 0 ? own : reachable), ...personal];
}

/** A society's catalog contact and its active team members. */
export function societyAddresses(
  societyId: string,
  society: Pick<Society, 'name' | 'contact'> | undefined,
  users: readonly StoredUser[],
): Address[] {
  const members = users.filter((u) => u.status === 'active' && u.role === 'team' && u.society === societyId);
  return addresses(
    'society',
    { kind: 'society', id: societyId, name: society?.name.zh ?? societyId },
    society?.contact,
    members,
  );
}

/** A county's contact (its liaisons' group) and its active liaisons. */
export function countyAddresses(
  countyId: string,
  county: Pick<County, 'name' | 'contact'> | undefined,
  users: readonly StoredUser[],
): Address[] {
  const liaisons = users.filter(
    (u) => u.status === 'active' && u.role === 'liaison' && u.county === countyId,
  );
  return addresses(
    'liaison',
    { kind: 'county', id: countyId, name: county?.name.zh ?? countyId },
    county?.contact,
    liaisons,
  );
}

/** The outbox id of one copy: the event's id, whose contact, the medium — the same on every retry. */
export function copyId(eventId: string, address: Address): string {
  return `${eventId}#${address.recipient.kind}:${address.recipient.id}#${address.medium}`;
}
