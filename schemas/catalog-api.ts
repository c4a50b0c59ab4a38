import * as z from 'zod';
import { Contact, County, ShownContact, Society, Town } from './catalog.ts';
import { LocalizedName, text } from './primitives.ts';

/*
 * The coordinators' catalog routes: counties with their towns and societies as the data directory
 * has them, each with the version a conditional write names (`If-Match`), the audit log, and the
 * spreadsheet import.
 */

/** A catalog item's version: 1 when created, one more at each change (0: seeded, never changed). */
export const CatalogVersion = z.int().min(0);

export const VersionedSociety = Society.extend({ contact: ShownContact.optional(), version: CatalogVersion });
export type VersionedSociety = z.infer<typeof VersionedSociety>;
export const SocietyList = z.object({ items: z.array(VersionedSociety) });

export const VersionedCounty = County.extend({ contact: ShownContact.optional(), version: CatalogVersion });
export type VersionedCounty = z.infer<typeof VersionedCounty>;

const VersionTag = z
  .string()
  .trim()
  .regex(/^(?:W\/)?"?\d{1,9}"?$/, { error: 'must be the version read, e.g. "3"' })
  .transform((value) => Number(value.replace(/\D/g, '')));

/** `If-Match: "3"` (or `3`, `W/"3"`): the version the change was made on; another is `409`. */
export const IfMatch = z.strictObject({ 'If-Match': VersionTag });

/** The same, optional: without it the change is made on whatever is current. */
export const OptionalIfMatch = z.strictObject({ 'If-Match': VersionTag.optional() });

/** Who did it: the user id and the person's name. */
export const AuditActor = z.object({ id: z.string(), name: z.string() });

export const AuditEntry = z.object({
  id: z.string(),
  at: z.string(),
  by: AuditActor,
  action: z.string(),
  target: z.object({ kind: z.string(), id: z.string(), name: LocalizedName.optional() }),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  note: z.string().optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditPage = z.object({
  items: z.array(AuditEntry),
  /** Pass back as `cursor` for the next (older) page; absent on the last one. */
  cursor: z.string().optional(),
});

export const AuditQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).optional(),
  cursor: z
    .string()
    .max(400)
    .regex(/^[A-Za-z0-9_-]+$/, { error: 'must be a cursor from an earlier page' })
    .optional(),
});

// ---- spreadsheet import -------------------------------------------------------------------------

export const CATALOG_SHEETS = ['societies', 'counties'] as const;
export const CatalogSheetKind = z.enum(CATALOG_SHEETS);
export type CatalogSheetKind = z.infer<typeof CatalogSheetKind>;

/** `POST /catalog/import`: a spreadsheet (CSV or XLSX) as base64, previewed or applied. */
export const CatalogImportRequest = z.strictObject({
  format: z.enum(['csv', 'xlsx']),
  /** The file's bytes, base64. */
  content: z.base64().min(1).max(2_000_000),
  /** False: only the changes it would make (a preview); true: make them, all or nothing. */
  apply: z.boolean(),
});

export const CatalogChange = z.object({
  kind: z.enum(['county', 'society']),
  id: z.string(),
  name: LocalizedName,
  change: z.enum(['create', 'update']),
  before: z.unknown().optional(),
  after: z.unknown(),
});
export type CatalogChange = z.infer<typeof CatalogChange>;

export const CatalogImportResult = z.object({
  sheet: CatalogSheetKind,
  applied: z.boolean(),
  rows: z.int(),
  unchanged: z.int(),
  changes: z.array(CatalogChange),
});
export type CatalogImportResult = z.infer<typeof CatalogImportResult>;

export const TemplateQuery = z.strictObject({ kind: CatalogSheetKind.optional() });

/**
 * A contact as a change sends it: `webhookSecret` left out keeps the stored secret while the robot's
 * address stays the same; `""` or `null` clears it (domain/contact-secret.ts).
 */
export const ContactBody = Contact.extend({
  webhookSecret: z
    .union([text(200, 1), z.literal('')])
    .nullable()
    .optional(),
}).strict();

/**
 * A society or county as the API takes it: the data-file shape, but a field it does not know (a typo
 * in `contact`, say) is refused by name instead of vanishing.
 */
export const SocietyBody = Society.extend({ contact: ContactBody.optional() }).strict();
export type SocietyBody = z.infer<typeof SocietyBody>;
export const CountyBody = County.extend({
  towns: z.array(Town.strict()),
  contact: ContactBody.optional(),
}).strict();
export type CountyBody = z.infer<typeof CountyBody>;
