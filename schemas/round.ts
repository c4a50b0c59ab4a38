import * as z from 'zod';
import { IsoDateTime, SeasonId, Slug } from './primitives.ts';

/** Where a season's round stands: its stored record, and what `GET /seasons/{season}/plan` reports. */
export const ROUND_STATUSES = ['running', 'planned', 'awaiting-approval', 'approved', 'completed'] as const;

export const OFFER_STATUSES = [
  'offered',
  'accepted',
  'declined',
  'expired',
  'reassigned',
  'withdrawn',
] as const;
export const OfferStatus = z.enum(OFFER_STATUSES);
export type OfferStatus = z.infer<typeof OfferStatus>;

/**
 * An offer as people read it: `proposed` while it is stored `offered` but was never sent (no
 * `offeredAt`: SendOfferAndWaitForAnswer sets it) — the plan under review, or an offer a moment
 * before its round sends it. Teams see nothing of a proposed offer and cannot answer it.
 */
export const SHOWN_OFFER_STATUSES = ['proposed', ...OFFER_STATUSES] as const;
export const ShownOfferStatus = z.enum(SHOWN_OFFER_STATUSES);
export type ShownOfferStatus = z.infer<typeof ShownOfferStatus>;

/** Whether the offer went out to its society (an answer, a listing, a visit read need it). */
export function isOfferSent(offer: { status: OfferStatus; offeredAt?: string | undefined }): boolean {
  return offer.status !== 'withdrawn' && (offer.status !== 'offered' || offer.offeredAt !== undefined);
}

export function shownOfferStatus(offer: {
  status: OfferStatus;
  offeredAt?: string | undefined;
}): ShownOfferStatus {
  return offer.status === 'offered' && offer.offeredAt === undefined ? 'proposed' : offer.status;
}

/** A society's offer for one visit: stored once per (season, county, society). */
export const Offer = z.object({
  id: z.string().min(1),
  season: SeasonId,
  visitId: z.string().min(1),
  countyId: Slug,
  townId: Slug,
  societyId: Slug,
  needIds: z.array(Slug),
  status: OfferStatus,
  offeredAt: IsoDateTime,
  answeredAt: IsoDateTime.optional(),
  reason: z.string().max(500).optional(),
});
export type Offer = z.infer<typeof Offer>;

export const VISIT_LOG_KINDS = [
  'planned',
  'offered',
  'accepted',
  'declined',
  'timed-out',
  'reassigned',
  'reported',
  'edited',
  'failed',
  'date-proposed',
  'date-confirmed',
] as const;
export const VisitLogKind = z.enum(VISIT_LOG_KINDS);
export type VisitLogKind = z.infer<typeof VisitLogKind>;

/** An append-only entry of a visit's log. `key` makes a retried write land once. */
export const VisitLogEntry = z.object({
  visitId: z.string().min(1),
  key: z.string().min(1),
  kind: VisitLogKind,
  at: IsoDateTime,
  by: z.string().min(1),
  detail: z.record(z.string(), z.unknown()).optional(),
});
export type VisitLogEntry = z.infer<typeof VisitLogEntry>;

/** What starts a round: the scheduler and `rounds run` send this. */
export const RoundInput = z.object({
  season: SeasonId,
  autoAccept: z.boolean().default(false),
  offerTimeoutSeconds: z
    .int()
    .min(1)
    .max(31_536_000)
    .default(7 * 24 * 3600),
});
export type RoundInput = z.infer<typeof RoundInput>;
