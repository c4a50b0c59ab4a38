import {
  acceptedNotice,
  dateConfirmedNotice,
  dateProposedNotice,
  declinedNotice,
  type Name,
  NEEDS_PAGE,
  type NoticeText,
  needResolvedNotice,
  offerNotice,
  type Place,
  REPORT_DUE_DAYS,
  reminderNotice,
  reportDueNotice,
  reportFiledNotice,
  type Side,
  TEAM_PAGE,
  townChosenNotice,
  VISIT_SOON_DAYS,
  type VisitWhen,
  visitPage,
  visitSoonNotice,
} from '#domain/notices';
import { nextSendableTime } from '#domain/quiet-hours';
import { publicOrigin } from '#functions/api/public-origin';
import type { MessageKind } from '#schemas/delivery';
import type { County, Society } from '#schemas/index';
import type { ScheduleParty } from '#schemas/schedule';
import { MAX_OFFER_TRIES } from '#schemas/teams';
import { getCounty, listCounties, societiesNamedByIds } from '#store/catalog';
import { countyOffers, type OfferRecord, seasonOffers } from '#store/offers';
import { enqueueMessage, reminderIdOf, type StoredMessage, settleMessage } from '#store/outbox';
import { planVisits } from '#store/rounds';
import type { ScheduleRecord } from '#store/schedules';
import { listUsers } from '#store/users';
import { type Address, copyId, countyAddresses, societyAddresses } from './notify-recipients.ts';

/*
 * When a society and a county's liaisons hear what concerns them (docs/rules.md, "Who hears what"):
 * each hook runs inside the step or request of the event it follows, after that event's write, so a
 * failed enqueue fails the step or request and its retry enqueues again; every copy's id comes from
 * the event, the reader and the medium, and enqueueing is put-if-absent, so a retry sends nothing
 * twice. Recipients: notify-recipients.ts. Reading the users is one Query of the users' partition
 * (every user: dozens to a few hundred small items), filtered here by county or society.
 */

/** One event's message: the copies differ only by reader and medium. */
interface Notice {
  readonly id: string;
  readonly season: string;
  readonly kind: MessageKind;
  readonly text: NoticeText;
  /** The page where the reader acts, from the site's root. */
  readonly path: string;
  readonly countyId: string;
  readonly visitId?: string;
  readonly offerId?: string;
  /** A society's message: one copy is listed under the society (gsi1) for its team page. */
  readonly societyId?: string;
  /** Not before this (then quiet hours); now when absent. */
  readonly at?: Date;
}

/**
 * The absolute link; none when this installation has no public address configured (PUBLIC_URL,
 * LOCAL_ORIGIN, PAGES_URL): the message still goes, without the link, rather than failing the step.
 */
function linkOf(path: string): string | undefined {
  try {
    return `${publicOrigin()}${path}`;
  } catch {
    return undefined;
  }
}

async function enqueueCopies(notice: Notice, readers: readonly Address[], now: Date): Promise<void> {
  const link = linkOf(notice.path);
  const notBefore = nextSendableTime(notice.at && notice.at > now ? notice.at : now).toISOString();
  await Promise.all(
    readers.map((reader, i) => {
      const message: Omit<StoredMessage, 'status'> = {
        id: copyId(notice.id, reader),
        season: notice.season,
        audience: reader.audience,
        medium: reader.medium,
        to: reader.to,
        subject: notice.text.subject,
        body: notice.text.body,
        createdAt: now.toISOString(),
        notBefore,
        kind: notice.kind,
        recipient: reader.recipient,
        countyId: notice.countyId,
        ...(link ? { link } : {}),
        ...(notice.visitId ? { visitId: notice.visitId } : {}),
        ...(notice.offerId ? { offerId: notice.offerId } : {}),
        // One copy per event on the team page, not one per medium and member.
        ...(notice.societyId && i === 0 ? { societyId: notice.societyId } : {}),
      };
      return enqueueMessage(message);
    }),
  );
}

/** Cancels the copies of an event still queued (a reminder no longer due); sent ones stay sent. */
async function cancelCopies(season: string, eventId: string, readers: readonly Address[], at: Date) {
  await Promise.all(
    readers.map((reader) => settleMessage(season, copyId(eventId, reader), 'cancelled', at.toISOString())),
  );
}

const nameOf = (named: { name: Name } | undefined, id: string): Name => named?.name ?? { zh: id, en: id };

