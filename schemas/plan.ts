import * as z from 'zod';
import { QuestionText, SeasonId, Slug, Theme } from './primitives.ts';

/** One past visit, from visits.json or the database. */
export const VisitHistoryEntry = z.object({ season: SeasonId, countyId: Slug, townId: Slug });
export type VisitHistoryEntry = z.infer<typeof VisitHistoryEntry>;

/**
 * One of the five questions of a visit, with the town's open needs of that theme, and the wording
 * it was framed with (the season's at the time; `rounds plan` frames without wording).
 */
export const Question = z.object({ theme: Theme, needIds: z.array(Slug), text: QuestionText.optional() });
export type Question = z.infer<typeof Question>;

export const Assignment = z.object({ societyId: Slug, needIds: z.array(Slug).min(1) });
export type Assignment = z.infer<typeof Assignment>;

export const PlannedVisit = z.object({
  countyId: Slug,
  townId: Slug,
  questions: z.array(Question).length(5),
  assignments: z.array(Assignment),
  unassignedNeedIds: z.array(Slug),
});
export type PlannedVisit = z.infer<typeof PlannedVisit>;

/** One town's standing in town choice: what ranked it (also the ChooseTown step's ranking rows). */
export const TownStanding = z.object({
  townId: Slug,
  openNeedCount: z.int(),
  urgencyWeight: z.int(),
  lastVisitedSeason: SeasonId.nullable(),
  seasonsSinceLastVisit: z.int().nullable(),
  visitedRecently: z.boolean(),
});

/** A society's capacity this season: before the plan, taken by it, and left after it. */
export const SocietyCapacity = z.object({
  perSeason: z.int(),
  usedBefore: z.int(),
  usedInPlan: z.int(),
  left: z.int(),
});

/** Another society that could have covered some of an assignment's needs. */
export const AlternativeSociety = z.object({
  societyId: Slug,
  /** The assignment's needs it is competent for. */
  needIds: z.array(Slug),
  /** Capacity left after the plan. */
  capacityLeft: z.int(),
  /** It is on this visit too (covering other needs). */
  onVisit: z.boolean(),
  /** An override keeps it off this visit. */
  excluded: z.boolean(),
});

/** Why a society is on a visit. */
export const AssignmentExplanation = z.object({
  societyId: Slug,
  needIds: z.array(Slug),
  /** Every need of the visit it is competent for (some may go to another society on the visit). */
  competentNeedIds: z.array(Slug),
  pinned: z.boolean(),
  capacity: SocietyCapacity,
  /** How many other societies are competent for some of its needs. */
  alternativeCount: z.int(),
  /** The ten of them that could have covered most of its needs, then with most capacity left. */
  alternatives: z.array(AlternativeSociety).max(10),
});

/**
 * Why a need stays unassigned: no society is competent for it; or every competent society is out of
 * capacity; or those with capacity left are kept off the visit by an override.
 */
export const UnassignedReason = z.enum([
  'no-competent-society',
  'competent-societies-full',
  'excluded-by-override',
]);

export const UnassignedExplanation = z.object({
  needId: Slug,
  reason: UnassignedReason,
  competentSocieties: z.array(z.object({ societyId: Slug, capacityLeft: z.int(), excluded: z.boolean() })),
});

export const VisitExplanation = z.object({
  countyId: Slug,
  townId: Slug,
  /** A coordinator chose the town (overrides), not town choice. */
  townLocked: z.boolean(),
  /** The county's top three towns by town choice, best first. */
  towns: z.array(TownStanding).max(3),
  assignments: z.array(AssignmentExplanation),
  unassigned: z.array(UnassignedExplanation),
});

/** The assignment objective (docs/rules.md), in its order. */
export const PlanObjective = z.object({
  /** (a) Summed urgency weight of the covered needs. */
  weight: z.int(),
  /** (b) Society-visit pairs. */
  pairs: z.int(),
  /** (c) Σ over societies of (visits this season / capacityPerSeason)²; smaller is more even. */
  loadSquares: z.number(),
  maxLoadFraction: z.number(),
});

export const PlanBound = z.object({
  /** Summed weight of the needs some society with capacity left could take. */
  coverableWeight: z.int(),
  /** The best proven upper bound on (a). */
  weight: z.int(),
  /** objective.weight / weight (1 when there is nothing to cover). */
  ratio: z.number(),
  optimal: z.object({ weight: z.boolean(), pairs: z.boolean(), balance: z.boolean() }),
  method: z.enum(['exact', 'column-generation']),
});

/** What an override costs: the plan without it, minus the plan with it (weight lost, pairs added). */
export const OverrideCost = z.object({
  kind: z.enum(['pin', 'exclusion', 'town-lock']),
  /** Position in its list of overrides.json. */
  index: z.int(),
  societyId: Slug.optional(),
  countyId: Slug.optional(),
  townId: Slug.optional(),
  note: z.string().optional(),
  /** Null when the other overrides cannot be honoured without this one, or costing ran out of time. */
  weightLost: z.int().nullable(),
  pairsAdded: z.int().nullable(),
  /**
   * Needs covered without the override less those covered with it, by urgency (negative: the
   * override covers more of them). Null like `weightLost`; absent on costs stored before it existed.
   */
  needsLost: z.object({ high: z.int(), normal: z.int(), low: z.int() }).nullable().optional(),
  /** Both plans' weights are proven optimal, so `weightLost` is exact. */
  proven: z.boolean(),
});

/** Why the plan is what it is; `rounds plan --json` prints it as `explain`, beside the contract. */
export const PlanExplanation = z.object({
  objective: PlanObjective,
  bound: PlanBound,
  visits: z.array(VisitExplanation),
  overrides: z.array(OverrideCost),
});
export type PlanExplanation = z.infer<typeof PlanExplanation>;
export type OverrideCost = z.infer<typeof OverrideCost>;
export type VisitExplanation = z.infer<typeof VisitExplanation>;
export type AssignmentExplanation = z.infer<typeof AssignmentExplanation>;
export type UnassignedExplanation = z.infer<typeof UnassignedExplanation>;

/** The contract of `rounds plan --json`, plus the optional explanation. */
export const Plan = z.object({
  season: SeasonId,
  visits: z.array(PlannedVisit),
  explain: PlanExplanation.optional(),
});
export type Plan = z.infer<typeof Plan>;
