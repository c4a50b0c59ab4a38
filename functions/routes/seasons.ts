import * as z from 'zod';
import { REPORT_FORMATS, SeasonPlan, SeasonReport, StartedRound } from '#schemas/api';
import { Overrides } from '#schemas/overrides';
import { PlacedNeed, PlaceNeedBody, ReplannedSeason, UnassignedNeedList } from '#schemas/plan-review';
import { NeedId, SeasonId } from '#schemas/primitives';
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
    "liaison: 2 GetItems of the round + the county's visit projected and whole (its explanation) + 1 Query of its offers + 1 BatchGetItem of its date; coordinator: the season's visits and offers in Query pages, the overrides and their costs, the catalog's names, the visits' dates (BatchGetItem, 100 a request)",
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

export const putSeasonOverrides = defineRoute({
  method: 'PUT',
  path: '/seasons/{season}/overrides',
  functionId: 'ReplanSeason',
  operationId: 'putSeasonOverrides',
  summary:
    '调整待批准的计划（指定、排除学会，锁定乡镇）并重新规划 / override the plan awaiting approval (pin, exclude, lock a town) and re-plan',
  description:
    '与 `rounds plan` 用同一规划器，在调整下求最优；答复新计划的说明与每项调整的代价（有它与没有它的目标差）。批准后为 409。/ The planner of `rounds plan`, optimal under the overrides; answers the new plan’s explanation and what each override costs (objective with vs. without it). 409 once approved.',
  tag: 'rounds',
  access: { roles: ['coordinator'] },
  params: SeasonParams,
  body: Overrides,
  responses: { 200: { description: '重新规划的结果 / the re-plan', schema: ReplannedSeason } },
  errors: [404, 409],
  readCost:
    "the catalog (2 Queries), per county 1 Query of its open needs + 1 Query of its history, the season's visits and offers (Queries): the planner's whole data set, as rounds plan reads it",
});

export const approveSeasonPlan = defineRoute({
  method: 'POST',
  path: '/seasons/{season}/plan/approve',
  functionId: 'ApproveSeasonPlan',
  operationId: 'approveSeasonPlan',
  summary: '批准本季计划，发出邀请 / approve the season plan: its offers go out',
  description:
    '等待中的轮次继续，发出所批准计划的邀请（仅此）。再次批准为 409。/ The waiting round goes on and sends exactly the approved plan’s offers. Approving again is 409.',
  tag: 'rounds',
  access: { roles: ['coordinator'] },
  params: SeasonParams,
  responses: { 200: { description: '已批准的计划 / the approved plan', schema: SeasonPlan } },
  errors: [404, 409],
  readCost:
    '1 UpdateItem of the round (ALL_NEW); then 1 GetItem of the round and the Queries GET /seasons/{season}/plan makes',
});

export const listUnassignedNeeds = defineRoute({
  method: 'GET',
  path: '/seasons/{season}/unassigned',
  functionId: 'ListUnassignedNeeds',
  operationId: 'listUnassignedNeeds',
  summary:
    '本季暂无学会对接的需求、原因及可安排的学会 / the season’s needs without a society, why, and who could take them',
  tag: 'rounds',
  access: { roles: ['coordinator'] },
  params: SeasonParams,
  responses: { 200: { description: '未分派的需求 / unassigned needs', schema: UnassignedNeedList } },
  errors: [404],
  readCost:
    "2 GetItems (the round, the season's overrides), the season's visits, offers and capacity (Queries), the catalog (2 Queries), BatchGetItem of the unassigned needs",
});

export const placeNeed = defineRoute({
  method: 'POST',
  path: '/seasons/{season}/needs/{needId}/assign',
  functionId: 'PlaceNeed',
  operationId: 'placeNeed',
  summary: '手工安排需求给有余力的对口学会 / place a need on a competent society with capacity left, by hand',
  description:
    '新的邀请，有自己的时限与改派，与其他邀请相同；无余力为 409。/ A new offer with its own timeout and reassignment, like any other; no capacity left is 409.',
  tag: 'rounds',
  access: { roles: ['coordinator'] },
  params: z.strictObject({ season: SeasonId, needId: NeedId }),
  body: PlaceNeedBody,
  responses: { 201: { description: '已发出的邀请 / the offer sent', schema: PlacedNeed } },
  errors: [404, 409],
  readCost:
    "1 GetItem each of the round, the need, the visit and the placement claim, the societies (1 Query), the season's offers (Query)",
});
