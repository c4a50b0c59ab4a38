import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { localTableArn } from '../template.ts';
import { AwsServiceError } from './errors.ts';
import type { IamPolicies } from './iam.ts';
import { currentCaller } from './identity.ts';
import { itemViolation, type KeyNames, keyValuesViolation, LIMITS } from './limits.ts';

type Item = Record<string, AttributeValue>;
// The request shapes of the DynamoDB API, as far as the checks read them (already marshalled).
interface DynamoDbInput {
  TableName?: string;
  IndexName?: string;
  Item?: Item;
  Key?: Item;
  RequestItems?: Record<string, unknown>;
  TransactItems?: Record<string, { TableName?: string; Item?: Item; Key?: Item } | undefined>[];
}

/** The IAM action and resource of one part of a request, as DynamoDB authorizes it. */
interface Authorization {
  action: string;
  resource: string;
}

const DOCUMENT_COMMANDS: Record<string, string> = {
  Put: 'PutItem',
  Get: 'GetItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem',
  TransactGet: 'TransactGetItems',
  TransactWrite: 'TransactWriteItems',
  BatchExecuteStatement: 'BatchExecuteStatement',
  ExecuteStatement: 'PartiQLSelect',
};

/** The API operation of a command: `PutItemCommand` and lib-dynamodb's `PutCommand` are both PutItem. */
export function operationOf(commandName: string): string {
  const bare = commandName.replace(/Command$/, '');
  return DOCUMENT_COMMANDS[bare] ?? bare;
}

function tableArn(table: string, index?: string): string {
  const arn = table.startsWith('arn:') ? table : localTableArn(table);
  return index ? `${arn}/index/${index}` : arn;
}

const TRANSACT_ACTIONS: Record<string, string> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
  Get: 'dynamodb:GetItem',
};

/**
 * What DynamoDB would authorize for this request, or the validation error it would return first.
 * Transactions are authorized per contained action (there is no TransactWriteItems permission).
 */
export function inspectDynamoDbRequest(
  operation: string,
  input: DynamoDbInput,
  keyNames: KeyNames,
): { authorizations: Authorization[]; violation?: AwsServiceError } {
  const authorizations: Authorization[] = [];
  let violation: AwsServiceError | undefined;
  const note = (found: AwsServiceError | undefined) => {
    violation ??= found;
  };
  switch (operation) {
    case 'BatchGetItem': {
      const requests = Object.entries(input.RequestItems ?? {}) as [string, { Keys?: Item[] }][];
      const count = requests.reduce((sum, [, r]) => sum + (r.Keys?.length ?? 0), 0);
      if (count > LIMITS.dynamodbBatchGetItems)
        note(
          new AwsServiceError('ValidationException', 'Too many items requested for the BatchGetItem call'),
        );
      for (const [table, request] of requests) {
        authorizations.push({ action: 'dynamodb:BatchGetItem', resource: tableArn(table) });
        for (const key of request.Keys ?? []) note(keyValuesViolation(key, keyNames));
      }
      break;
    }
    case 'BatchWriteItem': {
      const requests = Object.entries(input.RequestItems ?? {}) as [
        string,
        { PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } }[],
      ][];
      const count = requests.reduce((sum, [, writes]) => sum + writes.length, 0);
      if (count > LIMITS.dynamodbBatchWriteItems)
        note(
          new AwsServiceError('ValidationException', 'Too many items requested for the BatchWriteItem call'),
        );
      for (const [table, writes] of requests) {
        authorizations.push({ action: 'dynamodb:BatchWriteItem', resource: tableArn(table) });
        for (const write of writes) {
          if (write.PutRequest) note(itemViolation(write.PutRequest.Item, keyNames));
          if (write.DeleteRequest) note(keyValuesViolation(write.DeleteRequest.Key, keyNames));
        }
      }
      break;
    }
    case 'TransactWriteItems':
    case 'TransactGetItems': {
      const items = input.TransactItems ?? [];
      if (items.length > LIMITS.dynamodbTransactItems) {
        note(
          new AwsServiceError(
            'ValidationException',
            `1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to ${LIMITS.dynamodbTransactItems}`,
          ),
        );
      }
      for (const entry of items) {
        for (const [kind, part] of Object.entries(entry)) {
          if (!part) continue;
          const action = TRANSACT_ACTIONS[kind];
          if (action) authorizations.push({ action, resource: tableArn(part.TableName ?? '') });
          if (part.Item) note(itemViolation(part.Item, keyNames));
          note(keyValuesViolation(part.Key, keyNames));
        }
      }
      break;
    }
    default: {
      if (input.TableName)
        authorizations.push({
          action: `dynamodb:${operation}`,
          resource: tableArn(input.TableName, input.IndexName),
        });
      if (input.Item) note(itemViolation(input.Item, keyNames));
      note(keyValuesViolation(input.Key, keyNames));
    }
  }
  return violation ? { authorizations, violation } : { authorizations };
}

/**
 * A middleware for the functions' DynamoDB client: every request is authorized against the calling
 * function's role (when a function is calling) and checked against DynamoDB's limits before it is sent.
 */
const MIDDLEWARE_NAME = 'embeddedRuntimeAwsRules';

type Client = { middlewareStack: { add: (...args: never[]) => void; remove: (name: string) => boolean } };

export function detachDynamoDbRules(client: Client): void {
  client.middlewareStack.remove(MIDDLEWARE_NAME);
}

export function attachDynamoDbRules(client: Client, iam: IamPolicies, keyNames: KeyNames): void {
  const name = MIDDLEWARE_NAME;
  detachDynamoDbRules(client);
  const middleware =
    (next: (args: { input: DynamoDbInput }) => Promise<unknown>, context: { commandName?: string }) =>
    async (args: { input: DynamoDbInput }) => {
      const operation = operationOf(context.commandName ?? '');
      const { authorizations, violation } = inspectDynamoDbRequest(operation, args.input, keyNames);
      const caller = currentCaller();
      if (caller) {
        for (const { action, resource } of authorizations) await iam.authorize(caller, action, [resource]);
      }
      if (violation) throw violation;
      return next(args);
    };
  (client.middlewareStack.add as (...args: unknown[]) => void)(middleware, {
    // After serialization: lib-dynamodb marshals its input just before the serializer.
    step: 'build',
    priority: 'high',
    name,
  });
}
