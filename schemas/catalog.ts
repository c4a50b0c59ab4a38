import * as z from 'zod';
import { WEBHOOK_KINDS } from './delivery.ts';
import { LocalizedName, Slug, Theme, text } from './primitives.ts';

export const Town = z.object({ id: Slug, name: LocalizedName });
export type Town = z.infer<typeof Town>;

export const Contact = z.object({
  /** The person to call (联系人). */
  name: text(40, 1).optional(),
  email: z.email().optional(),
  phone: z
    .string()
    .regex(/^\+?[0-9 -]{5,20}$/)
    .optional(),
  /** A group robot (DingTalk 钉钉, WeCom 企业微信): any http(s) URL, a relay on the association's network included. */
  webhook: z.url({ protocol: /^https?$/ }).optional(),
  /** DingTalk 加签 secret (SEC…): kept like a credential, shown only to coordinators, never logged. */
  webhookSecret: text(200, 1).optional(),
  /** The robot's dialect, when the host does not tell (a relay). */
  webhookKind: z.enum(WEBHOOK_KINDS).optional(),
});
export type Contact = z.infer<typeof Contact>;

/**
 * A contact as an answer shows it (domain/contact-secret.ts): never the secret; a coordinator reads
 * `webhookSecretSet: true` when one is stored, anyone else only name, phone and e-mail.
 */
export const ShownContact = Contact.omit({ webhookSecret: true }).extend({
  webhookSecretSet: z.literal(true).optional(),
});
export type ShownContact = z.infer<typeof ShownContact>;

/** A county; its `contact` reaches the county's liaisons as a group (their robot, e-mail, phone). */
export const County = z.object({
  id: Slug,
  name: LocalizedName,
  towns: z.array(Town),
  contact: Contact.optional(),
});
export type County = z.infer<typeof County>;

export const Society = z.object({
  id: Slug,
  name: LocalizedName,
  themes: z.array(Theme).min(1),
  fields: z.array(text(40, 1)).min(1),
  capacityPerSeason: z.int().min(0),
  contact: Contact.optional(),
});
export type Society = z.infer<typeof Society>;
