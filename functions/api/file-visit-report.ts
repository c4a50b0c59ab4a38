import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '#commons/errors';
import { actorOf, json, routeHandler } from '#commons/http';
import { needsByIds } from '#commons/store/needs';
import { getOffer } from '#commons/store/offers';
import { getVisit } from '#commons/store/rounds';
import { NeedChangedMeanwhile, saveReport } from '#commons/store/visit-log';
import { fileVisitReport } from '#routes/visits';
import { parseVisitId } from '#schemas/keys';

/**
 * POST /visits/{id}/report (a society on the visit — one that accepted its offer — only): the
 * answers to the five questions, an outcome per need, the cooperations reached. Every filing is a
 * new version (the first is logged `reported`, later ones `edited`); the old versions stay. A need
 * reported `resolved` leaves the open list; `partial`, `unresolved` or no outcome keeps it open for
 * later seasons. An `Idempotency-Key` header makes a retried submission land once (200 the second time).
 */
export const handler = routeHandler(fileVisitReport, async ({ caller, params, headers, body: report }) => {
  const societyId = caller.society as string;
  const id = params.visitId;
  const parts = parseVisitId(id);
  const visit = parts && (await getVisit(parts.season, parts.countyId));
  if (!parts || !visit) throw new NotFoundError(`没有这次走访（${id}）/ visit "${id}" does not exist`);
  const offer = await getOffer(parts.season, parts.countyId, societyId);
  // Accepted, or the acceptance is recorded and the round is about to mark it so.
  const accepted =
    offer?.status === 'accepted' || (offer?.status === 'offered' && offer.decision === 'accept');
  if (!accepted) {
    throw new ForbiddenError(
      '仅承接本次走访的学会可提交报告 / only a society that accepted this visit files its report',
    );
  }
  const submissionKey = headers['Idempotency-Key'];

  const visitNeedIds = new Set(visit.questions.flatMap((q) => q.needIds));
  const seen = new Set<string>();
  const fields = report.outcomes.flatMap((o, i) => {
    const issue = !visitNeedIds.has(o.needId)
      ? `需求 ${o.needId} 不是本次走访的需求 / need "${o.needId}" is not one of this visit's needs`
      : seen.has(o.needId)
        ? `需求 ${o.needId} 的结果重复 / need "${o.needId}" has more than one outcome`
        : undefined;
    seen.add(o.needId);
    return issue ? [{ path: `outcomes[${i}].needId`, message: issue }] : [];
  });
  if (fields.length > 0)
    throw new InvalidInputError(
      `输入有误：${fields.map((f) => f.path).join(', ')} / invalid input: ${fields.map((f) => f.path).join(', ')}`,
      fields,
    );

  const needs = await needsByIds([...visitNeedIds]);
  try {
    const saved = await saveReport({
      visit,
      report,
      societyId,
      by: actorOf(caller),
      needs,
      ...(submissionKey ? { submissionKey } : {}),
    });
    const resolved = new Set(
      saved.report.outcomes.filter((o) => o.outcome === 'resolved').map((o) => o.needId),
    );
    return json(saved.replayed ? 200 : 201, {
      visitId: id,
      version: saved.version,
      reportedAt: saved.report.reportedAt,
      replayed: saved.replayed,
      resolvedNeedIds: [...resolved].sort(),
      openNeedIds: [...visitNeedIds].filter((n) => !resolved.has(n)).sort(),
      missingOutcomes: [...visitNeedIds].filter((n) => !seen.has(n)).sort(),
    });
  } catch (error) {
    if (error instanceof NeedChangedMeanwhile)
      throw new ConflictError(`需求状态已变化，请重新提交 / ${error.message}; please submit again`);
    throw error;
  }
});
