import {
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadDataDir } from '#cli/data-dir';
import { DEMO_DATA_DIR } from '#cli/session';
import { ExecutionChecks } from '#local/aws-rules/execution-checks';
import { runAsFunction } from '#local/aws-rules/identity';
import { AWS_RULES_SWITCH, activeAwsRules, installAwsRules } from '#local/aws-rules/index';
import { snsPublishViolation } from '#local/aws-rules/limits';
import type { RoundRunner } from '#local/round-runner';
import { type CfnTemplate, resourcesOfType } from '#local/template';
import { embeddedRuntime } from '#support/embedded-api';

// The embedded runtime enforces AWS's IAM and limits (local/aws-rules/): each check is made to fire
// here, on the synthesized template and the real local database, with the error AWS would give.
const runtime = embeddedRuntime(loadDataDir(DEMO_DATA_DIR));
let clients: typeof import('#commons/clients');
let tableNames: Record<string, string>;

beforeAll(async () => {
  clients = await import('#commons/clients');
  const [table] = resourcesOfType(runtime.template, 'AWS::DynamoDB::Table');
  tableNames = { [table?.[0] ?? '']: runtime.tableName };
});

// Tests that install rules for an altered template put the synthesized one back.
afterEach(() => {
  installAwsRules(runtime.template, tableNames, { dynamodb: clients.dynamodb() });
});

/** The synthesized template with the statements granting `action` removed from one role's policies. */
function withoutGrant(roleLogicalIdPrefix: string, action: string): CfnTemplate {
  const template = structuredClone(runtime.template);
  for (const [, policy] of resourcesOfType(template, 'AWS::IAM::Policy')) {
    const roles = (policy.Properties?.Roles ?? []) as { Ref: string }[];
    if (!roles.some((r) => r.Ref.startsWith(roleLogicalIdPrefix))) continue;
    const document = policy.Properties?.PolicyDocument as { Statement: { Action: string | string[] }[] };
    document.Statement = document.Statement.map((statement) => ({
      ...statement,
      Action: [statement.Action].flat().filter((a) => a !== action),
    })).filter((statement) => statement.Action.length > 0);
  }
  return template;
}

async function runnerFor(template: CfnTemplate): Promise<RoundRunner> {
  const { RoundRunner } = await import('#local/round-runner');
  installAwsRules(template, tableNames, { dynamodb: clients.dynamodb() });
  return new RoundRunner(template, tableNames);
}

describe('IAM: calls are evaluated against the synthesized policies', () => {
  it("refuses a function's DynamoDB write its role does not grant, with AWS's AccessDeniedException, and writes nothing", async () => {
    const write = runAsFunction('ListPendingOffers', () =>
      clients
        .documents()
        .send(new PutCommand({ TableName: runtime.tableName, Item: { pk: 'IAM#probe', sk: 'IAM#probe' } })),
    );

    await expect(write).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringMatching(
        /^User: arn:aws:sts::000000000000:assumed-role\/ListPendingOffersRole\w+\/ListPendingOffers\w+ is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:local:000000000000:table\/\S+ because no identity-based policy allows the dynamodb:PutItem action$/,
      ),
    });
    const { Item } = await clients
      .documents()
      .send(new GetCommand({ TableName: runtime.tableName, Key: { pk: 'IAM#probe', sk: 'IAM#probe' } }));
    expect(Item).toBeUndefined();
  });

  it('authorizes a Query on an index against the index ARN: allowed with the grant, refused without any', async () => {
    const query = () =>
      clients.documents().send(
        new QueryCommand({
          TableName: runtime.tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': 'COUNTY' },
          Limit: 1,
        }),
      );

    await expect(runAsFunction('ListPendingOffers', query)).resolves.toBeDefined();
    await expect(runAsFunction('FrameFiveQuestions', query)).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining(
        `dynamodb:Query on resource: arn:aws:dynamodb:local:000000000000:table/${runtime.tableName}/index/gsi1`,
      ),
    });
  });

  it("fails the round when a handler's role lacks a read it makes", async () => {
    const runner = await runnerFor(withoutGrant('ChooseTownRole', 'dynamodb:Query'));

    const execution = await runner.run(
      { season: '2031-Q1', autoAccept: true },
      { retryIntervalOverrides: { ChooseTown: 0 } },
    );

    expect(execution.status).toBe('FAILED');
    expect(execution.error?.message).toMatch(
      /assumed-role\/ChooseTownRole\w+\/ChooseTown\w+ is not authorized to perform: dynamodb:Query/,
    );
  });

  it("fails a Task whose Lambda the state machine's role may not invoke, as Step Functions names it", async () => {
    const runner = await runnerFor(withoutGrant('RoundStateMachineRole', 'lambda:InvokeFunction'));
    const errors: string[] = [];

    const execution = await runner.run(
      { season: '2031-Q2', autoAccept: true },
      {
        retryIntervalOverrides: { LoadRound: 0 },
        onEvent: (event) => {
          if (event.type === 'StateFailed')
            errors.push(`${event.state.name} ${event.Error} ${String(event.Cause)}`);
        },
      },
    );

    expect(execution.status).toBe('FAILED');
    expect(execution.invocations).toEqual({});
    expect(errors[0]).toMatch(
      /^LoadRound Lambda.AWSLambdaException User: arn:aws:sts::000000000000:assumed-role\/RoundStateMachineRole\w+\/\S+ is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:local:000000000000:function:LoadRound\w+ because no identity-based policy allows the lambda:InvokeFunction action \(Service: Lambda, Status Code: 403, Error Code: AccessDeniedException\)$/,
    );
  });
});

