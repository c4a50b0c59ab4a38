import { inParallel } from '#commons/concurrency';
import { summaryAttributes, visitId } from '#schemas/keys';
import { listCounties } from '#store/catalog';
import {
  summaryOfferUpdate,
  summaryReportUpdate,
  summarySubmittedSet,
  summaryVisitUpdate,
} from '#store/items/summary';
import { countyNeedsPerSeason } from '#store/needs';
import { seasonOffers } from '#store/offers';
import { historyOfCounty, seasonVisits } from '#store/rounds';
import { countySummary, writeSubmittedIfUnchanged, writeSummaryPartIfAbsent } from '#store/season-summary';
import { reportVersions } from '#store/visit-log';
import type { Migration } from './migration.ts';

/*
 * Seasons planned before the county summaries existed have none, so their season report (which
 * reads only summaries: functions/services/report-season.ts) came out empty. This writes each part
 * of each county summary with the very builders the live writers use (functions/store/items/
 * summary.ts), each only where the summary lacks it: a part a live writer wrote is newer than what
 * this read, and is kept. The needs' counts are set only while unchanged since read.
 */

const PARALLEL = 8;

async function backfillSeason(
  season: string,
  names: Map<string, { county: { zh: string; en: string }; towns: Map<string, { zh: string; en: string }> }>,
): Promise<number> {
  const [visits, offers] = await Promise.all([seasonVisits(season), seasonOffers(season)]);
  let written = 0;
  await inParallel(visits, PARALLEL, async (visit) => {
    const county = names.get(visit.countyId);
    const townName = county?.towns.get(visit.townId);
    const update = summaryVisitUpdate({
      ...visit,
      ...(county ? { countyName: county.county } : {}),
      ...(townName ? { townName } : {}),
    });
    if (await writeSummaryPartIfAbsent(update, 'townId')) written++;
    // Each society's latest report version on the visit.
    const latest = new Map<string, Awaited<ReturnType<typeof reportVersions>>[number]>();
    for (const report of await reportVersions(visitId(season, visit.countyId))) {
      const seen = latest.get(report.societyId);
      if (!seen || seen.version < report.version) latest.set(report.societyId, report);
    }
    for (const report of latest.values()) {
      const wrote = await writeSummaryPartIfAbsent(
        summaryReportUpdate(report),
        summaryAttributes.report(report.societyId),
      );
      if (wrote) written++;
    }
  });
  await inParallel(offers, PARALLEL, async (offer) => {
    const update = summaryOfferUpdate(season, offer.countyId, [
      { societyId: offer.societyId, needIds: offer.needIds, status: offer.status, attempt: offer.attempt },
    ]);
    if (await writeSummaryPartIfAbsent(update, summaryAttributes.offer(offer.societyId))) written++;
  });
  return written;
}

/**
 * A county's `submitted` per season, as its needs count them now. The count read before the needs
 * guards the write: a need created meanwhile (its own transaction ADDs one) fails it, and the
 * county is counted again.
 */
async function backfillSubmitted(countyId: string): Promise<number> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const seasons = [...(await countyNeedsPerSeason(countyId)).keys()];
    const seen = new Map(
      await Promise.all(
        seasons.map(async (season) => [season, (await countySummary(season, countyId))?.submitted] as const),
      ),
    );
    const counts = await countyNeedsPerSeason(countyId);
    if ([...counts.keys()].some((season) => !seen.has(season))) continue;
    let written = 0;
    let changed = false;
    for (const [season, count] of counts) {
      const before = seen.get(season);
      if (before === count) continue;
      if (await writeSubmittedIfUnchanged(summarySubmittedSet(season, countyId, count), before)) written++;
      else changed = true;
    }
    if (!changed) return written;
  }
  throw new Error(
    `县 ${countyId} 的需求数在补写时一直在变 / the needs of county ${countyId} kept changing while counted`,
  );
}

export const backfillCountySummaries: Migration = {
  version: 1,
  name: {
    zh: '为县汇总上线前规划的季度补写县汇总',
    en: 'backfill the county summaries of seasons planned before they existed',
  },
  async run(log) {
    const counties = await listCounties();
    const names = new Map(
      counties.map((c) => [c.id, { county: c.name, towns: new Map(c.towns.map((t) => [t.id, t.name])) }]),
    );
    // Every planned visit is in its county's history (VISITED#<season>), written with the visit.
    const seasons = new Set<string>();
    await inParallel(counties, PARALLEL, async (county) => {
      for (const entry of await historyOfCounty(county.id)) seasons.add(entry.season);
    });
    let parts = 0;
    for (const season of [...seasons].sort()) parts += await backfillSeason(season, names);
    const counts = await inParallel(counties, PARALLEL, (county) => backfillSubmitted(county.id));
    parts += counts.reduce((sum, n) => sum + n, 0);
    log(
      `县汇总补写 ${parts} 项（${seasons.size} 个季度）/ ${parts} county-summary parts written (${seasons.size} seasons)`,
    );
  },
};
