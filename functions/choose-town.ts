import { NotFoundError } from '#commons/errors';
import { roundStep } from '#commons/round-step';
import { getCounty, historyOfCounty, openNeedsOfCounty } from '#commons/store';
import { rankTowns } from '#domain/town-choice';
import { ChooseTownInput, type ChosenTown } from '#schemas/index';

/** Rule 2: the county's town for this season, with the top of the ranking that chose it. */
export const handler = roundStep(
  'ChooseTown',
  ChooseTownInput,
  async ({ season, countyId }): Promise<ChosenTown> => {
    const [county, openNeeds, history] = await Promise.all([
      getCounty(countyId),
      openNeedsOfCounty(countyId),
      historyOfCounty(countyId),
    ]);
    if (!county) throw new NotFoundError(`county "${countyId}" is not in the catalog`);
    const ranking = rankTowns({ season, towns: county.towns, openNeeds, history });
    const chosen = ranking[0];
    if (!chosen) throw new NotFoundError(`county "${countyId}" has no towns`);
    return {
      season,
      countyId,
      townId: chosen.townId,
      ranking: ranking.slice(0, 3),
      needs: openNeeds
        .filter((need) => need.townId === chosen.townId)
        .map(({ status: _status, submittedBy: _by, ...need }) => need),
    };
  },
);
