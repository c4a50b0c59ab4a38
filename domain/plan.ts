import type { DataSet, Need, OverrideCost, Plan, SeasonId, VisitHistoryEntry } from '#schemas/index';
import { pinConflicts, type WarmStart } from './assignment.ts';
import { explainPlan } from './explain.ts';
import { type OverrideConflict, OverrideConflictError } from './override-conflict.ts';
import { assignVisits, type PlanCore } from './plan-assign.ts';
import {
  type ChosenVisit,
  chooseVisit,
  countiesToVisit,
  frameVisit,
  type PlanOverrides,
  townLockConflicts,
} from './plan-steps.ts';

export type { PlanCore } from './plan-assign.ts';
export type { ChosenVisit, PlanOverrides } from './plan-steps.ts';

export interface PlanOptions {
  overrides?: PlanOverrides;
  /** Add `explain` to the plan. @default true */
  explain?: boolean;
  /** Re-plan without each override to report what it costs. @default true */
  costOverrides?: boolean;
  /** Seconds allowed to a large assignment solve. @default 30 */
  timeLimit?: number;
  /**
   * Seconds from the start of planning after which overrides not yet costed are reported without a
   * cost (each re-solve starts from the plan's own solution). @default 40
   */
  overrideCostDeadline?: number;
}

/**
 * The season's plan from a data set, without side effects: one town per county (one visit per county that has
 * towns, in counties.json order), town choice (unless a coordinator locked the town), five
 * questions and the assignment objective (societies assigned across all visits, sharing each society's
 * capacity, respecting pins and exclusions). Every need in the data set is open.
 *
 * With `explain` (the default) the plan carries why: each county's top three towns, why each
 * society, why each unassigned need, the objective next to its proven bound, and what each
 * override costs. Throws OverrideConflictError when an override cannot be honoured.
 */
export function planRound(season: SeasonId, data: DataSet, options: PlanOptions = {}): Plan {
  const overrides = options.overrides ?? {};
  const deadline = Date.now() + (options.overrideCostDeadline ?? 40) * 1000;
  const core = planCore(season, data, overrides, options.timeLimit);
  const plan: Plan = { season, visits: core.visits };
  if (options.explain === false) return plan;
  const costs =
    options.costOverrides === false
      ? []
      : overrideCosts(season, data, overrides, core, options.timeLimit, deadline);
  return { ...plan, explain: explainPlan(core, overrides, costs) };
}

/**
 * Town choice, questions and assignment, without explanation: the round's steps (plan-steps.ts)
 * one after the other, as the state machine runs them.
 */
export function planCore(
  season: SeasonId,
  data: DataSet,
  overrides: PlanOverrides,
  timeLimit?: number,
  warmStart?: WarmStart,
): PlanCore {
  const townLocks = overrides.townLocks ?? [];
  const conflicts = townLockConflicts(data.counties, townLocks);
  if (conflicts.length > 0) throw new OverrideConflictError(conflicts);
  return assignVisits(chooseVisits(season, data, townLocks).map(frameVisit), data.societies, overrides, {
    ...(timeLimit === undefined ? {} : { timeLimit }),
    ...(warmStart === undefined ? {} : { warmStart }),
  });
}

/**
 * The overrides the planner cannot honour on this data set, found without solving: town locks on
 * a town the county does not have, and pins that cannot join the visit at the town chosen (see
 * `pinConflicts`). A data directory is refused for them before anything plans or runs.
 */
export function overrideConflicts(
  season: SeasonId,
  data: DataSet,
  overrides: PlanOverrides,
): OverrideConflict[] {
  const townLocks = overrides.townLocks ?? [];
  const lockConflicts = townLockConflicts(data.counties, townLocks);
  if (lockConflicts.length > 0) return lockConflicts;
  return pinConflicts({
    visits: chooseVisits(season, data, townLocks),
    societies: data.societies,
    pins: overrides.pins ?? [],
    exclusions: overrides.exclusions ?? [],
  });
}

