import * as z from 'zod';
import { AttachmentView } from './attachments.ts';
import { County, ShownContact } from './catalog.ts';
import { FIGURE_KEYS, type FigureKey, PEOPLE_FIGURE_KEYS, START_OUTCOMES } from './labels.ts';
import { NeedStatus } from './need.ts';
import { Overrides } from './overrides.ts';
import { OverrideCost, VisitExplanation } from './plan.ts';
import { PlanApprovalState, PlanLabels } from './plan-review.ts';
import {
  AssignmentId,
  IsoDateTime,
  LocalizedName,
  QuestionText,
  SeasonId,
  Slug,
  Theme,
  Urgency,
  VisitId,
} from './primitives.ts';
import { ROUND_STATUSES, ShownOfferStatus, VisitLogEntry } from './round.ts';
import { VisitSchedule } from './schedule.ts';
import { NeedOutcome, VisitReport } from './teams.ts';

/*
 * What the API answers (the response bodies of functions/routes/*.ts), for the OpenAPI document and
 * for tests that check a reply against its declaration. Request shapes live beside their records
 * (need-api.ts, teams.ts).
 */

/** `GET /counties`; `version` is what a coordinator's `PUT /counties/{id}` names in `If-Match`. */
export const CountyList = z.object({
  items: z.array(County.extend({ contact: ShownContact.optional(), version: z.int().min(0).optional() })),
});

/** `GET /seasons/{season}/plan`: the shape of `rounds plan --json` with ids and each offer's status. */
export const SeasonPlan = z.object({
  season: SeasonId,
  status: z.enum(ROUND_STATUSES),
  visits: z.array(
    z.object({
      id: VisitId,
      countyId: Slug,
      townId: Slug,
      /** `text`: the wording the visit was framed with. */
      questions: z.array(z.object({ theme: Theme, needIds: z.array(Slug), text: QuestionText.optional() })),
      assignments: z.array(
        z.object({
          id: AssignmentId,
          societyId: Slug,
          needIds: z.array(Slug),
          status: z.string(),
          /** 1 for a planned offer; 2 and 3 after a decline or an expiry moved the needs. */
          attempt: z.int().min(1),
          replaces: AssignmentId.optional(),
          reassignedTo: AssignmentId.optional(),
          /** Refused, and nobody could take its needs: the coordinator's alert (no society left, or tries exhausted). */
          alert: z
            .object({
              reason: z.enum(['tries-exhausted', 'no-society']),
              needIds: z.array(Slug),
              at: IsoDateTime,
            })
            .optional(),
        }),
      ),
      unassignedNeedIds: z.array(Slug),
      /** Why this town and these societies (the plan's explanation, kept with the visit). */
      explain: VisitExplanation.optional(),
      /** The visit date and its state (GET /seasons/{season}/plan); null before anyone proposes one. */
      schedule: VisitSchedule.nullable().optional(),
    }),
  ),
  /** The plan review: its deadline while `awaiting-approval`, then who approved it. */
  approval: PlanApprovalState.optional(),
  /** The coordinator's overrides the plan was made under, and what each costs (the last re-plan's). */
  overrides: Overrides.optional(),
  costs: z.array(OverrideCost).optional(),
  /** Names for the ids above (coordinators). */
  labels: PlanLabels.optional(),
});

/** `POST /rounds` → 202. */
export const StartedRound = z.object({
  executionId: z.string(),
  season: SeasonId,
  /** False when the season's execution already existed (nothing new was started). */
  started: z.boolean(),
  /** What happened, for a person: started now, or already running, or already completed (START_OUTCOME_LABELS). */
  outcome: z.enum(START_OUTCOMES),
});

/** `POST /visits/{visitId}/report` → 201 (a new version) or 200 (a retried submission, replayed). */
export const FiledVisitReport = z.object({
  visitId: VisitId,
  version: z.int().min(1),
  reportedAt: IsoDateTime,
  replayed: z.boolean(),
  resolvedNeedIds: z.array(Slug),
  openNeedIds: z.array(Slug),
  missingOutcomes: z.array(Slug),
});

/** `GET /visits/{visitId}/log`. */
export const VisitLog = z.object({
  visitId: VisitId,
  season: SeasonId,
  countyId: Slug,
  townId: Slug,
  entries: z.array(VisitLogEntry),
  reports: z.array(VisitReport),
});

/** The season's figures (domain/season-figures.ts), each defined in FIGURE_LABELS (labels.ts). */
const Named = z.object({ id: Slug, name: LocalizedName });