function placeOf(
  county: Pick<County, 'name' | 'towns'> | undefined,
  countyId: string,
  townId: string,
): Place {
  return {
    county: nameOf(county, countyId),
    town: county?.towns.find((t) => t.id === townId)?.name ?? { zh: townId, en: townId },
  };
}

/** An offer the society accepted (or whose acceptance the round is about to record). */
const isAccepted = (o: OfferRecord) =>
  o.status === 'accepted' || (o.status === 'offered' && o.decision === 'accept');

// ---- offers -------------------------------------------------------------------------------------------

/**
 * The offer (or reassignment) and its answer-deadline reminder, to the society's contact and team.
 * Reads: 1 Query of the users.
 */
export async function noticeOfferSent(input: {
  offer: OfferRecord;
  county: County | undefined;
  society: Society | undefined;
  now: Date;
  deadline: Date;
  reminderAt: Date;
}): Promise<void> {
  const { offer, county, society, now, deadline } = input;
  const readers = societyAddresses(offer.societyId, society, await listUsers());
  const place = placeOf(county, offer.countyId, offer.townId);
  const common = {
    season: offer.season,
    path: TEAM_PAGE,
    countyId: offer.countyId,
    visitId: offer.visitId,
    offerId: offer.id,
    societyId: offer.societyId,
  };
  const reassigned = (offer.attempt ?? 1) > 1;
  await Promise.all([
    enqueueCopies(
      {
        ...common,
        id: `${offer.id}#offered`,
        kind: reassigned ? 'reassigned' : 'offer',
        text: offerNotice({
          place,
          society: nameOf(society, offer.societyId),
          needs: offer.needIds.length,
          deadline,
          reassigned,
          now,
        }),
      },
      readers,
      now,
    ),
    enqueueCopies(
      {
        ...common,
        id: reminderIdOf(offer.id),
        kind: 'reminder',
        text: reminderNotice({ place, deadline, now: input.reminderAt }),
        at: input.reminderAt,
      },
      readers,
      now,
    ),
  ]);
}

/**
 * An answered offer's reminder copies are cancelled (the dispatcher drops any it still finds: it
 * checks the offer). Reads: 1 GetItem (the society, projected) + 1 Query of the users.
 */
export async function cancelOfferReminder(
  offer: Pick<OfferRecord, 'season' | 'id' | 'societyId'>,
): Promise<void> {
  const [societies, users] = await Promise.all([societiesNamedByIds([offer.societyId]), listUsers()]);
  const readers = societyAddresses(offer.societyId, societies.get(offer.societyId), users);
  const at = new Date();
  await Promise.all([
    cancelCopies(offer.season, reminderIdOf(offer.id), readers, at),
    // A reminder queued before reminders had one copy per reader.
    settleMessage(offer.season, reminderIdOf(offer.id), 'cancelled', at.toISOString()),
  ]);
}

/**
 * The county's liaisons hear that a society accepted, declined or did not answer, and what happens
 * to the needs next. Reads: 1 GetItem (county) + 1 BatchGetItem (society) + 1 Query of the users.
 */
export async function noticeAnswer(
  offer: OfferRecord,
  outcome: 'accepted' | 'declined' | 'expired',
): Promise<void> {
  const [county, societies, users] = await Promise.all([
    getCounty(offer.countyId),
    societiesNamedByIds([offer.societyId]),
    listUsers(),
  ]);
  const place = placeOf(county, offer.countyId, offer.townId);
  const society = nameOf(societies.get(offer.societyId), offer.societyId);
  const needs = offer.needIds.length;
  const text =
    outcome === 'accepted'
      ? acceptedNotice({ place, society, needs })
      : declinedNotice({
          place,
          society,
          needs,
          expired: outcome === 'expired',
          next: (offer.attempt ?? 1) >= MAX_OFFER_TRIES ? 'coordinator' : 'next-society',
        });
  await enqueueCopies(
    {
      id: `${offer.visitId}#${outcome === 'accepted' ? 'accepted' : 'declined'}#${offer.societyId}`,
      season: offer.season,
      kind: outcome === 'accepted' ? 'accepted' : 'declined',
      text,
      path: visitPage(offer.visitId),
      countyId: offer.countyId,
      visitId: offer.visitId,
    },
    countyAddresses(offer.countyId, county, users),
    new Date(),
  );
}

// ---- the plan -----------------------------------------------------------------------------------------

/**
 * The plan is approved: each county's liaisons hear their town and the societies invited. Reads:
 * 1 Query of the season's visits (projected) + 1 Query of its offers + 1 Query of the counties
 * (their contacts) + 1 BatchGetItem of the societies + 1 Query of the users.
 */
