import { roundStep } from '#commons/round-step';
import { listSocieties, seasonItems } from '#commons/store';
import { assignSocieties } from '#domain/assignment';
import { type AssignedPlan, AssignSocietiesInput } from '#schemas/index';

/** Rule 4: which societies go where, sharing each society's capacity across the counties. */
export const handler = roundStep(
  'AssignSocieties',
  AssignSocietiesInput,
  async ({ season, visits }): Promise<AssignedPlan> => {
    const [societies, { capacityUsed }] = await Promise.all([listSocieties(), seasonItems(season)]);
    const assigned = assignSocieties({ visits, societies, capacityUsed });
    return {
      season,
      visits: visits.map((visit, i) => {
        const result = assigned[i];
        if (!result || result.countyId !== visit.countyId)
          throw new Error(`assignment lost the order of visits at ${i}`);
        return { ...visit, assignments: result.assignments, unassignedNeedIds: result.unassignedNeedIds };
      }),
    };
  },
);
