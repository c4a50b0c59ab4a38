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
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        maxAttempts: 3,
      }
    : { maxAttempts: 3 },
);
export const documents = DynamoDBDocumentClient.from(dynamodb, {
  marshallOptions: { removeUndefinedValues: true },
});
export const tableName = requiredEnv('TABLE_NAME');
