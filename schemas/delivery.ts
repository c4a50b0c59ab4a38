/** A notification's audience and medium, as the outbox stores them (functions/delivery/ sends them). */

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
