import * as z from 'zod';
import { Need } from './need.ts';
import { Question, TownStanding } from './plan.ts';
import { IsoDateTime, LocalizedName, QuestionWording, SeasonId, Slug } from './primitives.ts';

/**
 * Payloads between the states of the round state machine (infra/round-state-machine.ts).
 * Each Lambda validates its input with these; the definition's Parameters build exactly them.
 */

/** Execution input. The schedule sends only `scheduledTime`; `rounds run` and the API send `season`. */
export const RoundExecutionInput = z.object({
  season: SeasonId.optional(),
  scheduledTime: IsoDateTime.optional(),
  autoAccept: z.boolean().optional(),
  offerTimeoutSeconds: z.int().min(1).max(31_536_000).optional(),
  /** Skip the coordinator's plan review (AUTO_APPROVE=1 when absent). */
  autoApprove: z.boolean().optional(),
  /** How long the plan review waits before the round goes on (PLAN_APPROVAL_SECONDS when absent). */
  planApprovalSeconds: z.int().min(1).max(31_536_000).optional(),
  /** A hand placement: only these offers go out, and the round is not completed again. */
  offerIds: z.array(z.string().min(1).max(200)).min(1).max(10).optional(),
});
export type RoundExecutionInput = z.infer<typeof RoundExecutionInput>;

/** What EventBridge Scheduler sends the quarterly starter (functions/triggers/start-scheduled-round.ts). */
export const ScheduledRoundStart = z.object({ scheduledTime: IsoDateTime });
export type ScheduledRoundStart = z.infer<typeof ScheduledRoundStart>;

/** LoadRound → state `$` (replaces the execution input). */
export const LoadedRound = z.object({
  season: SeasonId,
  autoAccept: z.boolean(),
  offerTimeoutSeconds: z.int().min(1),
  planExists: z.boolean(),
  /** The coordinator (or the timeout, or AUTO_APPROVE) approved the plan already: no review. */
  planApproved: z.boolean(),
  autoApprove: z.boolean(),
  planApprovalSeconds: z.int().min(1),
  /** The same in words (`3 天` / `3 days`), for the plan-ready notice the state machine formats. */
  planApprovalWords: z.object({ zh: z.string().min(1), en: z.string().min(1) }),
  /** A hand placement's offers (RoundExecutionInput.offerIds), or null for the season's round. */
  offerIds: z.array(z.string().min(1)).nullable(),
  counties: z.array(z.object({ countyId: Slug })),
});
export type LoadedRound = z.infer<typeof LoadedRound>;

/** ChooseTownPerCounty item → ChooseTown. */
export const ChooseTownInput = z.object({ season: SeasonId, countyId: Slug });

/** A town's rule-2 figures, as the plan's explanation shows them. */
export const TownRankingRow = TownStanding;

/** ChooseTown → FrameFiveQuestions. */
export const ChosenTown = z.object({
  season: SeasonId,
  countyId: Slug,
  townId: Slug,
  ranking: z.array(TownRankingRow).max(3),
  needs: z.array(Need),
  /** The coordinator locked the county to this town (the season's overrides), not town choice. */
  townLocked: z.boolean().default(false),
  /** The season's wording of the five questions when the town was chosen (FrameFiveQuestions keeps it). */
  wording: QuestionWording.optional(),
  /** The county's and town's names, kept with the plan so the season report never reads the catalog. */
  names: z.object({ county: LocalizedName, town: LocalizedName }).optional(),
});
export type ChosenTown = z.infer<typeof ChosenTown>;

/** FrameFiveQuestions → one element of `$.visits`. */
export const FramedVisit = ChosenTown.extend({ questions: z.array(Question).length(5) });
export type FramedVisit = z.infer<typeof FramedVisit>;

/** A run of counties by id (inclusive, id order): what one PersistPlanBatch invocation writes. */
export const CountyRange = z.object({ first: Slug, last: Slug });
export type CountyRange = z.infer<typeof CountyRange>;

/**
 * PersistPlanPerBatch item → PersistPlanBatch: `{ season, batch }` writes that range's visits, offers
 * and log entries; then PersistPlan: `{ season }` marks the round planned → `$.persisted`.
 */
export const PersistPlanInput = z.object({ season: SeasonId, batch: CountyRange.optional() });

/** ListPendingOffers: `{ season }` → `$.pending`. */
export const SeasonOnly = z.object({ season: SeasonId });
/** ListPendingOffers: `{ season, offerIds }` (null: every waiting offer of the season). */
export const ListPendingOffersInput = z.object({
  season: SeasonId,
  offerIds: z.array(z.string().min(1)).nullable().optional(),
});

/** AwaitPlanApproval Payload (lambda:invoke.waitForTaskToken): the coordinator's review of the plan. */
export const AwaitPlanApprovalInput = z.object({
  season: SeasonId,
  taskToken: z.string().min(1),
  planApprovalSeconds: z.int().min(1),
});

/** ApprovePlanAutomatically / ApprovePlanOnTimeout → RecordPlanApproval. */
export const RecordPlanApprovalInput = z.object({
  season: SeasonId,
  by: z.enum(['auto-approve', 'timeout']),
});

/** SendOfferAndWaitForAnswer Payload (lambda:invoke.waitForTaskToken). */
export const SendOfferInput = z.object({
  season: SeasonId,
  offerId: z.string().min(1),
  taskToken: z.string().min(1),
  offerTimeoutSeconds: z.int().min(1),
  autoAccept: z.boolean(),
});

/** RecordAcceptance / RecordOfferDeclined / RecordOfferExpired → RecordAnswer. */
export const RecordAnswerInput = z.object({
  season: SeasonId,
  offerId: z.string().min(1),
  outcome: z.enum(['accepted', 'declined', 'expired']),
  by: z.string().optional(),
  cause: z.string().optional(),
});

/** CompleteRound: `{ season }` → execution output. */
export const RoundSummary = z.object({
  season: SeasonId,
  visits: z.int(),
  offers: z.int(),
  accepted: z.int(),
  declined: z.int(),
  expired: z.int(),
  unassignedNeeds: z.int(),
});
export type RoundSummary = z.infer<typeof RoundSummary>;
