import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { memoized, requiredEnv } from './config.ts';
import { tracer } from './tracer.ts';

/**
 * The table and its clients, made on first use and then reused by every invocation of the
 * container. In a Lambda they come from the environment (TABLE_NAME, the role's credentials); the
 * embedded runtime points them at DynamoDB Local with `configureTable` before the first call.
 */
interface TableSettings {
  tableName: string;
  client: DynamoDBClientConfig;
}
let localSettings: TableSettings | undefined;

export const tableName = memoized(() => localSettings?.tableName ?? requiredEnv('TABLE_NAME'));

export const dynamodb = memoized(() =>
  tracer.captureAWSv3Client(new DynamoDBClient({ maxAttempts: 3, ...localSettings?.client })),
);

export const documents = memoized(() =>
  DynamoDBDocumentClient.from(dynamodb(), { marshallOptions: { removeUndefinedValues: true } }),
);

/** The embedded runtime's table: DynamoDB Local's endpoint, region and (per DATA_DIR) credentials. */
export function configureTable(settings: TableSettings): void {
  localSettings = settings;
  tableName.reset();
  dynamodb.reset();
  documents.reset();
}
