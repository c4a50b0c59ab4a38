/** The texts a society and a county's liaisons read: names, Beijing time, English counts that agree. No I/O. */
import { describe, expect, it } from 'vitest';
import {
  acceptedNotice,
  dateConfirmedNotice,
  dateProposedNotice,
  declinedNotice,
  type NoticeText,
  needResolvedNotice,
  offerNotice,
  reminderNotice,
  reportDueNotice,
  reportFiledNotice,
  townChosenNotice,
  visitPage,
  visitSoonNotice,
} from '#domain/notices';

const place = {
  county: { zh: '淳安县', en: "Chun'an County" },
  town: { zh: '汾口镇', en: 'Fenkou Town' },
};
const nongxue = { zh: '杭州市农学会', en: 'Hangzhou Agricultural Society' };
const linxue = { zh: '杭州市林学会', en: 'Hangzhou Society of Forestry' };
const now = new Date('2026-12-01T02:00:00Z'); // 10:00 on 1 December, Beijing time
const deadline = new Date('2026-12-10T10:00:00Z'); // 18:00 on 10 December
const visit = { startsAt: new Date('2026-12-20T01:30:00Z'), hasTime: true }; // 09:30 on 20 December
const day = { startsAt: new Date('2026-12-19T16:00:00Z'), hasTime: false }; // 20 December

const lines = (t: NoticeText) => t.body.split('\n');

/** Chinese first, an English line last, no ISO time, no id. */
function readable(t: NoticeText) {
  const [zh, en] = lines(t);
  expect(lines(t)).toHaveLength(2);
  expect(zh).toMatch(/[\u4e00-\u9fff]/);
  expect(en).toMatch(/^[\x20-\x7e“”]+$/);
  expect(`${t.subject}${t.body}`).not.toMatch(/\d{4}-\d{2}-\d{2}T|chunan|fenkou|nongxue|need-/);
}

describe('a society’s notices', () => {
  it('offers the needs with the deadline in Beijing time on both lines, and the count agreeing', () => {
    const one = offerNotice({ place, society: nongxue, needs: 1, deadline, reassigned: false, now });
    const three = offerNotice({ place, society: nongxue, needs: 3, deadline, reassigned: false, now });
    readable(one);
    expect(one.subject).toBe('【科技服务邀请】淳安县汾口镇邀请杭州市农学会');
    expect(lines(one)[0]).toBe(
      '淳安县汾口镇本季有 1 项需求请杭州市农学会对接。请在 12月10日 18:00 前在团队页面接受或婉拒。',
    );
    expect(lines(one)[1]).toBe(
      "1 need of Fenkou Town, Chun'an County is offered to Hangzhou Agricultural Society. Please accept or decline on the team page by 10 Dec 18:00 Beijing time.",
    );
    expect(lines(three)[1]).toMatch(/^3 needs of .* are offered/);
  });

  it('says a reassignment is one, and the reminder says how long is left', () => {
    const moved = offerNotice({ place, society: linxue, needs: 2, deadline, reassigned: true, now });
    readable(moved);
    expect(moved.subject).toContain('改派');
    expect(lines(moved)[1]).toMatch(/^Reassigned: 2 needs of Fenkou Town/);
    const reminder = reminderNotice({ place, deadline, now: new Date('2026-12-08T10:00:00Z') });
    readable(reminder);
    expect(lines(reminder)[0]).toContain('将于 12月10日 18:00 截止（还有 2 天）');
    expect(lines(reminder)[1]).toContain('closes 10 Dec 18:00 Beijing time (in 2 days)');
  });

  it('reminds to report 3 days after the visit, naming its day', () => {
    const due = reportDueNotice({ place, when: day, now });
    readable(due);
    expect(lines(due)[0]).toBe(
      '淳安县汾口镇的走访（12月20日）已过 3 天，请在团队页面提交走访报告，写明各项需求的结果。',
    );
    expect(lines(due)[1]).toContain('on 20 Dec was 3 days ago');
  });
});

