import { beijingDay, beijingDayEn, beijingTime, beijingTimeEn, count, durationWords } from './wording.ts';

/*
 * What a society and a county's liaisons read (docs/rules.md, "Who hears what"): a subject and a body,
 * a Chinese line then an English one, naming places, societies and needs (never their ids), times in
 * Beijing time. Pure: the services (functions/services/notices.ts) choose the readers and the moment.
 */

export interface Name {
  readonly zh: string;
  readonly en: string;
}

/** The visit's county and town. */
export interface Place {
  readonly county: Name;
  readonly town: Name;
}

export interface NoticeText {
  readonly subject: string;
  readonly body: string;
}

const zhPlace = (p: Place) => `${p.county.zh}${p.town.zh}`;
const enPlace = (p: Place) => `${p.town.en}, ${p.county.en}`;
const text = (subject: string, zh: string, en: string): NoticeText => ({ subject, body: `${zh}\n${en}` });

/** A visit's day, with its time when one was agreed: 12月10日 09:30 / 10 Dec 09:30 Beijing time. */
export interface VisitWhen {
  readonly startsAt: Date;
  readonly hasTime: boolean;
}
const whenZh = (w: VisitWhen, now?: Date) =>
  w.hasTime ? beijingTime(w.startsAt, now) : beijingDay(w.startsAt, now);
const whenEn = (w: VisitWhen) => (w.hasTime ? beijingTimeEn(w.startsAt) : beijingDayEn(w.startsAt));

// ---- a society's --------------------------------------------------------------------------------------

/** The offer, or on a second or third try the reassignment: answer on the team page by the deadline. */
export function offerNotice(input: {
  place: Place;
  society: Name;
  needs: number;
  deadline: Date;
  reassigned: boolean;
  now: Date;
}): NoticeText {
  const { place, society, needs, deadline, now } = input;
  const by = beijingTime(deadline, now);
  const byEn = beijingTimeEn(deadline);
  if (input.reassigned)
    return text(
      `【科技服务·改派】${zhPlace(place)}的需求改由${society.zh}对接`,
      `原对接学会未能承接，${zhPlace(place)}本季 ${needs} 项需求改请${society.zh}对接。请在 ${by} 前在团队页面接受或婉拒。`,
      `Reassigned: ${count(needs, 'need')} of ${enPlace(place)} now go to ${society.en}. Please accept or decline on the team page by ${byEn}.`,
    );
  return text(
    `【科技服务邀请】${zhPlace(place)}邀请${society.zh}`,
    `${zhPlace(place)}本季有 ${needs} 项需求请${society.zh}对接。请在 ${by} 前在团队页面接受或婉拒。`,
    `${count(needs, 'need')} of ${enPlace(place)} ${needs === 1 ? 'is' : 'are'} offered to ${society.en}. Please accept or decline on the team page by ${byEn}.`,
  );
}

/** Before the answer deadline, while the offer still waits. */
export function reminderNotice(input: { place: Place; deadline: Date; now: Date }): NoticeText {
  const { place, deadline, now } = input;
  const left = durationWords(Math.max(60, (deadline.getTime() - now.getTime()) / 1000));
  return text(
    `【提醒】${zhPlace(place)}的邀请将于 ${beijingTime(deadline, now)} 截止`,
    `${zhPlace(place)}的邀请尚未答复，将于 ${beijingTime(deadline, now)} 截止（还有 ${left.zh}），逾期将改请其他学会。`,
    `Reminder: the offer for ${enPlace(place)} closes ${beijingTimeEn(deadline)} (in ${left.en}); without an answer its needs move to another society.`,
  );
}

/** The society's report is due: 3 days after the visit and none filed yet. */
export function reportDueNotice(input: { place: Place; when: VisitWhen; now: Date }): NoticeText {
  const { place, when, now } = input;
  return text(
    `【提醒】请提交${zhPlace(place)}的走访报告`,
    `${zhPlace(place)}的走访（${beijingDay(when.startsAt, now)}）已过 3 天，请在团队页面提交走访报告，写明各项需求的结果。`,
    `The visit to ${enPlace(place)} on ${beijingDayEn(when.startsAt)} was 3 days ago: please file its report on the team page, with the outcome of each need.`,
  );
}

// ---- both sides ---------------------------------------------------------------------------------------

/** Who proposed or confirmed a date: a society by its name, or the county's liaison. */
export type Side = { readonly role: 'team'; readonly society: Name } | { readonly role: 'liaison' };

const sideZh = (side: Side, place: Place) =>
  side.role === 'team' ? side.society.zh : `${place.county.zh}联络员`;
const sideEn = (side: Side, place: Place) =>
  side.role === 'team' ? side.society.en : `the ${place.county.en} liaison`;
const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A date proposed by one side: the other confirms it (or proposes another) on the visit page. */
export function dateProposedNotice(input: {
  place: Place;
  when: VisitWhen;
  by: Side;
  now: Date;
}): NoticeText {
  const { place, when, by, now } = input;
  return text(
    `【走访日期待确认】${zhPlace(place)} ${whenZh(when, now)}`,
    `${sideZh(by, place)}提议${zhPlace(place)}的走访日期为 ${whenZh(when, now)}，请在走访页面确认或另提日期。`,
    `${capital(sideEn(by, place))} proposes ${whenEn(when)} for the visit to ${enPlace(place)}; please confirm it or propose another date on the visit page.`,
  );
}

