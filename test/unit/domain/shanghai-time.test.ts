/** The one Asia/Shanghai clock (schemas/shanghai-time.ts), used by the domain, the functions and the pages. */
import { describe, expect, it } from 'vitest';
import {
  seasonOfInstant,
  seasonStart,
  shanghaiClock,
  shanghaiDate,
  shanghaiDateTime,
  shanghaiHour,
  shanghaiInstant,
  shanghaiTimestamp,
} from '#schemas/shanghai-time';

describe('the Shanghai clock', () => {
  it('reads an instant as Shanghai wall-clock time, eight hours ahead of UTC', () => {
    expect(shanghaiClock(new Date('2026-10-15T06:30:05.250Z'))).toEqual({
      year: 2026,
      month: 10,
      day: 15,
      hour: 14,
      minute: 30,
      second: 5,
    });
    expect(shanghaiDateTime(new Date('2026-10-15T06:30:00Z'))).toBe('2026-10-15 14:30');
    expect(shanghaiDate(new Date('2026-10-15T16:00:00Z'))).toBe('2026-10-16');
  });

  it('gives midnight as hour 0, never 24', () => {
    expect(shanghaiHour(new Date('2026-10-15T16:00:00Z'))).toBe(0);
    expect(shanghaiDateTime(new Date('2026-10-15T16:00:00Z'))).toBe('2026-10-16 00:00');
    expect(shanghaiHour(new Date('2026-10-15T15:59:59Z'))).toBe(23);
  });

  it('writes stored timestamps with the +08:00 offset, milliseconds kept', () => {
    expect(shanghaiTimestamp(new Date('2026-09-30T16:30:00.007Z'))).toBe('2026-10-01T00:30:00.007+08:00');
    // The same instant when read back.
    const at = new Date('2026-12-31T23:59:59.999Z');
    expect(new Date(shanghaiTimestamp(at)).getTime()).toBe(at.getTime());
  });

  it('turns a Shanghai wall-clock time into its instant, carrying over like Date.UTC', () => {
    expect(shanghaiInstant(2027, 1, 1, 9).toISOString()).toBe('2027-01-01T01:00:00.000Z');
    expect(shanghaiInstant(2026, 10, 1).toISOString()).toBe('2026-09-30T16:00:00.000Z');
    expect(shanghaiInstant(2026, 12, 32, 7).toISOString()).toBe('2026-12-31T23:00:00.000Z');
  });

  it('refuses an invalid date instead of printing NaN', () => {
    expect(() => shanghaiDateTime(new Date('not a date'))).toThrow(RangeError);
  });
});

describe('seasons on the Shanghai clock', () => {
  it('puts the last eight hours of a quarter in UTC into the next quarter', () => {
    expect(seasonOfInstant(new Date('2026-09-30T15:59:59.999Z'))).toBe('2026-Q3');
    expect(seasonOfInstant(new Date('2026-09-30T16:00:00Z'))).toBe('2026-Q4');
    expect(seasonOfInstant(new Date('2026-12-31T16:00:00Z'))).toBe('2027-Q1');
    expect(seasonOfInstant(new Date('2026-03-31T16:00:00Z'))).toBe('2026-Q2');
    expect(seasonOfInstant(new Date('2026-06-30T16:00:00Z'))).toBe('2026-Q3');
  });

  it('starts each season at 00:00 Shanghai on the first day of its quarter', () => {
    expect(seasonStart('2026-Q4').toISOString()).toBe('2026-09-30T16:00:00.000Z');
    expect(seasonStart('2027-Q1').toISOString()).toBe('2026-12-31T16:00:00.000Z');
    for (const season of ['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4'] as const) {
      const start = seasonStart(season);
      expect(seasonOfInstant(start)).toBe(season);
      expect(seasonOfInstant(new Date(start.getTime() - 1))).not.toBe(season);
    }
    expect(() => seasonStart('2026-Q5')).toThrow(RangeError);
  });
});
