import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { StateMachine } from 'aws-local-stepfunctions';
import pLimit from 'p-limit';
import { dynamodb } from '#commons/clients';
import { enqueueMessage, type OutboxMessage } from '#commons/store/outbox';
import { API_FUNCTIONS, ROUND_FUNCTIONS } from '../functions/registry.ts';
import { QUIET_HOURS_WAIT_STATES } from '../infra/round-state-machine.ts';
import { FUNCTION_ID_METADATA } from '../infra/rounds-function.ts';
import {
  type Definition,
  definitionForLocalRunner,
  forEachState,
  type StateDefinition,
} from './definition.ts';
import { waitForToken } from './task-tokens.ts';
import { type CfnTemplate, localFunctionArn, resolveIntrinsics, resourcesOfType } from './template.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const ENTRIES: Record<string, string> = { ...ROUND_FUNCTIONS, ...API_FUNCTIONS };

/** An execution event of aws-local-stepfunctions (the package does not export the type). */
export type EventLog =
  ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

type Handler = (event: unknown, context: Context) => Promise<unknown>;
type TaskOverride = (input: unknown) => Promise<unknown>;

export interface RoundExecution {
  name: string;
  status: 'SUCCEEDED' | 'FAILED';
  output?: unknown;
  error?: { name: string; message: string };
  /** States entered, including inside Map iterations: Step Functions bills these as transitions. */
  stateTransitions: number;
  /** Lambda invocations (incl. retries), by construct id. */
  invocations: Record<string, number>;
}

export interface RunOptions {
  name?: string;
  onEvent?: (event: EventLog) => void;
  /** Milliseconds between retries, per state (tests use 0). */
  retryIntervalOverrides?: Record<string, number>;
  /** Wraps a state's override, e.g. to inject a fault in a test. */
  wrapTask?: (stateName: string, run: TaskOverride) => TaskOverride;
}

const LOCAL_LAMBDA_CONCURRENCY = 32;

