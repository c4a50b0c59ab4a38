import { type SeasonReport, seasonReport } from '#domain/season-report';
import { seasonItems } from './store.ts';

/** The season report from the stored plan and offers. Visit reports arrive with the team API. */
export async function loadSeasonReport(season: string): Promise<SeasonReport> {
  const { visits, offers } = await seasonItems(season);
  return seasonReport(season, visits, offers, []);
}
