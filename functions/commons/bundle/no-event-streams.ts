/**
 * What a Lambda bundle gets instead of `@smithy/core/event-streams` (an esbuild alias in
 * infra/rounds-function.ts). The SDK loads it lazily, only for an operation with an event-stream
 * member; none of the operations these functions call (DynamoDB, Step Functions, SES, SNS, Cognito)
 * has one, but esbuild inlines every dynamic import, about 15 KiB of each bundle. Should an
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
