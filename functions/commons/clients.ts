import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requiredEnv } from './config.ts';

// Created once per module. DYNAMODB_ENDPOINT is set only by the embedded runtime (DynamoDB Local).
const endpoint = process.env.DYNAMODB_ENDPOINT;
export const dynamodb = new DynamoDBClient(
  endpoint
    ? {
        endpoint,
        region: 'local',
        // DynamoDB Local keeps one database per access key id: the embedded runtime's own.
        credentials: {
          accessKeyId: process.env.DYNAMODB_LOCAL_ACCESS_KEY_ID ?? 'local',
          secretAccessKey: process.env.DYNAMODB_LOCAL_SECRET_ACCESS_KEY ?? 'local',
        },
        maxAttempts: 3,
      }
    : { maxAttempts: 3 },
);
export const documents = DynamoDBDocumentClient.from(dynamodb, {
  marshallOptions: { removeUndefinedValues: true },
});
export const tableName = requiredEnv('TABLE_NAME');
