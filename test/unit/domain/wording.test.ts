import { describe, expect, it } from 'vitest';
import { beijingDay, beijingTime, beijingTimeEn, count, durationWords } from '#domain/wording';

describe('how messages say times and counts', () => {
  it('reads Beijing time, with the year only when it is another year', () => {
    const at = new Date('2026-12-10T10:00:00Z');
    expect(beijingTime(at)).toBe('12月10日 18:00');
    expect(beijingTime(at, new Date('2026-12-01T00:00:00Z'))).toBe('12月10日 18:00');
    expect(beijingTime(at, new Date('2027-01-02T00:00:00Z'))).toBe('2026年12月10日 18:00');
    expect(beijingTime(new Date('2026-12-31T16:30:00Z'))).toBe('1月1日 00:30');
    expect(beijingDay(at)).toBe('12月10日');
    expect(beijingTimeEn(at)).toBe('10 Dec 18:00 Beijing time');
  });

  it('says durations in days, hours or minutes', () => {
    expect(durationWords(259_200)).toEqual({ zh: '3 天', en: '3 days' });
    expect(durationWords(86_400)).toEqual({ zh: '1 天', en: '1 day' });
    expect(durationWords(7200)).toEqual({ zh: '2 小时', en: '2 hours' });
    expect(durationWords(90_000)).toEqual({ zh: '25 小时', en: '25 hours' });
    expect(durationWords(120)).toEqual({ zh: '2 分钟', en: '2 minutes' });
  });

  it('makes English counts agree', () => {
    expect(count(1, 'need')).toBe('1 need');
    expect(count(3, 'need')).toBe('3 needs');
    expect(count(2, 'society', 'societies')).toBe('2 societies');
  });
});
