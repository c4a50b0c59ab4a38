import * as z from 'zod';
import { Overrides } from './overrides.ts';
import { OverrideCost, PlanExplanation } from './plan.ts';
import { AssignmentId, IsoDateTime, LocalizedName, SeasonId, Slug, Theme, VisitId } from './primitives.ts';

/*
 * The coordinator's plan review (docs/api.md, catalog; the coordinator's word, docs/rules.md): the plan while it
 * waits in AwaitPlanApproval, the re-plan under overrides with what each override costs, the
 * approval, and the needs left without a society with what can still take them.
 */

/** Names for every id a plan review shows (pages show names, never ids). */
export const PlanLabels = z.object({
  counties: z.record(Slug, LocalizedName),
  towns: z.record(z.string(), LocalizedName),
  societies: z.record(Slug, LocalizedName),
  needs: z.record(Slug, z.object({ title: z.string(), theme: Theme, field: z.string() })),
});
export type PlanLabels = z.infer<typeof PlanLabels>;

/** Where the review stands: the wait's deadline, and who approved (a user, `timeout`, `auto-approve`). */
export const PlanApprovalState = z.object({
  deadline: IsoDateTime.optional(),
  approvedBy: z.string().optional(),
  approvedAt: IsoDateTime.optional(),
});

/** What a re-plan answers with: the plan as stored now, its explanation and each override's cost. */
export const ReplannedSeason = z.object({
  season: SeasonId,
  overrides: Overrides,
  explain: PlanExplanation,
  costs: z.array(OverrideCost),
  /** The plan as stored now, as GET /seasons/{season}/plan answers it. */
  plan: z.unknown(),
});

/**
 * Why a need of the season's visit has no society: none is competent for it; every competent one is
 * full (or on the visit already); those with capacity left are excluded by the season's overrides;
 * some have capacity left but the plan gave it to needs that weigh more; or its offers were
 * declined or left unanswered three times.
 */
export const UNASSIGNED_CAUSES = [
  'no-competent-society',
  'all-full',
  'excluded-by-override',
  'not-planned',
  'declined-three-times',
] as const;
export const UnassignedCause = z.enum(UNASSIGNED_CAUSES);

export const UnassignedNeedList = z.object({
  season: SeasonId,
  items: z.array(
    z.object({
      needId: Slug,
      title: z.string(),
      visitId: VisitId,
      countyId: Slug,
      townId: Slug,
      cause: UnassignedCause,
      /** Offers that covered the need and were declined or not answered. */
      refusals: z.int().min(0),
      /**
       * Every society with capacity left and no offer on this visit yet: the competent ones first,
       * then the others (the coordinator's judgement may go beyond fields), most capacity left
       * first within each; `excluded`: the season's overrides keep it off this visit (a placement
       * by hand may still choose it).
       */
      candidates: z.array(
        z.object({
          societyId: Slug,
          name: LocalizedName,
          capacityLeft: z.int(),
          excluded: z.boolean(),
          /** False for a society whose themes and fields do not match: offered too, marked 不对口. */
          competent: z.boolean(),
          /** What a society that is not competent does work on, for the 不对口 mark. */
          fields: z.array(z.string()).optional(),
        }),
      ),
      /** The competent societies that cannot take it, and why: full this season, or on this visit already. */
      blocked: z.array(
        z.object({
          societyId: Slug,
          name: LocalizedName,
          why: z.enum(['full', 'on-visit']),
          /** On the visit: how its offer stands (accepted, declined…). */
          offerStatus: z.string().optional(),
        }),
      ),
    }),
  ),
  labels: PlanLabels,
});

/** `POST /seasons/{season}/needs/{needId}/assign`. */
export const PlaceNeedBody = z.strictObject({ societyId: Slug });

export const PlacedNeed = z.object({
  offerId: AssignmentId,
  season: SeasonId,
  needId: Slug,
  societyId: Slug,
  /** The execution that sends the offer and waits for its answer (its own timeout and reassignment). */
  executionId: z.string(),
});
