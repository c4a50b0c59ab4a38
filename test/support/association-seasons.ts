import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { THEMES } from '#schemas/primitives';

/*
 * Seasons of the association's report, written as the round and the teams write them (the county
 * summary's visit and offers, then each society's report through the report's own transaction),
 * without running a round per season. Call after the embedded runtime is up.
 */

export interface FiledFixture {
  societyId: string;
  needs: { id: string; outcome: 'resolved' | 'partial' | 'unresolved' }[];
  cooperations?: number;
  experts?: { name: string; title?: string; academician?: boolean }[];
  participants?: number;
  /** The visit date; 'none' leaves the society's report unfiled. */
  visitDate?: string;
}

/** A county's visit in a season, `submitted` needs collected there, and its societies' reports. */
export async function fileSeasonVisit(
  season: string,
  countyId: string,
  townId: string,
  submitted: number,
  reports: FiledFixture[],
) {
  const { documents } = await import('#commons/clients');
  const summary = await import('#store/items/summary');
  const { saveReport } = await import('#store/visit-log');
  const needIds = reports.flatMap((r) => r.needs.map((n) => n.id));
  const send = (u: object) => documents().send(new UpdateCommand(u as never));
  await send(
    summary.summaryVisitUpdate({
      season,
      countyId,
      townId,
      questions: [{ theme: 'industry', needIds }],
      plannedAt: `${season.slice(0, 4)}-01-02T01:00:00.000Z`,
    }),
  );
  await send(summary.summarySubmittedSet(season, countyId, submitted));
  await send(
    summary.summaryOfferUpdate(
      season,
      countyId,
      reports.map((r) => ({ societyId: r.societyId, needIds: r.needs.map((n) => n.id), status: 'accepted' })),
    ),
  );
  for (const r of reports) {
    if (r.visitDate === 'none') continue;
    await saveReport({
      visit: { id: `${season}.${countyId}`, season, countyId, townId },
      societyId: r.societyId,
      by: `${r.societyId}:lead`,
      needs: [],
      report: {
        visitDate: r.visitDate ?? `${season.slice(0, 4)}-0${Number(season.slice(6)) * 3 - 1}-12`,
        answers: Object.fromEntries(THEMES.map((t) => [t, '座谈'])) as never,
        outcomes: r.needs.map((n) => ({ needId: n.id, outcome: n.outcome })),
        cooperations: Array.from({ length: r.cooperations ?? 0 }, (_, i) => ({
          title: `合作${i}`,
          partner: '合作社',
        })),
        ...(r.experts ? { experts: r.experts } : {}),
        ...(r.participants !== undefined
          ? {
              activities: [
                { kind: 'lecture' as const, title: '农民科学素质讲座', participants: r.participants },
              ],
            }
          : {}),
      },
    });
  }
}
