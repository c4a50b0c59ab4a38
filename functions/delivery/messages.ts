import { nextSendableTime } from '#domain/quiet-hours';
import type { County, Society } from '#schemas/index';
import { shanghaiDateTime } from '#schemas/shanghai-time';
import type { TeamOffer } from '#store/offers';
import { reminderIdOf, type StoredMessage } from '#store/outbox';
import { contactRoute } from './port.ts';

/**
 * The texts of the notifications (Chinese first, then English) and when each may go out. Every
 * message waits for `notBefore`: quiet hours (22:00–07:00 Asia/Shanghai) push it to 07:00.
 */
export const REMINDER_LEAD_SECONDS = 2 * 24 * 3600;

/** A reminder goes 2 days before the deadline; for offers shorter than 4 days, halfway. */
export function reminderTime(offeredAt: Date, timeoutSeconds: number): Date {
  const lead = Math.min(REMINDER_LEAD_SECONDS, timeoutSeconds / 2);
  return new Date(offeredAt.getTime() + (timeoutSeconds - lead) * 1000);
}

interface Context {
  offer: TeamOffer;
  county?: County;
  society?: Society;
  now: Date;
  deadline: Date;
}

function place({ offer, county }: Pick<Context, 'offer' | 'county'>): string {
  const town = county?.towns.find((t) => t.id === offer.townId);
  return `${county?.name.zh ?? offer.countyId}${town?.name.zh ?? offer.townId}`;
}

/** The place in English words (names, never ids) for the English line. */
function placeEn({ offer, county }: Pick<Context, 'offer' | 'county'>): string {
  const town = county?.towns.find((t) => t.id === offer.townId);
  return `${town?.name.en ?? offer.townId}, ${county?.name.en ?? offer.countyId}`;
}

/** A society's messages go to the society, by the first medium its contact has. */
function recipient(society?: Society) {
  return { audience: 'society' as const, ...contactRoute(society?.contact) };
}

/** The offer itself, or — for a second or third try — the reassignment notice. */
export function offerMessage(ctx: Context): StoredMessage {
  const { offer, society, now, deadline } = ctx;
  const reassigned = (offer.attempt ?? 1) > 1;
  const name = society?.name.zh ?? offer.societyId;
  const subject = reassigned
    ? `【${offer.season} 科技服务·改派】${place(ctx)} 需求改由 ${name} 对接`
    : `【${offer.season} 科技服务】${place(ctx)} 邀请 ${name}`;
  const body = [
    reassigned
      ? `原对接学会未能承接，${place(ctx)}本季 ${offer.needIds.length} 项需求改请贵会对接。`
      : `${place(ctx)}本季有 ${offer.needIds.length} 项需求请贵会对接。`,
    `请在 ${shanghaiDateTime(deadline)}（北京时间）前在团队页面接受或婉拒。`,
    reassigned
      ? `Reassigned: ${offer.needIds.length} needs of ${placeEn(ctx)} now go to your society. Please accept or decline by ${deadline.toISOString()}.`
      : `${offer.needIds.length} needs of ${placeEn(ctx)} are offered to your society. Please accept or decline by ${deadline.toISOString()}.`,
  ].join('\n');
  return {
    id: `${offer.id}#offered`,
    season: offer.season,
    ...recipient(society),
    subject,
    body,
    createdAt: now.toISOString(),
    notBefore: nextSendableTime(now).toISOString(),
    status: 'queued',
    societyId: offer.societyId,
    kind: reassigned ? 'reassigned' : 'offer',
    offerId: offer.id,
  };
}

/** Sent only if the offer still waits for an answer when it is due (the dispatcher checks). */
export function reminderMessage(ctx: Context & { timeoutSeconds: number }): StoredMessage {
  const { offer, society, now, deadline } = ctx;
  const due = reminderTime(now, ctx.timeoutSeconds);
  return {
    id: reminderIdOf(offer.id),
    season: offer.season,
    ...recipient(society),
    subject: `【提醒】${place(ctx)} 的邀请将于 ${shanghaiDateTime(deadline)} 截止`,
    body: [
      `${place(ctx)}的邀请尚未答复，将于 ${shanghaiDateTime(deadline)}（北京时间）截止，逾期将改派其他学会。`,
      `Reminder: the offer for ${placeEn(ctx)} closes at ${deadline.toISOString()}; without an answer its needs move to another society.`,
    ].join('\n'),
    createdAt: now.toISOString(),
    notBefore: nextSendableTime(due).toISOString(),
    status: 'queued',
    societyId: offer.societyId,
    kind: 'reminder',
    offerId: offer.id,
  };
}
