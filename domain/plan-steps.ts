import type { County, Need, Question, QuestionWording, SeasonId, VisitHistoryEntry } from '#schemas/index';
import type { SocietyExclusion, SocietyPin } from './assignment.ts';
import { type OverrideConflict, OverrideConflictError } from './override-conflict.ts';
import { frameQuestions } from './questions.ts';
import { rankTowns, type TownRanking } from './town-choice.ts';

/**
 * The planning steps, each one function that `rounds plan` (domain/plan.ts) and the round's
 * Lambda of the same name both call: one town per county (LoadRound), town choice or a town lock (ChooseTown),
 * five questions (FrameFiveQuestions) and the assignment objective under the coordinator's pins and exclusions
 * (AssignSocieties). Nothing here knows where the data comes from.
 */

/** Coordinator overrides as the planner takes them (the shape of schemas/overrides.ts, lists optional). */
export interface PlanOverrides {
  pins?: readonly (SocietyPin & { note?: string | undefined })[];
  exclusions?: readonly (SocietyExclusion & { note?: string | undefined })[];
  townLocks?: readonly { countyId: string; townId: string; note?: string | undefined }[];
}

/** The top towns of a county's ranking that a plan keeps to explain its choice. */
export const TOWNS_SHOWN = 3;

/** One town per county (docs/rules.md): the counties that get a visit this season, those with at least one town, in the given order. */
export function countiesToVisit<C extends Pick<County, 'towns'>>(counties: readonly C[]): C[] {
  return counties.filter((county) => county.towns.length > 0);
}

/** One county's visit before assignment, with the rule-2 ranking that chose its town (best first). */
export interface ChosenVisit {
  countyId: string;
  townId: string;
  /** The open needs of the chosen town. */
  needs: Need[];
  rankings: TownRanking[];
  townLocked: boolean;
}

export interface VisitChoiceInput {
  season: SeasonId;
  county: Pick<County, 'id' | 'towns'>;
  /** The county's open needs, in any town. */
  openNeeds: readonly Need[];
  /** The county's past visits. */
  history: readonly Pick<VisitHistoryEntry, 'season' | 'townId'>[];
  /** The season's town locks (all counties'); the county's own, if any, decides the town. */
  townLocks?: PlanOverrides['townLocks'];
}

/**
 * Town choice (docs/rules.md), or the coordinator's lock: the county's town this season and its open needs.
 * Undefined for a county without towns. Throws OverrideConflictError when the county's lock names
 * a town that is not the county's.
 */
export function chooseVisit({
  season,
  county,
  openNeeds,
  history,
  townLocks = [],
}: VisitChoiceInput): ChosenVisit | undefined {
  if (county.towns.length === 0) return undefined;
  const conflicts = townLockConflicts([county], townLocks);
  if (conflicts.length > 0) throw new OverrideConflictError(conflicts);
  const rankings = rankTowns({ season, towns: county.towns, openNeeds, history });
  const lock = townLocks.find((candidate) => candidate.countyId === county.id);
  const townId = lock?.townId ?? rankings[0]!.townId;
  return {
    countyId: county.id,
    townId,
    needs: openNeeds.filter((need) => need.townId === townId),
    rankings,
    townLocked: lock !== undefined,
  };
}

/** Locks of these counties that name a town the county does not have, by their place in `townLocks`. */
export function townLockConflicts(
  counties: readonly Pick<County, 'id' | 'towns'>[],
  townLocks: NonNullable<PlanOverrides['townLocks']>,
): OverrideConflict[] {
  const countyById = new Map(counties.map((county) => [county.id, county]));
  return townLocks.flatMap((lock, index) => {
    const county = countyById.get(lock.countyId);
    if (county === undefined || county.towns.some((town) => town.id === lock.townId)) return [];
    return [
      {
        override: `townLocks[${index}]`,
        message: `town "${lock.townId}" is not a town of county "${county.id}"`,
      },
    ];
  });
}

/** A chosen visit with its five questions (docs/rules.md). */
export interface FramedChoice extends ChosenVisit {
  questions: Question[];
}

/** Five questions (docs/rules.md) on a chosen visit, worded as the season's questions are when the visit carries them. */
export function frameVisit<V extends Pick<ChosenVisit, 'needs'> & { wording?: QuestionWording | undefined }>(
  visit: V,
): V & { questions: Question[] } {
  return { ...visit, questions: frameQuestions(visit.needs, visit.wording) };
}
