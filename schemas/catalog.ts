import * as z from 'zod';
import { LocalizedName, Slug, Theme, text } from './primitives.ts';

export const Town = z.object({ id: Slug, name: LocalizedName });
export type Town = z.infer<typeof Town>;

export const County = z.object({ id: Slug, name: LocalizedName, towns: z.array(Town) });
export type County = z.infer<typeof County>;

export const Contact = z.object({
  /** The person to call (联系人). */
  name: text(40, 1).optional(),
  email: z.email().optional(),
  phone: z
    .string()
    .regex(/^\+?[0-9 -]{5,20}$/)
    .optional(),
  webhook: z.url({ protocol: /^https?$/ }).optional(),
});

export const Society = z.object({
  id: Slug,
  name: LocalizedName,
  themes: z.array(Theme).min(1),
  fields: z.array(text(40, 1)).min(1),
  capacityPerSeason: z.int().min(0),
  contact: Contact.optional(),
});
export type Society = z.infer<typeof Society>;
