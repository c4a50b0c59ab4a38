import * as z from 'zod';
import { IsoDateTime, LocalizedName, text } from './primitives.ts';

/*
 * Photos of a visit (docs/api.md "Attachments"): what a page announces before it uploads, what the
 * API answers with (the attachment and the upload form), and what GET /visits/{id} lists.
 */

/** The image types a visit keeps; anything else is refused at creation. */
export const ATTACHMENT_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];

/** The most bytes one photo may have (10 MiB): the upload policy pins the announced size under it. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

/** An attachment's id: `att-` and 20 base32 characters. */
export const AttachmentId = z
  .string()
  .regex(/^att-[a-z2-7]{20}$/, { error: 'must be an attachment id like att-abcdefghij234567abcd' });

export const AttachmentLocation = z.strictObject({
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
});

export const AttachmentInput = z.strictObject({
  contentType: z.enum(ATTACHMENT_TYPES, {
    error: 'must be image/jpeg, image/png or image/webp',
  }),
  size: z
    .int({ error: 'must be a whole number of bytes' })
    .min(1, { error: 'must be at least 1 byte' })
    .max(MAX_ATTACHMENT_BYTES, { error: `must be at most ${MAX_ATTACHMENT_BYTES} bytes (10 MiB)` }),
  caption: text(200).optional(),
  takenAt: IsoDateTime.optional(),
  location: AttachmentLocation.optional(),
});
export type AttachmentInput = z.infer<typeof AttachmentInput>;

export const AttachmentPatch = z.strictObject({ caption: text(200) });
export type AttachmentPatch = z.infer<typeof AttachmentPatch>;

/** Where an attachment stands: announced (`pending`), its bytes checked and kept, refused, or removed. */
export const ATTACHMENT_STATES = ['pending', 'stored', 'rejected', 'removed'] as const;
export const AttachmentState = z.enum(ATTACHMENT_STATES);

const Uploader = z.object({ role: z.enum(['coordinator', 'liaison', 'team']), name: LocalizedName });

/** An attachment as GET /visits/{id} lists it (stored ones only), with a signed URL valid for minutes. */
export const AttachmentView = z.object({
  id: AttachmentId,
  caption: z.string().optional(),
  contentType: z.enum(ATTACHMENT_TYPES),
  size: z.int().min(1),
  takenAt: IsoDateTime.optional(),
  location: z.object({ lat: z.number(), lng: z.number() }).optional(),
  uploadedBy: Uploader,
  uploadedAt: IsoDateTime,
  url: z.string(),
});
export type AttachmentView = z.infer<typeof AttachmentView>;

/** The answer of POST /visits/{id}/attachments: the attachment (pending) and the form to upload it with. */
export const AttachmentCreated = z.object({
  attachment: AttachmentView.omit({ url: true }).extend({ status: AttachmentState }),
  upload: z.object({
    url: z.string(),
    fields: z.record(z.string(), z.string()),
    expiresAt: IsoDateTime,
  }),
});

export const AttachmentChanged = z.object({
  attachment: AttachmentView.omit({ url: true }).extend({ status: AttachmentState }),
});
