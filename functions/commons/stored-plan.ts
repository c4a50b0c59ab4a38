import { unassignedNeedIdsOf } from '#domain/reassignment';
import { THEMES } from '#schemas/index';
import { getRound, type RoundRecord, seasonItems } from './store.ts';

export interface StoredPlan {
  season: string;
  status: RoundRecord['status'];
  visits: {
    id: string;
    countyId: string;
    townId: string;
    questions: { theme: (typeof THEMES)[number]; needIds: string[] }[];
    assignments: {
      id: string;
      societyId: string;
      needIds: string[];
      status: string;
      /** 1 for a planned offer; 2 and 3 after a decline or an expiry moved the needs. */
      attempt: number;
      /** The refused offer whose needs this one took over. */
      replaces?: string;
      /** Where this offer's needs went (status `reassigned`). */
      reassignedTo?: string;
    }[];
    unassignedNeedIds: string[];
  }[];
}

/** A season's plan as stored, in the shape of `rounds plan --json` plus ids and offer status. */
export async function storedPlan(season: string): Promise<StoredPlan | undefined> {
  const [round, { visits, offers }] = await Promise.all([getRound(season), seasonItems(season)]);
  if (!round?.plannedAt) return undefined;
  return {
    season,
    status: round.status,
    visits: visits
      .sort((a, b) => a.countyId.localeCompare(b.countyId))
      .map((visit) => ({
        id: visit.id,
        countyId: visit.countyId,
        townId: visit.townId,
        questions: THEMES.map((theme) => ({
          theme,
          needIds: visit.questions.find((q) => q.theme === theme)?.needIds ?? [],
        })),
        assignments: offers
          .filter((o) => o.visitId === visit.id)
          .sort((a, b) => a.societyId.localeCompare(b.societyId))
          .map((o) => {
            const extra = o as { attempt?: number; replaces?: string; reassignedTo?: string };
            return {
              id: o.id,
              societyId: o.societyId,
              needIds: o.needIds,
              status: o.status,
              attempt: extra.attempt ?? 1,
              ...(extra.replaces ? { replaces: extra.replaces } : {}),
              ...(extra.reassignedTo ? { reassignedTo: extra.reassignedTo } : {}),
            };
          }),
        // Derived from the offers: a need is unassigned when no offered or accepted offer covers it.
        unassignedNeedIds: unassignedNeedIdsOf(visit, offers),
      })),
  };
}
