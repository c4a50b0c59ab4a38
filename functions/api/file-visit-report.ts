import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '#commons/errors';
import { apiHandler, json } from '#commons/http';
import { needsByIds } from '#commons/store/needs';
import { getOffer } from '#commons/store/offers';
import { getVisit } from '#commons/store/rounds';
import { NeedChangedMeanwhile, saveReport } from '#commons/store/visit-log';
import { actorOf, header, jsonBodyOf, teamSocietyOf } from '#commons/teams-http';
import { VisitReportInput } from '#schemas/index';
import { parseVisitId } from '#schemas/keys';

const SUBMISSION_KEY = /^[A-Za-z0-9_-]{8,128}$/;

/**
 * POST /visits/{id}/report (a society on the visit — one that accepted its offer — only): the
 * answers to the five questions, an outcome per need, the cooperations reached. Every filing is a
 * new version (the first is logged `reported`, later ones `edited`); the old versions stay. A need
 * reported `resolved` leaves the open list; `partial`, `unresolved` or no outcome keeps it open for
 * later seasons. An `Idempotency-Key` header makes a retried submission land once (200 the second time).
 */
export const handler = apiHandler(async (event, caller) => {
  const societyId = teamSocietyOf(caller);
  const id = event.pathParameters?.id ?? '';
  const parts = parseVisitId(id);
  const visit = parts && (await getVisit(parts.season, parts.countyId));
  if (!parts || !visit) throw new NotFoundError(`visit "${id}" does not exist / 没有这次走访`);
  const offer = await getOffer(parts.season, parts.countyId, societyId);
  // Accepted, or the acceptance is recorded and the round is about to mark it so.
  const accepted =
    offer?.status === 'accepted' || (offer?.status === 'offered' && offer.decision === 'accept');
  if (!accepted) {
    throw new ForbiddenError(
      'only a society that accepted this visit files its report / 仅承接本次走访的学会可提交报告',
    );
  }
  const submissionKey = header(event, 'idempotency-key');
  if (submissionKey !== undefined && !SUBMISSION_KEY.test(submissionKey)) {
    throw new InvalidInputError('Idempotency-Key must be 8 to 128 letters, digits, "-" or "_"', [
      { path: 'Idempotency-Key', message: 'must be 8 to 128 letters, digits, "-" or "_"' },
    ]);
  }
  const report = jsonBodyOf(event, VisitReportInput);

  const visitNeedIds = new Set(visit.questions.flatMap((q) => q.needIds));
  const seen = new Set<string>();
  const fields = report.outcomes.flatMap((o, i) => {
    const issue = !visitNeedIds.has(o.needId)
      ? `need "${o.needId}" is not one of this visit's needs / 不是本次走访的需求`
      : seen.has(o.needId)
        ? `need "${o.needId}" has more than one outcome / 重复`
        : undefined;
    seen.add(o.needId);
    return issue ? [{ path: `outcomes[${i}].needId`, message: issue }] : [];
  });
  if (fields.length > 0)
    throw new InvalidInputError(
      `invalid body: ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`,
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
      throw new ConflictError(`${error.message}; please submit again / 需求状态已变化，请重新提交`);
    throw error;
  }
});
