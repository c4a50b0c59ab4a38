import { NotFoundError } from '#commons/errors';
import { chooseVisit, TOWNS_SHOWN } from '#domain/plan-steps';
import { ChooseTownInput, type ChosenTown } from '#schemas/index';
import { seasonWording } from '#services/edit-questions';
import { getCounty } from '#store/catalog';
import { openNeedsOfCounty } from '#store/needs';
import { getSeasonOverrides } from '#store/overrides';
import { historyOfCounty } from '#store/rounds';
import { roundStep } from './step.ts';

/**
 * Town choice (docs/rules.md), or the coordinator's town lock: the county's town for this season, with the top of its ranking.
 * Reads, per county: 1 GetItem (county) + 1 Query on gsi1 (its open needs) + 1 Query (its history) + 1 GetItem (overrides).
 */
export const handler = roundStep(
  'ChooseTown',
  ChooseTownInput,
  async ({ season, countyId }): Promise<ChosenTown> => {
    const [county, openNeeds, history, overrides, wording] = await Promise.all([
      getCounty(countyId),
      openNeedsOfCounty(countyId),
      historyOfCounty(countyId),
      getSeasonOverrides(season),
      seasonWording(season),
    ]);
    if (!county) throw new NotFoundError(`county "${countyId}" is not in the catalog`);
    const visit = chooseVisit({
      season,
      county,
      openNeeds: openNeeds.map(({ status: _status, submittedBy: _by, ...need }) => need),
      history,
      townLocks: overrides?.townLocks ?? [],
    });
    if (!visit) throw new NotFoundError(`county "${countyId}" has no towns`);
    return {
      season,
      countyId,
      townId: visit.townId,
      ranking: visit.rankings.slice(0, TOWNS_SHOWN),
      needs: visit.needs,
      townLocked: visit.townLocked,
      wording,
      names: {
        county: county.name,
        town: county.towns.find((t) => t.id === visit.townId)?.name ?? { zh: visit.townId, en: visit.townId },
      },
    };
  },
);
