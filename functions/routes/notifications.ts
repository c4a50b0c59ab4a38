import {
  NotificationItem,
  NotificationPage,
  NotificationQuery,
  ResendNotificationBody,
} from '#schemas/notifications';
import { defineRoute } from './route.ts';

const COORDINATOR = { roles: ['coordinator'] } as const;

export const listNotifications = defineRoute({
  method: 'GET',
  path: '/notifications',
  functionId: 'ListNotifications',
  operationId: 'listNotifications',
  summary: '发出的消息：失败、待发送或已发送 / messages sent: failed, waiting or sent',
  description:
    '某季度（默认本季）的消息：收件人（名称）、内容类别、标题、状态、尝试次数与失败原因（文字）。status=pending 为待发送与发送中。一页最多读 limit 条，可能少于 limit 仍有 cursor。/ A season’s messages (the current one by default): recipient by name, what it is about, subject, status, tries and why it failed, in words. status=pending is queued and sending. A page reads at most `limit` messages, so it may hold fewer and still have a cursor.',
  tag: 'notifications',
  access: COORDINATOR,
  query: NotificationQuery,
  responses: { 200: { description: '一页消息 / one page of messages', schema: NotificationPage } },
  readCost:
    "1 Query page (limit, filtered by status) of the season's outbox partition + up to 2 BatchGetItems (recipients' society and county names)",
});

export const resendNotification = defineRoute({
  method: 'POST',
  path: '/notifications/resend',
  functionId: 'ResendNotification',
  operationId: 'resendNotification',
  summary: '重新发送一条失败的消息 / send a failed message again',
  description:
    '消息立即回到待发送（尝试次数重新计算，上次的错误保留）；发送时重新读取收件人的联系方式，请先在目录中改正。不是发送失败的消息为 409。记入操作记录。/ The message is queued again now (tries counted afresh, the last error kept); the recipient’s contact is read again when it goes, so fix it in the catalog first. A message that did not fail is 409. Audited.',
  tag: 'notifications',
  access: COORDINATOR,
  body: ResendNotificationBody,
  responses: { 200: { description: '已重新排队 / queued again', schema: NotificationItem } },
  errors: [404, 409],
  readCost:
    '1 GetItem (the message) + 1 GetItem (the caller, for the audit) + 1 BatchGetItem (its recipient’s name)',
});
