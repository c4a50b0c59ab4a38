import * as z from 'zod';
import { AttachmentId } from './attachments.ts';
import { IsoDateTime, SeasonId, Slug, THEMES, text } from './primitives.ts';

/*
 * The shapes of the society teams' side: the reassignment step of the round, the
 * answers to offers, the visit report. No Node.js imports: the pages may bundle these too.
 */

/** How many offers one set of needs gets in total (the first offer and two reassignments). */
export const MAX_OFFER_TRIES = 3;

/** FindNextSociety payload: the offer that was declined or expired. */
export const ReassignNeedsInput = z.object({ season: SeasonId, offerId: z.string().min(1) });

export const ALERT_REASONS = ['tries-exhausted', 'no-society'] as const;

/** FindNextSociety → `$.reassignment`: the next offer to wait for, or the coordinator alert (both null: nothing to move). */
export const Reassignment = z.object({
  /** The new offer, when a competent society with capacity left was found; else null. */
  nextOfferId: z.string().min(1).nullable(),
  /** 1 for a first offer; the new offer's try when one was made. */
  attempt: z.int().min(1),
  /** Needs no further society takes: they stay open and are listed unassigned. */
  unassignedNeedIds: z.array(Slug),
  alert: z
    .object({
      reason: z.enum(ALERT_REASONS),
      /** SNS subjects are ASCII only. */
      subject: z.string().max(99),
      message: z.string().min(1),
      /** Quiet hours (22:00–07:00 Asia/Shanghai): the alert waits until this instant. */
      notBefore: IsoDateTime,
    })
    .nullable(),
});
export type Reassignment = z.infer<typeof Reassignment>;

/** `POST /rounds`. */
export const StartRoundBody = z.strictObject({ season: SeasonId });

/** `POST /assignments/{id}/decline`: a reason is required, so the coordinator knows why. */
export const DeclineBody = z.strictObject({ reason: text(500, 1) });
/** `POST /assignments/{id}/accept`: the body is optional. */
export const AcceptBody = z.strictObject({ note: text(500).optional() });

export const NEED_OUTCOMES = ['resolved', 'partial', 'unresolved'] as const;
export const NeedOutcome = z.enum(NEED_OUTCOMES);
export type NeedOutcome = z.infer<typeof NeedOutcome>;

const Answer = text(4000, 1);

/** What a visit did for the people there (讲座, 培训, 现场指导, 咨询): ACTIVITY_LABELS in labels.ts. */
export const ACTIVITY_KINDS = ['lecture', 'training', 'field-guidance', 'consultation'] as const;
export const ActivityKind = z.enum(ACTIVITY_KINDS);
export type ActivityKind = z.infer<typeof ActivityKind>;

/** The titles the team's page offers (any other text is accepted too); 院士 is marked apart. */
export const EXPERT_TITLES = [
  '教授',
  '研究员',
  '副教授',
  '副研究员',
  '高级工程师',
  '正高级工程师',
  '高级农艺师',
  '推广研究员',
  '工程师',
  '农艺师',
  '讲师',
  '博士',
] as const;

/** An expert who went on the visit: counted once per report in 专家人次 (docs/rules.md). */
export const ReportExpert = z.strictObject({
  name: text(40, 1),
  title: text(40).optional(),
  academician: z.boolean().optional(),
});
export type ReportExpert = z.infer<typeof ReportExpert>;

/** An activity of the visit and how many people it reached. */
export const ReportActivity = z.strictObject({
  kind: ActivityKind,
  title: text(200).optional(),
  participants: z.int().min(0).max(100_000),
});
export type ReportActivity = z.infer<typeof ReportActivity>;

/** At most this many experts and activities on one report (a visit is a team of a few people). */
export const MAX_REPORT_EXPERTS = 50;
export const MAX_REPORT_ACTIVITIES = 30;

/** `POST /visits/{id}/report`: the answers to the five questions, an outcome per need, cooperations. */
export const VisitReportInput = z.strictObject({
  visitDate: z.iso.date({ error: 'must be a date like 2026-10-15' }),
  answers: z.strictObject(
    Object.fromEntries(THEMES.map((theme) => [theme, Answer])) as Record<
      (typeof THEMES)[number],
      typeof Answer
    >,
  ),
  outcomes: z
    .array(z.strictObject({ needId: Slug, outcome: NeedOutcome, note: text(1000).optional() }))
    .max(200),
  cooperations: z
    .array(
      z.strictObject({
        title: text(200, 1),
        partner: text(200, 1),
      }),
    )
    .max(100),
  /** Who went (older reports have none: they count zero). */
  experts: z.array(ReportExpert).max(MAX_REPORT_EXPERTS).default([]),
  /** What they did and for how many people. */
  activities: z.array(ReportActivity).max(MAX_REPORT_ACTIVITIES).default([]),
  /** The visit's photos this report names (each a stored attachment of the visit). */
  attachmentIds: z.array(AttachmentId).max(50).optional(),
});
/** What a caller files: `experts` and `activities` may be left out (older clients, the demo). */
export type VisitReportInput = z.input<typeof VisitReportInput>;

/** One stored version of a visit report. */
export const VisitReport = VisitReportInput.extend({
  visitId: z.string().min(1),
  season: SeasonId,
  countyId: Slug,
  version: z.int().min(1),
  societyId: Slug,
  reportedBy: z.string().min(1),
  reportedAt: IsoDateTime,
});
export type VisitReport = z.infer<typeof VisitReport>;

/** `POST /visits/{id}/highlight`: a coordinator marks the visit a typical case of the report. */
export const HighlightInput = z.strictObject({
  caption: text(300, 1),
  /** One of the visit's photos (GET /visits/{id} `attachments`). */
  attachmentId: AttachmentId.optional(),
});
export type HighlightInput = z.infer<typeof HighlightInput>;
