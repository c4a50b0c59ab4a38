import type { County, Society } from '#schemas/index';
import type { TeamOffer } from '#store/offers';
import { ellipsize, SNS_SUBJECT_MAX_LENGTH, snsSubject } from './sns-subject.ts';

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

/** The coordinator alert after the last try (or when no society can take the needs). */
export function alertTexts(input: {
  offer: TeamOffer;
  county?: County;
  reason: 'tries-exhausted' | 'no-society';
  needs: { id: string; title: string }[];
  tries: number;
}): { subject: string; message: string } {
  const { offer, reason, needs } = input;
  const why =
    reason === 'tries-exhausted'
      ? `已尝试 ${input.tries} 个学会，均未承接`
      : '没有其他有余力且对口的学会可改派';
  const list = needs.map((n) => `- ${n.id} ${n.title}`).join('\n');
  // The SNS subject: ASCII, under 100 characters, so a long county id is shortened to fit.
  const subject = (county: string) =>
    reason === 'tries-exhausted'
      ? `Mountain rounds ${offer.season}: needs of ${county} unassigned after ${input.tries} tries`
      : `Mountain rounds ${offer.season}: no society left for needs of ${county}`;
  const room = SNS_SUBJECT_MAX_LENGTH - subject('').length;
  return {
    subject: snsSubject(subject(ellipsize(offer.countyId, room))),
    message: [
      `【${offer.season} 科技服务·需协调】${place(input)}：${why}（最后一次：${offer.societyId}）。以下 ${needs.length} 项需求暂未分派，请协调：`,
      list,
      '',
      reason === 'tries-exhausted'
        ? `${needs.length} needs of visit ${offer.visitId} are unassigned after ${input.tries} societies declined or did not answer (last: ${offer.societyId}). Please arrange them by hand.`
        : `No other competent society with capacity left can take ${needs.length} needs of visit ${offer.visitId} (last: ${offer.societyId}). Please arrange them by hand.`,
    ].join('\n'),
  };
}
