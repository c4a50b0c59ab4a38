import { type DigestFigures, digestHasNews, digestId, digestText } from '#domain/coordinator-notices';
import { seasonOfInstant } from '#domain/season';
import { publicOrigin } from '#functions/api/public-origin';
import { seasonOffers } from '#store/offers';
import { enqueueMessage, type StoredMessage } from '#store/outbox';
import { outboxPage } from '#store/outbox-review';
import { schedulesOf } from '#store/schedules';
import { seasonSummaries } from '#store/season-summary';

/*
 * The coordinators' daily digest (08:00 Beijing time): the last 24 hours' answers, dates confirmed,
 * reports filed and messages not delivered, and the alerts still open — one message a day (its id
 * is the day's), none when there is nothing to say. It goes to the coordinators' topic through the
 * outbox, as the alerts do on one machine.
 * Reads, per season the 24 hours touch (one, or two at a quarter's start): the season's offers and
 * county summaries (Query pages), the visits' dates (BatchGetItem, 100 a request) and the failed
 * messages of its outbox partition (Query pages, filtered by status).
 */

const DAY_MS = 24 * 3600 * 1000;
const OPEN: readonly string[] = ['offered', 'accepted'];

export type DigestOutcome = 'queued' | 'sent-already' | 'nothing-to-say';

export async function queueDailyDigest(until: Date): Promise<{ outcome: DigestOutcome; id: string }> {
  const id = digestId(until);
  const since = new Date(until.getTime() - DAY_MS);
  const inWindow = (at: string | undefined) =>
    at !== undefined && Date.parse(at) > since.getTime() && Date.parse(at) <= until.getTime();
  const seasons = [...new Set([seasonOfInstant(since), seasonOfInstant(until)])];
  const counted = await Promise.all(seasons.map((season) => seasonFigures(season, inWindow)));
  const figures = counted.reduce<DigestFigures>(
    (sum, f) => ({
      accepted: sum.accepted + f.accepted,
      declined: sum.declined + f.declined,
      datesConfirmed: sum.datesConfirmed + f.datesConfirmed,
      reportsFiled: sum.reportsFiled + f.reportsFiled,
      messagesFailed: sum.messagesFailed + f.messagesFailed,
      alertsOpen: sum.alertsOpen + f.alertsOpen,
    }),
    { accepted: 0, declined: 0, datesConfirmed: 0, reportsFiled: 0, messagesFailed: 0, alertsOpen: 0 },
  );
  if (!digestHasNews(figures)) return { outcome: 'nothing-to-say', id };
  const { subject, body } = digestText(figures, until, linkOrigin());
  const at = until.toISOString();
  const queued = await enqueueMessage({
    id,
    season: seasonOfInstant(until),
    audience: 'coordinator',
    medium: 'topic',
    to: 'coordinator',
    subject,
    body,
    createdAt: at,
    notBefore: at,
    kind: 'digest',
    recipient: { kind: 'coordinators', id: 'coordinators' },
  } as StoredMessage);
  return { outcome: queued ? 'queued' : 'sent-already', id };
}

async function seasonFigures(season: string, inWindow: (at: string | undefined) => boolean) {
  const [offers, summaries, failed] = await Promise.all([
    seasonOffers(season),
    seasonSummaries(season),
    failedIn(season, inWindow),
  ]);
  const visits = summaries.filter((s) => s.townId).map((s) => `${season}.${s.countyId}`);
  const schedules = visits.length ? await schedulesOf(visits) : new Map();
  const covered = (countyId: string, needId: string) =>
    offers.some((o) => o.countyId === countyId && OPEN.includes(o.status) && o.needIds.includes(needId));
  return {
    accepted: offers.filter((o) => o.status === 'accepted' && inWindow(o.answeredAt)).length,
    declined: offers.filter(
      (o) => (o.status === 'declined' || o.endedAs === 'declined') && inWindow(o.answeredAt),
    ).length,
    datesConfirmed: [...schedules.values()].filter((s) => s.status === 'confirmed' && inWindow(s.confirmedAt))
      .length,
    reportsFiled: summaries.reduce(
      (n, s) => n + Object.values(s.reports).filter((r) => inWindow(r.reportedAt)).length,
      0,
    ),
    messagesFailed: failed,
    alertsOpen: offers.filter((o) => o.alert?.needIds.some((id) => !covered(o.countyId, id))).length,
  };
}

/** Messages of the season that failed in the window: its outbox partition, failed ones only, page by page. */
async function failedIn(season: string, inWindow: (at: string | undefined) => boolean): Promise<number> {
  let n = 0;
  let cursor: string | undefined;
  do {
    const page = await outboxPage<StoredMessage>(season, ['failed'], 500, cursor);
    n += page?.items.filter((m) => inWindow(m.failedAt)).length ?? 0;
    cursor = page?.cursor;
  } while (cursor);
  return n;
}

function linkOrigin(): string | undefined {
  try {
    return publicOrigin();
  } catch {
    return undefined;
  }
}
