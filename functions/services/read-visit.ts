import { ForbiddenError, NotFoundError } from '#commons/errors';
import { type Caller, requireOwnCounty } from '#commons/http';
import { parseVisitId } from '#schemas/keys';
import { actorLabel, type Bilingual, DEFAULT_QUESTION_TEXT } from '#schemas/labels';
import { isOfferSent, shownOfferStatus } from '#schemas/round';
import type { VisitReport } from '#schemas/teams';
import { getCounty, societiesNamedByIds } from '#store/catalog';
import { needsByIds } from '#store/needs';
import { countyOffers, getOffer } from '#store/offers';
import { getVisit, type VisitRecord } from '#store/rounds';
import { getSchedule } from '#store/schedules';
import { reportVersions, visitLog } from '#store/visit-log';
import { attachmentViews, storedAttachments } from './attachments.ts';
import { scheduleView } from './schedule-visit.ts';

/**
 * A visit as its readers see it. Who may read one: coordinators, the liaison of its county, and a
 * society that was offered it (whatever became of the offer).
 */
export async function visitForCaller(caller: Caller, id: string): Promise<VisitRecord> {
  const parts = parseVisitId(id);
  const visit = parts && (await getVisit(parts.season, parts.countyId));
  if (!parts || !visit) throw new NotFoundError(`没有这次走访（${id}）/ visit "${id}" does not exist`);
  if (caller.role === 'liaison') requireOwnCounty(caller, visit.countyId);
  if (caller.role === 'team') {
    // An offer still in the plan review (never sent) shows the team nothing.
    const offer = await getOffer(parts.season, parts.countyId, caller.society as string);
    if (!offer || !isOfferSent(offer))
      throw new ForbiddenError(
        '仅收到本次走访邀请的学会可查看 / only a society offered this visit may read it',
      );
  }
  return visit;
}

const named = (id: string, name: Bilingual | undefined) => ({ id, name: name ?? { zh: id, en: id } });

/**
 * GET /visits/{visitId}: every id of the visit with its name, offers, every report version, the log.
 * Reads: the county (GetItem), the visit's offers (1 Query of its county), its log and versions (2
 * Queries of its partition), then the names of the societies met there and its needs (BatchGetItems).
 */
export async function visitDetail(visit: VisitRecord) {
  // The needs are the visit's own: read with the rest, not after it.
  const [county, countyOfferList, versions, entries, schedule, photos, needs] = await Promise.all([
    getCounty(visit.countyId),
    countyOffers(visit.season, visit.countyId),
    reportVersions(visit.id),
    visitLog(visit.id),
    getSchedule(visit.id),
    storedAttachments(visit.id),
    needsByIds(visit.questions.flatMap((q) => q.needIds)),
  ]);
  const offers = countyOfferList
    .filter((o) => o.visitId === visit.id)
    .sort((a, b) => (a.attempt ?? 1) - (b.attempt ?? 1) || a.createdAt.localeCompare(b.createdAt));
  // Only the societies this visit names (offers, reports, log entries), not the catalog's.
  const societyIds = [
    ...offers.map((o) => o.societyId),
    ...versions.map((r) => r.societyId),
    ...entries.flatMap((e) => [
      e.by.split(':')[0] ?? '',
      typeof e.detail?.societyId === 'string' ? e.detail.societyId : '',
    ]),
    ...photos.map((p) => p.societyId ?? ''),
  ];
  const societies = await societiesNamedByIds(societyIds);
  const societyName = new Map([...societies].map(([id, s]) => [id, s.name]));
  const society = (id: string) => named(id, societyName.get(id));
  // Whom the liaison calls to agree the day: an accepted society's contact person, phone and
  // e-mail (never its robot's webhook, which is a credential).
  const contactOf = (id: string) => {
    const { name, phone, email } = societies.get(id)?.contact ?? {};
    return name || phone || email
      ? { contact: { ...(name ? { name } : {}), ...(phone ? { phone } : {}), ...(email ? { email } : {}) } }
      : {};
  };

  const latest = new Map<string, VisitReport>();
  for (const r of versions)
    if ((latest.get(r.societyId)?.version ?? 0) < r.version) latest.set(r.societyId, r);
  const holder = (needId: string) =>
    offers.find((o) => o.needIds.includes(needId) && (o.status === 'accepted' || o.status === 'offered')) ??
    offers.findLast((o) => o.needIds.includes(needId));

  return {
    id: visit.id,
    season: visit.season,
    county: named(visit.countyId, county?.name),
    town: named(visit.townId, county?.towns.find((t) => t.id === visit.townId)?.name),
    plannedAt: visit.plannedAt,
    // The visit date both sides agree (functions/services/schedule-visit.ts); null before a proposal.
    schedule: schedule ? scheduleView(schedule) : null,
    questions: visit.questions.map((q) => ({
      theme: q.theme,
      // The wording the visit was framed with, when the season set one; else the default.
      text: (q as { text?: Bilingual }).text ?? DEFAULT_QUESTION_TEXT[q.theme],
      needIds: q.needIds,
    })),
    needs: needs.map((need) => {
      const held = holder(need.id);
      const report = held && latest.get(held.societyId);
      const outcome = report?.outcomes.find((o) => o.needId === need.id);
      return {
        id: need.id,
        title: need.title,
        theme: need.theme,
        field: need.field,
        urgency: need.urgency,
        status: need.status,
        submittedAt: need.submittedAt,
        societies: offers
          .filter((o) => o.needIds.includes(need.id))
          .map((o) => ({ ...society(o.societyId), status: shownOfferStatus(o) })),
        outcome:
          report && outcome
            ? {
                outcome: outcome.outcome,
                ...(outcome.note ? { note: outcome.note } : {}),
                society: society(report.societyId),
                version: report.version,
              }
            : null,
      };
    }),
    unassignedNeedIds: visit.unassignedNeedIds,
    offers: offers.map((o) => ({
      id: o.id,
      society: { ...society(o.societyId), ...(o.status === 'accepted' ? contactOf(o.societyId) : {}) },
      needIds: o.needIds,
      status: shownOfferStatus(o),
      attempt: o.attempt ?? 1,
      ...(o.offeredAt ? { offeredAt: o.offeredAt } : {}),
      ...(o.answeredAt ? { answeredAt: o.answeredAt } : {}),
      ...(o.deadline ? { deadline: o.deadline } : {}),
      ...(o.reason ? { reason: o.reason } : {}),
    })),
    reports: versions.map((r) => ({
      ...r,
      society: society(r.societyId),
      latest: latest.get(r.societyId)?.version === r.version,
    })),
    log: entries.map((e) => {
      const societyId = typeof e.detail?.societyId === 'string' ? e.detail.societyId : undefined;
      return {
        ...e,
        who: actorLabel(e.by, (id) => societyName.get(id)),
        ...(societyId ? { society: society(societyId) } : {}),
      };
    }),
    attachments: await attachmentViews(photos, (id) => societyName.get(id)),
  };
}
