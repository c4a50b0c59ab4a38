import * as z from 'zod';
import { IsoDateTime, Slug, Theme, text, Urgency } from './primitives.ts';

/** A need as it appears in a data directory's needs.json: always open. */
export const Need = z.object({
  id: Slug,
  countyId: Slug,
  townId: Slug,
  theme: Theme,
  field: text(40, 1),
  title: text(200, 1),
  detail: text(4000).optional(),
  urgency: Urgency,
  submittedAt: IsoDateTime,
});
export type Need = z.infer<typeof Need>;

export const NEED_STATUSES = ['open', 'resolved', 'withdrawn'] as const;
export const NeedStatus = z.enum(NEED_STATUSES);
export type NeedStatus = z.infer<typeof NeedStatus>;

/** A need as stored: the data-file shape plus its life cycle. */
export const StoredNeed = Need.extend({
  status: NeedStatus,
  submittedBy: z.string().min(1).max(200).optional(),
});
export type StoredNeed = z.infer<typeof StoredNeed>;
