import type { County } from '#schemas/catalog';
import type { DeliveryFailure, MessageKind } from '#schemas/delivery';
import { type Bilingual, seasonLabel } from '#schemas/labels';
import type { LocalizedName } from '#schemas/primitives';
import { shanghaiDate } from '#schemas/shanghai-time';
import { ellipsize, SNS_SUBJECT_MAX_LENGTH, snsSubject } from './sns-subject.ts';
import { beijingTime, beijingTimeEn, count } from './wording.ts';

/*
 * What the coordinator reads: the alert when a visit's needs are left without a society, the words
 * for a message's kind and for why its delivery failed, and the daily digest. Chinese first, then
 * English; names, never ids; the absolute link to the page where the coordinator acts.
 */

/** The plan page's list of needs without a society, where a need is placed by hand. */
export function planPlacementLink(origin: string | undefined, season: string): string | undefined {
  return origin ? `${origin}/plan.html?season=${encodeURIComponent(season)}#unassigned` : undefined;
}

/** The dashboard, where failed messages are resent. */
export function dashboardLink(origin: string | undefined): string | undefined {
  return origin ? `${origin}/dashboard.html#failed-messages` : undefined;
}

export type AlertReason = 'tries-exhausted' | 'no-society';

export interface AlertInput {
  readonly offer: { readonly season: string; readonly countyId: string; readonly townId: string };
  readonly county?: County;
  /** The society that refused last. */
  readonly lastSociety?: { readonly name: LocalizedName };
  readonly reason: AlertReason;
  readonly needs: readonly { readonly id: string; readonly title: string }[];
  readonly tries: number;
  /** Where the pages are (PUBLIC_URL); without it the alert says where to go without a link. */
  readonly origin?: string;
}

function placeOf(input: Pick<AlertInput, 'offer' | 'county'>): Bilingual {
  const { offer, county } = input;
  const town = county?.towns.find((t) => t.id === offer.townId);
  return {
    zh: `${county?.name.zh ?? ''}${town?.name.zh ?? ''}` || '（未知地点）',
    en: [town?.name.en, county?.name.en].filter(Boolean).join(', ') || '(unknown place)',
  };
}

/**
 * The coordinator alert after the last try, or when no society can take the needs. The SNS subject
 * is ASCII under 100 characters (SNS refuses others), naming the county in English, shortened to fit.
 */
export function alertTexts(input: AlertInput): { subject: string; message: string } {
  const { offer, reason, needs, tries } = input;
  const place = placeOf(input);
  const season = seasonLabel(offer.season);
  const last = input.lastSociety?.name;
  const link = planPlacementLink(input.origin, offer.season);
  const countyEn = snsSubject(input.county?.name.en ?? offer.countyId);
  const subject = (county: string) =>
    reason === 'tries-exhausted'
      ? `Mountain rounds ${offer.season}: needs of ${county} unassigned after ${tries} tries`
      : `Mountain rounds ${offer.season}: no society left for needs of ${county}`;
  const room = SNS_SUBJECT_MAX_LENGTH - subject('').length;
  const why =
    reason === 'tries-exhausted'
      ? `已先后请 ${tries} 个学会对接，均婉拒或未答复`
      : '没有其他对口且有余力的学会可以改派';
  const whyEn =
    reason === 'tries-exhausted'
      ? `${count(needs.length, 'need')} are unassigned after ${count(tries, 'society', 'societies')} declined or did not answer`
      : `no other competent society with capacity left can take ${count(needs.length, 'need')}`;
  return {
    subject: snsSubject(subject(ellipsize(countyEn, room))),
    message: [
      `【${season.zh} 科技服务·需协调】${place.zh}：${why}${last ? `（最后一个：${last.zh}）` : ''}。以下 ${needs.length} 项需求暂无学会对接：`,
      ...needs.map((n) => `- ${n.title}`),
      `请在计划审核页的“未分派的需求”中把它们安排到其他学会${link ? `：${link}` : '。'}`,
      '',
      `${season.en}, ${place.en}: ${whyEn}${last ? ` (last: ${last.en})` : ''}. Place them with another society under “Needs without a society” on the plan review page${link ? `: ${link}` : '.'}`,
    ].join('\n'),
  };
}

/** A message's kind in words. */
export const MESSAGE_KIND_WORDS: Readonly<Record<MessageKind, Bilingual>> = {
  offer: { zh: '对接邀请', en: 'Offer' },
  reassigned: { zh: '改派邀请', en: 'Reassigned offer' },
  reminder: { zh: '答复提醒', en: 'Answer reminder' },
  'date-proposed': { zh: '走访日期提议', en: 'Visit date proposed' },
  'date-confirmed': { zh: '走访日期确认', en: 'Visit date confirmed' },
  'visit-soon': { zh: '走访临近提醒', en: 'Visit coming up' },
  'report-due': { zh: '报告提醒', en: 'Report reminder' },
  'town-chosen': { zh: '本季乡镇与学会', en: 'Town and societies chosen' },
  accepted: { zh: '学会已接受', en: 'Society accepted' },
  declined: { zh: '学会已婉拒', en: 'Society declined' },
  'report-filed': { zh: '走访报告已提交', en: 'Report filed' },
  'need-resolved': { zh: '需求已办结', en: 'Need resolved' },
  'plan-ready': { zh: '计划待审核', en: 'Plan ready for review' },
  alert: { zh: '需协调的提醒', en: 'Coordinator alert' },
  'delivery-failed': { zh: '发送失败通知', en: 'Delivery failure' },
  digest: { zh: '每日摘要', en: 'Daily digest' },
};

