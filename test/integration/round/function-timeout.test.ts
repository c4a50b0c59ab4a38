import { AsyncLocalStorage } from 'node:async_hooks';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataDir } from '#cli/data-dir';
import { DEMO_DATA_DIR } from '#cli/session';
import { FUNCTION_ID_METADATA } from '#infra/rounds-function';
import { RoundRunner } from '#local/round-runner';
import { type CfnTemplate, resourcesOfType } from '#local/template';
import { embeddedRuntime } from '#support/embedded-api';

// A step whose function ran out of time is retried, and the round goes on as in AWS. Locally
// every invocation shares one process, so the runtime must stop what Lambda would stop (the timed-out
// attempt's leftover writes) and must not count what AWS does not have (the wait for a local slot).
const runtime = embeddedRuntime(loadDataDir(DEMO_DATA_DIR));
let dynamodb: typeof import('#commons/clients').dynamodb;

beforeAll(async () => {
  ({ dynamodb } = await import('#commons/clients'));
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The runtime's template with some functions' own timeout changed, and a runner for it. */
function runnerWith(
  edit: (template: CfnTemplate) => void,
  options: ConstructorParameters<typeof RoundRunner>[2] = {},
): RoundRunner {
  const template = structuredClone(runtime.template);
  edit(template);
  const tableNames = Object.fromEntries(
    resourcesOfType(template, 'AWS::DynamoDB::Table').map(([logicalId]) => [logicalId, runtime.tableName]),
  );
  return new RoundRunner(template, tableNames, options);
}

function setFunctionTimeout(template: CfnTemplate, functionId: string, seconds: number): void {
  for (const [, resource] of resourcesOfType(template, 'AWS::Lambda::Function'))
    if (resource.Metadata?.[FUNCTION_ID_METADATA] === functionId && resource.Properties)
      resource.Properties.Timeout = seconds;
}

type Middleware = (next: (args: unknown) => Promise<unknown>) => (args: unknown) => Promise<unknown>;
function addMiddleware(name: string, step: 'initialize' | 'finalizeRequest', middleware: Middleware) {
  const stack = dynamodb().middlewareStack as unknown as {
    add: (m: Middleware, o: object) => void;
    remove: (n: string) => boolean;
  };
  stack.add(middleware, { step, priority: 'low', name });
  return () => stack.remove(name);
}

describe('a function that runs out of its time, in the embedded runtime', () => {
  it('is retried, its timed-out attempt sends nothing after its timeout, and the round completes', async () => {
    const season = '2027-Q4';
    // PersistPlan may run 2 s; its first batch attempt is slowed to well past that (0.5 s a call).
    const runner = runnerWith((template) => setFunctionTimeout(template, 'PersistPlan', 2));
    const firstAttempt = new AsyncLocalStorage<boolean>();
    let attempts = 0;
    let timedOutAt: number | undefined;
    const sentAfterTimeout: string[] = [];
    const removeDelay = addMiddleware('testSlowFirstAttempt', 'initialize', (next) => async (args) => {
      if (firstAttempt.getStore()) await sleep(500);
      return next(args);
    });
    // Just before a request goes out (after the runtime's own checks): what reached DynamoDB.
    const removeWatch = addMiddleware('testSentAfterTimeout', 'finalizeRequest', (next) => async (args) => {
      if (firstAttempt.getStore() && timedOutAt !== undefined)
        sentAfterTimeout.push(new Date().toISOString());
      return next(args);
    });
    try {
      const execution = await runner.run(
        { season, autoAccept: true },
        {
          retryIntervalOverrides: { PersistPlanBatch: 0 },
          onEvent: (event) => {
            if (event.type === 'StateFailed' && event.state.name === 'PersistPlanBatch')
              timedOutAt ??= Date.now();
          },
          wrapTask: (state, run) =>
            state !== 'PersistPlanBatch'
              ? run
              : (input) => {
                  attempts++;
                  return firstAttempt.run(attempts === 1, () => run(input));
                },
        },
      );
      // Whatever the first attempt left running has had time to go on writing, as it did before.
      await sleep(2500);

      expect(execution.error).toBeUndefined();
      expect(execution.status).toBe('SUCCEEDED');
      expect(attempts).toBe(2);
      expect(timedOutAt).toBeDefined();
      expect(sentAfterTimeout).toEqual([]);
      const plan = await runtime.store.storedPlan(season);
      expect(plan?.visits).toHaveLength(4);
      expect(plan?.visits.flatMap((v) => v.assignments).every((a) => a.status === 'accepted')).toBe(true);
      // Nothing went wrong: the only entry is the plan's automatic approval.
      expect((await runtime.store.roundLog(season)).map((entry) => entry.kind)).toEqual(['plan-approved']);
    } finally {
      removeDelay();
      removeWatch();
    }
  }, 120_000);

  it('times a Lambda Task from its invocation’s start, not from its wait for one of the runtime’s slots', async () => {
    // One local slot, six items at once, each invocation about 0.5 s: the last waits about 2.5 s for
    // the slot, longer than the Task's own 2 s timeout, which it never comes near once it runs.
    const runner = runnerWith(
      (template) => {
        const [machine] = resourcesOfType(template, 'AWS::StepFunctions::StateMachine');
        const [loadRound] = resourcesOfType(template, 'AWS::Lambda::Function').filter(
          ([, r]) => r.Metadata?.[FUNCTION_ID_METADATA] === 'LoadRound',
        );
        if (!machine?.[1].Properties || !loadRound) throw new Error('template without the round');
        const work = {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: '__FUNCTION__', 'Payload.$': '$' },
          TimeoutSeconds: 2,
          End: true,
        };
        const definition = JSON.stringify({
          StartAt: 'Each',
          States: {
            Each: {
              Type: 'Map',
              ItemsPath: '$.items',
              MaxConcurrency: 6,
              ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'Work', States: { Work: work } },
              End: true,
            },
          },
        });
        const [before, after] = definition.split('__FUNCTION__');
        machine[1].Properties.DefinitionString = {
          'Fn::Join': ['', [before, { 'Fn::GetAtt': [loadRound[0], 'Arn'] }, after]],
        };
      },
      { lambdaConcurrency: 1 },
    );
    const removeDelay = addMiddleware('testSlowCalls', 'initialize', (next) => async (args) => {
      await sleep(500);
      return next(args);
    });
    try {
      const execution = await runner.run({
        items: Array.from({ length: 6 }, (_, i) => ({ season: `2028-Q${(i % 4) + 1}` })),
      });

      expect(execution.error).toBeUndefined();
      expect(execution.status).toBe('SUCCEEDED');
      expect(execution.invocations.LoadRound).toBe(6);
    } finally {
      removeDelay();
    }
  }, 60_000);
});
