import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { StateMachine } from 'aws-local-stepfunctions';
import pLimit from 'p-limit';
import { dynamodb } from '#commons/clients';
import { ALL_FUNCTIONS } from '#functions/registry';
import { enqueueMessage, type OutboxMessage } from '#store/outbox';
import { QUIET_HOURS_WAIT_STATES } from '../infra/round-state-machine.ts';
import { FUNCTION_ID_METADATA } from '../infra/rounds-function.ts';
import { AwsServiceError, StatesError } from './aws-rules/errors.ts';
import { ExecutionChecks, type ExecutionFigures } from './aws-rules/execution-checks.ts';
import { asEmbeddedRuntime, runAsFunction, runAsStateMachine } from './aws-rules/identity.ts';
import { activeAwsRules, authorizeCurrentCaller } from './aws-rules/index.ts';
import { LIMITS, payloadBytes, snsPublishViolation } from './aws-rules/limits.ts';
import {
  type Definition,
  type DistributedMap,
  definitionForLocalRunner,
  distributedMaps,
  forEachState,
  lambdaTaskTimeouts,
  type StateDefinition,
} from './definition.ts';
import { enteringState, failIfInjected, faultInjectionArmed } from './fault-injection.ts';
import { runInvocation } from './lambda-invocation.ts';
import { expireToken, waitForToken } from './task-tokens.ts';
import {
  type CfnTemplate,
  localArn,
  localFunctionArn,
  localStateMachineArn,
  resolveIntrinsics,
  resourcesOfType,
} from './template.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

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
  /** Per Lambda state: its invocations and the longest, against its function's timeout (each attempt counts). */
  longestInvocations: Record<string, LongestInvocation>;
  /**
   * Against Step Functions' limits, per kind of execution (`parent`, and the children of each
   * Distributed Map by the Map's name); absent when the AWS rules are switched off.
   */
  figures?: ExecutionFigures;
}

export interface LongestInvocation {
  /** Invocations of the state (retries included). */
  count: number;
  ms: number;
  timeoutSeconds: number;
  /** ms ÷ the function's timeout. */
  share: number;
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

/** A Task's result, or States.Timeout once its TimeoutSeconds have passed (none: no limit). */
function withTaskTimeout<T>(seconds: number | undefined, work: Promise<T>): Promise<T> {
  if (seconds === undefined) return work;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new StatesError('States.Timeout', `the task ran longer than its ${seconds} s`)),
      seconds * 1000,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** An error as Lambda reports it to Step Functions: its `name` is the error type that Retry/Catch match. */
function asTaskError(error: unknown): Error {
  if (error instanceof Error) return error;
  const wrapped = new Error(String(error));
  wrapped.name = 'Lambda.Unknown';
  return wrapped;
}

/**
 * A service integration's failure as Step Functions names it: `<Service>.<exception>` for the errors
 * it passes through, else the service's generic one with the status and code in the cause.
 */
function integrationError(service: 'Lambda' | 'DynamoDB' | 'SNS', error: unknown): Error {
  if (!(error instanceof AwsServiceError) && !(error as { $metadata?: unknown })?.$metadata)
    return asTaskError(error);
  const { name, message } = error as Error;
  // What the request itself was refused for comes as the service's generic exception; the rest by name
  // (e.g. DynamoDB.ConditionalCheckFailedException, DynamoDB.ProvisionedThroughputExceededException).
  const generic = ['AccessDeniedException', 'ValidationException', 'UnrecognizedClientException'];
  if (!generic.includes(name)) return new StatesError(`${service}.${name}`, message);
  const exception = {
    Lambda: 'AWSLambdaException',
    DynamoDB: 'AmazonDynamoDBException',
    SNS: 'AmazonSNSException',
  };
  const status = name === 'AccessDeniedException' && service !== 'DynamoDB' ? 403 : 400;
  return new StatesError(
    `${service}.${exception[service]}`,
    `${message} (Service: ${service}, Status Code: ${status}, Error Code: ${name})`,
  );
}

/** A Task's timeout in seconds: `TimeoutSeconds`, or the value its `TimeoutSecondsPath` names in the effective input. */
function timeoutSecondsOf(state: StateDefinition, input: unknown): number | undefined {
  const fixed = (state as { TimeoutSeconds?: number }).TimeoutSeconds;
  if (fixed !== undefined) return fixed;
  if (!state.TimeoutSecondsPath) return undefined;
  let value: unknown = input;
  for (const part of state.TimeoutSecondsPath.replace(/^\$\.?/, '').split('.')) {
    value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  }
  return typeof value === 'number' ? value : undefined;
}

/** Step Functions' rule for execution names (StartExecution's `name`). */
function invalidExecutionName(name: string): AwsServiceError | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are refused in names
  const refused = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;
  if (name.length >= 1 && name.length <= 80 && !refused.test(name)) return undefined;
  return new AwsServiceError('InvalidName', `Invalid Name: '${name}'`);
}