export async function noticePlanApproved(season: string): Promise<void> {
  const [visits, offers, users, countyList] = await Promise.all([
    planVisits(season),
    seasonOffers(season),
    listUsers(),
    listCounties(),
  ]);
  const invited = offers.filter((o) => o.status !== 'withdrawn');
  const counties = new Map(countyList.map((c) => [c.id, c]));
  const societies = await societiesNamedByIds(invited.map((o) => o.societyId));
  const now = new Date();
  await Promise.all(
    visits.map((visit) => {
      const county = counties.get(visit.countyId);
      const coming = invited
        .filter((o) => o.visitId === visit.id)
        .sort((a, b) => a.societyId.localeCompare(b.societyId))
        .map((o) => ({ name: nameOf(societies.get(o.societyId), o.societyId), needs: o.needIds.length }));
      return enqueueCopies(
        {
          id: `${visit.id}#town-chosen`,
          season,
          kind: 'town-chosen',
          text: townChosenNotice({ place: placeOf(county, visit.countyId, visit.townId), societies: coming }),
          path: visitPage(visit.id),
          countyId: visit.countyId,
          visitId: visit.id,
        },
        countyAddresses(visit.countyId, county, users),
        now,
      );
    }),
  );
}

// ---- the visit date -----------------------------------------------------------------------------------

interface VisitRef {
  id: string;
  season: string;
  countyId: string;
  townId: string;
}

/** Who is on a visit: its county, its accepted societies, the users; the readers of each side. */
async function visitReaders(visit: VisitRef) {
  const [county, offers, users] = await Promise.all([
    getCounty(visit.countyId),
    countyOffers(visit.season, visit.countyId),
    listUsers(),
  ]);
  const accepted = offers.filter((o) => o.visitId === visit.id && isAccepted(o)).map((o) => o.societyId);
  const societies = await societiesNamedByIds(accepted);
  return {
    place: placeOf(county, visit.countyId, visit.townId),
    liaisons: countyAddresses(visit.countyId, county, users),
    societies: accepted.map((id) => ({
      id,
      name: nameOf(societies.get(id), id),
      readers: societyAddresses(id, societies.get(id), users),
    })),
    users,
  };
}

const whenOf = (s: Pick<ScheduleRecord, 'startsAt' | 'time'>): VisitWhen => ({
  startsAt: new Date(s.startsAt),
  hasTime: s.time !== undefined,
});
const sideOf = (party: ScheduleParty): Side =>
  party.role === 'team' ? { role: 'team', society: party.name } : { role: 'liaison' };

const DAY_MS = 86_400_000;
const soonId = (visitId: string, date: string, days: number) => `${visitId}#visit-soon#${date}#${days}d`;
const dueId = (visitId: string, date: string) => `${visitId}#report-due#${date}`;

/**
 * A date proposed goes to the other side (a society's proposal to the liaisons, the liaison's to the
 * societies on the visit); a date confirmed to everyone on the visit but the side that confirmed,
 * and queues `visit-soon` 7 days and 1 day before it and `report-due` 3 days after it (those already
 * past are left out). A new proposal after a confirmed date cancels the old date's reminders (their
 * ids carry the date). Reads: 1 GetItem (county) + 1 Query of its offers + 1 BatchGetItem
 * (societies) + 1 Query of the users.
 */
