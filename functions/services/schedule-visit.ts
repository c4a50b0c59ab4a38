import { ConflictError, ForbiddenError, fieldIssue, invalidInput, NotFoundError } from '#commons/errors';
import { actorOf, type Caller } from '#commons/http';
import { type CalendarEvent, calendarFile } from '#domain/calendar-event';
import { parseVisitId } from '#schemas/keys';
import { type Bilingual, DEFAULT_QUESTION_TEXT, THEME_LABELS } from '#schemas/labels';
import type { ScheduleConfirmInput, ScheduleInput, ScheduleParty, VisitSchedule } from '#schemas/schedule';
import { shanghaiDate, shanghaiInstant, shanghaiTimestamp } from '#schemas/shanghai-time';
import { getCounty, societyNamesByIds } from '#store/catalog';
import { auditPut } from '#store/items/audit';
import { countyOffers, getOffer } from '#store/offers';
import { getVisit, type VisitRecord } from '#store/rounds';
import {
  getSchedule,
  ScheduleChangedMeanwhile,
  type ScheduleRecord,
  scheduleSubmission,
  writeSchedule,
} from '#store/schedules';
import { auditActorOf } from '#store/users';
import { noticeSchedule } from './notices.ts';

/*
 * The visit date both sides agree (docs/rules.md, "The visit date"). The two sides are a society
 * with an accepted assignment on the visit and the county's liaison; either proposes, the other
 * confirms. Confirming one's own side's proposal is 409, anyone else 403. A proposal after a
 * confirmation re-opens the date (version + 1). A day before today or more than a year ahead
 * (Beijing time) is 400 naming `date`. After each write the other side hears of it, and a confirmed
 * date queues its reminders (services/notices.ts); a retried request (its Idempotency-Key) enqueues
 * again what a failure left out, never twice.
 */

/** How far ahead a visit may be set: a year and a day. */
const MAX_DAYS_AHEAD = 366;

interface Side {
  party: ScheduleParty;
  actor: string;
}

async function visitOf(visitId: string): Promise<VisitRecord> {
  const parts = parseVisitId(visitId);
  const visit = parts && (await getVisit(parts.season, parts.countyId));
  if (!parts || !visit)
    throw new NotFoundError(`没有这次走访（${visitId}）/ visit "${visitId}" does not exist`);
  return visit;
}

/** The caller's side on the visit, with their name; 403 for anyone who is neither. */
async function sideOf(caller: Caller, visit: VisitRecord): Promise<Side> {
  const person = (await auditActorOf(caller)).name;
  if (caller.role === 'liaison' && caller.county === visit.countyId) {
    const county = await getCounty(visit.countyId);
    const name = county?.name ?? { zh: visit.countyId, en: visit.countyId };
    return {
      party: {
        role: 'liaison',
        name: { zh: `${name.zh}联络员`, en: `${name.en} liaison` },
        person,
        countyId: visit.countyId,
      },
      actor: actorOf(caller),
    };
  }
  if (caller.role === 'team' && caller.society) {
    const offer = await getOffer(visit.season, visit.countyId, caller.society);
    const accepted =
      offer?.status === 'accepted' || (offer?.status === 'offered' && offer.decision === 'accept');
    if (accepted) {
      const names = await societyNamesByIds([caller.society]);
      return {
        party: {
          role: 'team',
          name: names.get(caller.society) ?? { zh: caller.society, en: caller.society },
          person,
          societyId: caller.society,
        },
        actor: actorOf(caller),
      };
    }
  }
  throw new ForbiddenError(
    '仅承接本次走访的学会或本县联络员可约定走访日期 / only a society that accepted this visit or the county’s liaison may set its date',
  );
}

/** The schedule as answered (no internal fields). */
export function scheduleView(record: ScheduleRecord): VisitSchedule {
  const {
    season: _season,
    countyId: _county,
    proposedByActor: _by,
    confirmedByActor: _confirmer,
    ...view
  } = record;
  return view;
}

function checkDate(input: ScheduleInput, now: Date): void {
  const today = shanghaiDate(now);
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  const latest = shanghaiDate(shanghaiInstant(y, m, d + MAX_DAYS_AHEAD));
  if (input.date < today)
    throw invalidInput([
      fieldIssue(
        'date',
        `走访日期不能早于今天（${today}）`,
        `the visit date cannot be before today (${today}, Beijing time)`,
      ),
    ]);
  if (input.date > latest)
    throw invalidInput([
      fieldIssue(
        'date',
        `走访日期不能晚于一年之后（${latest}）`,
        `the visit date cannot be later than ${latest}`,
      ),
    ]);
}

