import type { Need, SeasonId, Town, VisitHistoryEntry } from '#schemas/index';
import { URGENCY_WEIGHT } from '#schemas/index';
import { seasonOrdinal, seasonsBetween } from './season.ts';

/** Town choice (docs/rules.md): a town visited in any of the 4 seasons before the planned one counts as visited recently. */
export const RECENT_VISIT_WINDOW = 4;

/** One town's standing in town choice; the shape of TownRankingRow in schemas/round-io.ts. */
export interface TownRanking {
  townId: string;
  openNeedCount: number;
  urgencyWeight: number;
  lastVisitedSeason: SeasonId | null;
  seasonsSinceLastVisit: number | null;
  visitedRecently: boolean;
}

export interface TownChoiceInput {
  season: SeasonId;
  /** The county's towns. */
  towns: readonly Pick<Town, 'id'>[];
  /** The county's open needs. */
  openNeeds: readonly Pick<Need, 'townId' | 'urgency'>[];
  /** The county's past visits; entries at or after `season` are ignored. */
  history: readonly Pick<VisitHistoryEntry, 'season' | 'townId'>[];
}

/** The county's towns in rule-2 order, best first. */
export function rankTowns({ season, towns, openNeeds, history }: TownChoiceInput): TownRanking[] {
  const planned = seasonOrdinal(season);
  const rankings = towns.map((town): TownRanking => {
    const needs = openNeeds.filter((need) => need.townId === town.id);
    const lastVisitedSeason = lastVisitBefore(planned, town.id, history);
    const seasonsSinceLastVisit =
      lastVisitedSeason === null ? null : seasonsBetween(lastVisitedSeason, season);
    return {
      townId: town.id,
      openNeedCount: needs.length,
      urgencyWeight: needs.reduce((sum, need) => sum + URGENCY_WEIGHT[need.urgency], 0),
      lastVisitedSeason,
      seasonsSinceLastVisit,
      visitedRecently: seasonsSinceLastVisit !== null && seasonsSinceLastVisit <= RECENT_VISIT_WINDOW,
    };
  });
  return rankings.sort(compareTowns);
}

/** The town that town choice picks (docs/rules.md), or undefined for a county without towns. */
export function chooseTown(input: TownChoiceInput): TownRanking | undefined {
  return rankTowns(input)[0];
}

function lastVisitBefore(
  plannedOrdinal: number,
  townId: string,
  history: TownChoiceInput['history'],
): SeasonId | null {
  let last: { season: SeasonId; ordinal: number } | null = null;
  for (const entry of history) {
    if (entry.townId !== townId) continue;
    const ordinal = seasonOrdinal(entry.season);
    if (ordinal >= plannedOrdinal) continue;
    if (last === null || ordinal > last.ordinal) last = { season: entry.season, ordinal };
  }
  return last?.season ?? null;
}

function compareTowns(a: TownRanking, b: TownRanking): number {
  return (
    Number(b.openNeedCount > 0) - Number(a.openNeedCount > 0) ||
    Number(a.visitedRecently) - Number(b.visitedRecently) ||
    b.urgencyWeight - a.urgencyWeight ||
    (b.seasonsSinceLastVisit ?? Number.POSITIVE_INFINITY) -
      (a.seasonsSinceLastVisit ?? Number.POSITIVE_INFINITY) ||
    compareIds(a.townId, b.townId)
  );
}

/** Code-unit order, so the result does not depend on the host's locale. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