export async function noticeSchedule(
  visit: VisitRef,
  schedule: ScheduleRecord,
  before: ScheduleRecord | undefined,
  now = new Date(),
): Promise<void> {
  const on = await visitReaders(visit);
  const when = whenOf(schedule);
  const common = {
    season: visit.season,
    countyId: visit.countyId,
    visitId: visit.id,
    path: visitPage(visit.id),
  };
  const toSocieties = (notice: Omit<Notice, 'societyId'>, except?: string) =>
    on.societies
      .filter((s) => s.id !== except)
      .map((s) => enqueueCopies({ ...notice, id: `${notice.id}#${s.id}`, societyId: s.id }, s.readers, now));
  const jobs: Promise<void>[] = [];

  if (schedule.status === 'proposed') {
    const by = schedule.proposedBy;
    const notice = {
      ...common,
      id: `${visit.id}#date-proposed#v${schedule.version}`,
      kind: 'date-proposed' as const,
      text: dateProposedNotice({ place: on.place, when, by: sideOf(by), now }),
    };
    if (by.role === 'team') jobs.push(enqueueCopies(notice, on.liaisons, now));
    else jobs.push(...toSocieties(notice));
    if (before?.status === 'confirmed') jobs.push(cancelDateReminders(visit, before, on));
  } else {
    const by = schedule.confirmedBy ?? schedule.proposedBy;
    const notice = {
      ...common,
      id: `${visit.id}#date-confirmed#v${schedule.version}`,
      kind: 'date-confirmed' as const,
      text: dateConfirmedNotice({ place: on.place, when, by: sideOf(by), now }),
    };
    if (by.role === 'team') jobs.push(enqueueCopies(notice, on.liaisons, now));
    jobs.push(...toSocieties(notice, by.role === 'team' ? by.societyId : undefined));
    for (const days of VISIT_SOON_DAYS) {
      const at = new Date(when.startsAt.getTime() - days * DAY_MS);
      if (at <= now) continue;
      const soon = {
        ...common,
        id: soonId(visit.id, schedule.date, days),
        kind: 'visit-soon' as const,
        text: visitSoonNotice({ place: on.place, when, daysBefore: days, now: at }),
        at,
      };
      jobs.push(enqueueCopies(soon, on.liaisons, now), ...toSocieties(soon));
    }
    const dueAt = new Date(when.startsAt.getTime() + REPORT_DUE_DAYS * DAY_MS);
    jobs.push(
      ...toSocieties({
        ...common,
        path: TEAM_PAGE,
        id: dueId(visit.id, schedule.date),
        kind: 'report-due',
        text: reportDueNotice({ place: on.place, when, now: dueAt }),
        at: dueAt,
      }),
    );
  }
  await Promise.all(jobs);
}

/** The reminders of a date no longer agreed: cancelled for everyone on the visit. */
async function cancelDateReminders(
  visit: VisitRef,
  old: Pick<ScheduleRecord, 'date'>,
  on: Awaited<ReturnType<typeof visitReaders>>,
): Promise<void> {
  const at = new Date();
  const jobs: Promise<void>[] = [];
  for (const days of VISIT_SOON_DAYS) {
    const id = soonId(visit.id, old.date, days);
    jobs.push(cancelCopies(visit.season, id, on.liaisons, at));
    for (const s of on.societies) jobs.push(cancelCopies(visit.season, `${id}#${s.id}`, s.readers, at));
  }
  for (const s of on.societies)
    jobs.push(cancelCopies(visit.season, `${dueId(visit.id, old.date)}#${s.id}`, s.readers, at));
  await Promise.all(jobs);
}

// ---- the report ---------------------------------------------------------------------------------------

/**
 * A society's report: the liaisons hear it was filed and each of their needs it resolved (by title);
 * the society's `report-due` reminder is cancelled. Reads: 1 GetItem (county) + 1 BatchGetItem
 * (society) + 1 Query of the users + 1 GetItem (the schedule).
 */
export async function noticeReportFiled(input: {
  visit: VisitRef;
  societyId: string;
  version: number;
  needIds: readonly string[];
  resolved: readonly { id: string; title: string }[];
  schedule: Pick<ScheduleRecord, 'date' | 'status'> | undefined;
}): Promise<void> {
  const { visit, societyId } = input;
  const [county, societies, users] = await Promise.all([
    getCounty(visit.countyId),
    societiesNamedByIds([societyId]),
    listUsers(),
  ]);
  const place = placeOf(county, visit.countyId, visit.townId);
  const society = nameOf(societies.get(societyId), societyId);
  const liaisons = countyAddresses(visit.countyId, county, users);
  const now = new Date();
  const common = { season: visit.season, countyId: visit.countyId, visitId: visit.id };
  const jobs: Promise<unknown>[] = [
    enqueueCopies(
      {
        ...common,
        id: `${visit.id}#report-filed#${societyId}#v${input.version}`,
        kind: 'report-filed',
        text: reportFiledNotice({
          place,
          society,
          resolved: input.resolved.length,
          needs: input.needIds.length,
        }),
        path: visitPage(visit.id),
      },
      liaisons,
      now,
    ),
    ...input.resolved.map((need) =>
      enqueueCopies(
        {
          ...common,
          id: `${visit.id}#need-resolved#${need.id}`,
          kind: 'need-resolved',
          text: needResolvedNotice({ place, society, need: need.title }),
          path: NEEDS_PAGE,
        },
        liaisons,
        now,
      ),
    ),
  ];
  if (input.schedule?.status === 'confirmed')
    jobs.push(
      cancelCopies(
        visit.season,
        `${dueId(visit.id, input.schedule.date)}#${societyId}`,
        societyAddresses(societyId, societies.get(societyId), users),
        now,
      ),
    );
  await Promise.all(jobs);
}