const startsAt = (date: string, time?: string): string => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = (time ?? '00:00').split(':').map(Number) as [number, number];
  return shanghaiTimestamp(shanghaiInstant(y, m, d, hh, mm));
};

const changed = () =>
  new ConflictError(
    '走访日期刚被他人修改，请刷新后再试 / the visit date was changed by someone else meanwhile; reload and try again',
  );

export interface ScheduleResult {
  schedule: VisitSchedule;
  replayed: boolean;
}

/** PUT /visits/{visitId}/schedule: a proposal (a new one re-opens a confirmed date). */
export async function proposeVisitDate(
  caller: Caller,
  visitId: string,
  input: ScheduleInput,
  submissionKey?: string,
  now = new Date(),
): Promise<ScheduleResult> {
  const visit = await visitOf(visitId);
  const side = await sideOf(caller, visit);
  const request = `propose:${JSON.stringify(input)}`;
  const replay = await replayOf(visit, side.actor, submissionKey, request);
  if (replay) return replay;
  checkDate(input, now);
  const before = await getSchedule(visit.id);
  const at = shanghaiTimestamp(now);
  const schedule: ScheduleRecord = {
    visitId: visit.id,
    season: visit.season,
    countyId: visit.countyId,
    date: input.date,
    ...(input.time ? { time: input.time } : {}),
    ...(input.note ? { note: input.note } : {}),
    status: 'proposed',
    proposedBy: side.party,
    proposedByActor: side.actor,
    proposedAt: at,
    version: (before?.version ?? 0) + 1,
    startsAt: startsAt(input.date, input.time),
  };
  await save(
    caller,
    visit,
    before,
    schedule,
    'date-proposed',
    submissionKey && { caller: side.actor, key: submissionKey, request },
  );
  await noticeSchedule(visit, schedule, before, now);
  return { schedule: scheduleView(schedule), replayed: false };
}

/** POST /visits/{visitId}/schedule/confirm: the other side agrees to the proposed date. */
export async function confirmVisitDate(
  caller: Caller,
  visitId: string,
  input: ScheduleConfirmInput,
  submissionKey?: string,
  now = new Date(),
): Promise<ScheduleResult> {
  const visit = await visitOf(visitId);
  const side = await sideOf(caller, visit);
  const request = `confirm:${JSON.stringify(input)}`;
  const replay = await replayOf(visit, side.actor, submissionKey, request);
  if (replay) return replay;
  const before = await getSchedule(visit.id);
  if (!before)
    throw new ConflictError(
      '尚未有人提出走访日期，无可确认 / no visit date has been proposed yet; nothing to confirm',
    );
  if (input.version !== undefined && input.version !== before.version)
    throw new ConflictError(
      `走访日期已改为 ${before.date}${before.time ? ` ${before.time}` : ''}，请查看后再确认 / the visit date has since changed to ${before.date}${before.time ? ` ${before.time}` : ''}; look at it before confirming`,
    );
  if (before.status === 'confirmed') {
    // Confirmed already (by this side or a retry): nothing changes; what its notices left out is enqueued.
    await noticeSchedule(visit, before, undefined, now);
    return { schedule: scheduleView(before), replayed: true };
  }
  if (before.proposedBy.role === side.party.role)
    throw new ConflictError(
      side.party.role === 'team'
        ? '该日期由学会一方提出，须由县联络员确认 / this date was proposed by the society’s side; the county’s liaison confirms it'
        : '该日期由县联络员提出，须由承接的学会确认 / this date was proposed by the county’s liaison; the society on the visit confirms it',
    );
  const schedule: ScheduleRecord = {
    ...before,
    status: 'confirmed',
    confirmedBy: side.party,
    confirmedByActor: side.actor,
    confirmedAt: shanghaiTimestamp(now),
  };
  await save(
    caller,
    visit,
    before,
    schedule,
    'date-confirmed',
    submissionKey && { caller: side.actor, key: submissionKey, request },
  );
  await noticeSchedule(visit, schedule, before, now);
  return { schedule: scheduleView(schedule), replayed: false };
}

/** The first answer to a retried request; 409 when the key was used for another request. */
async function replayOf(
  visit: VisitRecord,
  actor: string,
  key: string | undefined,
  request: string,
): Promise<ScheduleResult | undefined> {
  if (!key) return undefined;
  const replay = await scheduleSubmission(visit.id, actor, key);
  if (!replay) return undefined;
  if (replay.request !== undefined && replay.request !== request)
    throw new ConflictError(
      '这个 Idempotency-Key 已用于另一次请求，请换一个 / this Idempotency-Key was used for another request; use a new one',
    );
  // The first request may have failed after its write, before its notices were all enqueued; only
  // while its date still stands (a later one would get an old date's reminders).
  const current = await getSchedule(visit.id);
  if (current?.version === replay.schedule.version && current.status === replay.schedule.status)
    await noticeSchedule(visit, current, undefined);
  return { schedule: scheduleView(replay.schedule), replayed: true };
}

