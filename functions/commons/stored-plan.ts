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
    assignments: { id: string; societyId: string; needIds: string[]; status: string }[];
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
          .map((o) => ({ id: o.id, societyId: o.societyId, needIds: o.needIds, status: o.status })),
        unassignedNeedIds: visit.unassignedNeedIds,
      })),
  };
}
