import { describe, expect, it } from 'vitest';
import { nextSendableTime } from '#domain/quiet-hours';
import { nextQuarterlyTrigger } from '#domain/schedule';

describe('quarterly trigger, cron(0 9 1 1,4,7,10 ? *) in Asia/Shanghai', () => {
  it('fires at 09:00 Shanghai (01:00 UTC) on the first day of the next quarter', () => {
    expect(nextQuarterlyTrigger(new Date('2026-11-29T10:00:00Z')).toISOString()).toBe(
      '2027-01-01T01:00:00.000Z',
    );
    expect(nextQuarterlyTrigger(new Date('2026-02-10T00:00:00Z')).toISOString()).toBe(
      '2026-04-01T01:00:00.000Z',
    );
  });

  it('moves to the following quarter once the trigger time has passed', () => {
    expect(nextQuarterlyTrigger(new Date('2026-04-01T01:00:00Z')).toISOString()).toBe(
      '2026-07-01T01:00:00.000Z',
    );
    expect(nextQuarterlyTrigger(new Date('2026-04-01T00:59:59Z')).toISOString()).toBe(
      '2026-04-01T01:00:00.000Z',
    );
  });

  it('uses the Shanghai calendar year at the turn of the year', () => {
    // 2026-12-31T20:00Z is already 2027-01-01 04:00 in Shanghai: the 09:00 trigger that day is next.
    expect(nextQuarterlyTrigger(new Date('2026-12-31T20:00:00Z')).toISOString()).toBe(
      '2027-01-01T01:00:00.000Z',
    );
  });
});

describe('quiet hours, 22:00–07:00 Asia/Shanghai', () => {
  it('sends at once during the day', () => {
    const noon = new Date('2026-11-29T04:00:00Z'); // 12:00 Shanghai
    expect(nextSendableTime(noon)).toEqual(noon);
  });

  it('holds a late-evening message until 07:00 the next morning', () => {
    expect(nextSendableTime(new Date('2026-11-29T15:30:00Z')).toISOString()).toBe('2026-11-29T23:00:00.000Z');
  });

  it('holds an early-morning message until 07:00 the same morning', () => {
    expect(nextSendableTime(new Date('2026-11-29T19:00:00Z')).toISOString()).toBe('2026-11-29T23:00:00.000Z');
  });
});