/** Why a delivery failed, in words the coordinator can act on. */
export const DELIVERY_FAILURE_WORDS: Readonly<Record<DeliveryFailure, Bilingual>> = {
  signature: {
    zh: '机器人签名不对：请核对加签密钥',
    en: 'The robot refused the signature: check its 加签 secret',
  },
  'bad-address': {
    zh: '地址无效：请核对机器人地址、邮箱或电话',
    en: 'The address is not valid: check the robot URL, e-mail or phone',
  },
  'too-fast': {
    zh: '发送过快，稍后自动重发',
    en: 'Sent too fast; it is retried automatically',
  },
  'no-contact': {
    zh: '没有联系方式：请在目录中补上',
    en: 'No contact: add one in the catalog',
  },
  'no-adapter': {
    zh: '本系统未开通这种发送方式',
    en: 'This installation does not send by this medium',
  },
  rejected: {
    zh: '对方拒收，重试也无法送达',
    en: 'Refused by the receiving side; retrying cannot deliver it',
  },
  unreachable: {
    zh: '连接不上对方（网络、超时或服务出错），已多次重试',
    en: 'Could not reach the receiving side (network, timeout or server error), after several tries',
  },
};

/** The reason in words; a message failed before reasons were recorded keeps its raw error. */
export function failureWords(
  code: DeliveryFailure | undefined,
  lastError: string | undefined,
): Bilingual | null {
  if (code && code in DELIVERY_FAILURE_WORDS) return DELIVERY_FAILURE_WORDS[code];
  if (lastError) return { zh: lastError, en: lastError };
  return null;
}

// ---- the daily digest ----------------------------------------------------------------------------

/** What happened in the last 24 hours, counted. */
export interface DigestFigures {
  readonly accepted: number;
  readonly declined: number;
  readonly datesConfirmed: number;
  readonly reportsFiled: number;
  readonly messagesFailed: number;
  readonly alertsOpen: number;
}

/** The digest's id for the Beijing day of `at`: one per day, however often the timer runs. */
export function digestId(at: Date): string {
  return `digest#${shanghaiDate(at)}`;
}

/** 08:00 Beijing time (UTC+8 all year, so 00:00 UTC) next after `now`. */
export function nextDigestTime(now: Date): Date {
  const next = new Date(now);
  next.setUTCHours(0, 0, 0, 0);
  if (next.getTime() <= now.getTime()) next.setUTCDate(next.getUTCDate() + 1);
  return next;
}

/** Whether the digest has anything to say (nothing happened and nothing is open: no message). */
export function digestHasNews(f: DigestFigures): boolean {
  return Object.values(f).some((n) => n > 0);
}

/** The coordinators' daily digest of the last 24 hours up to `until`. */
export function digestText(
  f: DigestFigures,
  until: Date,
  origin?: string,
): { subject: string; body: string } {
  const since = new Date(until.getTime() - 24 * 3600 * 1000);
  const board = dashboardLink(origin);
  const zh: string[] = [];
  const en: string[] = [];
  if (f.accepted + f.declined > 0) {
    zh.push(`学会答复：接受 ${f.accepted} 个，婉拒 ${f.declined} 个`);
    en.push(`answers: ${f.accepted} accepted, ${f.declined} declined`);
  }
  if (f.datesConfirmed > 0) {
    zh.push(`确定走访日期 ${f.datesConfirmed} 次`);
    en.push(`${count(f.datesConfirmed, 'visit date')} confirmed`);
  }
  if (f.reportsFiled > 0) {
    zh.push(`提交走访报告 ${f.reportsFiled} 份`);
    en.push(`${count(f.reportsFiled, 'report')} filed`);
  }
  if (f.messagesFailed > 0) {
    zh.push(`发送失败的消息 ${f.messagesFailed} 条，见看板`);
    en.push(`${count(f.messagesFailed, 'message')} not delivered, see the dashboard`);
  }
  if (f.alertsOpen > 0) {
    zh.push(`仍待协调的提醒 ${f.alertsOpen} 条`);
    en.push(`${count(f.alertsOpen, 'alert')} still open`);
  }
  return {
    subject: `【每日摘要】${beijingTime(since)} 至 ${beijingTime(until)}`,
    body: [
      `过去 24 小时（${beijingTime(since)} 至 ${beijingTime(until)}）：`,
      ...zh.map((line) => `- ${line}`),
      ...(board ? [`看板：${board}`] : []),
      '',
      `The last 24 hours (to ${beijingTimeEn(until)}): ${en.join('; ')}.${board ? ` Dashboard: ${board}` : ''}`,
    ].join('\n'),
  };
}
