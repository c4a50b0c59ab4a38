import * as z from 'zod';
import { AssignmentAnswer, AssignmentList } from '#schemas/assignments';
import { AssignmentId, SeasonId } from '#schemas/primitives';
import { AcceptBody, DeclineBody } from '#schemas/teams';
import { defineRoute } from './route.ts';

/** A society's team, for its own society. */
const TEAM = { roles: ['team'], ownSociety: true } as const;
const AssignmentParams = z.strictObject({ assignmentId: AssignmentId });

export const listAssignments = defineRoute({
  method: 'GET',
  path: '/assignments',
  functionId: 'ListAssignments',
  operationId: 'listAssignments',
  summary: '本学会的邀请、确认的走访与消息 / the society’s offers, confirmed visits and messages',
  tag: 'assignments',
  access: TEAM,
  query: z.strictObject({ season: SeasonId.optional() }),
  responses: { 200: { description: '本学会的邀请 / the society’s assignments', schema: AssignmentList } },
  readCost:
    "1 Query page (≤ 50) of the society's offers and 1 of its messages, both on gsi1, in parallel; then BatchGetItem of those offers' visits and counties (projected) and 1 Query (Limit 1) per confirmed offer for its latest report, ≤ 8 at once; then BatchGetItem of the visits' needs (projected)",
});

export const acceptAssignment = defineRoute({
  method: 'POST',
  path: '/assignments/{assignmentId}/accept',
  functionId: 'AnswerAssignment',
  operationId: 'acceptAssignment',
  summary: '接受邀请 / accept an offer',
  tag: 'assignments',
  access: TEAM,
  params: AssignmentParams,
  body: AcceptBody,
  bodyOptional: true,
  responses: { 200: { description: '已接受 / accepted', schema: AssignmentAnswer } },
  errors: [404, 409],
  readCost: '2 GetItems of the offer (before and after the answer) + 1 GetItem of its task token',
});

export const declineAssignment = defineRoute({
  method: 'POST',
  path: '/assignments/{assignmentId}/decline',
  functionId: 'AnswerAssignment',
  operationId: 'declineAssignment',
  summary: '婉拒邀请（须说明原因）/ decline an offer (with a reason)',
  tag: 'assignments',
  access: TEAM,
  params: AssignmentParams,
  body: DeclineBody,
  responses: { 200: { description: '已婉拒 / declined', schema: AssignmentAnswer } },
  errors: [404, 409],
  readCost: '2 GetItems of the offer (before and after the answer) + 1 GetItem of its task token',
});