async function save(
  caller: Caller,
  visit: VisitRecord,
  before: ScheduleRecord | undefined,
  schedule: ScheduleRecord,
  kind: 'date-proposed' | 'date-confirmed',
  submission: { caller: string; key: string; request: string } | undefined | '',
): Promise<void> {
  const county = await getCounty(visit.countyId);
  const town = county?.towns.find((t) => t.id === visit.townId)?.name;
  const when = (s: ScheduleRecord) => ({
    date: s.date,
    ...(s.time ? { time: s.time } : {}),
    status: s.status,
  });
  try {
    await writeSchedule({
      schedule,
      expectedVersion: before?.version,
      ...(kind === 'date-confirmed' ? { expectedStatus: 'proposed' as const } : {}),
      log: {
        visitId: visit.id,
        key: `schedule#${String(schedule.version).padStart(6, '0')}#${kind}`,
        kind,
        at: kind === 'date-confirmed' ? (schedule.confirmedAt as string) : schedule.proposedAt,
        by: kind === 'date-confirmed' ? (schedule.confirmedByActor as string) : schedule.proposedByActor,
        detail: {
          date: schedule.date,
          ...(schedule.time ? { time: schedule.time } : {}),
          version: schedule.version,
          ...(schedule.proposedBy.societyId && kind === 'date-proposed'
            ? { societyId: schedule.proposedBy.societyId }
            : {}),
          ...(schedule.confirmedBy?.societyId && kind === 'date-confirmed'
            ? { societyId: schedule.confirmedBy.societyId }
            : {}),
        },
      },
      audit: auditPut({
        by: await auditActorOf(caller),
        action: kind === 'date-proposed' ? 'visit.schedule.propose' : 'visit.schedule.confirm',
        target: { kind: 'visit', id: visit.id, ...(town ? { name: town } : {}) },
        ...(before ? { before: when(before) } : {}),
        after: when(schedule),
      }),
      ...(submission ? { submission } : {}),
    });
  } catch (error) {
    if (error instanceof ScheduleChangedMeanwhile) throw changed();
    throw error;
  }
}

// ---- the calendar file --------------------------------------------------------------------------------

/** GET /visits/{visitId}/calendar.ics: 409 while no date is set. */
export async function visitCalendar(
  visit: VisitRecord,
  now = new Date(),
): Promise<{ fileName: string; body: string }> {
  const schedule = await getSchedule(visit.id);
  if (!schedule) throw new ConflictError('这次走访尚未约定日期 / this visit has no date yet');
  const [county, offers] = await Promise.all([
    getCounty(visit.countyId),
    countyOffers(visit.season, visit.countyId),
  ]);
  const countyName: Bilingual = county?.name ?? { zh: visit.countyId, en: visit.countyId };
  const townName: Bilingual = county?.towns.find((t) => t.id === visit.townId)?.name ?? {
    zh: visit.townId,
    en: visit.townId,
  };
  const coming = offers.filter(
    (o) =>
      o.visitId === visit.id &&
      (o.status === 'accepted' || (o.status === 'offered' && o.decision === 'accept')),
  );
  const names = await societyNamesByIds(coming.map((o) => o.societyId));
  const societies = coming.map((o) => names.get(o.societyId)?.zh ?? o.societyId);
  const questions = visit.questions.map((q, i) => {
    const text = (q as { text?: Bilingual }).text ?? DEFAULT_QUESTION_TEXT[q.theme];
    return `${i + 1}. ${THEME_LABELS[q.theme].zh}：${text.zh}`;
  });
  const place = `${countyName.zh}${townName.zh}`;
  const description = [
    `科技服务走访：${place}`,
    `状态：${schedule.status === 'confirmed' ? '日期已确认' : '日期待确认'}`,
    ...(societies.length > 0 ? [`学会：${societies.join('、')}`] : []),
    ...(schedule.note ? [`备注：${schedule.note}`] : []),
    '',
    '一镇五问：',
    ...questions,
  ].join('\n');
  const event: CalendarEvent = {
    uid: `${visit.id}@science-rounds`,
    sequence: schedule.version - 1,
    stamp: now,
    date: schedule.date,
    ...(schedule.time ? { time: schedule.time } : {}),
    summary: `科技服务走访：${place}`,
    location: `${place} / ${townName.en}, ${countyName.en}`,
    description,
    tentative: schedule.status !== 'confirmed',
  };
  return { fileName: `visit-${visit.id}.ics`, body: calendarFile(event) };
}
