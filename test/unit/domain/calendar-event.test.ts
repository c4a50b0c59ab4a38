/**
 * The visit date's calendar file, read back by an independent parser (ical.js, Mozilla's iCalendar
 * library): the zone, the instant, the folding at 75 octets and the escaping of Chinese text.
 */
import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { calendarFile, foldLine } from '#domain/calendar-event';

const stamp = new Date('2027-01-02T03:04:05Z');
const LONG =
  '一镇五问：\n1. 人才：如何引进和留住农业技术人才，让年轻人愿意回到山区乡镇工作？\n2. 产业：茶叶、蜂蜜、高山蔬菜的销路; 加工, 品牌\\ 合作';

function parse(text: string) {
  const root = new ICAL.Component(ICAL.parse(text));
  for (const zone of root.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
  const vevent = root.getFirstSubcomponent('vevent');
  if (!vevent) throw new Error('no VEVENT');
  return { root, vevent, event: new ICAL.Event(vevent) };
}

describe('calendarFile', () => {
  const timed = calendarFile({
    uid: '2027-Q1.chunan@science-rounds',
    sequence: 2,
    stamp,
    date: '2027-01-15',
    time: '09:30',
    summary: '科技服务走访：淳安县汾口镇',
    location: '淳安县汾口镇 / Fenkou, Chun’an',
    description: LONG,
  });

  it('gives a timed visit in Asia/Shanghai with its VTIMEZONE, so 09:30 there is 01:30 UTC', () => {
    const { event, vevent, root } = parse(timed);

    expect(root.getFirstSubcomponent('vtimezone')?.getFirstPropertyValue('tzid')).toBe('Asia/Shanghai');
    expect(vevent.getFirstProperty('dtstart')?.getParameter('tzid')).toBe('Asia/Shanghai');
    expect(event.startDate.toJSDate().toISOString()).toBe('2027-01-15T01:30:00.000Z');
    expect(event.endDate.toJSDate().toISOString()).toBe('2027-01-15T05:30:00.000Z');
    expect(event.uid).toBe('2027-Q1.chunan@science-rounds');
    expect(event.sequence).toBe(2);
    expect((vevent.getFirstPropertyValue('dtstamp') as ICAL.Time).toJSDate().toISOString()).toBe(
      '2027-01-02T03:04:05.000Z',
    );
  });

  it('reads back the Chinese summary, location and a long description with newlines, semicolons, commas and backslashes', () => {
    const { event } = parse(timed);

    expect(event.summary).toBe('科技服务走访：淳安县汾口镇');
    expect(event.location).toBe('淳安县汾口镇 / Fenkou, Chun’an');
    expect(event.description).toBe(LONG);
  });

  it('folds every line at 75 octets with CRLF and never splits a character', () => {
    const lines = timed.split('\r\n');
    expect(timed.endsWith('\r\n')).toBe(true);
    expect(timed.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of lines) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    expect(lines.filter((l) => l.startsWith(' ')).length).toBeGreaterThanOrEqual(2);
    // Unfolded, the description line is the escaped text whole (no broken UTF-8 around a fold).
    const unfolded = timed.replace(/\r\n /g, '');
    expect(unfolded).toContain('DESCRIPTION:一镇五问：\\n1. 人才');
    expect(unfolded).toContain('销路\\; 加工\\, 品牌\\\\ 合作');
  });

  it('folds a line of three-octet characters at the character boundary', () => {
    const folded = foldLine(`SUMMARY:${'汾'.repeat(40)}`);
    const [first, ...rest] = folded.split('\r\n');
    expect(Buffer.byteLength(first!, 'utf8')).toBe(74); // 8 + 22 × 3; a 23rd would make 77
    for (const line of rest) expect(line.startsWith(' ')).toBe(true);
    expect(folded.replace(/\r\n /g, '')).toBe(`SUMMARY:${'汾'.repeat(40)}`);
  });

  it('makes a day without a time an all-day event, with no zone needed, ending the next day', () => {
    const allDay = calendarFile({
      uid: 'x@y',
      sequence: 0,
      stamp,
      date: '2027-02-28',
      summary: '走访',
      tentative: true,
    });
    const { event, vevent, root } = parse(allDay);

    expect(root.getFirstSubcomponent('vtimezone')).toBeNull();
    expect(event.startDate.isDate).toBe(true);
    expect(event.startDate.toString()).toBe('2027-02-28');
    expect(event.endDate.toString()).toBe('2027-03-01');
    expect(vevent.getFirstPropertyValue('status')).toBe('TENTATIVE');
  });
});
