import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { documents, tableName } from '#commons/clients';
import { Overrides, type SeasonId } from '#schemas/index';
import { keys } from '#schemas/keys';
import { parseRecord } from '#schemas/records';

/**
 * A season's coordinator overrides (pins, exclusions, town locks): one item per season, in the
 * shape of schemas/overrides.ts. The round reads it when it chooses towns and assigns societies;
 * `rounds run --data DIR` and the seeding of an empty database write a data directory's
 * overrides.json here.
 */

/** The season's overrides, or undefined when the coordinator set none. */
export async function getSeasonOverrides(season: SeasonId): Promise<Overrides | undefined> {
  const { Item } = await documents().send(
    new GetCommand({ TableName: tableName(), Key: keys.seasonOverrides(season) }),
  );
  if (!Item) return undefined;
  return parseRecord(Overrides, 'season overrides', {
    pk: Item.pk,
    sk: Item.sk,
    season,
    pins: Item.pins,
    exclusions: Item.exclusions,
    townLocks: Item.townLocks,
  });
}

/** Replaces the season's overrides. */
export async function putSeasonOverrides(season: SeasonId, overrides: Overrides, at: string): Promise<void> {
  await documents().send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...keys.seasonOverrides(season),
        type: 'overrides',
        season,
        pins: overrides.pins,
        exclusions: overrides.exclusions,
        townLocks: overrides.townLocks,
        updatedAt: at,
      },
    }),
  );
}
