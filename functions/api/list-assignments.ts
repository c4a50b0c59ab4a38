import { json, routeHandler } from '#commons/http';
import { listAssignments } from '#routes/assignments';
import { visitId as visitIdOf } from '#schemas/keys';
import { isOfferSent } from '#schemas/round';
import { countiesByIds } from '#store/catalog';
import { needSummariesByIds } from '#store/needs';
import { offersOfSociety } from '#store/offers';
import { societyMessages } from '#store/outbox';
import { planVisitsByKeys } from '#store/rounds';
import { summariesByKeys } from '#store/season-summary';
import { reportsByKeys } from '#store/visit-log';

/** The newest offers and messages a team page shows (a society holds at most 8 offers a season here). */
export const ASSIGNMENTS_PAGE = 50;

/**
 * GET /assignments[?season=S] (team, own society) — the caller's society's offers (waiting for an answer) and
 * confirmed visits, each with the town, the five questions and the needs, newest season first;
 * earlier ones (declined, expired, reassigned) too. Also the society's messages.
 * Reads (listAssignments.readCost): its newest offers and messages (a page each, on gsi1), then the
 * visits, counties and county summaries of those offers, then the visits' needs and the latest
 * report versions the summaries name: five requests at most for a page, whatever the season.
 */
export const handler = routeHandler(listAssignments, async ({ caller, query: { season } }) => {
  const societyId = caller.society as string;
  const [page, societyInbox] = await Promise.all([
    offersOfSociety(societyId, season, ASSIGNMENTS_PAGE),
    societyMessages(societyId, ASSIGNMENTS_PAGE),
  ]);
  // A plan under review was not sent: its offers are not the team's to see (docs/rules.md, Coordinator's word).
  const offers = page.filter(isOfferSent);
  const confirmedOffer = (o: (typeof offers)[number]) => o.status === 'accepted' || o.decision === 'accept';
  const [visitList, counties, summaries] = await Promise.all([
    planVisitsByKeys(offers),
    countiesByIds(offers.map((o) => o.countyId)),
    summariesByKeys(offers.filter(confirmedOffer)),
  ]);
  const visits = new Map(visitList.map((v) => [v.id, v]));
  // The county summary names each society's latest version: read those by key, not each visit's partition.
  const latest = summaries.flatMap((summary) => {
    const entry = summary.reports[societyId];
    return entry
      ? [{ visitId: visitIdOf(summary.season, summary.countyId), societyId, version: entry.version }]
      : [];
  });
  const [needList, reportList] = await Promise.all([
    needSummariesByIds(
      offers.flatMap((o) => visits.get(o.visitId)?.questions.flatMap((q) => q.needIds) ?? o.needIds),
    ),
    reportsByKeys(latest),
  ]);
  const reports = new Map(reportList.map((r) => [r.visitId, r]));
  const needsById = new Map(needList.map((n) => [n.id, n]));

  const items = offers.map((offer) => {
    const visit = visits.get(offer.visitId);
    const report = confirmedOffer(offer) ? reports.get(offer.visitId) : undefined;
    const county = counties.get(offer.countyId);
    const town = county?.towns.find((t) => t.id === offer.townId);
    const view = (id: string) => {
      const need = needsById.get(id);
      return need
        ? {
            id,
            theme: need.theme,
            field: need.field,
            title: need.title,
            detail: need.detail,
            urgency: need.urgency,
            status: need.status,
            mine: offer.needIds.includes(id),
          }
        : { id, mine: offer.needIds.includes(id) };
    };
    return {
      id: offer.id,
      season: offer.season,
      visitId: offer.visitId,
      countyId: offer.countyId,
      townId: offer.townId,
      county: county?.name ?? { zh: offer.countyId, en: offer.countyId },
      town: town?.name ?? { zh: offer.townId, en: offer.townId },
      status: offer.status,
      attempt: offer.attempt ?? 1,
      needIds: offer.needIds,
      needs: offer.needIds.map(view),
      questions: (visit?.questions ?? []).map((q) => ({
        theme: q.theme,
        needIds: q.needIds,
        ...(q.text ? { text: q.text } : {}),
        needs: q.needIds.map(view),
      })),
      offeredAt: offer.offeredAt,
      deadline: offer.deadline,
      decision: offer.decision,
      answeredAt: offer.answeredAt,
      reason: offer.reason ?? undefined,
      report: report
        ? {
            version: report.version,
            reportedAt: report.reportedAt,
            reportedBy: report.reportedBy,
            input: {
              visitDate: report.visitDate,
              answers: report.answers,
              outcomes: report.outcomes,
              cooperations: report.cooperations,
              experts: report.experts,
              activities: report.activities,
            },
          }
        : null,
    };
  });
  const messages = societyInbox
    .filter((m) => !season || m.season === season)
    .map(({ id, season: s, kind, subject, body, createdAt, notBefore, status, sentAt }) => ({
      id,
      season: s,
      kind,
      subject,
      body,
      createdAt,
      notBefore,
      status,
      sentAt,
    }))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  // An answer is final once recorded; the round records the outcome a moment later. Group by the answer.
  const confirmed = (i: (typeof items)[number]) =>
    i.status === 'accepted' || (i.status === 'offered' && i.decision === 'accept');
  return json(200, {
    societyId,
    offers: items.filter((i) => i.status === 'offered' && !i.decision),
    visits: items.filter(confirmed),
    earlier: items.filter((i) => !confirmed(i) && !(i.status === 'offered' && !i.decision)),
    messages,
  });
});
