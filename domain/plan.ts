import type { DataSet, Plan, PlannedVisit, SeasonId } from '#schemas/index';
import { assignSocieties } from './assignment.ts';
import { frameQuestions } from './questions.ts';
import { chooseTown } from './town-choice.ts';

/**
 * The season's plan from a data set, without side effects: rule 1 (one visit per county that has
 * towns, in counties.json order), rule 2 (town choice), rule 3 (five questions) and rule 4
 * (societies assigned across all visits, sharing each society's capacity).
 * Every need in the data set is open.
 */
export function planRound(season: SeasonId, data: DataSet): Plan {
  const chosen = data.counties.flatMap((county) => {
    const openNeeds = data.needs.filter((need) => need.countyId === county.id);
    const town = chooseTown({
      season,
      towns: county.towns,
      openNeeds,
      history: data.visits.filter((visit) => visit.countyId === county.id),
    });
    if (town === undefined) return [];
    return [
      { countyId: county.id, townId: town.townId, needs: openNeeds.filter((n) => n.townId === town.townId) },
    ];
  });
  const staffed = assignSocieties({ visits: chosen, societies: data.societies });
  const visits = chosen.map(
    (visit, index): PlannedVisit => ({
      countyId: visit.countyId,
      townId: visit.townId,
      questions: frameQuestions(visit.needs),
      assignments: staffed[index]!.assignments,
      unassignedNeedIds: staffed[index]!.unassignedNeedIds,
    }),
  );
  return { season, visits };
}
