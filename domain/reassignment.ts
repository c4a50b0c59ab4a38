import type { Need, Society } from '#schemas/index';
import { URGENCY_WEIGHT } from '#schemas/index';
// From the model module, not the planner: FindNextSociety's bundle must not carry the solver.
import { isCompetent } from './assignment-model.ts';

/**
 * Offers and reassignment (docs/rules.md): when a society declines or lets an offer expire, its needs move to the next best
 * competent society with capacity left. Pure: the caller reads the season's offers and capacity.
 */
export type MovableNeed = Pick<Need, 'id' | 'theme' | 'field' | 'urgency'>;
export type CandidateSociety = Pick<Society, 'id' | 'themes' | 'fields' | 'capacityPerSeason'>;

export interface SuccessorChoice {
  societyId: string;
  /** The needs this society is competent for (sorted). */
  needIds: string[];
  /** The needs it is not competent for: they stay unassigned (sorted). */
  leftoverNeedIds: string[];
}

/** Offer statuses under which a society's needs count as assigned. */
export const ACTIVE_OFFER_STATUSES = ['offered', 'accepted'] as const;

/**
 * Every society that could take the needs, best first. A candidate is competent for at least one
 * of the needs, has capacity left this season, and holds no offer on this visit yet (a society that
 * declined or timed out is not asked again; one already on the visit keeps what it accepted).
 * Best: (a) the most urgency weight it can cover, (b) the most needs, (c) the most capacity left,
 * (d) the fewest visits this season so far, (e) id order — the planner's objective, one pair at a time.
 */
export function rankSuccessors(input: {
  needs: readonly MovableNeed[];
  societies: readonly CandidateSociety[];
  capacityUsed: Readonly<Record<string, number>>;
  /** Societies with an offer on this visit, in any status. */
  onVisit: ReadonlySet<string>;
}): SuccessorChoice[] {
  const allIds = input.needs.map((n) => n.id).sort();
  const scored = input.societies
    .filter((s) => !input.onVisit.has(s.id))
    .map((society) => {
      const used = input.capacityUsed[society.id] ?? 0;
      const covered = input.needs.filter((need) => isCompetent(society, need));
      return {
        society,
        used,
        left: society.capacityPerSeason - used,
        covered,
        weight: covered.reduce((sum, need) => sum + URGENCY_WEIGHT[need.urgency], 0),
      };
    })
    .filter((c) => c.left > 0 && c.covered.length > 0);
  scored.sort(
    (a, b) =>
      b.weight - a.weight ||
      b.covered.length - a.covered.length ||
      b.left - a.left ||
      a.used - b.used ||
      (a.society.id < b.society.id ? -1 : a.society.id > b.society.id ? 1 : 0),
  );
  return scored.map((c) => {
    const needIds = c.covered.map((n) => n.id).sort();
    return {
      societyId: c.society.id,
      needIds,
      leftoverNeedIds: allIds.filter((id) => !needIds.includes(id)),
    };
  });
}

/**
 * The needs of a visit that no active offer covers: its collected needs minus those of offers
 * still `offered` or `accepted`. Derived, so a decline, an expiry or a reassignment never leaves
 * a stale list behind (sorted).
 */
export function unassignedNeedIdsOf(
  visit: { countyId: string; questions: readonly { needIds: readonly string[] }[] },
  offers: readonly { countyId: string; status: string; needIds: readonly string[] }[],
): string[] {
  const assigned = new Set(
    offers
      .filter(
        (o) =>
          o.countyId === visit.countyId && (ACTIVE_OFFER_STATUSES as readonly string[]).includes(o.status),
      )
      .flatMap((o) => o.needIds),
  );
  return [...new Set(visit.questions.flatMap((q) => q.needIds))].filter((id) => !assigned.has(id)).sort();
}
