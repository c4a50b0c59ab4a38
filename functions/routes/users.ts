import * as z from 'zod';
import { InvitedUser, NewUser, Session, SessionRequest, User, UserId, UserList } from '#schemas/users';
import { defineRoute } from './route.ts';

/** Coordinators manage users; a liaison or a team never sees another person's account. */
const COORDINATOR = { roles: ['coordinator'] } as const;
const UserParams = z.strictObject({ userId: UserId });

export const createUser = defineRoute({
  method: 'POST',
  path: '/users',
  functionId: 'ManageUsers',
  operationId: 'createUser',
  summary: '邀请用户 / invite a user',
  description:
    '县联络员须指定已有的县（county），学会团队成员须指定已有的学会（society）。邀请只能使用一次，7 天后失效；链接把邀请码放在 # 之后，不会出现在服务器日志中。/ A liaison names an existing county, a team member an existing society. The invitation is used once and lasts 7 days; the link carries the code after `#`, so no server logs it.',
  tag: 'users',
  access: COORDINATOR,
  body: NewUser,
  responses: { 201: { description: '用户及其邀请 / the user and their invitation', schema: InvitedUser } },
  errors: [409],
  readCost: '1 GetItem of the county or society it is bound to',
});

export const listUsers = defineRoute({
  method: 'GET',
  path: '/users',
  functionId: 'ManageUsers',
  operationId: 'listUsers',
  summary: '用户列表 / the users',
  description:
    '县与学会以编号给出，名称见 GET /counties 与学会目录。/ Counties and societies by id; their names are in GET /counties and the catalog.',
  tag: 'users',
  access: COORDINATOR,
  responses: { 200: { description: '全部用户 / every user', schema: UserList } },
  readCost: "1 Query of the users' partition (hundreds of users)",
});

export const revokeUser = defineRoute({
  method: 'POST',
  path: '/users/{userId}/revoke',
  functionId: 'ManageUsers',
  operationId: 'revokeUser',
  summary: '撤销用户（其会话立即失效）/ revoke a user (their sessions stop)',
  description:
    '本机立即生效；在 AWS 中刷新令牌立即失效，已签发的令牌在一小时内失效。/ Locally at once; in AWS refresh tokens stop at once and issued tokens within their hour.',
  tag: 'users',
  access: COORDINATOR,
  params: UserParams,
  responses: { 200: { description: '已撤销的用户 / the revoked user', schema: User } },
  errors: [404],
  readCost: 'none before the conditional UpdateItem',
});

export const reinviteUser = defineRoute({
  method: 'POST',
  path: '/users/{userId}/invitation',
  functionId: 'ManageUsers',
  operationId: 'reinviteUser',
  summary: '重新邀请（旧邀请作废）/ a new invitation (the old one stops working)',
  tag: 'users',
  access: COORDINATOR,
  params: UserParams,
  responses: {
    201: { description: '用户及其新邀请 / the user and the new invitation', schema: InvitedUser },
  },
  errors: [404, 409],
  readCost: '1 GetItem of the user',
});

export const createSession = defineRoute({
  method: 'POST',
  path: '/session',
  functionId: 'Sessions',
  operationId: 'createSession',
  summary: '用邀请码登录 / sign in with an invitation code',
  description:
    '每个地址、每个邀请码每分钟最多 10 次尝试。本机使用；在 AWS 中页面通过 Cognito 登录。/ At most 10 tries a minute per client address and per code. Local sign-in; in AWS the pages sign in through Cognito.',
  tag: 'users',
  public: true,
  body: SessionRequest,
  responses: { 200: { description: '会话令牌及用户 / the session token and the user', schema: Session } },
  errors: [401, 404, 429],
  readCost:
    '1 GetItem of the invitation (+ the user when the identity port reads it), after 2 UpdateItem counters',
});

export const renewSession = defineRoute({
  method: 'POST',
  path: '/session/renew',
  functionId: 'Sessions',
  operationId: 'renewSession',
  summary: '续期会话（过期前调用）/ renew the session (before it expires)',
  tag: 'users',
  access: { roles: ['coordinator', 'liaison', 'team'] },
  responses: { 200: { description: '新的会话令牌 / a fresh session token', schema: Session } },
  errors: [404],
  readCost: '1 GetItem of the user',
});
