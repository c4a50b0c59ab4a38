import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  COUNTY_CONCURRENCY,
  DYNAMODB_RETRY_ERRORS,
  LAMBDA_RETRY_ERRORS,
  OFFER_CONCURRENCY,
  PLAN_BATCH_CONCURRENCY,
  ROUND_STATE_NAMES as S,
  SNS_RETRY_ERRORS,
} from '#infra/round-state-machine';
import {
  allStates,
  PLACEHOLDER_ACCOUNT,
  PLACEHOLDER_REGION,
  stateMachineOf,
  synthRounds,
} from '#support/template';

const { stack, template, json, idOf } = synthRounds();
const { properties, definition } = stateMachineOf(json);
const states = allStates(definition);
const fnArn = (fnId: keyof typeof stack.roundFunctions) =>
  expect.stringMatching(new RegExp(`:function:${idOf(stack.roundFunctions[fnId])}$`));
const state = (name: string) => {
  const s = states[name];
  if (!s) throw new Error(`no state ${name}`);
  return s;
};

describe('the round state machine resource', () => {
  it('is a STANDARD workflow, tracing on, logging ERROR without execution data to a 30-day log group', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ERROR', IncludeExecutionData: false }),
    });
    const logGroupId =
      properties.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'][0];
    expect(json.Resources[logGroupId].Properties.RetentionInDays).toBe(30);
  });

  it('is written in JSONPath, not JSONata', () => {
    expect(definition.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
    expect(JSON.stringify(definition)).not.toContain('{%');
  });
});

