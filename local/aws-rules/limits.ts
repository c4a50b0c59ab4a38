import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { AwsServiceError, StatesError } from './errors.ts';

/** AWS's quotas that the embedded runtime enforces (each as the service documents it). */
export const LIMITS = {
  /** Step Functions: a state's input or output, a Map's gathered result, SendTaskSuccess output. */
  statePayloadBytes: 256 * 1024,
  /** Step Functions: events in one execution's history (each Distributed Map child has its own). */
  historyEvents: 25_000,
  /** Lambda: synchronous invocation request and response. */
  lambdaPayloadBytes: 6 * 1024 * 1024,
  /** SNS: a subject is under 100 characters; a message at most 256 KiB. */
  snsSubjectChars: 100,
  snsMessageBytes: 256 * 1024,
  /** DynamoDB: item size, partition and sort key values, batch and transaction sizes. */
  dynamodbItemBytes: 400 * 1024,
  dynamodbPartitionKeyBytes: 2048,
  dynamodbSortKeyBytes: 1024,
  dynamodbBatchWriteItems: 25,
  dynamodbBatchGetItems: 100,
  dynamodbTransactItems: 100,
} as const;

/** The size Step Functions counts for a payload: its JSON text in UTF-8. */
export function payloadBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value ?? null), 'utf8');
}

export function dataLimitExceeded(what: string, bytes: number): StatesError {
  return new StatesError(
    'States.DataLimitExceeded',
    `${what} has a size of ${bytes} bytes, over the maximum of ${LIMITS.statePayloadBytes} bytes`,
  );
}

/** SNS Publish's parameter limits; the error SNS returns (InvalidParameter), or undefined. */
export function snsPublishViolation(params: {
  Subject?: unknown;
  Message?: unknown;
}): AwsServiceError | undefined {
  const { Subject, Message } = params;
  if (Subject !== undefined) {
    const subject = String(Subject);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: SNS refuses control characters in subjects
    const control = /[\u0000-\u001f\u007f]/.test(subject);
    if (subject.length === 0 || subject.length >= LIMITS.snsSubjectChars || control) {
      return new AwsServiceError(
        'InvalidParameterException',
        `Invalid parameter: Subject (${subject.length} characters; a subject is under ${LIMITS.snsSubjectChars} characters, without line breaks or control characters)`,
      );
    }
  }
  const message = typeof Message === 'string' ? Message : JSON.stringify(Message ?? '');
  if (message.length === 0)
    return new AwsServiceError('InvalidParameterException', 'Invalid parameter: Empty message');
  const bytes = Buffer.byteLength(message, 'utf8');
  if (bytes > LIMITS.snsMessageBytes) {
    return new AwsServiceError(
      'InvalidParameterException',
      `Invalid parameter: Message too long (${bytes} bytes, at most ${LIMITS.snsMessageBytes})`,
    );
  }
  return undefined;
}

/** An attribute value's size as DynamoDB counts it (developer guide, "Item sizes and formats"). */
function valueBytes(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S, 'utf8');
  if (value.N !== undefined) return numberBytes(value.N);
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS) return value.SS.reduce((sum, s) => sum + Buffer.byteLength(s, 'utf8'), 0);
  if (value.NS) return value.NS.reduce((sum, n) => sum + numberBytes(n), 0);
  if (value.BS) return value.BS.reduce((sum, b) => sum + b.byteLength, 0);
  if (value.L) return 3 + value.L.reduce((sum, v) => sum + 1 + valueBytes(v), 0);
  if (value.M) return 3 + mapBytes(value.M) + Object.keys(value.M).length;
  return 0;
}

function numberBytes(n: string): number {
  const digits = n
    .replace(/^[-+]/, '')
    .replace(/[eE].*$/, '')
    .replace('.', '')
    .replace(/^0+/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}

function mapBytes(attributes: Record<string, AttributeValue>): number {
  let sum = 0;
  for (const [name, value] of Object.entries(attributes))
    sum += Buffer.byteLength(name, 'utf8') + valueBytes(value);
  return sum;
}

export interface KeyNames {
  /** Partition and sort key attribute names of the table and of each index. */
  partition: ReadonlySet<string>;
  sort: ReadonlySet<string>;
}

function keyViolation(
  attributes: Record<string, AttributeValue>,
  keyNames: KeyNames,
): AwsServiceError | undefined {
  for (const [name, value] of Object.entries(attributes)) {
    if (keyNames.partition.has(name) && valueBytes(value) > LIMITS.dynamodbPartitionKeyBytes) {
      return new AwsServiceError(
        'ValidationException',
        `One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of ${LIMITS.dynamodbPartitionKeyBytes} bytes`,
      );
    }
    if (keyNames.sort.has(name) && valueBytes(value) > LIMITS.dynamodbSortKeyBytes) {
      return new AwsServiceError(
        'ValidationException',
        `One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of ${LIMITS.dynamodbSortKeyBytes} bytes`,
      );
    }
  }
  return undefined;
}

/** A whole item written (PutItem, a batch's or a transaction's Put): its size and its keys. */
export function itemViolation(
  item: Record<string, AttributeValue>,
  keyNames: KeyNames,
): AwsServiceError | undefined {
  if (mapBytes(item) > LIMITS.dynamodbItemBytes)
    return new AwsServiceError('ValidationException', 'Item size has exceeded the maximum allowed size');
  return keyViolation(item, keyNames);
}

/** A key given to GetItem, UpdateItem, DeleteItem…, or the values an update sets. */
export function keyValuesViolation(
  attributes: Record<string, AttributeValue> | undefined,
  keyNames: KeyNames,
): AwsServiceError | undefined {
  return attributes ? keyViolation(attributes, keyNames) : undefined;
}
