import { ConflictError, fieldIssue, invalidInput, NotFoundError } from '#commons/errors';
import { parseVisitId } from '#schemas/keys';
import type { HighlightInput } from '#schemas/teams';
import { markHighlight, unmarkHighlight } from '#store/highlights';
import { countySummary } from '#store/season-summary';
import { visitHasPhoto } from './report-photos.ts';

/*
 * Typical cases (docs/rules.md, "The association's report"): a coordinator marks a visit that has a
 * report, with a caption and one of the visit's photos; the range report prints them.
 */

const missing = (id: string) => new NotFoundError(`没有这次走访（${id}）/ visit "${id}" does not exist`);

export async function highlightVisit(id: string, input: HighlightInput, by: string) {
  const parts = parseVisitId(id);
  const summary = parts && (await countySummary(parts.season, parts.countyId));
  if (!parts || !summary?.townId) throw missing(id);
  if (Object.keys(summary.reports).length === 0) {
    throw new ConflictError(
      '这次走访尚无报告，提交报告后才能标为典型案例 / this visit has no report yet; a typical case needs one',
    );
  }
  if (input.attachmentId && !(await visitHasPhoto(id, input.attachmentId))) {
    throw invalidInput([
      fieldIssue(
        'attachmentId',
        `这次走访没有编号为 ${input.attachmentId} 的照片`,
        `this visit has no photo "${input.attachmentId}"`,
      ),
    ]);
  }
  const at = new Date().toISOString();
  const highlight = {
    caption: input.caption,
    ...(input.attachmentId ? { attachmentId: input.attachmentId } : {}),
    by,
    at,
  };
  if (!(await markHighlight(parts.season, parts.countyId, highlight))) throw missing(id);
  return {
    visitId: id,
    highlighted: true,
    caption: input.caption,
    ...(input.attachmentId ? { attachmentId: input.attachmentId } : {}),
    at,
  };
}

export async function unhighlightVisit(id: string) {
  const parts = parseVisitId(id);
  if (!parts || !(await unmarkHighlight(parts.season, parts.countyId))) throw missing(id);
  return { visitId: id, highlighted: false };
}