describe('both sides’ notices', () => {
  it('names who proposed a date: the society by name, the liaison by county; a day without time has no clock', () => {
    const byTeam = dateProposedNotice({ place, when: visit, by: { role: 'team', society: nongxue }, now });
    readable(byTeam);
    expect(lines(byTeam)[0]).toBe(
      '杭州市农学会提议淳安县汾口镇的走访日期为 12月20日 09:30，请在走访页面确认或另提日期。',
    );
    expect(lines(byTeam)[1]).toMatch(/^Hangzhou Agricultural Society proposes 20 Dec 09:30 Beijing time/);
    const byLiaison = dateProposedNotice({ place, when: day, by: { role: 'liaison' }, now });
    expect(lines(byLiaison)[0]).toMatch(/^淳安县联络员提议.*12月20日，/);
    expect(lines(byLiaison)[1]).toMatch(/^The Chun'an County liaison proposes 20 Dec for/);
    const confirmed = dateConfirmedNotice({ place, when: visit, by: { role: 'liaison' }, now });
    readable(confirmed);
    expect(lines(confirmed)[0]).toBe('淳安县汾口镇的走访日期已确认：12月20日 09:30（由淳安县联络员确认）。');
  });

  it('counts down to the visit in days: 7 days, 1 day', () => {
    const week = visitSoonNotice({ place, when: visit, daysBefore: 7, now });
    const tomorrow = visitSoonNotice({ place, when: visit, daysBefore: 1, now });
    readable(week);
    expect(week.subject).toBe('【走访提醒】7 天后走访淳安县汾口镇');
    expect(lines(week)[1]).toBe(
      "The visit to Fenkou Town, Chun'an County is in 7 days (20 Dec 09:30 Beijing time).",
    );
    expect(lines(tomorrow)[1]).toContain('is in 1 day (');
  });
});

describe('a county’s liaisons’ notices', () => {
  it('names the town and each society coming with its needs; none coming says the coordinator arranges them', () => {
    const chosen = townChosenNotice({
      place,
      societies: [
        { name: nongxue, needs: 3 },
        { name: linxue, needs: 1 },
      ],
    });
    readable(chosen);
    expect(lines(chosen)[0]).toContain('杭州市农学会（3 项需求）、杭州市林学会（1 项需求）');
    expect(lines(chosen)[1]).toContain(
      'Hangzhou Agricultural Society (3 needs), Hangzhou Society of Forestry (1 need)',
    );
    expect(lines(townChosenNotice({ place, societies: [] }))[0]).toContain('由协调人安排');
  });

  it('tells an acceptance, and a decline or a silence with what happens to the needs next', () => {
    readable(acceptedNotice({ place, society: nongxue, needs: 2 }));
    const next = declinedNotice({ place, society: linxue, needs: 1, expired: false, next: 'next-society' });
    readable(next);
    expect(lines(next)[0]).toBe(
      '杭州市林学会婉拒了淳安县汾口镇的走访邀请（1 项需求）。将改请其他对口学会；若无学会可接，由协调人安排。',
    );
    const last = declinedNotice({ place, society: linxue, needs: 2, expired: true, next: 'coordinator' });
    expect(lines(last)[0]).toContain('未在期限内答复');
    expect(lines(last)[1]).toMatch(
      /did not answer in time .* \(2 needs\)\. .*the coordinator arranges them\.$/,
    );
  });

  it('tells a report with how many needs it resolved, and each resolved need by its title', () => {
    const filed = reportFiledNotice({ place, society: nongxue, resolved: 1, needs: 2 });
    readable(filed);
    expect(lines(filed)[1]).toContain('1 of its 2 needs resolved');
    const need = needResolvedNotice({ place, society: nongxue, need: '茶园病虫害绿色防控' });
    expect(lines(need)[0]).toBe('淳安县汾口镇的需求“茶园病虫害绿色防控”已由杭州市农学会解决。');
    expect(need.subject).toBe('【需求已解决】茶园病虫害绿色防控');
  });

  it('links a visit by its page and id parameter', () => {
    expect(visitPage('2027-Q2.chunan')).toBe('/visit.html?id=2027-Q2.chunan');
  });
});
