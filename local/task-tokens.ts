import { EventEmitter } from 'node:events';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documents, tableName } from '#commons/clients';
import type { TaskTokenPort } from '#commons/task-tokens';
import { keys } from '#schemas/keys';
import { MalformedItemError, parseRecord, TaskTokenRecord } from '#schemas/records';
import { AwsServiceError } from './aws-rules/errors.ts';
import { asEmbeddedRuntime } from './aws-rules/identity.ts';
import { activeAwsRules, authorizeCurrentCaller } from './aws-rules/index.ts';
import { LIMITS } from './aws-rules/limits.ts';

/**
 * `.waitForTaskToken` for the embedded runtime. A token is an item in the table, as Step Functions
 * would keep it: `waiting` until SendTaskSuccess/SendTaskFailure (this port) settles it once. The
 * waiting execution hears of it at once in this process, or by polling the table when the answer
 * came through another process sharing the same DATA_DIR (e.g. `npm start` serving the API).
 */
interface TokenItem {
  status: 'waiting' | 'succeeded' | 'failed';
  /** The ARN of the state machine whose task waits (qualified by the Map's label in a child execution). */
  issuer?: string;
  output?: string;
  error?: string;
  cause?: string;
}

// Answers given in this process arrive at once; polling only catches another process's answer, so it
// can be slow (and spread out: a national round has thousands of waiting offers).
const POLL_MS = 3000;
const pollDelay = () => POLL_MS + Math.floor(Math.random() * POLL_MS);
const settled = new EventEmitter().setMaxListeners(0);

export class TaskFailure extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

function taskDoesNotExist(): Error {
  const error = new Error('the task token does not exist or its task is no longer waiting');
  error.name = 'TaskDoesNotExist';
  return error;
}

// The token items are Step Functions' own state, not a call of the function answering: unchecked.
async function settle(token: string, update: TokenItem): Promise<void> {
  try {
    await asEmbeddedRuntime(() =>
      documents().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.taskToken(token),
          UpdateExpression: 'SET #status = :status, #output = :output, #error = :error, #cause = :cause',
          ConditionExpression: '#status = :waiting',
          ExpressionAttributeNames: {
            '#status': 'status',
            '#output': 'output',
            '#error': 'error',
            '#cause': 'cause',
          },
          ExpressionAttributeValues: {
            ':status': update.status,
            ':output': update.output ?? null,
            ':error': update.error ?? null,
            ':cause': update.cause ?? null,
            ':waiting': 'waiting',
          },
        }),
      ),
    );
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') throw taskDoesNotExist();
    throw error;
  }
  settled.emit(token, update);
}

// Issuers of the tokens minted in this process; another process's are read from the table.
const issuers = new Map<string, string>();

async function issuerOf(token: string): Promise<string | undefined> {
  const known = issuers.get(token);
  if (known) return known;
  const { Item } = await asEmbeddedRuntime(() =>
    documents().send(new GetCommand({ TableName: tableName(), Key: keys.taskToken(token) })),
  );
  return (Item as TokenItem | undefined)?.issuer;
}

/** SendTaskSuccess/SendTaskFailure's own rules: the caller's IAM, then the parameter limits. */
async function authorizeAnswer(action: string, token: string, fields: Record<string, [string, number]>) {
  if (!activeAwsRules()) return;
  const issuer = await issuerOf(token);
  if (issuer) await authorizeCurrentCaller(action, [issuer]);
  for (const [field, [value, max]] of Object.entries(fields)) {
    if (value.length > max) {
      throw new AwsServiceError(
        'ValidationException',
        `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must have length less than or equal to ${max}`,
      );
    }
  }
}

export const embeddedTaskTokens: TaskTokenPort = {
  async succeed(token, output) {
    const text = JSON.stringify(output);
    await authorizeAnswer('states:SendTaskSuccess', token, { output: [text, LIMITS.statePayloadBytes] });
    await settle(token, { status: 'succeeded', output: text });
  },
  async fail(token, error, cause) {
    await authorizeAnswer('states:SendTaskFailure', token, { error: [error, 256], cause: [cause, 32768] });
    await settle(token, { status: 'failed', error, cause });
  },
};

/**
 * Registers a waiting token of the state machine `issuer` (its ARN); the promise settles when the
 * port settles it (here or in another process).
 */
export async function waitForToken(token: string, signal: AbortSignal, issuer?: string): Promise<unknown> {
  if (issuer) issuers.set(token, issuer);
  await documents().send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...keys.taskToken(token),
        type: 'task-token',
        status: 'waiting',
        createdAt: new Date().toISOString(),
        ...(issuer ? { issuer } : {}),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const finish = (item: TokenItem) => {
      issuers.delete(token);
      settled.off(token, finish);
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      if (item.status === 'succeeded') resolve(item.output ? JSON.parse(item.output) : {});
      else reject(new TaskFailure(item.error ?? 'States.TaskFailed', item.cause ?? ''));
    };
    const onAbort = () => {
      settled.off(token, finish);
      clearTimeout(timer);
    };
    const poll = async () => {
      try {
        const { Item } = await documents().send(
          new GetCommand({ TableName: tableName(), Key: keys.taskToken(token) }),
        );
        const stored = Item && parseRecord(TaskTokenRecord, 'task token', Item);
        if (stored && stored.status !== 'waiting') {
          return finish({
            status: stored.status,
            ...(stored.output ? { output: stored.output } : {}),
            ...(stored.error ? { error: stored.error } : {}),
            ...(stored.cause ? { cause: stored.cause } : {}),
          });
        }
      } catch (error) {
        if (error instanceof MalformedItemError) {
          onAbort();
          return reject(error);
        }
        // The database may be restarting; the next poll tries again.
      }
      if (!signal.aborted) timer = setTimeout(poll, pollDelay());
    };
    settled.on(token, finish);
    signal.addEventListener('abort', onAbort, { once: true });
    timer = setTimeout(poll, pollDelay());
  });
}

/** Marks a token that nobody will settle any more (its task timed out), so a late answer is refused. */
export async function expireToken(token: string): Promise<void> {
  await settle(token, { status: 'failed', error: 'States.Timeout', cause: 'the task timed out' }).catch(
    () => {},
  );
}
