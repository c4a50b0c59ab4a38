import * as z from 'zod';
import { MEDIA, MESSAGE_KINDS } from './delivery.ts';
import { IsoDateTime, SeasonId } from './primitives.ts';

/*
 * The coordinator's view of the outbox (GET /notifications, POST /notifications/resend): who a
 * message was for and what it was about, in words; why it failed, in words; and a failed one sent
 * again.
 */

/** `pending` is queued and sending; `failed` and `sent` as stored. */
export const NOTIFICATION_FILTERS = ['failed', 'pending', 'sent'] as const;
export type NotificationFilter = (typeof NOTIFICATION_FILTERS)[number];

const Words = z.object({ zh: z.string(), en: z.string() });

export const NotificationQuery = z.strictObject({
  status: z.enum(NOTIFICATION_FILTERS, { error: 'must be failed, pending or sent' }).optional(),
  /** The current season when absent. */
  season: SeasonId.optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: z
    .string()
    .max(2000)
    .regex(/^[A-Za-z0-9_-]+$/, { error: 'must be a cursor from an earlier page' })
    .optional(),
});
export type NotificationQuery = z.infer<typeof NotificationQuery>;

export const NotificationItem = z.object({
  /** For POST /notifications/resend; pages show the words below, never this. */
  id: z.string(),
  season: SeasonId,
  recipient: z.object({ name: Words }),
  kind: z.enum(MESSAGE_KINDS).nullable(),
  kindWords: Words,
  medium: z.enum(MEDIA),
  subject: z.string(),
  status: z.enum(['queued', 'sending', 'sent', 'cancelled', 'failed']),
  statusWords: Words,
  attempts: z.int().min(0),
  /** The last delivery error in words (an old message's raw error as it was); null when none. */
  reason: Words.nullable(),
  createdAt: IsoDateTime,
  lastTriedAt: IsoDateTime.optional(),
  failedAt: IsoDateTime.optional(),
  sentAt: IsoDateTime.optional(),
  resentAt: IsoDateTime.optional(),
});
export type NotificationItem = z.infer<typeof NotificationItem>;

export const NotificationPage = z.object({
  season: SeasonId,
  status: z.enum(NOTIFICATION_FILTERS).nullable(),
  items: z.array(NotificationItem),
  /** Pass back as `cursor` for the next page; absent on the last one. */
  cursor: z.string().optional(),
});
export type NotificationPage = z.infer<typeof NotificationPage>;

/** `POST /notifications/resend`: a failed message, back in the queue now. */
export const ResendNotificationBody = z.strictObject({
  season: SeasonId,
  id: z.string().min(1).max(300),
});
export type ResendNotificationBody = z.infer<typeof ResendNotificationBody>;
