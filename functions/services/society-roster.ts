import { offersOfSociety } from '#store/offers';
import { summariesByKeys } from '#store/season-summary';

/*
 * A society's roster: the experts it named in its latest reports, so the team's page offers them
 * again (pick one, or add a new one). Derived from what is stored, with bounded reads: its newest
 * ROSTER_OFFERS offers (one Query page on gsi1) and the county summaries of those it accepted (one
 * BatchGetItem), which keep each society's experts.
 */

export const ROSTER_OFFERS = 50;

export interface RosterExpert {
  name: string;
  title?: string;
  academician?: boolean;
  /** The last visit date the society named them on. */
  lastVisitDate: string;
}

export async function societyRoster(societyId: string): Promise<RosterExpert[]> {
  const offers = (await offersOfSociety(societyId, undefined, ROSTER_OFFERS)).filter(
    (o) => o.status === 'accepted',
  );
  const summaries = await summariesByKeys(offers.map((o) => ({ season: o.season, countyId: o.countyId })));
  const roster = new Map<string, RosterExpert>();
  for (const summary of summaries) {
    const report = summary.reports[societyId];
    if (!report) continue;
    for (const expert of report.experts) {
      const key = expert.name.replace(/\s+/g, '');
      const known = roster.get(key);
      if (known && known.lastVisitDate >= report.visitDate) continue;
      roster.set(key, {
        name: expert.name,
        ...(expert.title ? { title: expert.title } : {}),
        ...(expert.academician ? { academician: true } : {}),
        lastVisitDate: report.visitDate,
      });
    }
  }
  return [...roster.values()].sort(
    (a, b) => b.lastVisitDate.localeCompare(a.lastVisitDate) || a.name.localeCompare(b.name, 'zh'),
  );
}