describe('the round definition', () => {
  it('has every named state and no other', () => {
    expect(Object.keys(states).sort()).toEqual(Object.values(S).sort());
    expect(definition.StartAt).toBe(S.LoadRound);
  });

  it('invokes each Lambda through the lambda:invoke integration (Payload kept) with the right function', () => {
    const expected: [string, keyof typeof stack.roundFunctions][] = [
      [S.LoadRound, 'LoadRound'],
      [S.ChooseTown, 'ChooseTown'],
      [S.FrameFiveQuestions, 'FrameFiveQuestions'],
      [S.AssignSocieties, 'AssignSocieties'],
      [S.PersistPlanBatch, 'PersistPlan'],
      [S.PersistPlan, 'PersistPlan'],
      [S.ApprovePlanAutomatically, 'RecordPlanApproval'],
      [S.ApprovePlanOnTimeout, 'RecordPlanApproval'],
      [S.ListPendingOffers, 'ListPendingOffers'],
      [S.RecordAcceptance, 'RecordAnswer'],
      [S.RecordOfferDeclined, 'RecordAnswer'],
      [S.RecordOfferExpired, 'RecordAnswer'],
      [S.FindNextSociety, 'FindNextSociety'],
      [S.CompleteRound, 'CompleteRound'],
    ];
    for (const [name, fnId] of expected) {
      expect(state(name).Resource, name).toBe('arn:aws:states:::lambda:invoke');
      expect(state(name).Parameters?.FunctionName, name).toEqual(fnArn(fnId));
    }
  });

  it('gives every DynamoDB and SNS Task a 60 s timeout and exactly the shared Retry (2 s, ×2, 3 attempts)', () => {
    const serviceTasks = [S.SaveDraftVisit, S.RecordRoundFailure, S.AlertCoordinator, S.NotifyPlanReady];
    for (const name of serviceTasks) {
      const s = state(name);
      expect(s.TimeoutSeconds, name).toBe(60);
      expect(s.Retry, name).toEqual([
        {
          ErrorEquals:
            name === S.AlertCoordinator || name === S.NotifyPlanReady
              ? [...SNS_RETRY_ERRORS]
              : [...DYNAMODB_RETRY_ERRORS],
          IntervalSeconds: 2,
          BackoffRate: 2,
          MaxAttempts: 3,
        },
      ]);
    }
  });

  const lambdaTasks: [string, keyof typeof stack.roundFunctions][] = [
    [S.LoadRound, 'LoadRound'],
    [S.ChooseTown, 'ChooseTown'],
    [S.FrameFiveQuestions, 'FrameFiveQuestions'],
    [S.AssignSocieties, 'AssignSocieties'],
    [S.PersistPlanBatch, 'PersistPlan'],
    [S.PersistPlan, 'PersistPlan'],
    [S.AwaitPlanApproval, 'AwaitPlanApproval'],
    [S.ApprovePlanAutomatically, 'RecordPlanApproval'],
    [S.ApprovePlanOnTimeout, 'RecordPlanApproval'],
    [S.ListPendingOffers, 'ListPendingOffers'],
    [S.SendOfferAndWaitForAnswer, 'SendOfferAndWaitForAnswer'],
    [S.RecordAcceptance, 'RecordAnswer'],
    [S.RecordOfferDeclined, 'RecordAnswer'],
    [S.RecordOfferExpired, 'RecordAnswer'],
    [S.FindNextSociety, 'FindNextSociety'],
    [S.CompleteRound, 'CompleteRound'],
  ];

  it('names every Task: 16 Lambda steps and 4 service integrations', () => {
    const tasks = Object.entries(states).filter(([, s]) => s.Type === 'Task');
    expect(tasks.map(([name]) => name).sort()).toEqual(
      [
        ...lambdaTasks.map(([name]) => name),
        S.SaveDraftVisit,
        S.RecordRoundFailure,
        S.AlertCoordinator,
        S.NotifyPlanReady,
      ].sort(),
    );
  });

  it.each(lambdaTasks)(
    '%s retries throttling with a long jittered backoff, a function timeout once, and transient Lambda errors quickly',
    (name) => {
      expect(state(name).Retry).toEqual([
        {
          ErrorEquals: ['Lambda.TooManyRequestsException'],
          IntervalSeconds: 5,
          BackoffRate: 2,
          MaxAttempts: 8,
          MaxDelaySeconds: 120,
          JitterStrategy: 'FULL',
        },
        { ErrorEquals: ['TimeoutError', 'Lambda.Unknown'], IntervalSeconds: 2, MaxAttempts: 1 },
        {
          ErrorEquals: [
            'Lambda.ServiceException',
            'Lambda.AWSLambdaException',
            'Lambda.SdkClientException',
            'Lambda.ClientExecutionTimeoutException',
            'RetryableError',
          ],
          IntervalSeconds: 2,
          BackoffRate: 2,
          MaxAttempts: 3,
        },
      ]);
      expect(LAMBDA_RETRY_ERRORS).toContain('Lambda.ClientExecutionTimeoutException');
    },
  );

  it.each(
    lambdaTasks.filter(([name]) => name !== S.SendOfferAndWaitForAnswer && name !== S.AwaitPlanApproval),
  )('%s times out 10 s after its function would, so the function always stops first', (name, fnId) => {
    const fn = json.Resources[idOf(stack.roundFunctions[fnId])];
    const functionTimeout = fn.Properties.Timeout as number;
    expect(functionTimeout, fnId).toBeGreaterThan(0);
    expect(state(name).TimeoutSeconds, name).toBe(functionTimeout + 10);
  });

  it('loads the round from the execution input and replaces the state with the Payload', () => {
    expect(state(S.LoadRound)).toMatchObject({
      Parameters: { 'Payload.$': '$' },
      OutputPath: '$.Payload',
      Next: S.IsSeasonAlreadyPlanned,
    });
  });

  it('skips planning when the season is already planned', () => {
    expect(state(S.IsSeasonAlreadyPlanned)).toMatchObject({
      Type: 'Choice',
      Choices: [{ Variable: '$.planExists', BooleanEquals: true, Next: S.IsPlanApproved }],
      Default: S.ChooseTownPerCounty,
    });
  });

  it('chooses a town, frames five questions and saves the draft per county, in child executions', () => {
    expect(state(S.ChooseTownPerCounty)).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.counties',
      ItemSelector: { 'season.$': '$.season', 'countyId.$': '$$.Map.Item.Value.countyId' },
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } },
      MaxConcurrency: COUNTY_CONCURRENCY,
      ResultPath: null,
      Next: S.AssignSocieties,
    });
    expect(state(S.ChooseTownPerCounty).ItemProcessor?.StartAt).toBe(S.ChooseTown);
    expect(state(S.ChooseTown)).toMatchObject({
      Parameters: { 'Payload.$': '$' },
      OutputPath: '$.Payload',
      Next: S.FrameFiveQuestions,
    });
    expect(state(S.FrameFiveQuestions)).toMatchObject({
      Parameters: { 'Payload.$': '$' },
      OutputPath: '$.Payload',
      Next: S.SaveDraftVisit,
    });
    // The framed visit goes into the table as JSON; nothing of it travels back in the payload.
    expect(state(S.SaveDraftVisit)).toMatchObject({
      Resource: expect.stringMatching(/:::dynamodb:putItem$/),
      Parameters: {
        Item: {
          pk: { 'S.$': "States.Format('SEASON#{}', $.season)" },
          sk: { 'S.$': "States.Format('DRAFT#{}', $.countyId)" },
          type: { S: 'draft' },
          visit: { 'S.$': 'States.JsonToString($)' },
        },
      },
      ResultSelector: {},
      End: true,
    });
    expect(state(S.SaveDraftVisit).ResultPath).toBeUndefined();
    expect(state(S.SaveDraftVisit).OutputPath).toBeUndefined();
  });

  it('assigns societies, persists the plan, then lists pending offers', () => {
    expect(state(S.AssignSocieties)).toMatchObject({
      Parameters: { Payload: { 'season.$': '$.season' } },
      ResultSelector: {
        'visits.$': '$.Payload.visits',
        'pairs.$': '$.Payload.pairs',
        'weight.$': '$.Payload.weight',
        'bound.$': '$.Payload.bound',
        'batches.$': '$.Payload.batches',
      },
      ResultPath: '$.plan',
      Next: S.PersistPlanPerBatch,
    });
    // The plan is written per batch of counties, a child execution each, never in one invocation.
    expect(state(S.PersistPlanPerBatch)).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.plan.batches',
      ItemSelector: { 'season.$': '$.season', 'batch.$': '$$.Map.Item.Value' },
      MaxConcurrency: PLAN_BATCH_CONCURRENCY,
      ResultPath: null,
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED' }, StartAt: S.PersistPlanBatch },
      Next: S.PersistPlan,
    });
    expect(state(S.PersistPlanBatch)).toMatchObject({
      Parameters: { Payload: { 'season.$': '$.season', 'batch.$': '$.batch' } },
      ResultSelector: {},
      End: true,
    });
    expect(state(S.PersistPlan)).toMatchObject({
      Parameters: { Payload: { 'season.$': '$.season' } },
      ResultSelector: { 'plannedAt.$': '$.Payload.plannedAt' },
      ResultPath: '$.persisted',
      Next: S.IsPlanApproved,
    });
    expect(state(S.ListPendingOffers)).toMatchObject({
      Parameters: { Payload: { 'season.$': '$.season', 'offerIds.$': '$.offerIds' } },
      ResultSelector: { 'offers.$': '$.Payload.offers' },
      ResultPath: '$.pending',
      Next: S.OfferEachSociety,
    });
  });

  it('reviews the plan before any offer: approved → offers, AUTO_APPROVE → approved at once, else notice and wait', () => {
    expect(state(S.IsPlanApproved)).toMatchObject({
      Type: 'Choice',
      Choices: [
        { Variable: '$.planApproved', BooleanEquals: true, Next: S.ListPendingOffers },
        { Variable: '$.autoApprove', BooleanEquals: true, Next: S.ApprovePlanAutomatically },
      ],
      Default: S.NotifyPlanReady,
    });
    expect(state(S.NotifyPlanReady)).toMatchObject({ Next: S.AwaitPlanApproval, TimeoutSeconds: 60 });
    const wait = state(S.AwaitPlanApproval);
    expect(wait.Resource).toMatch(/lambda:invoke\.waitForTaskToken$/);
    expect(wait.Parameters).toMatchObject({
      Payload: {
        'season.$': '$.season',
        'planApprovalSeconds.$': '$.planApprovalSeconds',
        'taskToken.$': '$$.Task.Token',
      },
    });
    expect(wait).toMatchObject({ TimeoutSecondsPath: '$.planApprovalSeconds', Next: S.ListPendingOffers });
    expect(wait.Catch).toEqual([
      { ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: S.ApprovePlanOnTimeout },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: S.RecordRoundFailure },
    ]);
    for (const [name, by] of [
      [S.ApprovePlanOnTimeout, 'timeout'],
      [S.ApprovePlanAutomatically, 'auto-approve'],
    ] as const) {
      expect(state(name)).toMatchObject({
        Parameters: { Payload: { 'season.$': '$.season', by } },
        ResultPath: null,
        Next: S.ListPendingOffers,
      });
    }
    expect(state(S.IsHandPlacement)).toMatchObject({
      Type: 'Choice',
      Choices: [{ Variable: '$.offerIds[0]', IsPresent: true, Next: S.HandPlacementDone }],
      Default: S.CompleteRound,
    });
  });

  it('offers each society its place and waits for the answer with the offer timeout', () => {
    expect(state(S.OfferEachSociety)).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.pending.offers',
      ItemSelector: {
        'season.$': '$.season',
        'offerId.$': '$$.Map.Item.Value.offerId',
        'offerTimeoutSeconds.$': '$.offerTimeoutSeconds',
        'autoAccept.$': '$.autoAccept',
      },
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } },
      MaxConcurrency: OFFER_CONCURRENCY,
      ResultPath: null,
      Next: S.IsHandPlacement,
    });
    expect(state(S.OfferEachSociety).ItemProcessor?.StartAt).toBe(S.SendOfferAndWaitForAnswer);
    const wait = state(S.SendOfferAndWaitForAnswer);
    expect(wait.Resource).toMatch(/lambda:invoke\.waitForTaskToken$/);
    expect(wait.Parameters).toEqual({
      FunctionName: fnArn('SendOfferAndWaitForAnswer'),
      Payload: {
        'season.$': '$.season',
        'offerId.$': '$.offerId',
        'offerTimeoutSeconds.$': '$.offerTimeoutSeconds',
        'autoAccept.$': '$.autoAccept',
        'taskToken.$': '$$.Task.Token',
      },
    });
    expect(wait.TimeoutSecondsPath).toBe('$.offerTimeoutSeconds');
    expect(wait.TimeoutSeconds).toBeUndefined();
    expect(wait.ResultPath).toBe('$.answer');
    expect(wait.Next).toBe(S.RecordAcceptance);
  });

  it('catches an expired offer (States.Timeout) and a declined one (OfferDeclined) separately', () => {
    expect(state(S.SendOfferAndWaitForAnswer).Catch).toEqual([
      { ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: S.RecordOfferExpired },
      { ErrorEquals: ['OfferDeclined'], ResultPath: '$.error', Next: S.RecordOfferDeclined },
    ]);
  });

  it('records each outcome with RecordAnswer; a refusal keeps the item state and looks for the next society', () => {
    expect(state(S.RecordAcceptance).Parameters?.Payload).toEqual({
      'season.$': '$.season',
      'offerId.$': '$.offerId',
      outcome: 'accepted',
      'by.$': '$.answer.by',
    });
    expect(state(S.RecordOfferDeclined).Parameters?.Payload).toEqual({
      'season.$': '$.season',
      'offerId.$': '$.offerId',
      outcome: 'declined',
      'cause.$': '$.error.Cause',
    });
    expect(state(S.RecordOfferExpired).Parameters?.Payload).toEqual({
      'season.$': '$.season',
      'offerId.$': '$.offerId',
      outcome: 'expired',
    });
    expect(state(S.RecordAcceptance)).toMatchObject({ ResultSelector: {}, End: true });
    expect(state(S.RecordAcceptance).OutputPath).toBeUndefined();
    for (const name of [S.RecordOfferDeclined, S.RecordOfferExpired]) {
      expect(state(name).ResultPath, name).toBeNull();
      expect(state(name).Next, name).toBe(S.FindNextSociety);
    }
  });

  it('finds the next society for a refused offer and keeps what it found under $.reassignment', () => {
    expect(state(S.FindNextSociety)).toMatchObject({
      Parameters: { Payload: { 'season.$': '$.season', 'offerId.$': '$.offerId' } },
      ResultSelector: {
        'nextOfferId.$': '$.Payload.nextOfferId',
        'attempt.$': '$.Payload.attempt',
        'unassignedNeedIds.$': '$.Payload.unassignedNeedIds',
        'alert.$': '$.Payload.alert',
      },
      ResultPath: '$.reassignment',
      Next: S.IsAnotherSocietyFound,
    });
  });

  it('loops back to the offer wait for a new society, alerts after quiet hours, or ends', () => {
    expect(state(S.IsAnotherSocietyFound)).toMatchObject({
      Type: 'Choice',
      Choices: [
        { Not: { Variable: '$.reassignment.nextOfferId', IsNull: true }, Next: S.OfferToNextSociety },
        { Not: { Variable: '$.reassignment.alert', IsNull: true }, Next: S.HoldAlertUntilDaytime },
      ],
      Default: S.NoNeedsLeftToMove,
    });
    expect(state(S.OfferToNextSociety)).toEqual({
      Type: 'Pass',
      Parameters: {
        'season.$': '$.season',
        'offerId.$': '$.reassignment.nextOfferId',
        'offerTimeoutSeconds.$': '$.offerTimeoutSeconds',
        'autoAccept.$': '$.autoAccept',
      },
      Next: S.SendOfferAndWaitForAnswer,
    });
    expect(state(S.HoldAlertUntilDaytime)).toEqual({
      Type: 'Wait',
      TimestampPath: '$.reassignment.alert.notBefore',
      Next: S.AlertCoordinator,
    });
    expect(state(S.NoNeedsLeftToMove)).toEqual({ Type: 'Pass', Result: {}, End: true });
  });

  it('alerts the coordinator with SNS Publish on the alert topic, ASCII subject, Chinese message', () => {
    const topicId = idOf(stack.notifications.topic);
    const publish = state(S.AlertCoordinator);
    expect(publish.Resource).toBe('arn:aws:states:::sns:publish');
    expect(publish.Parameters).toEqual({
      TopicArn: `arn:aws:sns:${PLACEHOLDER_REGION}:${PLACEHOLDER_ACCOUNT}:${topicId}`,
      'Subject.$': '$.reassignment.alert.subject',
      'Message.$': '$.reassignment.alert.message',
      MessageAttributes: {
        season: { DataType: 'String', 'StringValue.$': '$.season' },
        offerId: { DataType: 'String', 'StringValue.$': '$.offerId' },
        reason: { DataType: 'String', 'StringValue.$': '$.reassignment.alert.reason' },
        notBefore: { DataType: 'String', 'StringValue.$': '$.reassignment.alert.notBefore' },
      },
    });
    expect(publish).toMatchObject({ ResultSelector: {}, TimeoutSeconds: 60, End: true });
  });

  it('completes the round with its summary as output', () => {
    expect(state(S.CompleteRound)).toMatchObject({
      Parameters: { Payload: { 'season.$': '$.season' } },
      OutputPath: '$.Payload',
      End: true,
    });
  });

  it('sends every failure of the main flow to RecordRoundFailure, LoadRound via NameUnknownSeason', () => {
    const mainFlow = [
      S.ChooseTownPerCounty,
      S.AssignSocieties,
      S.PersistPlanPerBatch,
      S.PersistPlan,
      S.ListPendingOffers,
      S.OfferEachSociety,
      S.CompleteRound,
    ];
    for (const name of mainFlow) {
      expect(state(name).Catch, name).toEqual([
        { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: S.RecordRoundFailure },
      ]);
    }
    expect(state(S.LoadRound).Catch).toEqual([
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: S.NameUnknownSeason },
    ]);
    expect(state(S.NameUnknownSeason)).toEqual({
      Type: 'Pass',
      Parameters: { season: 'unknown', 'error.$': '$.error' },
      Next: S.RecordRoundFailure,
    });
  });

  it('writes the failure to the table with DynamoDB PutItem and ends in RoundFailed', () => {
    const tableId = idOf(stack.table.table);
    const record = state(S.RecordRoundFailure);
    expect(record.Resource).toBe('arn:aws:states:::dynamodb:putItem');
    expect(record.Parameters).toEqual({
      TableName: tableId,
      Item: {
        pk: { 'S.$': "States.Format('SEASON#{}', $.season)" },
        sk: { 'S.$': "States.Format('LOG#failed#{}', $$.Execution.Name)" },
        kind: { S: 'failed' },
        season: { 'S.$': '$.season' },
        error: { 'S.$': '$.error.Error' },
        cause: { 'S.$': '$.error.Cause' },
        executionId: { 'S.$': '$$.Execution.Id' },
        at: { 'S.$': '$$.Execution.StartTime' },
      },
    });
    expect(record.ResultPath).toBeNull();
    expect(record.Next).toBe(S.RoundFailed);
    expect(state(S.RoundFailed)).toMatchObject({ Type: 'Fail', Error: 'RoundFailed' });
  });
});
