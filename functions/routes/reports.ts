import * as z from 'zod';
import { AssociationReport, RANGE_REPORT_FORMATS, SocietyRoster } from '#schemas/api';
import { SeasonId, Slug } from '#schemas/primitives';
import { defineRoute } from './route.ts';

export const getReports = defineRoute({
  method: 'GET',
  path: '/reports',
  functionId: 'GetReports',
  operationId: 'getReports',
  summary:
    '协会报告：任意季度范围的需求、专家、服务群众与典型案例 / the association’s report over a range of seasons: needs, experts, people reached, typical cases',
  description:
    '每个数字为各季度季度报告同名数字之和（同一函数计算）；最多 20 个季度；from 晚于 to 为 400。format=docx 为 Word 文档，xlsx 每表一页，csv 为各季度与合计。/ Each figure is the sum of its seasons’ season-report figures (the same function computes them); at most 20 seasons; from after to is 400. format=docx is a Word document, xlsx a sheet per table, csv the seasons and the total.',
  tag: 'rounds',
  access: { roles: ['coordinator'] },
  query: z.strictObject({
    from: SeasonId,
    to: SeasonId,
    format: z.enum(RANGE_REPORT_FORMATS).optional(),
  }),
  responses: {
    200: {
      description: '协会报告（format=json|csv|xlsx|docx）/ the association’s report in the format asked for',
      schema: AssociationReport,
      files: {
        'text/csv': 'text',
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'binary',
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'binary',
      },
    },
  },
  readCost:
    "1 Query of each season's county summaries (at most 20 seasons; pages of 200 counties) + BatchGetItem of the counties named (projected) and of the societies of the typical cases; docx adds the typical cases' photos",
});

/** The people the association's report counts: a society's experts, for its team's report form. */
export const getSocietyExperts = defineRoute({
  method: 'GET',
  path: '/societies/{societyId}/experts',
  functionId: 'GetReports',
  operationId: 'getSocietyExperts',
  summary:
    '本学会以往报告中的专家（填写走访报告时选用）/ the experts a society named in its reports (to pick from when filing one)',
  tag: 'visits',
  access: { roles: ['team', 'coordinator'], ownSociety: true },
  params: z.strictObject({ societyId: Slug }),
  responses: { 200: { description: '专家名单 / the roster', schema: SocietyRoster } },
  readCost:
    "1 Query page (≤ 50) of the society's offers on gsi1 + BatchGetItem of the county summaries of those it accepted",
});