/** `GET /visits/{visitId}`: the visit with every name a page shows, its offers, reports and log. */
export const VisitDetail = z.object({
  id: VisitId,
  season: SeasonId,
  county: Named,
  town: Named,
  plannedAt: IsoDateTime,
  /** The visit date (schemas/schedule.ts); null until someone proposes one. */
  schedule: VisitSchedule.nullable(),
  /** The five questions as the visit was framed, with their wording. */
  questions: z.array(z.object({ theme: Theme, text: LocalizedName, needIds: z.array(Slug) })),
  needs: z.array(
    z.object({
      id: Slug,
      title: z.string(),
      theme: Theme,
      field: z.string(),
      urgency: Urgency,
      status: NeedStatus,
      submittedAt: IsoDateTime,
      /** Every society offered this need on the visit, first offer first, with the offer's status. */
      societies: z.array(Named.extend({ status: ShownOfferStatus })),
      /** From the latest report of the society holding it; null before it reports. */
      outcome: z
        .object({
          outcome: NeedOutcome,
          note: z.string().optional(),
          society: Named,
          version: z.int().min(1),
        })
        .nullable(),
    }),
  ),
  unassignedNeedIds: z.array(Slug),
  offers: z.array(
    z.object({
      id: AssignmentId,
      /** An accepted society's `contact` (person, phone, e-mail; never its webhook): whom to call. */
      society: Named.extend({
        contact: z
          .object({ name: z.string().optional(), phone: z.string().optional(), email: z.string().optional() })
          .optional(),
      }),
      needIds: z.array(Slug),
      status: ShownOfferStatus,
      attempt: z.int().min(1),
      offeredAt: IsoDateTime.optional(),
      answeredAt: IsoDateTime.optional(),
      deadline: z.string().optional(),
      reason: z.string().optional(),
    }),
  ),
  /** Every version of every society's report, oldest first; `latest` marks each society's newest. */
  reports: z.array(VisitReport.extend({ society: Named, latest: z.boolean() })),
  log: z.array(VisitLogEntry.extend({ who: LocalizedName, society: Named.optional() })),
  /** Its photos whose bytes were checked, oldest first, each with a signed URL valid for minutes. */
  attachments: z.array(AttachmentView),
});

const SeasonFigures = z.object(
  Object.fromEntries(FIGURE_KEYS.map((key) => [key, z.int().min(0)])) as Record<FigureKey, z.ZodInt>,
);

/** `GET /seasons/{season}/report` (JSON; the same figures as CSV, XLSX, the dashboard and `rounds`). */
export const SeasonReport = z.object({
  season: SeasonId,
  total: SeasonFigures,
  counties: z.array(
    SeasonFigures.extend({
      countyId: Slug,
      /** The season's visit's town; null for a county with needs submitted but no visit (yet). */
      townId: Slug.nullable(),
    }),
  ),
});

export const REPORT_FORMATS = ['json', 'csv', 'xlsx'] as const;

/** A range's figures: the season report's, summed over its seasons, and the people figures. */
const RangeFigures = SeasonFigures.extend(
  Object.fromEntries(PEOPLE_FIGURE_KEYS.map((key) => [key, z.int().min(0)])) as Record<
    (typeof PEOPLE_FIGURE_KEYS)[number],
    z.ZodInt
  >,
);

/** `GET /reports?from=&to=`: the association's report over a range of seasons. */
export const AssociationReport = z.object({
  from: SeasonId,
  to: SeasonId,
  seasons: z.array(SeasonId),
  total: RangeFigures,
  counties: z.array(RangeFigures.extend({ countyId: Slug })),
  bySeason: z.array(RangeFigures.extend({ season: SeasonId })),
  byCountySeason: z.array(RangeFigures.extend({ season: SeasonId, countyId: Slug })),
  /** The paragraph in the style of the association's yearly report. */
  summary: z.object({ zh: z.string(), en: z.string() }),
  countyNames: z.record(z.string(), LocalizedName),
  /** Visits a coordinator marked typical, as the report prints them. */
  cases: z.array(
    z.object({
      visitId: VisitId,
      season: SeasonId,
      countyId: Slug,
      county: z.string(),
      town: z.string(),
      visitDate: z.string(),
      society: z.string(),
      experts: z.array(
        z.object({ name: z.string(), title: z.string().optional(), academician: z.boolean().optional() }),
      ),
      caption: z.string(),
      sentence: z.string(),
      attachmentId: z.string().optional(),
      photoUrl: z.string().optional(),
    }),
  ),
  /** SVG drawn by ECharts on the server: the funnel and the seasons side by side. */
  charts: z.object({
    zh: z.object({ funnel: z.string(), seasons: z.string() }),
    en: z.object({ funnel: z.string(), seasons: z.string() }),
  }),
});

export const RANGE_REPORT_FORMATS = ['json', 'csv', 'xlsx', 'docx'] as const;

/** `POST /visits/{id}/highlight` and `DELETE`: the visit's mark as a typical case. */
export const VisitHighlight = z.object({
  visitId: VisitId,
  highlighted: z.boolean(),
  caption: z.string().optional(),
  attachmentId: z.string().optional(),
  at: IsoDateTime.optional(),
});

/** `Idempotency-Key` of a visit report: 8 to 128 letters, digits, `-` or `_`. */
export const SubmissionKey = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,128}$/, { error: 'must be 8 to 128 letters, digits, "-" or "_"' });

/** The OpenAPI document itself. */
export const OpenApiDocument = z.looseObject({ openapi: z.string(), info: z.looseObject({}) });

/** `GET /societies/{societyId}/experts`: the experts a society named before, newest first. */
export const SocietyRoster = z.object({
  items: z.array(
    z.object({
      name: z.string(),
      title: z.string().optional(),
      academician: z.boolean().optional(),
      lastVisitDate: z.string(),
    }),
  ),
});
