import * as z from 'zod';
import {
  DeviceCode,
  DeviceRequest,
  InvitedUser,
  LinkRequest,
  NewUser,
  Session,
  SessionNotice,
  SessionRequest,
  User,
  UserId,
  UserList,
} from '#schemas/users';
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
  description:
    '用于丢失手机等情形：旧邀请作废，此人所有设备上的登录同时结束。/ For a lost phone and the like: the old invitation stops working and every device the person is signed in on is signed out.',
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
    '邀请码、已登录设备显示的添加设备代码、或请求的登录链接中的代码，都由此登录；返回本设备的续期凭据（deviceToken），30 天不用才失效。每个地址、每个代码每分钟最多 10 次，全局另有上限；超限时不读写数据库。本机使用；在 AWS 中页面通过 Cognito 登录。/ The coordinator’s invitation code, a code shown on a signed-in device, or the code of a link asked for: all sign in here, and the answer carries the device’s renewal credential (deviceToken), which lapses after 30 days unused. At most 10 tries a minute per client address and per code, with a ceiling for all; over a limit nothing is read or written. Local sign-in; in AWS the pages sign in through Cognito.',
  tag: 'users',
  public: true,
  body: SessionRequest,
  responses: { 200: { description: '会话令牌及用户 / the session token and the user', schema: Session } },
  errors: [401, 404, 429],
  readCost: '1 GetItem of the invitation, then 1 GetItem of the user; limits are counted in memory first',
});

export const refreshSession = defineRoute({
  method: 'POST',
  path: '/session/refresh',
  functionId: 'Sessions',
  operationId: 'refreshSession',
  summary:
    '用本设备的续期凭据续期（离线多日之后亦可）/ renew with this device’s credential (after days offline too)',
  description:
    '凭据只能用一次，返回新的令牌和下一枚凭据；设备在最后一次续期后 30 天内保持登录。撤销、重新邀请或退出登录后为 401。/ The credential is spent: the answer carries a fresh token and the next credential; the device stays signed in for 30 days from its last renewal. 401 after revocation, a re-invitation or signing out.',
  tag: 'users',
  public: true,
  body: DeviceRequest,
  responses: { 200: { description: '新的会话 / a fresh session', schema: Session } },
  errors: [401, 404, 429],
  readCost: '1 GetItem of the device session, 1 GetItem of the user',
});

export const signOutSession = defineRoute({
  method: 'POST',
  path: '/session/sign-out',
  functionId: 'Sessions',
  operationId: 'signOutSession',
  summary: '退出登录：结束本设备在服务器上的会话 / sign out: this device’s session ends on the server',
  tag: 'users',
  public: true,
  body: DeviceRequest,
  responses: { 200: { description: '已退出 / signed out', schema: SessionNotice } },
  errors: [429],
  readCost: '1 GetItem of the device session',
});

export const createDeviceCode = defineRoute({
  method: 'POST',
  path: '/session/device-code',
  functionId: 'Sessions',
  operationId: 'createDeviceCode',
  summary: '添加设备：10 分钟内有效的一次性代码 / add a device: a one-time code for 10 minutes',
  description:
    '在已登录的设备上显示（二维码或代码），新设备用 POST /session 登录。/ Shown on the signed-in device (QR code or code); the new device signs in with POST /session.',
  tag: 'users',
  access: { roles: ['coordinator', 'liaison', 'team'] },
  responses: {
    201: { description: '代码、链接与失效时间 / the code, its link and its end', schema: DeviceCode },
  },
  errors: [401, 404],
  readCost: '1 GetItem of the user',
});

export const requestSignInLink = defineRoute({
  method: 'POST',
  path: '/session/link',
  functionId: 'Sessions',
  operationId: 'requestSignInLink',
  summary:
    '请求新的登录链接（发到本人在册的手机、邮箱或学会机器人）/ ask for a new sign-in link (sent to your own phone, e-mail or robot on file)',
  description:
    '无论是否找到用户，回答都相同（202）。/ The answer is the same (202) whether or not a user matched.',
  tag: 'users',
  public: true,
  body: LinkRequest,
  responses: { 202: { description: '同一句说明 / always the same notice', schema: SessionNotice } },
  errors: [429],
  readCost: "1 Query of the users' partition, 1 Query of the societies",
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