/**
 * Runs the synthesized round state machine with aws-local-stepfunctions. Every Task is overridden by
 * the integration it names — Lambda invoke (with its Payload wrapper), Lambda invoke with a task
 * token, DynamoDB PutItem, SNS Publish (into the outbox) — performed by the same handler code
 * against the real local database.
 */
export class RoundRunner {
  private readonly definition: Definition;
  /** The definition as synthesized: its Distributed Maps still distributed (for the limit checks). */
  private readonly synthesized: Definition;
  private readonly distributed: Map<string, DistributedMap>;
  /** TimeoutSeconds of each request-response Lambda Task, enforced here (see definitionForLocalRunner). */
  private readonly taskTimeouts: Map<string, number>;
  /** The ARN Step Functions would give this state machine (its logical id as name). */
  readonly stateMachineArn: string;
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
  private readonly lambdaSlots: ReturnType<typeof pLimit>;

  constructor(
    private readonly template: CfnTemplate,
    private readonly tableNames: Record<string, string>,
    options: { lambdaConcurrency?: number } = {},
  ) {
    this.lambdaSlots = pLimit(options.lambdaConcurrency ?? LOCAL_LAMBDA_CONCURRENCY);
    const machines = resourcesOfType(template, 'AWS::StepFunctions::StateMachine');
    const [machine] = machines;
    if (machines.length !== 1 || !machine)
      throw new Error(`expected one state machine, found ${machines.length}`);
    const definition = resolveIntrinsics(machine[1].Properties?.DefinitionString, template, tableNames);
    this.synthesized = JSON.parse(definition as string) as Definition;
    this.distributed = distributedMaps(this.synthesized);
    this.taskTimeouts = lambdaTaskTimeouts(this.synthesized);
    this.definition = definitionForLocalRunner(this.synthesized);
    this.stateMachineArn = localStateMachineArn(machine[0]);

    for (const [logicalId, resource] of resourcesOfType(template, 'AWS::Lambda::Function')) {
      // The registry id the stack put on each function (infra/rounds-function.ts).
      const constructId = resource.Metadata?.[FUNCTION_ID_METADATA] as string | undefined;
      const entry = constructId ? ALL_FUNCTIONS[constructId]?.entry : undefined;
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

  /** The ARN of the state machine a state runs in: a Distributed Map's children run under its label. */
  private stateMachineArnOf(stateName: string): string {
    for (const map of this.distributed.values())
      if (map.states.has(stateName)) return `${this.stateMachineArn}/${map.label}`;
    return this.stateMachineArn;
  }

  private overrides(
    invocations: Record<string, number>,
    longest: Record<string, LongestInvocation>,
    signal: AbortSignal,
    checks: ExecutionChecks | undefined,
  ): Record<string, TaskOverride> {
    const overrides: Record<string, TaskOverride> = {};
    const invoke = async (stateName: string, input: { FunctionName: unknown; Payload: unknown }) => {
      const logicalId = this.logicalIdOf(input.FunctionName);
      const { constructId, timeoutSeconds, load } = this.handler(logicalId);
      if (checks) {
        const functionArn = String(input.FunctionName).startsWith('arn:')
          ? String(input.FunctionName)
          : localFunctionArn(logicalId);
        await runAsStateMachine(() => authorizeCurrentCaller('lambda:InvokeFunction', [functionArn])).catch(
          (error: unknown) => {
            throw integrationError('Lambda', error);
          },
        );
      }
      invocations[constructId] = (invocations[constructId] ?? 0) + 1;
      const handler = await load;
      let response: unknown;
      try {
        // The Task's own timeout counts from the invocation's start, as in AWS, where an invocation
        // starts at once (or is throttled): never the time spent waiting for a local slot.
        const taskTimeoutSeconds = this.taskTimeouts.get(stateName);
        response = await this.lambdaSlots(async () => {
          const started = performance.now();
          try {
            return await withTaskTimeout(
              taskTimeoutSeconds,
              runInvocation(constructId, timeoutSeconds, () =>
                runAsFunction(constructId, () => {
                  failIfInjected(constructId);
                  return handler(structuredClone(input.Payload), lambdaContext(constructId, timeoutSeconds));
                }),
              ),
            );
          } finally {
            const ms = performance.now() - started;
            const before = longest[stateName];
            const count = (before?.count ?? 0) + 1;
            longest[stateName] =
              before && before.ms >= ms
                ? { ...before, count }
                : { count, ms, timeoutSeconds, share: ms / (timeoutSeconds * 1000) };
          }
        });
      } catch (error) {
        throw asTaskError(error);
      }
      if (checks && payloadBytes(response) > LIMITS.lambdaPayloadBytes) {
        throw new StatesError(
          'Function.ResponseSizeTooLarge',
          `Response payload size exceeded maximum allowed payload size (${LIMITS.lambdaPayloadBytes} bytes).`,
        );
      }
      checks?.checkPayload(`the result of the Lambda invocation of state ${stateName}`, response, stateName);
      return response;
    };

    forEachState(this.definition.States, (name, state) => {
      if (state.Type !== 'Task') return;
      const run = this.taskOverride(name, state, invoke, signal, checks);
      overrides[name] = !checks
        ? run
        : async (input) => {
            await checks.gate();
            checks.checkPayload(`the input of state ${name} after Parameters`, input, name);
            await checks.gate();
            return run(input);
          };
    });
    return overrides;
  }

  private taskOverride(
    name: string,
    state: StateDefinition,
    invoke: (stateName: string, input: { FunctionName: unknown; Payload: unknown }) => Promise<unknown>,
    signal: AbortSignal,
    checks: ExecutionChecks | undefined,
  ): TaskOverride {
    const resource = state.Resource ?? '';
    if (resource.endsWith(':::lambda:invoke')) {
      return async (input) => ({
        ExecutedVersion: '$LATEST',
        StatusCode: 200,
        Payload: await invoke(name, input as { FunctionName: unknown; Payload: unknown }),
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
        const answer = asEmbeddedRuntime(() => waitForToken(taskToken, signal, this.stateMachineArnOf(name)));
        answer.catch(() => {});
        // When the task times out (the runner raises States.Timeout), a late answer is refused, as in AWS.
        const seconds = timeoutSecondsOf(state, input);
        const expiry =
          seconds === undefined
            ? undefined
            : setTimeout(() => void asEmbeddedRuntime(() => expireToken(taskToken)), seconds * 1000);
        expiry?.unref();
        answer.finally(() => clearTimeout(expiry)).catch(() => {});
        await invoke(name, { FunctionName, Payload: { ...Payload, taskToken } });
        const output = await answer;
        checks?.checkPayload(`the output sent for the task token of state ${name}`, output, name);
        return output;
      };
    }
    if (resource.endsWith(':::dynamodb:putItem')) {
      return async (input) => {
        try {
          // As the state machine's role: the table's middleware authorizes and checks the item.
          await runAsStateMachine(() =>
            dynamodb().send(new PutItemCommand(input as ConstructorParameters<typeof PutItemCommand>[0])),
          );
        } catch (error) {
          throw integrationError('DynamoDB', error);
        }
        return {};
      };
    }
    if (resource.endsWith(':::sns:publish')) {
      // The coordinator alert: locally a message in the outbox (audience `coordinator`, medium `topic`), which the
      // dispatcher holds until `notBefore` (quiet hours), as the HoldAlertUntilDaytime Wait does in AWS.
      return async (input) => {
        const { TopicArn, Subject, Message, MessageAttributes } = input as {
          TopicArn?: string;
          Subject?: string;
          Message: unknown;
          MessageAttributes?: Record<string, { StringValue?: string }>;
        };
        if (checks) {
          await runAsStateMachine(() => authorizeCurrentCaller('sns:Publish', [String(TopicArn)])).catch(
            (error: unknown) => {
              const denied = error as AwsServiceError;
              throw integrationError(
                'SNS',
                denied.name === 'AccessDeniedException'
                  ? new AwsServiceError('AuthorizationErrorException', denied.message, 403)
                  : error,
              );
            },
          );
          const violation = snsPublishViolation({ Subject, Message });
          if (violation) throw integrationError('SNS', violation);
        }
        const attribute = (key: string) => MessageAttributes?.[key]?.StringValue;
        const now = new Date().toISOString();
        const offerId = attribute('offerId');
        const message = {
          id: attribute('messageId') ?? `alert#${offerId ?? randomUUID()}`,
          season: attribute('season') ?? 'unknown',
          audience: 'coordinator',
          medium: 'topic',
          to: 'coordinator',
          subject: Subject ?? '',
          body: typeof Message === 'string' ? Message : JSON.stringify(Message),
          createdAt: now,
          notBefore: attribute('notBefore') ?? now,
          status: 'queued',
          // The plan-ready notice says its kind; the reassignment's alert does not.
          kind: attribute('kind') === 'plan-ready' ? 'plan-ready' : 'alert',
          recipient: { kind: 'coordinators', id: 'coordinators' },
          ...(offerId ? { offerId } : {}),
        };
        await asEmbeddedRuntime(() => enqueueMessage(message as OutboxMessage));
        return { MessageId: message.id };
      };
    }
    throw new Error(`state ${name}: the embedded runtime has no integration for ${resource}`);
  }

  /** Executions started by this runner, by name: Step Functions keeps a name for 90 days. */
  private readonly executions = new Map<
    string,
    { input: string; running: boolean; result: Promise<RoundExecution> }
  >();

  /** The execution of that name while it runs in this process. */
  runningExecution(name: string): Promise<RoundExecution> | undefined {
    const execution = this.executions.get(name);
    return execution?.running ? execution.result : undefined;
  }

  /** The ARN of an execution of this state machine. */
  executionArn(name: string): string {
    return `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  }

  /**
   * StartExecution: starts an execution, as Step Functions does with a name — the same name and input
   * as a running execution is that execution (`joined`); a name used before otherwise is refused with
   * ExecutionAlreadyExists (thrown). With the AWS rules off, a running name is joined whatever the input.
   */
  start(input: unknown, options: RunOptions = {}): { result: Promise<RoundExecution>; joined: boolean } {
    const name = options.name ?? randomUUID();
    const rules = activeAwsRules();
    const inputText = JSON.stringify(input ?? {});
    const already = this.executions.get(name);
    if (rules) {
      const invalid = invalidExecutionName(name);
      if (invalid) throw invalid;
      if (payloadBytes(input ?? {}) > LIMITS.statePayloadBytes)
        throw new AwsServiceError('InvalidExecutionInput', 'the execution input is over 256 KiB');
      if (already?.running && already.input === inputText) return { result: already.result, joined: true };
      if (already) {
        throw new AwsServiceError(
          'ExecutionAlreadyExists',
          `Execution Already Exists: '${this.executionArn(name)}'`,
        );
      }
    } else if (already?.running) return { result: already.result, joined: true };
    const entry = {
      input: inputText,
      running: true,
      result: Promise.resolve() as unknown as Promise<RoundExecution>,
    };
    // The execution is Step Functions' own work, not part of the call that started it.
    entry.result = asEmbeddedRuntime(() => this.execute(input, { ...options, name })).finally(() => {
      entry.running = false;
    });
    this.executions.set(name, entry);
    return { result: entry.result, joined: false };
  }

  /** Runs an execution to its end (see start: a refused name rejects with ExecutionAlreadyExists). */
  run(input: unknown, options: RunOptions = {}): Promise<RoundExecution> {
    try {
      return this.start(input, options).result;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The state machine role's states:StartExecution on itself, which a Distributed Map's children need. */
  private childStartDenial: Promise<Error | undefined> | undefined;

  private async execute(input: unknown, options: RunOptions & { name: string }): Promise<RoundExecution> {
    const name = options.name;
    const invocations: Record<string, number> = {};
    const longestInvocations: Record<string, LongestInvocation> = {};
    const abort = new AbortController();
    let stop = () => {};
    const checks = activeAwsRules()
      ? new ExecutionChecks(this.synthesized, () => {
          stop();
        })
      : undefined;
    if (checks && this.distributed.size > 0) {
      this.childStartDenial ??= runAsStateMachine(() =>
        authorizeCurrentCaller('states:StartExecution', [this.stateMachineArn]),
      ).then(
        () => undefined,
        (error: Error) => error,
      );
    }
    const childStartDenial = checks ? await this.childStartDenial : undefined;
    const overrides = this.overrides(invocations, longestInvocations, abort.signal, checks);
    if (options.wrapTask) {
      for (const [state, run] of Object.entries(overrides)) overrides[state] = options.wrapTask(state, run);
    }
    // Crash points of the fault-injection harness: a Task just before its integration, other states as entered.
    const faults = faultInjectionArmed();
    if (faults) {
      for (const [state, run] of Object.entries(overrides))
        overrides[state] = async (taskInput) => {
          // The states entered just before this Task (a Pass, a Choice, a Wait) reach enteringState
          // through the event log, some microtasks later: they go first, so that a crash on entering
          // one of them falls before this Task's integration runs.
          await new Promise((resolve) => setImmediate(resolve));
          enteringState(state);
          return run(taskInput);
        };
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
          Id: this.executionArn(name),
          Name: name,
          Input: input,
          StartTime: startTime,
          RoleArn: localArn('iam', 'role/local', ''),
        },
        StateMachine: {
          Id: this.stateMachineArn,
          Name: this.stateMachineArn.split(':').at(-1),
        },
        // Only read by Parameters that pass it on; the waitForTaskToken override mints the real one.
        Task: { Token: 'minted-by-the-embedded-runtime' },
      } as never,
    });
    stop = () => execution.abort();

    let stateTransitions = 0;
    const events = (async () => {
      for await (const event of execution.eventLogs) {
        if (event.type === 'StateEntered') {
          stateTransitions++;
          const entered = (event as { state: { name: string; type?: string } }).state;
          if (faults && !(entered.name in overrides)) enteringState(entered.name);
        }
        if (checks) {
          checks.observe(event);
          if (
            childStartDenial &&
            event.type === 'StateEntered' &&
            this.distributed.has((event as { state: { name: string } }).state.name)
          ) {
            checks.fail(
              new StatesError(
                'States.Runtime',
                `Map state ${(event as { state: { name: string } }).state.name} could not start its child executions: ${childStartDenial.message}`,
              ),
            );
          }
        }
        options.onEvent?.(event);
      }
    })();

    const figures = checks ? { figures: checks.figures } : {};
    try {
      const output = await execution.result;
      await events;
      if (checks?.violation) throw checks.violation;
      return {
        name,
        status: 'SUCCEEDED',
        output,
        stateTransitions,
        invocations,
        longestInvocations,
        ...figures,
      };
    } catch (error) {
      await events.catch(() => {});
      const cause = checks?.violation ?? (error as { cause?: Error }).cause ?? (error as Error);
      return {
        name,
        status: 'FAILED',
        error: { name: cause.name, message: cause.message },
        stateTransitions,
        invocations,
        longestInvocations,
        ...figures,
      };
    } finally {
      abort.abort();
    }
  }
}
