import { z } from 'zod';
import { SeasonId, Slug, Theme } from './primitives.ts';

/** One past visit, from visits.json or the database. */
export const VisitHistoryEntry = z.object({ season: SeasonId, countyId: Slug, townId: Slug });
export type VisitHistoryEntry = z.infer<typeof VisitHistoryEntry>;

/** One of the five questions of a visit, with the town's open needs of that theme. */
export const Question = z.object({ theme: Theme, needIds: z.array(Slug) });
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

/** The contract of `rounds plan --json`. */
export const Plan = z.object({ season: SeasonId, visits: z.array(PlannedVisit) });
export type Plan = z.infer<typeof Plan>;