describe('limits: payloads, history, names and service parameters', () => {
  it('fails the execution with States.DataLimitExceeded when a state outputs more than 256 KiB, before the next state runs', async () => {
    const execution = await runtime.runner.run(
      { season: '2031-Q3', autoAccept: true },
      {
        wrapTask: (state, run) =>
          state !== 'LoadRound'
            ? run
            : async (input) => {
                const result = (await run(input)) as { Payload: Record<string, unknown> };
                return { ...result, Payload: { ...result.Payload, padding: 'x'.repeat(257 * 1024) } };
              },
      },
    );

    expect(execution.status).toBe('FAILED');
    expect(execution.error?.name).toBe('States.DataLimitExceeded');
    expect(execution.error?.message).toContain('the output of state LoadRound');
    expect(execution.invocations.ChooseTown).toBeUndefined();
  });

  it("fails a Distributed Map whose children's outputs gather to more than 256 KiB, though each is small", () => {
    let failure: Error | undefined;
    const definition = {
      StartAt: 'EachItem',
      States: {
        EachItem: {
          Type: 'Map',
          ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED' }, States: { Work: { Type: 'Pass' } } },
        },
      },
    };
    const checks = new ExecutionChecks(definition, (error) => {
      failure = error;
    });
    const child = (index: number) => ({
      type: 'MapIterationSucceeded',
      index,
      parentState: { name: 'EachItem' },
      output: { padding: 'x'.repeat(100 * 1024) },
    });

    checks.observe({ type: 'StateEntered', state: { name: 'EachItem', input: {} } });
    checks.observe(child(0));
    checks.observe(child(1));
    expect(failure).toBeUndefined();
    checks.observe(child(2));

    expect(failure?.name).toBe('States.DataLimitExceeded');
    expect(failure?.message).toMatch(/^the result of Map state EachItem \(the outputs of 3 child executions/);
    expect(checks.figures.EachItem?.largestPayload.bytes ?? 0).toBeLessThan(256 * 1024);
  });

  it('fails an execution on its 25,001st history event', () => {
    let failure: Error | undefined;
    const checks = new ExecutionChecks({ StartAt: 'Loop', States: { Loop: { Type: 'Pass' } } }, (error) => {
      failure = error;
    });

    checks.observe({ type: 'ExecutionStarted' });
    for (let i = 0; i < 12_499; i++) {
      checks.observe({ type: 'StateEntered', state: { name: 'Loop', input: {} } });
      checks.observe({ type: 'StateExited', state: { name: 'Loop', output: {} } });
    }
    expect(failure).toBeUndefined();
    checks.observe({ type: 'StateEntered', state: { name: 'Loop', input: {} } });
    checks.observe({ type: 'StateExited', state: { name: 'Loop', output: {} } });

    expect(failure).toMatchObject({
      name: 'States.Runtime',
      message: 'The execution reached the maximum number of history events (25000).',
    });
  });

  it('counts each Distributed Map item as a child execution with its own history, and gathers its result', async () => {
    const entered = new Map<number, number>();

    const execution = await runtime.runner.run(
      { season: '2032-Q1', autoAccept: true },
      {
        onEvent: (event) => {
          if (event.type !== 'StateEntered' || event.index === undefined) return;
          if (!['ChooseTown', 'FrameFiveQuestions', 'SaveDraftVisit'].includes(event.state.name)) return;
          entered.set(event.index, (entered.get(event.index) ?? 0) + 1);
        },
      },
    );

    const figures = execution.figures!;
    expect(figures.parent?.executions).toBe(1);
    expect(figures.ChooseTownPerCounty?.executions).toBe(4);
    // A county's child: started and succeeded, and 5 events per Task (entered, scheduled, started,
    // succeeded, exited); every state of it is a Task.
    expect(figures.ChooseTownPerCounty?.mostHistoryEvents).toBe(2 + 5 * Math.max(...entered.values()));
    expect(figures.parent?.largestMapResult.bytes).toBeGreaterThan(0);
  });

  it('refuses an execution name used before (ExecutionAlreadyExists) and joins a running one started with the same input', async () => {
    const name = 'duplicate-name-probe';
    const input = { season: 'not-a-season', autoAccept: true };

    const first = runtime.runner.start(input, { name });
    const again = runtime.runner.start(input, { name });
    expect(again).toEqual({ result: first.result, joined: true });
    expect(() => runtime.runner.start({ ...input, autoAccept: false }, { name })).toThrow(
      expect.objectContaining({ name: 'ExecutionAlreadyExists' }),
    );
    await first.result;
    await expect(runtime.runner.run(input, { name })).rejects.toMatchObject({
      name: 'ExecutionAlreadyExists',
      message: `Execution Already Exists: '${runtime.runner.executionArn(name)}'`,
    });
  });

  it("refuses an SNS subject of 100 characters or more, and the state machine's Publish with it", async () => {
    let alert: ((input: unknown) => Promise<unknown>) | undefined;
    await runtime.runner.run(
      { season: 'not-a-season', autoAccept: true },
      {
        wrapTask: (state, run) => {
          if (state === 'AlertCoordinator') alert = run;
          return run;
        },
      },
    );
    const processor = runtime.runner.stateMachineDefinition.States.OfferEachSociety?.ItemProcessor;
    const topicArn = processor?.States.AlertCoordinator?.Parameters?.TopicArn;

    expect(snsPublishViolation({ Subject: 'a'.repeat(99), Message: 'm' })).toBeUndefined();
    await expect(
      alert!({ TopicArn: topicArn, Subject: 'a'.repeat(100), Message: 'm' }),
    ).rejects.toMatchObject({
      name: 'SNS.InvalidParameterException',
      message: expect.stringContaining('Invalid parameter: Subject'),
    });
    // A message over 256 KiB: through the state machine its parameters break States.DataLimitExceeded first.
    expect(snsPublishViolation({ Subject: 'ok', Message: 'm'.repeat(256 * 1024 + 1) })).toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringContaining('Message too long'),
    });
  });

  it("refuses DynamoDB items over 400 KB, keys over DynamoDB's limits, and batches and transactions over theirs", async () => {
    const put = (Item: Record<string, unknown>) =>
      clients.documents().send(new PutCommand({ TableName: runtime.tableName, Item }));
    const ours = { raisedByAwsRules: true, name: 'ValidationException' };

    await expect(put({ pk: 'LIMIT#item', sk: 'x', body: 'x'.repeat(400 * 1024) })).rejects.toMatchObject({
      ...ours,
      message: 'Item size has exceeded the maximum allowed size',
    });
    await expect(put({ pk: 'p'.repeat(2049), sk: 'x' })).rejects.toMatchObject({
      ...ours,
      message: expect.stringContaining('Size of hashkey has exceeded the maximum size limit of 2048 bytes'),
    });
    await expect(put({ pk: 'LIMIT#key', sk: 's'.repeat(1025) })).rejects.toMatchObject({
      ...ours,
      message: expect.stringContaining('range keys has exceeded the size limit of 1024 bytes'),
    });
    const puts = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ PutRequest: { Item: { pk: `LIMIT#batch${i}`, sk: 'x' } } }));
    await expect(
      clients.documents().send(new BatchWriteCommand({ RequestItems: { [runtime.tableName]: puts(26) } })),
    ).rejects.toMatchObject({ ...ours, message: 'Too many items requested for the BatchWriteItem call' });
    const transact = Array.from({ length: 101 }, (_, i) => ({
      Put: { TableName: runtime.tableName, Item: { pk: `LIMIT#tx${i}`, sk: 'x' } },
    }));
    await expect(
      clients.documents().send(new TransactWriteCommand({ TransactItems: transact })),
    ).rejects.toMatchObject(ours);
    await expect(put({ pk: 'LIMIT#ok', sk: 'x', body: 'x'.repeat(399 * 1024) })).resolves.toBeDefined();
  });

  it('refuses a task-token answer whose output is over 256 KiB (SendTaskSuccess)', async () => {
    const { embeddedTaskTokens } = await import('#local/task-tokens');

    await expect(
      embeddedTaskTokens.succeed('no-such-token', { padding: 'x'.repeat(256 * 1024) }),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining("Value at 'output' failed to satisfy constraint"),
    });
  });
});

