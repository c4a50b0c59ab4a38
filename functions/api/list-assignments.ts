import { json, routeHandler } from '#commons/http';
import { listCounties } from '#commons/store/catalog';
import { needsByIds } from '#commons/store/needs';
import { offersOfSociety } from '#commons/store/offers';
import { seasonOutbox } from '#commons/store/outbox';
import { getVisit } from '#commons/store/rounds';
import { latestReport } from '#commons/store/visit-log';
import { listAssignments } from '#routes/assignments';

/**
 * GET /assignments[?season=S] (team, own society) — the caller's society's offers (waiting for an answer) and
 * confirmed visits, each with the town, the five questions and the needs, newest season first;
 * earlier ones (declined, expired, reassigned) too. Also the society's messages from the outbox.
 * Reads: Query gsi1 `SOCIETY#<id>`, then key lookups.
 */
export const handler = routeHandler(listAssignments, async ({ caller, query: { season } }) => {
  const societyId = caller.society as string;
  const offers = await offersOfSociety(societyId, season);
  const counties = new Map((await listCounties()).map((c) => [c.id, c]));

  const items = await Promise.all(
    offers.map(async (offer) => {
      const visit = await getVisit(offer.season, offer.countyId);
      const visitNeedIds = visit?.questions.flatMap((q) => q.needIds) ?? offer.needIds;
      const [needs, report] = await Promise.all([
        needsByIds(visitNeedIds),
        offer.status === 'accepted' || offer.decision === 'accept'
          ? latestReport(offer.visitId, offer.societyId)
          : Promise.resolve(undefined),
      ]);
      const county = counties.get(offer.countyId);
      const town = county?.towns.find((t) => t.id === offer.townId);
      const view = (id: string) => {
        const need = needs.find((n) => n.id === id);
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
              },
            }
          : null,
      };
    }),
  );
  const seasons = [...new Set(offers.map((o) => o.season))];
  const messages = (await Promise.all(seasons.map((s) => seasonOutbox(s))))
    .flat()
    .filter((m) => m.societyId === societyId)
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
