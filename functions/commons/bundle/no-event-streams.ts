/**
 * What a Lambda bundle gets instead of `@smithy/core/event-streams` (an esbuild alias in
 * infra/rounds-function.ts). The SDK loads it lazily, only for an operation with an event-stream
 * member; none of the operations these functions call (DynamoDB, Step Functions, SES, SNS, Cognito,
 * S3's object operations) has one, but esbuild inlines every dynamic import, about 15 KiB of each bundle. Should an
 * operation ever need it, the call fails with this message rather than silently.
 */
function leftOut(): never {
  throw new Error('event streams are left out of this bundle (functions/commons/bundle/no-event-streams.ts)');
}

export class EventStreamSerde {
  constructor() {
    leftOut();
  }
}

export const eventStreamSerdeProvider = leftOut;

/** S3's client resolves its event-stream marshaller when built: one that fails only if ever used. */
export function resolveEventStreamSerdeConfig<T extends object>(
  input: T,
): T & { eventStreamMarshaller: object } {
  return Object.assign(input, { eventStreamMarshaller: { serialize: leftOut, deserialize: leftOut } });
}