describe('SNS and SES calls of the functions', () => {
  it("refuses a Publish the function's role does not grant, and an over-long subject", async () => {
    const { SNSClient, PublishCommand } = await import('@aws-sdk/client-sns');
    const { attachSdkRules } = await import('#local/aws-rules/sdk');
    const { snsPublishViolation } = await import('#local/aws-rules/limits');
    // Never reached: the checks answer before the request is sent.
    const sns = new SNSClient({
      region: 'local',
      endpoint: 'http://127.0.0.1:9',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    attachSdkRules(sns, 'sns', activeAwsRules()!.iam);
    const topic = resourcesOfType(runtime.template, 'AWS::SNS::Topic')[0]?.[0];
    const TopicArn = `arn:aws:sns:local:000000000000:${topic}`;

    // No round function publishes (the state machine sends the coordinator's alert itself).
    for (const functionId of ['LoadRound', 'SendOfferAndWaitForAnswer'])
      await expect(
        runAsFunction(functionId, () => sns.send(new PublishCommand({ TopicArn, Message: 'm' }))),
      ).rejects.toMatchObject({
        name: 'AuthorizationErrorException',
        message: expect.stringContaining(
          `is not authorized to perform: sns:Publish on resource: ${TopicArn}`,
        ),
      });
    expect(snsPublishViolation({ Subject: 's'.repeat(100), Message: 'm' })).toMatchObject({
      name: 'InvalidParameterException',
      raisedByAwsRules: true,
    });
    expect(snsPublishViolation({ Subject: 's'.repeat(99), Message: 'm' })).toBeUndefined();
    sns.destroy();
  });

  it('authorizes an SES e-mail on the sender identity (its address or its domain)', async () => {
    const { authorizeSdkRequest, sdkRequestOf } = await import('#local/aws-rules/sdk');
    // A sender no role is granted: the e-mail is refused whoever sends it.
    const request = sdkRequestOf('ses', 'SendEmail', {
      FromEmailAddress: 'Rounds <rounds@not-the-sender.example>',
    });

    expect(request.anyOf).toEqual([
      'arn:aws:ses:local:000000000000:identity/rounds@not-the-sender.example',
      'arn:aws:ses:local:000000000000:identity/not-the-sender.example',
    ]);
    await expect(
      authorizeSdkRequest(activeAwsRules()!.iam, { kind: 'function', functionId: 'DispatchOutbox' }, request),
    ).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining('ses:SendEmail'),
    });
  });
});

describe('the switch', () => {
  it(`turns every check off with ${AWS_RULES_SWITCH}=off, for debugging only`, () => {
    process.env[AWS_RULES_SWITCH] = 'off';
    try {
      expect(installAwsRules(runtime.template, tableNames, { dynamodb: clients.dynamodb() })).toBeUndefined();
      expect(activeAwsRules()).toBeUndefined();
    } finally {
      delete process.env[AWS_RULES_SWITCH];
    }
    expect(installAwsRules(runtime.template, tableNames, { dynamodb: clients.dynamodb() })).toBeDefined();
  });
});
