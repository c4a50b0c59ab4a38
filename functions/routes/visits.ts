import * as z from 'zod';
import { FiledVisitReport, SubmissionKey, VisitDetail, VisitHighlight, VisitLog } from '#schemas/api';
import { VisitId } from '#schemas/primitives';
import { HighlightInput, VisitReportInput } from '#schemas/teams';
import { defineRoute } from './route.ts';

const VisitParams = z.strictObject({ visitId: VisitId });

export const fileVisitReport = defineRoute({
  method: 'POST',
  path: '/visits/{visitId}/report',
  functionId: 'FileVisitReport',
  operationId: 'fileVisitReport',
  summary:
    '提交走访报告：五问的回答、每项需求的结果、达成的合作 / file the visit report: five answers, an outcome per need, cooperations',
  description:
    '每次提交为新版本；同一 Idempotency-Key 的重试只记录一次（第二次返回 200），同一键配另一份内容为 409。/ Every filing is a new version; a retried submission with the same Idempotency-Key lands once (200 the second time); the same key with another report is 409.',
  tag: 'visits',
  access: { roles: ['team'], ownSociety: true },
  params: VisitParams,
  headers: z.object({ 'Idempotency-Key': SubmissionKey.optional() }),
  body: VisitReportInput,
  bodyLimit: 64 * 1024,
  responses: {
    201: { description: '新版本已记录 / a new version is stored', schema: FiledVisitReport },
    200: { description: '重试：此前已记录 / a retry: stored before (replayed)', schema: FiledVisitReport },
  },
  errors: [404, 409],
  readCost:
    '1 GetItem of the visit + 1 GetItem of the offer + BatchGetItem of its needs (and of the photos it names) + 1 Query (Limit 1) of the latest version (+ 2 GetItems for a retried Idempotency-Key)',
});

export const getVisitLog = defineRoute({
  method: 'GET',
  path: '/visits/{visitId}/log',
  functionId: 'GetVisitLog',
  operationId: 'getVisitLog',
  summary: '走访日志与各版报告 / the visit’s log and every report version',
  tag: 'visits',
  access: { roles: ['coordinator', 'liaison', 'team'], ownCounty: true, ownSociety: true },
  params: VisitParams,
  responses: { 200: { description: '日志 / the log', schema: VisitLog } },
  errors: [404],
  readCost:
    "1 GetItem of the visit (+ 1 GetItem of the offer for a team) + 2 Queries of the visit's partition (log, report versions)",
});

export const getVisit = defineRoute({
  method: 'GET',
  path: '/visits/{visitId}',
  functionId: 'GetVisit',
  operationId: 'getVisit',
  summary:
    '一次走访的全部情况：五问、需求与承接学会及结果、邀请、各版报告、日志 / a visit: its five questions, needs with their societies and outcomes, offers, every report version, the log',
  description:
    '协调人、该县联络员、收到过本次走访邀请的学会可查看；每个编号都附名称。/ Coordinators, the county’s liaison and a society offered the visit may read it; every id comes with its name.',
  tag: 'visits',
  access: { roles: ['coordinator', 'liaison', 'team'], ownCounty: true, ownSociety: true },
  params: VisitParams,
  responses: { 200: { description: '走访 / the visit', schema: VisitDetail } },
  errors: [404],
  readCost:
    "1 GetItem of the visit (+ 1 GetItem of the offer for a team), then in parallel 1 GetItem of the county, 1 Query of the county's offers, 3 Queries of the visit's partition (log, report versions, photos) and 1 GetItem of its date and BatchGetItem of its needs, then BatchGetItem of the societies it names (projected)",
});

export const highlightVisit = defineRoute({
  method: 'POST',
  path: '/visits/{visitId}/highlight',
  functionId: 'HighlightVisit',
  operationId: 'highlightVisit',
  summary: '标为典型案例（说明与照片）/ mark the visit a typical case (caption and photo)',
  description:
    '协会报告按原文格式印出：日期、学会与专家、地点、说明。再次提交改写说明。走访须已有报告。/ The association’s report prints it as the source does: date, society and experts, place, caption. Posting again rewrites it. The visit must have a report.',
  tag: 'visits',
  access: { roles: ['coordinator'] },
  params: VisitParams,
  body: HighlightInput,
  responses: { 200: { description: '已标记 / marked', schema: VisitHighlight } },
  errors: [404, 409],
  readCost: '1 GetItem of the county summary (+ the attachment, when a photo is named)',
});

export const unhighlightVisit = defineRoute({
  method: 'DELETE',
  path: '/visits/{visitId}/highlight',
  functionId: 'HighlightVisit',
  operationId: 'unhighlightVisit',
  summary: '取消典型案例 / unmark the typical case',
  tag: 'visits',
  access: { roles: ['coordinator'] },
  params: VisitParams,
  responses: { 200: { description: '已取消 / unmarked', schema: VisitHighlight } },
  errors: [404],
  readCost: 'none (1 conditional UpdateItem of the county summary)',
});