function lambdaContext(functionName: string, timeoutSeconds: number): Context {
  const deadline = Date.now() + timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: localFunctionArn(functionName),
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/** An error as Lambda reports it to Step Functions: its `name` is the error type that Retry/Catch match. */
function asTaskError(error: unknown): Error {
  if (error instanceof Error) return error;
  const wrapped = new Error(String(error));
  wrapped.name = 'Lambda.Unknown';
  return wrapped;
}

/**
 * Runs the synthesized round state machine with aws-local-stepfunctions. Every Task is overridden by
 * the integration it names — Lambda invoke (with its Payload wrapper), Lambda invoke with a task
 * token, DynamoDB PutItem, SNS Publish (into the outbox) — performed by the same handler code
 * against the real local database.
 */
export class RoundRunner {
  private readonly definition: Definition;
  private readonly functions = new Map<
    string,
    { constructId: string; entry: string; timeoutSeconds: number }
  >();
  private readonly handlers = new Map<string, Promise<Handler>>();
  /**
   * In AWS every invocation has a process of its own; here they share one, with one connection pool.
   * Thousands of Map items at once (a national round's offers) would time each other out, so at most
   * this many handlers run at a time. Waiting on a task token holds no slot.
   */
  private readonly lambdaSlots = pLimit(LOCAL_LAMBDA_CONCURRENCY);

  constructor(
    private readonly template: CfnTemplate,
    private readonly tableNames: Record<string, string>,
  ) {
    const machines = resourcesOfType(template, 'AWS::StepFunctions::StateMachine');
    const [machine] = machines;
    if (machines.length !== 1 || !machine)
      throw new Error(`expected one state machine, found ${machines.length}`);
    const definition = resolveIntrinsics(machine[1].Properties?.DefinitionString, template, tableNames);
    this.definition = JSON.parse(definition as string) as Definition;
    this.definition = definitionForLocalRunner(this.definition);

    for (const [logicalId, resource] of resourcesOfType(template, 'AWS::Lambda::Function')) {
      // The registry id the stack put on each function (infra/rounds-function.ts).
      const constructId = resource.Metadata?.[FUNCTION_ID_METADATA] as string | undefined;
      const entry = constructId ? ENTRIES[constructId] : undefined;
      // The function's own timeout, as in AWS (middy stops a handler just before it).
      const timeoutSeconds = Number(resource.Properties?.Timeout ?? 3);
      if (constructId && entry) this.functions.set(logicalId, { constructId, entry, timeoutSeconds });
    }
  }

  /** The environment the functions get in AWS, resolved locally (e.g. TABLE_NAME). */
  functionEnvironment(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [logicalId, resource] of resourcesOfType(this.template, 'AWS::Lambda::Function')) {
      if (!this.functions.has(logicalId)) continue;
      const variables =
        (resource.Properties?.Environment as { Variables?: Record<string, unknown> })?.Variables ?? {};
      const resolved = resolveIntrinsics(variables, this.template, this.tableNames) as Record<
        string,
        unknown
      >;
      for (const [key, value] of Object.entries(resolved)) env[key] = String(value);
    }
    return env;
  }

  get stateMachineDefinition(): Definition {
    return this.definition;
  }

  private handler(logicalId: string): {
    constructId: string;
    timeoutSeconds: number;
    load: Promise<Handler>;
  } {
    const fn = this.functions.get(logicalId);
    if (!fn) throw new Error(`no handler entry for function ${logicalId}`);
    let load = this.handlers.get(logicalId);
    if (!load) {
      load = import(pathToFileURL(join(ROOT, fn.entry)).href).then((m: { handler: Handler }) => m.handler);
      this.handlers.set(logicalId, load);
    }
    return { constructId: fn.constructId, timeoutSeconds: fn.timeoutSeconds, load };
  }

  private logicalIdOf(functionName: unknown): string {
    const name = String(functionName);
    return name.startsWith('arn:') ? (name.split(':').at(-1) as string) : name;
  }

  private overrides(invocations: Record<string, number>, signal: AbortSignal): Record<string, TaskOverride> {
    const overrides: Record<string, TaskOverride> = {};
    const invoke = async (input: { FunctionName: unknown; Payload: unknown }) => {
      const logicalId = this.logicalIdOf(input.FunctionName);
      const { constructId, timeoutSeconds, load } = this.handler(logicalId);
      invocations[constructId] = (invocations[constructId] ?? 0) + 1;
      const handler = await load;
      try {
        return await this.lambdaSlots(() =>
          handler(structuredClone(input.Payload), lambdaContext(constructId, timeoutSeconds)),
        );
      } catch (error) {
        throw asTaskError(error);
      }
    };

    forEachState(this.definition.States, (name, state) => {
      if (state.Type === 'Task') overrides[name] = this.taskOverride(name, state, invoke, signal);
    });
    return overrides;
  }

  private taskOverride(
    name: string,
    state: StateDefinition,
    invoke: (input: { FunctionName: unknown; Payload: unknown }) => Promise<unknown>,
    signal: AbortSignal,
  ): TaskOverride {
    const resource = state.Resource ?? '';
    if (resource.endsWith(':::lambda:invoke')) {
      return async (input) => ({
        ExecutedVersion: '$LATEST',
        StatusCode: 200,
        Payload: await invoke(input as { FunctionName: unknown; Payload: unknown }),
      });
    }
    if (resource.endsWith(':::lambda:invoke.waitForTaskToken')) {
      return async (input) => {
        const { FunctionName, Payload } = input as {
          FunctionName: unknown;
          Payload: Record<string, unknown>;
        };
        // Step Functions mints a token per task; the local context has one placeholder, so mint it here.
        const taskToken = randomUUID();
        const answer = waitForToken(taskToken, signal);
        answer.catch(() => {});
        await invoke({ FunctionName, Payload: { ...Payload, taskToken } });
        return answer;
      };
    }
    if (resource.endsWith(':::dynamodb:putItem')) {
      return async (input) => {
        await dynamodb.send(new PutItemCommand(input as ConstructorParameters<typeof PutItemCommand>[0]));
        return {};
      };
    }
    if (resource.endsWith(':::sns:publish')) {
      // The coordinator alert: locally a message in the outbox (audience `coordinator`, medium `topic`), which the
      // dispatcher holds until `notBefore` (quiet hours), as the HoldAlertUntilDaytime Wait does in AWS.
      return async (input) => {
        const { Subject, Message, MessageAttributes } = input as {
          Subject?: string;
          Message: unknown;
          MessageAttributes?: Record<string, { StringValue?: string }>;
        };
        const attribute = (key: string) => MessageAttributes?.[key]?.StringValue;
        const now = new Date().toISOString();
        const offerId = attribute('offerId');
        const message = {
          id: `alert#${offerId ?? randomUUID()}`,
          season: attribute('season') ?? 'unknown',
          audience: 'coordinator',
          medium: 'topic',
          to: 'coordinator',
          subject: Subject ?? '',
          body: typeof Message === 'string' ? Message : JSON.stringify(Message),
          createdAt: now,
          notBefore: attribute('notBefore') ?? now,
          status: 'queued',
          kind: 'alert',
          ...(offerId ? { offerId } : {}),
        };
        await enqueueMessage(message as OutboxMessage);
        return { MessageId: message.id };
      };
    }
    throw new Error(`state ${name}: the embedded runtime has no integration for ${resource}`);
  }

  /** Executions running in this process, by name (Step Functions refuses a running name twice). */
  private readonly running = new Map<string, Promise<RoundExecution>>();

  /** The execution of that name while it runs in this process. */
  runningExecution(name: string): Promise<RoundExecution> | undefined {
    return this.running.get(name);
  }

  /** Runs an execution; a name already running in this process joins that execution instead. */
  run(input: unknown, options: RunOptions = {}): Promise<RoundExecution> {
    const name = options.name ?? randomUUID();
    const already = this.running.get(name);
    if (already) return already;
    const execution = this.execute(input, { ...options, name }).finally(() => this.running.delete(name));
    this.running.set(name, execution);
    return execution;
  }

  private async execute(input: unknown, options: RunOptions & { name: string }): Promise<RoundExecution> {
    const name = options.name;
    const invocations: Record<string, number> = {};
    const abort = new AbortController();
    const overrides = this.overrides(invocations, abort.signal);
    if (options.wrapTask) {
      for (const [state, run] of Object.entries(overrides)) overrides[state] = options.wrapTask(state, run);
    }
    const machine = new StateMachine(this.definition as never, { validationOptions: { checkPaths: false } });
    const startTime = new Date().toISOString();
    const execution = machine.run(input as never, {
      overrides: {
        taskResourceLocalHandlers: overrides as never,
        retryIntervalOverrides: options.retryIntervalOverrides ?? {},
        // Quiet hours are kept by the outbox's notBefore locally (see the sns:publish override).
        waitTimeOverrides: Object.fromEntries(QUIET_HOURS_WAIT_STATES.map((state) => [state, 0])),
      },
      context: {
        Execution: {
          Id: `arn:aws:states:local:000000000000:execution:RoundStateMachine:${name}`,
          Name: name,
          Input: input,
          StartTime: startTime,
          RoleArn: 'arn:aws:iam::000000000000:role/local',
        },
        StateMachine: {
          Id: 'arn:aws:states:local:000000000000:stateMachine:RoundStateMachine',
          Name: 'RoundStateMachine',
        },
        // Only read by Parameters that pass it on; the waitForTaskToken override mints the real one.
        Task: { Token: 'minted-by-the-embedded-runtime' },
      } as never,
    });

    let stateTransitions = 0;
    const events = (async () => {
      for await (const event of execution.eventLogs) {
        if (event.type === 'StateEntered') stateTransitions++;
        options.onEvent?.(event);
      }
    })();

    try {
      const output = await execution.result;
      await events;
      return { name, status: 'SUCCEEDED', output, stateTransitions, invocations };
    } catch (error) {
      await events.catch(() => {});
      const cause = (error as { cause?: Error }).cause ?? (error as Error);
      return {
        name,
        status: 'FAILED',
        error: { name: cause.name, message: cause.message },
        stateTransitions,
        invocations,
      };
    } finally {
      abort.abort();
    }
  }
}
