import {
  ConflictError,
  ForbiddenError,
  fieldIssue,
  InvalidInputError,
  invalidInput,
  NotFoundError,
} from '#commons/errors';
import { requestHash } from '#domain/needs';
import type { VisitReportInput } from '#schemas/index';
import { parseVisitId } from '#schemas/keys';
import { attachmentsByIds } from '#store/attachments';
import { needsByIds } from '#store/needs';
import { getOffer, type OfferRecord } from '#store/offers';
import { getVisit, type VisitRecord } from '#store/rounds';
import { getSchedule } from '#store/schedules';
import { NeedChangedMeanwhile, SubmissionKeyReused, saveReport } from '#store/visit-log';
import { noticeReportFiled } from './notices.ts';

/*
 * Who may report what on a visit (visit report authority, docs/rules.md): only a society that accepted its offer on the visit
 * files a report, it gives outcomes only for the needs of its own assignment, its Idempotency-Key
 * is its own, and its report changes only its own needs — never another society's outcomes.
 */

/** The visit and the society's accepted offer on it: what a report is filed against. */
export interface ReportingAssignment {
  visit: VisitRecord;
  offer: OfferRecord;
}

/** 404 for a visit that does not exist, 403 unless the society accepted its offer on it. */
export async function reportingAssignment(visitId: string, societyId: string): Promise<ReportingAssignment> {
  const parts = parseVisitId(visitId);
  const visit = parts && (await getVisit(parts.season, parts.countyId));
  if (!parts || !visit)
    throw new NotFoundError(`没有这次走访（${visitId}）/ visit "${visitId}" does not exist`);
  const offer = await getOffer(parts.season, parts.countyId, societyId);
  // Accepted, or the acceptance is recorded and the round is about to mark it so.
  const accepted =
    offer?.status === 'accepted' || (offer?.status === 'offered' && offer.decision === 'accept');
  if (!offer || !accepted) {
    throw new ForbiddenError(
      '仅承接本次走访的学会可提交报告 / only a society that accepted this visit files its report',
    );
  }
  return { visit, offer };
}

export interface FiledReport {
  visitId: string;
  version: number;
  reportedAt: string;
  /** True when this caller filed it before with the same Idempotency-Key. */
  replayed: boolean;
  /** Of the society's own needs: resolved by this report, still open, and given no outcome. */
  resolvedNeedIds: string[];
  openNeedIds: string[];
  missingOutcomes: string[];
}

/**
 * Files the society's report: 400 for an outcome on a need that is not on the visit (or a need given
 * twice), 403 naming the need for one of another society's assignment (or no one's), 409 when one of
 * its needs changed meanwhile. Only the society's own needs change status. Then the county's
 * liaisons hear of it and of each need it resolved, and the society's report reminder is cancelled
 * (services/notices.ts; a replayed request enqueues what a failure left out, never twice).
 */
export async function fileReport(
  { visit, offer }: ReportingAssignment,
  report: VisitReportInput,
  by: string,
  submissionKey?: string,
): Promise<FiledReport> {
  const visitNeedIds = new Set(visit.questions.flatMap((q) => q.needIds));
  const ownNeedIds = new Set(offer.needIds);
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
  const others = report.outcomes.map((o) => o.needId).filter((id) => !ownNeedIds.has(id));
  if (others.length > 0) {
    const list = others.join(', ');
    throw new ForbiddenError(
      `需求 ${list} 不在贵会承接的任务中，只能报告本会需求的结果 / need ${list} is not in your society's assignment on this visit; report outcomes only for your own needs`,
    );
  }

  // Each photo it names must be one of this visit's, uploaded and checked (400 naming attachmentIds[i]).
  await requireStoredAttachments(visit.id, report.attachmentIds ?? []);
  const needs = await needsByIds([...ownNeedIds]);
  try {
    const saved = await saveReport({
      visit,
      report,
      societyId: offer.societyId,
      by,
      needs,
      ...(submissionKey ? { submissionKey, requestHash: requestHash(report) } : {}),
    });
    const resolved = new Set(
      saved.report.outcomes.filter((o) => o.outcome === 'resolved').map((o) => o.needId),
    );
    await noticeReportFiled({
      visit,
      societyId: offer.societyId,
      version: saved.version,
      needIds: [...ownNeedIds],
      resolved: needs.filter((n) => resolved.has(n.id)).map((n) => ({ id: n.id, title: n.title })),
      schedule: await getSchedule(visit.id),
    });
    return {
      visitId: visit.id,
      version: saved.version,
      reportedAt: saved.report.reportedAt,
      replayed: saved.replayed,
      resolvedNeedIds: [...resolved].sort(),
      openNeedIds: [...ownNeedIds].filter((n) => !resolved.has(n)).sort(),
      missingOutcomes: [...ownNeedIds].filter((n) => !seen.has(n)).sort(),
    };
  } catch (error) {
    if (error instanceof SubmissionKeyReused)
      throw new ConflictError(
        '此幂等键已用于另一份报告内容；修改后的报告请换新键提交 / this Idempotency-Key was used with a different report; send an edited report with a new key',
      );
    if (error instanceof NeedChangedMeanwhile)
      throw new ConflictError(`需求状态已变化，请重新提交 / ${error.message}; please submit again`);
    throw error;
  }
}

/** 400 naming `attachmentIds[i]` for each id that is not an uploaded (stored) photo of the visit. */
async function requireStoredAttachments(visitId: string, attachmentIds: readonly string[]): Promise<void> {
  if (attachmentIds.length === 0) return;
  const found = new Map((await attachmentsByIds(visitId, attachmentIds)).map((a) => [a.id, a]));
  const issues = attachmentIds.flatMap((id, i) =>
    found.get(id)?.status === 'stored'
      ? []
      : [
          fieldIssue(
            `attachmentIds[${i}]`,
            `照片 ${id} 不是本次走访已上传的照片`,
            `attachment "${id}" is not an uploaded photo of this visit`,
          ),
        ],
  );
  if (issues.length > 0) throw invalidInput(issues);
}
