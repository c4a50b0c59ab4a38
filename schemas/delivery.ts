/** A notification's audience, medium, kind and recipient, as the outbox stores them (functions/delivery/ sends them). */

/** Who reads the message. */
export const AUDIENCES = ['society', 'coordinator', 'liaison'] as const;
export type Audience = (typeof AUDIENCES)[number];

/**
 * How it travels. `topic` is the coordinator alert topic: in AWS the state machine publishes to
 * SNS itself; locally the alert waits in the outbox like any other message. `none`: the recipient
 * has no contact, the message can only be read on its page.
 */
export const MEDIA = ['email', 'webhook', 'sms', 'topic', 'none'] as const;
export type Medium = (typeof MEDIA)[number];

/** A group robot's dialect; inferred from the webhook's host when the contact does not say. */
export const WEBHOOK_KINDS = ['dingtalk', 'wecom'] as const;
export type WebhookKind = (typeof WEBHOOK_KINDS)[number];

/**
 * What a message is about. A society hears: `offer`, `reassigned`, `reminder` (the answer deadline),
 * `date-proposed`, `date-confirmed`, `visit-soon` (7 days and 1 day before), `report-due` (3 days
 * after). A county's liaisons hear: `town-chosen` (plan approved), `accepted`, `declined`,
 * `date-proposed`, `date-confirmed`, `visit-soon`, `report-filed`, `need-resolved`. The coordinator:
 * `plan-ready`, `alert`, `delivery-failed`, `digest`.
 */
export const MESSAGE_KINDS = [
  'offer',
  'reassigned',
  'reminder',
  'date-proposed',
  'date-confirmed',
  'visit-soon',
  'report-due',
  'town-chosen',
  'accepted',
  'declined',
  'report-filed',
  'need-resolved',
  'plan-ready',
  'alert',
  'delivery-failed',
  'digest',
] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/**
 * Whose contact the message was sent to: a society's or a county's catalog contact, one user's own
 * (a team member, a liaison, a coordinator), or the coordinators' alert topic. The dispatcher reads
 * that contact again when it delivers (a robot's secret is never copied into a message), and a
 * resend after the contact was fixed uses the fixed one. `name` is for people: 杭州市农学会, 王芳.
 */
export interface Recipient {
  readonly kind: 'society' | 'county' | 'user' | 'coordinators';
  readonly id: string;
  readonly name?: string;
}

/**
 * Why a delivery failed, as the dispatcher records it (`lastErrorCode`) and the dashboard says it in
 * words: `signature` (the robot refused the 加签 signature, errcode 310000), `bad-address` (a
 * robot's token or URL is wrong, an e-mail address refused), `too-fast` (the robot's 20-a-minute
 * limit), `no-contact`, `no-adapter` (this installation does not send by that medium), `rejected`
 * (another refusal retrying cannot heal), `unreachable` (network, timeout, 5xx: retried).
 */
export const DELIVERY_FAILURES = [
  'signature',
  'bad-address',
  'too-fast',
  'no-contact',
  'no-adapter',
  'rejected',
  'unreachable',
] as const;
export type DeliveryFailure = (typeof DELIVERY_FAILURES)[number];
