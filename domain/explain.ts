import type {
  OverrideCost,
  PlanExplanation,
  Society,
  UnassignedExplanation,
  VisitExplanation,
} from '#schemas/index';
import { compareIds, usage } from './assignment-model.ts';
import type { PlanCore } from './plan-assign.ts';
import { type PlanOverrides, TOWNS_SHOWN } from './plan-steps.ts';

/** Alternatives listed per assignment (all are counted). */
const ALTERNATIVES_LISTED = 10;

/**
 * Why the plan is what it is. Per visit: the county's top three towns with their rule-2 figures,
 * why each society (the needs it is competent for, who else could have covered its needs and with
 * how much capacity left, its own capacity), and why each need stays unassigned. Per plan: the
 * objective, the proven bound, and what each override costs.
 */
export function explainPlan(
  core: PlanCore,
  overrides: PlanOverrides,
  costs: OverrideCost[],
): PlanExplanation {
  const { model, joined, objective, bound } = core.solution;
  const used = usage(model, joined);
  const canonicalOf = new Map(model.visits.map((visit, v) => [visit.input, v]));
  const societies = model.societies;
  const leftAfter = societies.map((society, s) => Math.max(0, society.capacity - society.prior - used[s]!));
  // Societies competent for each (theme, field), in id order.
  const competentFor = new Map<string, number[]>();
  societies.forEach((society, s) => {
    for (const theme of society.source.themes) {
      for (const field of society.source.fields) {
        const key = `${theme}\u0000${field}`;
        const list = competentFor.get(key);
        if (list === undefined) competentFor.set(key, [s]);
        else list.push(s);
      }
    }
  });
  const competentOf = (need: { theme: string; field: string }) =>
    competentFor.get(`${need.theme}\u0000${need.field}`) ?? [];
  const seasonExcluded = new Set(
    (overrides.exclusions ?? []).filter((e) => e.countyId === undefined).map((e) => e.societyId),
  );

  const visits = core.chosen.map((chosen, index): VisitExplanation => {
    const v = canonicalOf.get(index)!;
    const visit = model.visits[v]!;
    const planned = core.visits[index]!;
    const onVisit = new Set(joined[v]!);
    const isExcluded = (s: number) => seasonExcluded.has(societies[s]!.id) || visit.excluded.has(s);
    const needById = new Map(visit.needs.map((need) => [need.id, need]));
    const pinned = new Set(visit.candidates.filter((c) => c.pinned).map((c) => c.society));

    const assignments = planned.assignments.map((assignment) => {
      const s = model.societyIndex.get(assignment.societyId)!;
      const society = societies[s]!;
      const alternatives = new Map<number, string[]>();
      for (const needId of assignment.needIds) {
        for (const other of competentOf(needById.get(needId)!)) {
          if (other === s) continue;
          const list = alternatives.get(other);
          if (list === undefined) alternatives.set(other, [needId]);
          else list.push(needId);
        }
      }
      return {
        societyId: society.id,
        needIds: assignment.needIds,
        competentNeedIds: visit.needs
          .filter((need) => isCompetentSociety(society.source, need))
          .map((need) => need.id)
          .sort(compareIds),
        pinned: pinned.has(s),
        capacity: {
          perSeason: society.capacity,
          usedBefore: society.prior,
          usedInPlan: used[s]!,
          left: leftAfter[s]!,
        },
        alternativeCount: alternatives.size,
        alternatives: [...alternatives.entries()]
          // Those that could have covered most of its needs, then those with most capacity left.
          .sort((a, b) => b[1].length - a[1].length || leftAfter[b[0]]! - leftAfter[a[0]]! || a[0] - b[0])
          .slice(0, ALTERNATIVES_LISTED)
          .map(([other, needIds]) => ({
            societyId: societies[other]!.id,
            needIds,
            capacityLeft: leftAfter[other]!,
            onVisit: onVisit.has(other),
            excluded: isExcluded(other),
          })),
      };
    });

    const unassigned = planned.unassignedNeedIds.map((needId): UnassignedExplanation => {
      const competent = competentOf(needById.get(needId)!);
      const competentSocieties = competent.map((s) => ({
        societyId: societies[s]!.id,
        capacityLeft: leftAfter[s]!,
        excluded: isExcluded(s),
      }));
      const reason =
        competent.length === 0
          ? 'no-competent-society'
          : competentSocieties.some((c) => c.excluded && c.capacityLeft > 0)
            ? 'excluded-by-override'
            : 'competent-societies-full';
      return { needId, reason, competentSocieties };
    });

    return {
      countyId: chosen.countyId,
      townId: chosen.townId,
      townLocked: chosen.townLocked,
      towns: chosen.rankings.slice(0, TOWNS_SHOWN),
      assignments,
      unassigned,
    };
  });

  return {
    objective,
    bound: {
      coverableWeight: bound.coverableWeight,
      weight: bound.weight,
      ratio: bound.weight === 0 ? 1 : Math.round((objective.weight / bound.weight) * 1e6) / 1e6,
      optimal: bound.optimal,
      method: bound.method,
    },
    visits,
    overrides: costs,
  };
}

function isCompetentSociety(
  society: Pick<Society, 'themes' | 'fields'>,
  need: { theme: string; field: string },
) {
  return (society.themes as readonly string[]).includes(need.theme) && society.fields.includes(need.field);
}
