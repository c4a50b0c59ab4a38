import * as z from 'zod';
import {
  IdempotencyKey,
  NeedInput,
  NeedListQuery,
  NeedPage,
  NeedPatch,
  NeedView,
  WithdrawInput,
} from '#schemas/need-api';
import { NeedId } from '#schemas/primitives';
import { defineRoute } from './route.ts';

/** The needs of the counties: liaisons for their own county, coordinators for every county. */
const NEEDS_ACCESS = { roles: ['coordinator', 'liaison'], ownCounty: true } as const;
const NeedParams = z.strictObject({ needId: NeedId });

export const postNeed = defineRoute({
  method: 'POST',
  path: '/needs',
  functionId: 'PostNeed',
  operationId: 'createNeed',
  summary: '提交需求 / submit a need',
  description:
    '同一幂等键与相同内容只创建一次；不同内容返回 409。/ With an Idempotency-Key the same key and body give the same need once; another body with the key is a 409.',
  tag: 'needs',
  access: { ...NEEDS_ACCESS, ownCounty: 'body.countyId' },
  headers: z.object({ 'Idempotency-Key': IdempotencyKey.optional() }),
  body: NeedInput,
  responses: {
    201: {
      description: '已创建（重复的幂等键：同一需求）/ created (or replayed for a repeated Idempotency-Key)',
      schema: NeedView,
      headers: {
        Location: '新需求的地址 / where the need is',
        'Idempotent-Replayed': '"true" 表示此前已创建 / "true" when an earlier request created it',
      },
    },
  },
  errors: [409],
  readCost:
    'none per request but the conditional PutItem: the counties are 1 Query cached a minute per process; a replayed key: 1 GetItem of the need',
});

export const listNeeds = defineRoute({
  method: 'GET',
  path: '/needs',
  functionId: 'ListNeeds',
  operationId: 'listNeeds',
  summary: '需求列表（分页）/ needs, a page at a time',
  description:
    '每县一次 gsi1 查询，从不扫描全表；season 为提交时间（北京时间）所在季度。/ One Query per county on gsi1, never a Scan; `season` is the quarter (Asia/Shanghai) of submittedAt.',
  tag: 'needs',
  access: { ...NEEDS_ACCESS, ownCounty: 'query.countyId' },
  query: NeedListQuery,
  responses: { 200: { description: '一页需求 / a page of needs', schema: NeedPage } },
  readCost: "≤ 10 Query pages on gsi1 (a county's needs, a page of `limit`), one per county/status segment",
});

export const getNeed = defineRoute({
  method: 'GET',
  path: '/needs/{needId}',
  functionId: 'GetNeed',
  operationId: 'getNeed',
  summary: '查看需求 / one need',
  tag: 'needs',
  access: NEEDS_ACCESS,
  params: NeedParams,
  responses: { 200: { description: '需求 / the need', schema: NeedView } },
  errors: [404],
  readCost: '1 GetItem',
});

export const patchNeed = defineRoute({
  method: 'PATCH',
  path: '/needs/{needId}',
  functionId: 'PatchNeed',
  operationId: 'updateNeed',
  summary: '修改待解决的需求 / change an open need',
  tag: 'needs',
  access: NEEDS_ACCESS,
  params: NeedParams,
  body: NeedPatch,
  responses: { 200: { description: '修改后的需求 / the changed need', schema: NeedView } },
  errors: [404, 409],
  readCost:
    "1 GetItem of the need (a new town or theme: 1 Query of the county's visit history and 1 Query of the county's offers for each season its town was visited since it was submitted (usually one); a new town: the counties, 1 Query cached a minute per process)",
});

export const withdrawNeed = defineRoute({
  method: 'POST',
  path: '/needs/{needId}/withdraw',
  functionId: 'WithdrawNeed',
  operationId: 'withdrawNeed',
  summary: '撤回需求（再次撤回不变）/ withdraw an open need (again: no change)',
  tag: 'needs',
  access: NEEDS_ACCESS,
  params: NeedParams,
  body: WithdrawInput,
  bodyOptional: true,
  responses: { 200: { description: '已撤回的需求 / the withdrawn need', schema: NeedView } },
  errors: [404, 409],
  readCost: '1 GetItem of the need',
});
