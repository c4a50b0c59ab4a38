import type { PlannedVisit, Society } from '#schemas/index';
import { type AssignmentSolution, solveAssignment, type WarmStart } from './assignment.ts';
import type { ChosenVisit, FramedChoice, PlanOverrides } from './plan-steps.ts';

/*
 * The assignment objective (docs/rules.md), the round's AssignSocieties step and `rounds plan`'s assignment. Apart from plan-steps.ts
 * because it loads the HiGHS solver (WebAssembly): the other steps' functions ship without it.
 */

export interface PlanCore {
  chosen: ChosenVisit[];
  solution: AssignmentSolution;
  visits: PlannedVisit[];
}

export interface AssignVisitsOptions {
  /** Visits each society already joined this season (the round's stored offers). */
  capacityUsed?: Readonly<Record<string, number>>;
  /** Seconds allowed to a large assignment solve. @default 30 */
  timeLimit?: number;
  warmStart?: WarmStart;
}

/**
 * The assignment objective (docs/rules.md) across all of the season's visits, sharing each society's capacity, honouring the
 * coordinator's pins and exclusions. Throws OverrideConflictError when a pin cannot be honoured.
 */
export function assignVisits(
  framed: readonly FramedChoice[],
  societies: readonly Society[],
  overrides: PlanOverrides,
  options: AssignVisitsOptions = {},
): PlanCore {
  const solution = solveAssignment(
    {
      visits: framed,
      societies,
      pins: overrides.pins ?? [],
      exclusions: overrides.exclusions ?? [],
      ...(options.capacityUsed === undefined ? {} : { capacityUsed: options.capacityUsed }),
    },
    {
      timeLimit: options.timeLimit ?? 30,
      ...(options.warmStart === undefined ? {} : { warmStart: options.warmStart }),
    },
  );
  const visits = framed.map(
    (visit, index): PlannedVisit => ({
      countyId: visit.countyId,
      townId: visit.townId,
      questions: visit.questions,
      assignments: solution.visits[index]!.assignments,
      unassignedNeedIds: solution.visits[index]!.unassignedNeedIds,
    }),
  );
  const chosen = framed.map(({ questions: _questions, ...visit }): ChosenVisit => visit);
  return { chosen, solution, visits };
}
