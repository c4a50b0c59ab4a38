import * as z from 'zod';
import { REPORT_FORMATS, SeasonPlan, SeasonReport, StartedRound } from '#schemas/api';
import { SeasonId } from '#schemas/primitives';
import { StartRoundBody } from '#schemas/teams';
import { defineRoute } from './route.ts';

const SeasonParams = z.strictObject({ season: SeasonId });

export const startRound = defineRoute({
  method: 'POST',
  path: '/rounds',
  functionId: 'StartRound',
  operationId: 'startRound',
  summary: '启动本季轮次 / start a season’s round',
  description:
    '执行名为季度及其尝试次数，再次调用不会重复启动。/ The execution is named after the season and its attempt, so a second call starts nothing new.',
  tag: 'rounds',
  access: { roles: ['coordinator'] },
  body: StartRoundBody,
  responses: {
    202: { description: '已受理（或已在运行）/ accepted (or already running)', schema: StartedRound },
  },
  readCost: "1 GetItem of the round + 1 Query of the season's round log (its failures: a few items)",
});

export const getSeasonPlan = defineRoute({
  method: 'GET',
  path: '/seasons/{season}/plan',
  functionId: 'GetSeasonPlan',
  operationId: 'getSeasonPlan',
  summary:
    '本季计划（协调人：全部县；联络员：本县）/ the season plan (coordinators: every county; liaisons: their own)',
  tag: 'rounds',
  access: { roles: ['coordinator', 'liaison'], ownCounty: true },
  params: SeasonParams,
  responses: { 200: { description: '计划 / the plan', schema: SeasonPlan } },
  errors: [404],
  readCost:
    "liaison: 1 GetItem of the round + 1 GetItem of the county's visit (projected) + 1 Query of its offers; coordinator: the season's visits (projected) and offers in Query pages of 500",
});

export const getSeasonReport = defineRoute({
  method: 'GET',
  path: '/seasons/{season}/report',
  functionId: 'GetSeasonReport',
  operationId: 'getSeasonReport',
  summary:
    '季度报告：收集、处理的需求与达成的合作 / the season report: needs collected, handled, cooperations reached',
  description:
    '与 `rounds report` 数字相同。CSV：UTF-8 带 BOM，中文表头，北京时间。/ The same figures as `rounds report`. CSV: UTF-8 with BOM, Chinese headers, Beijing times.',
  tag: 'rounds',
  access: { roles: ['coordinator'] },
  params: SeasonParams,
  query: z.strictObject({ format: z.enum(REPORT_FORMATS).optional() }),
  responses: {
    200: {
      description: '季度报告（format=json|csv|xlsx）/ the season report in the format asked for',
      schema: SeasonReport,
      files: {
        'text/csv': 'text',
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'binary',
      },
    },
  },
  readCost:
    "1 Query of the season's county summaries in pages of 200 (15 pages nationally); CSV/XLSX add BatchGetItem of the counties whose names the summaries lack (projected)",
});