export function dateConfirmedNotice(input: {
  place: Place;
  when: VisitWhen;
  by: Side;
  now: Date;
}): NoticeText {
  const { place, when, by, now } = input;
  return text(
    `【走访日期已确认】${zhPlace(place)} ${whenZh(when, now)}`,
    `${zhPlace(place)}的走访日期已确认：${whenZh(when, now)}（由${sideZh(by, place)}确认）。`,
    `The visit to ${enPlace(place)} is confirmed for ${whenEn(when)} (confirmed by ${sideEn(by, place)}).`,
  );
}

/** 7 days and 1 day before a confirmed date. */
export function visitSoonNotice(input: {
  place: Place;
  when: VisitWhen;
  daysBefore: number;
  now: Date;
}): NoticeText {
  const { place, when, now } = input;
  const left = durationWords(input.daysBefore * 86_400);
  return text(
    `【走访提醒】${left.zh}后走访${zhPlace(place)}`,
    `距${zhPlace(place)}的走访还有 ${left.zh}（${whenZh(when, now)}）。`,
    `The visit to ${enPlace(place)} is in ${left.en} (${whenEn(when)}).`,
  );
}

// ---- a county's liaisons -----------------------------------------------------------------------------

/** The plan is approved: the county's town, and the societies coming with how many needs each takes. */
export function townChosenNotice(input: {
  place: Place;
  societies: { name: Name; needs: number }[];
}): NoticeText {
  const { place, societies } = input;
  const comingZh = societies.map((s) => `${s.name.zh}（${s.needs} 项需求）`).join('、');
  const comingEn = societies.map((s) => `${s.name.en} (${count(s.needs, 'need')})`).join(', ');
  return text(
    `【本季走访】${zhPlace(place)}`,
    societies.length > 0
      ? `本季走访选定${zhPlace(place)}。将邀请的学会：${comingZh}。学会接受后，请在走访页面与其约定日期。`
      : `本季走访选定${zhPlace(place)}。暂无学会可承接，由协调人安排。`,
    societies.length > 0
      ? `This season's visit is to ${enPlace(place)}. Societies invited: ${comingEn}. Once one accepts, agree the date with it on the visit page.`
      : `This season's visit is to ${enPlace(place)}. No society can take its needs yet; the coordinator arranges them.`,
  );
}

export function acceptedNotice(input: { place: Place; society: Name; needs: number }): NoticeText {
  const { place, society, needs } = input;
  return text(
    `【学会已接受】${society.zh} · ${zhPlace(place)}`,
    `${society.zh}已接受${zhPlace(place)}的走访邀请（${needs} 项需求）。请在走访页面与其约定走访日期。`,
    `${society.en} accepted the visit to ${enPlace(place)} (${count(needs, 'need')}). Please agree the visit date with it on the visit page.`,
  );
}

/** What happens to the needs after a decline: another society is asked, or the coordinator arranges them. */
export type AfterDecline = 'next-society' | 'coordinator';

export function declinedNotice(input: {
  place: Place;
  society: Name;
  needs: number;
  /** No answer within the deadline rather than a decline. */
  expired: boolean;
  next: AfterDecline;
}): NoticeText {
  const { place, society, needs } = input;
  const whatZh = input.expired ? '未在期限内答复' : '婉拒了';
  const whatEn = input.expired ? 'did not answer in time for' : 'declined';
  const nextZh =
    input.next === 'coordinator'
      ? '已尝试的学会均未承接，这些需求将由协调人安排。'
      : '将改请其他对口学会；若无学会可接，由协调人安排。';
  const nextEn =
    input.next === 'coordinator'
      ? 'The societies tried did not take them; the coordinator arranges them.'
      : 'They go to another competent society; if none can take them, the coordinator arranges them.';
  return text(
    `【学会未承接】${society.zh} · ${zhPlace(place)}`,
    `${society.zh}${whatZh}${zhPlace(place)}的走访邀请（${needs} 项需求）。${nextZh}`,
    `${society.en} ${whatEn} the visit to ${enPlace(place)} (${count(needs, 'need')}). ${nextEn}`,
  );
}

export function reportFiledNotice(input: {
  place: Place;
  society: Name;
  resolved: number;
  needs: number;
}): NoticeText {
  const { place, society, resolved, needs } = input;
  return text(
    `【走访报告】${society.zh} · ${zhPlace(place)}`,
    `${society.zh}提交了${zhPlace(place)}的走访报告：承接的 ${needs} 项需求中已解决 ${resolved} 项。`,
    `${society.en} filed its report on the visit to ${enPlace(place)}: ${resolved} of its ${count(needs, 'need')} resolved.`,
  );
}

export function needResolvedNotice(input: { place: Place; society: Name; need: string }): NoticeText {
  const { place, society, need } = input;
  return text(
    `【需求已解决】${need}`,
    `${zhPlace(place)}的需求“${need}”已由${society.zh}解决。`,
    `The need “${need}” of ${enPlace(place)} was resolved by ${society.en}.`,
  );
}

// ---- where the reader acts ---------------------------------------------------------------------------

/** The page of a visit: its date, its societies, its report. */
export const visitPage = (visitId: string) => `/visit.html?id=${encodeURIComponent(visitId)}`;
/** A team's page: its offers to answer and its reports to file. */
export const TEAM_PAGE = '/team.html';
/** A county's needs and their status. */
export const NEEDS_PAGE = '/needs.html';

/** Days before a confirmed date that `visit-soon` goes out, and days after it that `report-due` does. */
export const VISIT_SOON_DAYS = [7, 1] as const;
export const REPORT_DUE_DAYS = 3;