/** One town per county and town choice (docs/rules.md) (or the locks) for every county of the data set, in counties.json order. */
function chooseVisits(
  season: SeasonId,
  data: DataSet,
  townLocks: NonNullable<PlanOverrides['townLocks']>,
): ChosenVisit[] {
  const needsOf = groupBy<Need>(data.needs, (need) => need.countyId);
  const historyOf = groupBy<VisitHistoryEntry>(data.visits, (visit) => visit.countyId);
  return countiesToVisit(data.counties).flatMap((county): ChosenVisit[] => {
    const visit = chooseVisit({
      season,
      county,
      openNeeds: needsOf.get(county.id) ?? [],
      history: historyOf.get(county.id) ?? [],
      townLocks,
    });
    return visit === undefined ? [] : [visit];
  });
}

/**
 * What each override costs: the plan re-solved without it (all others kept, starting from the
 * plan's solution), compared with the plan. `weightLost` = weight without − weight with;
 * `pairsAdded` = pairs with − pairs without. `proven` when both weights are proven optimal, so the
 * weight lost is exact. Null costs when the other overrides cannot be honoured without this one,
 * or when the time for costing ran out.
 */
function overrideCosts(
  season: SeasonId,
  data: DataSet,
  overrides: PlanOverrides,
  core: PlanCore,
  timeLimit: number | undefined,
  deadline: number,
): OverrideCost[] {
  const { weight, pairs } = core.solution.objective;
  const pins = overrides.pins ?? [];
  const exclusions = overrides.exclusions ?? [];
  const townLocks = overrides.townLocks ?? [];
  const urgencyOf = new Map(data.needs.map((need) => [need.id, need.urgency]));
  const covered = coveredByUrgency(core.visits, urgencyOf);
  const unknown = { weightLost: null, pairsAdded: null, needsLost: null, proven: false };
  const costOf = (without: PlanOverrides) => {
    const remaining = (deadline - Date.now()) / 1000;
    if (remaining <= 0) return unknown;
    try {
      const other = planCore(
        season,
        data,
        without,
        Math.min(timeLimit ?? 30, remaining),
        core.solution.warmStart,
      );
      const otherCovered = coveredByUrgency(other.visits, urgencyOf);
      return {
        weightLost: other.solution.objective.weight - weight,
        pairsAdded: pairs - other.solution.objective.pairs,
        needsLost: {
          high: otherCovered.high - covered.high,
          normal: otherCovered.normal - covered.normal,
          low: otherCovered.low - covered.low,
        },
        proven: other.solution.bound.optimal.weight && core.solution.bound.optimal.weight,
      };
    } catch (error) {
      if (error instanceof OverrideConflictError) return unknown;
      throw error;
    }
  };
  const drop = <T>(list: readonly T[], index: number) => list.filter((_, i) => i !== index);
  return [
    ...pins.map(
      (pin, index): OverrideCost => ({
        kind: 'pin',
        index,
        societyId: pin.societyId,
        countyId: pin.countyId,
        ...(pin.note === undefined ? {} : { note: pin.note }),
        ...costOf({ ...overrides, pins: drop(pins, index) }),
      }),
    ),
    ...exclusions.map(
      (exclusion, index): OverrideCost => ({
        kind: 'exclusion',
        index,
        societyId: exclusion.societyId,
        ...(exclusion.countyId === undefined ? {} : { countyId: exclusion.countyId }),
        ...(exclusion.note === undefined ? {} : { note: exclusion.note }),
        ...costOf({ ...overrides, exclusions: drop(exclusions, index) }),
      }),
    ),
    ...townLocks.map(
      (lock, index): OverrideCost => ({
        kind: 'town-lock',
        index,
        countyId: lock.countyId,
        townId: lock.townId,
        ...(lock.note === undefined ? {} : { note: lock.note }),
        ...costOf({ ...overrides, townLocks: drop(townLocks, index) }),
      }),
    ),
  ];
}

/** How many of the plan's needs have a society, by urgency. */
function coveredByUrgency(
  visits: PlanCore['visits'],
  urgencyOf: ReadonlyMap<string, Need['urgency']>,
): Record<Need['urgency'], number> {
  const counts = { high: 0, normal: 0, low: 0 };
  for (const visit of visits) {
    for (const assignment of visit.assignments) {
      for (const needId of assignment.needIds) {
        const urgency = urgencyOf.get(needId);
        if (urgency) counts[urgency] += 1;
      }
    }
  }
  return counts;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list === undefined) groups.set(k, [item]);
    else list.push(item);
  }
  return groups;
}
