import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  currentSeason,
  previousSeasons,
  seasonFromOrdinal,
  seasonOfInstant,
  seasonOrdinal,
  seasonsBetween,
} from '#domain/season';

describe('season arithmetic', () => {
  it('numbers seasons consecutively across a year boundary', () => {
    expect(seasonOrdinal('2026-Q1') - seasonOrdinal('2025-Q4')).toBe(1);
    expect(seasonOrdinal('2026-Q1')).toBe(2026 * 4);
  });

  it('turns an ordinal back into the same season', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 9999 }), fc.integer({ min: 1, max: 4 }), (year, quarter) => {
        const season = `${year}-Q${quarter}`;
        expect(seasonFromOrdinal(seasonOrdinal(season))).toBe(season);
      }),
    );
  });

  it('counts the seasons between two seasons, negative when the order is reversed', () => {
    expect(seasonsBetween('2025-Q4', '2026-Q4')).toBe(4);
    expect(seasonsBetween('2026-Q4', '2025-Q3')).toBe(-5);
    expect(seasonsBetween('2026-Q2', '2026-Q2')).toBe(0);
  });

  it('lists the previous seasons nearest first', () => {
    expect(previousSeasons('2026-Q2', 4)).toEqual(['2026-Q1', '2025-Q4', '2025-Q3', '2025-Q2']);
    expect(previousSeasons('2026-Q2', 0)).toEqual([]);
  });

  it('rejects a malformed season', () => {
    expect(() => seasonOrdinal('2026Q1')).toThrow(/not a season/);
  });
});

describe('the season of an instant', () => {
  it('starts a quarter at midnight Asia/Shanghai, eight hours before midnight UTC', () => {
    expect(seasonOfInstant(new Date('2026-03-31T15:59:59Z'))).toBe('2026-Q1');
    expect(seasonOfInstant(new Date('2026-03-31T16:00:00Z'))).toBe('2026-Q2');
  });

  it('is already the next year in Shanghai on the evening of 31 December UTC', () => {
    expect(seasonOfInstant(new Date('2026-12-31T20:00:00Z'))).toBe('2027-Q1');
  });

  it('gives the current season by the Shanghai clock', () => {
    expect(currentSeason(new Date('2026-09-30T17:30:00Z'))).toBe('2026-Q4');
  });
});
