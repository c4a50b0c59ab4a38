import type { SeasonId } from '#schemas/index';
import { seasonOfInstant } from '#schemas/shanghai-time';

/** The season (calendar quarter, Shanghai) an instant falls in. */
export { seasonOfInstant };

const SEASON_PATTERN = /^(\d{4})-Q([1-4])$/;

function parseSeason(season: SeasonId): { year: number; quarter: number } {
  const match = SEASON_PATTERN.exec(season);
  if (!match) throw new RangeError(`"${season}" is not a season like 2026-Q4`);
  return { year: Number(match[1]), quarter: Number(match[2]) };
}

/** A season's position on a single integer line, so seasons can be subtracted and compared. */
export function seasonOrdinal(season: SeasonId): number {
  const { year, quarter } = parseSeason(season);
  return year * 4 + quarter - 1;
}

export function seasonFromOrdinal(ordinal: number): SeasonId {
  if (!Number.isInteger(ordinal) || ordinal < 0 || ordinal >= 10_000 * 4) {
    throw new RangeError(`season ordinal ${ordinal} is out of range`);
  }
  const year = Math.floor(ordinal / 4);
  const quarter = (ordinal % 4) + 1;
  return `${String(year).padStart(4, '0')}-Q${quarter}`;
}

/** How many seasons `later` comes after `earlier` (negative when it comes before). */
export function seasonsBetween(earlier: SeasonId, later: SeasonId): number {
  return seasonOrdinal(later) - seasonOrdinal(earlier);
}

/** The `count` seasons before `season`, nearest first: S-1, S-2, … */
export function previousSeasons(season: SeasonId, count: number): SeasonId[] {
  const ordinal = seasonOrdinal(season);
  return Array.from({ length: count }, (_, index) => seasonFromOrdinal(ordinal - index - 1));
}

/** The season the association is in now, by Asia/Shanghai time (the quarterly trigger's clock). */
export function currentSeason(now: Date = new Date()): SeasonId {
  return seasonOfInstant(now);
}
