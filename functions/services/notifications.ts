import { ConflictError, fieldIssue, invalidInput, NotFoundError } from '#commons/errors';
import type { Caller } from '#commons/http';
import { transact } from '#commons/table';
import { failureWords, MESSAGE_KIND_WORDS } from '#domain/coordinator-notices';
import { seasonOfInstant } from '#domain/season';
import type { Bilingual } from '#schemas/labels';
import { MESSAGE_STATUS_LABELS } from '#schemas/labels';
import type {
  NotificationFilter,
  NotificationItem,
  NotificationPage,
  NotificationQuery,
} from '#schemas/notifications';
import { countiesByIds, societyNamesByIds } from '#store/catalog';
import { auditPut } from '#store/items/audit';
import type { StoredMessage } from '#store/outbox';
import { getMessage, outboxPage, requeueFailedUpdate } from '#store/outbox-review';
import { auditActorOf } from '#store/users';

/*
 * The coordinator's view of the outbox (docs/api.md, notifications): what was sent to whom, what is
 * still waiting, what failed and why, in words; and a failed message sent again. The dispatcher
 * reads the recipient's contact again when it delivers, so a resend after the contact was fixed
 * goes to the fixed one.
 */

const STATUSES: Record<NotificationFilter, StoredMessage['status'][]> = {
  failed: ['failed'],
  pending: ['queued', 'sending'],
  sent: ['sent'],
};

const COORDINATORS: Bilingual = { zh: '协调人', en: 'The coordinators' };
const SOMEONE: Bilingual = { zh: '（收件人不明）', en: '(recipient unknown)' };
const GENERIC_KIND: Bilingual = { zh: '通知', en: 'Notice' };

export async function listNotifications(
  query: NotificationQuery,
  now = new Date(),
): Promise<NotificationPage> {
  const season = query.season ?? seasonOfInstant(now);
  const page = await outboxPage<StoredMessage>(
    season,
    query.status ? STATUSES[query.status] : undefined,
    query.limit ?? 100,
    query.cursor,
  );
  if (!page) {
    throw invalidInput([
      fieldIssue('cursor', '不是这个季度上一页给出的游标', 'not a cursor of an earlier page of this season'),
    ]);
  }
  const name = await recipientNames(page.items);
  return {
    season,
    status: query.status ?? null,
    items: page.items.map((m) => itemOf(m, name(m))),
    ...(page.cursor ? { cursor: page.cursor } : {}),
  };
}

function itemOf(m: StoredMessage, recipient: Bilingual): NotificationItem {
  const resentAt = (m as StoredMessage & { resentAt?: string }).resentAt;
  return {
    id: m.id,
    season: m.season,
    recipient: { name: recipient },
    kind: m.kind ?? null,
    kindWords: m.kind ? MESSAGE_KIND_WORDS[m.kind] : GENERIC_KIND,
    medium: m.medium,
    subject: m.subject,
    status: m.status,
    statusWords: MESSAGE_STATUS_LABELS[m.status] ?? { zh: m.status, en: m.status },
    attempts: m.attempts ?? 0,
    reason: failureWords(m.lastErrorCode, m.lastError),
    createdAt: m.createdAt,
    ...(m.lastTriedAt ? { lastTriedAt: m.lastTriedAt } : {}),
    ...(m.failedAt ? { failedAt: m.failedAt } : {}),
    ...(m.sentAt ? { sentAt: m.sentAt } : {}),
    ...(resentAt ? { resentAt } : {}),
  };
}

/**
 * Each message's recipient by name: the name kept with it, else its society's or county's name from
 * the catalog (one BatchGetItem each, projected), else who the audience is.
 */
async function recipientNames(messages: readonly StoredMessage[]): Promise<(m: StoredMessage) => Bilingual> {
  const societyIds = new Set<string>();
  const countyIds = new Set<string>();
  for (const m of messages) {
    if (m.recipient?.name) continue;
    const societyId = m.recipient?.kind === 'society' ? m.recipient.id : m.societyId;
    const countyId = m.recipient?.kind === 'county' ? m.recipient.id : m.countyId;
    if (societyId) societyIds.add(societyId);
    else if (countyId) countyIds.add(countyId);
  }
  const [societies, counties] = await Promise.all([
    societyIds.size ? societyNamesByIds([...societyIds]) : new Map<string, Bilingual>(),
    countyIds.size ? countiesByIds([...countyIds]) : new Map<string, { name: Bilingual }>(),
  ]);
  return (m) => {
    if (m.recipient?.name) return { zh: m.recipient.name, en: m.recipient.name };
    if (m.recipient?.kind === 'coordinators' || m.audience === 'coordinator') return COORDINATORS;
    const societyId = m.recipient?.kind === 'society' ? m.recipient.id : m.societyId;
    const society = societyId ? societies.get(societyId) : undefined;
    if (society) return society;
    const countyId = m.recipient?.kind === 'county' ? m.recipient.id : m.countyId;
    const county = countyId ? counties.get(countyId)?.name : undefined;
    if (county) return { zh: `${county.zh}联络员`, en: `The liaisons of ${county.en}` };
    return SOMEONE;
  };
}

/**
 * A failed message back in the queue now (attempts start again, its last error kept as history),
 * with its audit entry in the same transaction. 404 when there is no such message, 409 when it is
 * not failed (waiting, sent, or resent already).
 */
export async function resendNotification(
  caller: Caller,
  season: string,
  id: string,
  now = new Date(),
): Promise<NotificationItem> {
  const message = await getMessage<StoredMessage>(season, id);
  if (!message) throw new NotFoundError(`没有这条消息 / no such message in ${season}`);
  const notFailed = () =>
    new ConflictError(
      `这条消息${MESSAGE_STATUS_LABELS[message.status]?.zh ?? ''}，只有发送失败的消息可以重新发送 / only a message that failed can be sent again; this one is ${MESSAGE_STATUS_LABELS[message.status]?.en.toLowerCase() ?? message.status}`,
    );
  if (message.status !== 'failed') throw notFailed();
  const at = now.toISOString();
  const audit = auditPut({
    by: await auditActorOf(caller),
    action: 'notification.resend',
    target: {
      kind: 'notification',
      id: `${season}/${id}`,
      name: { zh: message.subject.slice(0, 100), en: message.subject.slice(0, 100) },
    },
    before: { status: 'failed', attempts: message.attempts ?? 0, lastError: message.lastError ?? null },
    after: { status: 'queued', attempts: 0 },
    at,
  });
  try {
    await transact([requeueFailedUpdate(season, id, at), audit]);
  } catch (error) {
    if ((error as Error).name === 'TransactionCanceledException') throw notFailed();
    throw error;
  }
  const name = await recipientNames([message]);
  return itemOf(
    { ...message, status: 'queued', attempts: 0, ...({ resentAt: at } as object) } as StoredMessage,
    name(message),
  );
}
