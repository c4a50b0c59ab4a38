import { afterEach, describe, expect, it } from 'vitest';
import { nextSendableTime, parseQuietHours } from '#domain/quiet-hours';

// Instants in UTC; Beijing is UTC+8.
const at = (iso: string) => new Date(iso);
const before = process.env.QUIET_HOURS;
afterEach(() => {
  if (before === undefined) delete process.env.QUIET_HOURS;
  else process.env.QUIET_HOURS = before;
});

describe('QUIET_HOURS', () => {
  it('is 22:00-07:00 by default, and off turns quiet hours off', () => {
    expect(parseQuietHours(undefined)).toEqual({ from: 22 * 60, until: 7 * 60 });
    expect(parseQuietHours('')).toEqual({ from: 22 * 60, until: 7 * 60 });
    expect(parseQuietHours('off')).toBeNull();
    expect(parseQuietHours('21:30-06:45')).toEqual({ from: 21 * 60 + 30, until: 6 * 60 + 45 });
  });

  it.each(['22-7', '25:00-07:00', '22:00-07:60', '22:00', 'never', '07:00-07:00'])(
    'refuses "%s" with a bilingual error naming QUIET_HOURS',
    (value) => {
      expect(() => parseQuietHours(value)).toThrow(
        /QUIET_HOURS .*应为.*\/ QUIET_HOURS .* must be HH:MM-HH:MM/,
      );
    },
  );

  it('sends at once when off, even at 23:00 Beijing time', () => {
    process.env.QUIET_HOURS = 'off';
    expect(nextSendableTime(at('2026-11-29T15:00:00Z')).toISOString()).toBe('2026-11-29T15:00:00.000Z');
  });

  it('waits for the end of other quiet hours, across midnight or within a day', () => {
    process.env.QUIET_HOURS = '21:30-06:45';
    // 21:40 Beijing → 06:45 the next morning.
    expect(nextSendableTime(at('2026-11-29T13:40:00Z')).toISOString()).toBe('2026-11-29T22:45:00.000Z');
    // 21:20 Beijing is not quiet.
    expect(nextSendableTime(at('2026-11-29T13:20:00Z')).toISOString()).toBe('2026-11-29T13:20:00.000Z');
    process.env.QUIET_HOURS = '12:00-13:30';
    // 12:10 Beijing → 13:30 the same day; 13:30 itself is sendable.
    expect(nextSendableTime(at('2026-11-29T04:10:00Z')).toISOString()).toBe('2026-11-29T05:30:00.000Z');
    expect(nextSendableTime(at('2026-11-29T05:30:00Z')).toISOString()).toBe('2026-11-29T05:30:00.000Z');
  });

  it('makes nextSendableTime fail with the same error when QUIET_HOURS is bad', () => {
    process.env.QUIET_HOURS = '22h-7h';
    expect(() => nextSendableTime(at('2026-11-29T04:10:00Z'))).toThrow(/QUIET_HOURS/);
  });
});
