/**
 * Drives the synthesized round definition down each Choice, Retry and Catch path with
 * aws-local-stepfunctions. The Lambda steps are replaced by small functions returning the Payload
 * wrapper the lambda:invoke integration returns; what is under test is the definition's routing
 * and data flow (Parameters, ItemSelector, ResultSelector, ResultPath), not the handlers.
 */
import { StateMachine } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import { LAMBDA_RETRY_ERRORS, ROUND_STATE_NAMES as S } from '#infra/round-state-machine';
import { allStates, forLocalRunner, stateMachineOf, synthRounds } from '#support/template';

const { json } = synthRounds();
const { definition } = stateMachineOf(json);
const localDefinition = forLocalRunner(definition);
const taskNames = Object.entries(allStates(definition))
  .filter(([, s]) => s.Type === 'Task')
  .map(([name]) => name);

// biome-ignore lint/suspicious/noExplicitAny: stubbed Lambda payloads
type Payload = any;
type Stub = (payload: Payload) => unknown;
interface Stubs {
  LoadRound: Stub;
  ChooseTown: Stub;
  FrameFiveQuestions: Stub;
  AssignSocieties: Stub;
  /** The PersistPlan function for one batch of counties (`{ season, batch }`). */
  PersistPlanBatch: Stub;
  /** The PersistPlan function once every batch is written (`{ season }`). */
  PersistPlan: Stub;
  /** The plan review's wait (.waitForTaskToken): what the approval sends back, or a never-settling promise. */
  AwaitPlanApproval: Stub;
  RecordPlanApproval: Stub;
  /** NotifyPlanReady's sns:publish effective input. */
  NotifyPlanReady: Stub;
  ListPendingOffers: Stub;
  SendOfferAndWaitForAnswer: Stub;
  RecordAnswer: Stub;
  FindNextSociety: Stub;
  /** The sns:publish integration's effective input (TopicArn, Subject, Message, MessageAttributes). */
  PublishAlert: Stub;
  CompleteRound: Stub;
}

const SEASON = '2026-Q2';
/** LoadRound's plan-review fields for a round whose plan needs no review (approved, or AUTO_APPROVE). */
const APPROVED = { planApproved: true, autoApprove: false, planApprovalSeconds: 259_200, offerIds: null };
const THEMES = ['talent', 'industry', 'literacy', 'advice', 'grassroots'];

function error(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

/** A step whose function fails every time with this error. */
const alwaysFails = (name: string, message: string) => () => {
  throw error(name, message);
};

/** A step whose function fails its first `times` calls with this error, and then answers as `then`. */
const failsFirst = (times: number, name: string, message: string, then: Stub): Stub => {
  let calls = 0;
  return (payload) => {
    calls += 1;
    if (calls <= times) throw error(name, message);
    return then(payload);
  };
};

const happyPath = (overrides: Partial<Stubs> = {}): Stubs => ({
  LoadRound: () => ({
    season: SEASON,
    autoAccept: false,
    offerTimeoutSeconds: 604_800,
    planExists: false,
    ...APPROVED,
    counties: [{ countyId: 'chunan' }, { countyId: 'jiande' }],
  }),
  ChooseTown: ({ season, countyId }) => ({
    season,
    countyId,
    townId: `${countyId}-town`,
    ranking: [],
    needs: [],
  }),
  FrameFiveQuestions: (chosen) => ({ ...chosen, questions: THEMES.map((theme) => ({ theme, needIds: [] })) }),
  AssignSocieties: () => ({
    visits: 2,
    pairs: 2,
    weight: 0,
    bound: 0,
    batches: [{ first: 'chunan', last: 'jiande' }],
  }),
  PersistPlanBatch: () => ({ visitsCreated: 2, offersCreated: 2 }),
  PersistPlan: () => ({ plannedAt: '2026-04-01T01:00:00.000Z' }),
  AwaitPlanApproval: () => ({ approvedBy: 'coordinator:c1' }),
  RecordPlanApproval: ({ season, by }) => ({ season, approvedBy: by, changed: true }),
  NotifyPlanReady: () => ({ MessageId: 'm-plan' }),
  ListPendingOffers: () => ({ offers: [{ offerId: 'o1' }, { offerId: 'o2' }] }),
  SendOfferAndWaitForAnswer: ({ offerId }) => ({ decision: 'accept', by: `lead-of-${offerId}` }),
  RecordAnswer: ({ offerId, outcome }) => ({ offerId, outcome }),
  FindNextSociety: () => ({ nextOfferId: null, attempt: 1, unassignedNeedIds: [], alert: null }),
  PublishAlert: () => ({ MessageId: 'm-1' }),
  CompleteRound: ({ season }) => ({
    season,
    visits: 2,
    offers: 2,
    accepted: 2,
    declined: 0,
    expired: 0,
    unassignedNeeds: 0,
  }),
  ...overrides,
});

interface Run {
  output?: unknown;
  failure?: { name: string; message: string };
  entered: string[];
  calls: Record<string, Payload[]>;
}

/** The round failed for good (RoundFailed), its failure recorded under this error's name. */
function expectFailedFor(run: Run, errorName: string): void {
  expect(run.calls[S.RecordRoundFailure]?.[0].Item.error).toEqual({ S: errorName });
  expect(run.failure?.name).toBe('RoundFailed');
}

async function runRound(stubs: Stubs, input: unknown = { season: SEASON }): Promise<Run> {
  const calls: Record<string, Payload[]> = {};
  const record = (state: string, value: unknown) => {
    calls[state] ??= [];
    calls[state].push(structuredClone(value));
  };
  const invoke = (state: string, stub: Stub) => async (effective: Payload) => {
    record(state, effective.Payload);
    return { StatusCode: 200, ExecutedVersion: '$LATEST', Payload: await stub(effective.Payload) };
  };
  const handlers: Record<string, (input: Payload) => Promise<unknown>> = {
    [S.LoadRound]: invoke(S.LoadRound, stubs.LoadRound),
    [S.ChooseTown]: invoke(S.ChooseTown, stubs.ChooseTown),
    [S.FrameFiveQuestions]: invoke(S.FrameFiveQuestions, stubs.FrameFiveQuestions),
    [S.AssignSocieties]: invoke(S.AssignSocieties, stubs.AssignSocieties),
    [S.PersistPlanBatch]: invoke(S.PersistPlanBatch, stubs.PersistPlanBatch),
    [S.PersistPlan]: invoke(S.PersistPlan, stubs.PersistPlan),
    [S.ListPendingOffers]: invoke(S.ListPendingOffers, stubs.ListPendingOffers),
    [S.AwaitPlanApproval]: async (effective: Payload) => {
      record(S.AwaitPlanApproval, effective.Payload);
      return stubs.AwaitPlanApproval(effective.Payload);
    },
    [S.ApprovePlanAutomatically]: invoke(S.ApprovePlanAutomatically, stubs.RecordPlanApproval),
    [S.ApprovePlanOnTimeout]: invoke(S.ApprovePlanOnTimeout, stubs.RecordPlanApproval),
    [S.NotifyPlanReady]: async (effective: Payload) => {
      record(S.NotifyPlanReady, effective);
      return stubs.NotifyPlanReady(effective);
    },
    [S.RecordAcceptance]: invoke(S.RecordAcceptance, stubs.RecordAnswer),
    [S.RecordOfferDeclined]: invoke(S.RecordOfferDeclined, stubs.RecordAnswer),
    [S.RecordOfferExpired]: invoke(S.RecordOfferExpired, stubs.RecordAnswer),
    [S.FindNextSociety]: invoke(S.FindNextSociety, stubs.FindNextSociety),
    [S.AlertCoordinator]: async (effective: Payload) => {
      record(S.AlertCoordinator, effective);
      return stubs.PublishAlert(effective);
    },
    [S.CompleteRound]: invoke(S.CompleteRound, stubs.CompleteRound),
    // .waitForTaskToken: the task's result is what SendTaskSuccess sends back, no Payload wrapper.
    [S.SendOfferAndWaitForAnswer]: async (effective: Payload) => {
      record(S.SendOfferAndWaitForAnswer, effective.Payload);
      return stubs.SendOfferAndWaitForAnswer(effective.Payload);
    },
    [S.SaveDraftVisit]: async (effective: Payload) => {
      record(S.SaveDraftVisit, effective);
      return {};
    },
    [S.RecordRoundFailure]: async (effective: Payload) => {
      record(S.RecordRoundFailure, effective);
      return {};
    },
  };
  expect(Object.keys(handlers).sort()).toEqual([...taskNames].sort());

  // The runner annotates the definition it is given (QueryLanguage on every state): give it a copy.
  const machine = new StateMachine(structuredClone(localDefinition) as never);
  const execution = machine.run(input as never, {
    overrides: {
      taskResourceLocalHandlers: handlers as never,
      retryIntervalOverrides: Object.fromEntries(taskNames.map((name) => [name, 0])),
    },
    context: {
      Execution: { Id: 'arn:aws:states:xx-test-1:123456789012:execution:Round:run-1', Name: 'run-1' },
      Task: { Token: 'task-token-1' },
    } as never,
  });
  const entered: string[] = [];
  const events = (async () => {
    for await (const event of execution.eventLogs) {
      if (event.type === 'StateEntered') entered.push(event.state.name);
    }
  })();
  try {
    const output = await execution.result;
    await events;
    return { output, entered, calls };
  } catch (e) {
    await events.catch(() => {});
    const cause = ((e as { cause?: Error }).cause ?? e) as Error;
    return { failure: { name: cause.name, message: cause.message }, entered, calls };
  }
}

describe('round paths (synthesized definition, local runner)', () => {
  it('plans a new season county by county, offers every place, records acceptances and completes', async () => {
    const run = await runRound(happyPath());

    expect(run.failure).toBeUndefined();
    expect(run.output).toEqual({
      season: SEASON,
      visits: 2,
      offers: 2,
      accepted: 2,
      declined: 0,
      expired: 0,
      unassignedNeeds: 0,
    });
    expect(run.calls[S.LoadRound]).toEqual([{ season: SEASON }]);
    expect(run.calls[S.ChooseTown]?.sort((a, b) => a.countyId.localeCompare(b.countyId))).toEqual([
      { season: SEASON, countyId: 'chunan' },
      { season: SEASON, countyId: 'jiande' },
    ]);
    // The framed visits travel by reference: each is put in the table, the planning steps get the season only.
    const drafts = run.calls[S.SaveDraftVisit]?.map((put: Payload) => ({
      key: [put.Item.pk.S, put.Item.sk.S],
      visit: JSON.parse(put.Item.visit.S),
    }));
    expect(
      drafts
        ?.sort((a, b) => a.key[1].localeCompare(b.key[1]))
        .map((d) => [d.key, d.visit.townId, d.visit.questions.length]),
    ).toEqual([
      [[`SEASON#${SEASON}`, 'DRAFT#chunan'], 'chunan-town', 5],
      [[`SEASON#${SEASON}`, 'DRAFT#jiande'], 'jiande-town', 5],
    ]);
    expect(run.calls[S.AssignSocieties]).toEqual([{ season: SEASON }]);
    expect(run.calls[S.PersistPlanBatch]).toEqual([
      { season: SEASON, batch: { first: 'chunan', last: 'jiande' } },
    ]);
    expect(run.calls[S.PersistPlan]).toEqual([{ season: SEASON }]);
    expect(run.calls[S.ListPendingOffers]).toEqual([{ season: SEASON, offerIds: null }]);
    expect(run.calls[S.SendOfferAndWaitForAnswer]).toContainEqual({
      season: SEASON,
      offerId: 'o1',
      offerTimeoutSeconds: 604_800,
      autoAccept: false,
      taskToken: 'task-token-1',
    });
    expect(run.calls[S.RecordAcceptance]?.sort((a, b) => a.offerId.localeCompare(b.offerId))).toEqual([
      { season: SEASON, offerId: 'o1', outcome: 'accepted', by: 'lead-of-o1' },
      { season: SEASON, offerId: 'o2', outcome: 'accepted', by: 'lead-of-o2' },
    ]);
    expect(run.calls[S.CompleteRound]).toEqual([{ season: SEASON }]);
    expect(run.entered).not.toContain(S.RecordRoundFailure);
  });

  it('goes straight to the pending offers when the season is already planned', async () => {
    const run = await runRound(
      happyPath({
        LoadRound: () => ({
          season: SEASON,
          autoAccept: true,
          offerTimeoutSeconds: 60,
          planExists: true,
          ...APPROVED,
          counties: [],
        }),
      }),
    );

    expect(run.failure).toBeUndefined();
    expect(run.entered.slice(0, 4)).toEqual([
      S.LoadRound,
      S.IsSeasonAlreadyPlanned,
      S.IsPlanApproved,
      S.ListPendingOffers,
    ]);
    for (const skipped of [
      S.ChooseTownPerCounty,
      S.ChooseTown,
      S.AssignSocieties,
      S.PersistPlanPerBatch,
      S.PersistPlan,
    ]) {
      expect(run.entered).not.toContain(skipped);
    }
    expect(run.calls[S.SendOfferAndWaitForAnswer]?.[0]).toMatchObject({
      autoAccept: true,
      offerTimeoutSeconds: 60,
    });
  });

  it('records a declined offer with the team’s reason and keeps the others', async () => {
    const run = await runRound(
      happyPath({
        SendOfferAndWaitForAnswer: ({ offerId }) => {
          if (offerId === 'o2') throw error('OfferDeclined', 'no capacity this season');
          return { decision: 'accept', by: 'lead-of-o1' };
        },
      }),
    );

    expect(run.failure).toBeUndefined();
    expect(run.calls[S.RecordAcceptance]).toEqual([
      { season: SEASON, offerId: 'o1', outcome: 'accepted', by: 'lead-of-o1' },
    ]);
    expect(run.calls[S.RecordOfferDeclined]).toEqual([
      { season: SEASON, offerId: 'o2', outcome: 'declined', cause: 'no capacity this season' },
    ]);
    expect(run.calls[S.SendOfferAndWaitForAnswer]).toHaveLength(2);
    expect(run.entered).toContain(S.CompleteRound);
  });

  it('records an offer nobody answers within offerTimeoutSeconds as expired', async () => {
    const run = await runRound(
      happyPath({
        LoadRound: () => ({
          season: SEASON,
          autoAccept: false,
          offerTimeoutSeconds: 1,
          planExists: true,
          ...APPROVED,
          counties: [],
        }),
        ListPendingOffers: () => ({ offers: [{ offerId: 'o1' }] }),
        SendOfferAndWaitForAnswer: () => new Promise(() => {}),
      }),
    );

    expect(run.failure).toBeUndefined();
    expect(run.calls[S.RecordOfferExpired]).toEqual([{ season: SEASON, offerId: 'o1', outcome: 'expired' }]);
    expect(run.entered).not.toContain(S.RecordAcceptance);
    expect(run.entered).toContain(S.CompleteRound);
  });

  it.each([...LAMBDA_RETRY_ERRORS])(
    'retries %s and carries on when the next attempt succeeds',
    async (name) => {
      const run = await runRound(
        happyPath({ CompleteRound: failsFirst(2, name, 'transient', happyPath().CompleteRound) }),
      );

      expect(run.failure).toBeUndefined();
      expect(run.calls[S.CompleteRound]).toHaveLength(3);
      expect(run.entered).not.toContain(S.RecordRoundFailure);
    },
  );

  it('gives up after three retries and records the round failure under its season', async () => {
    const run = await runRound(
      happyPath({
        PersistPlan: alwaysFails('RetryableError', 'table throttled'),
      }),
    );

    expect(run.calls[S.PersistPlan]).toHaveLength(4);
    expect(run.calls[S.RecordRoundFailure]).toEqual([
      {
        TableName: expect.any(String),
        Item: {
          pk: { S: `SEASON#${SEASON}` },
          sk: { S: 'LOG#failed#run-1' },
          kind: { S: 'failed' },
          season: { S: SEASON },
          error: { S: 'RetryableError' },
          cause: { S: 'table throttled' },
          executionId: { S: 'arn:aws:states:xx-test-1:123456789012:execution:Round:run-1' },
          at: { S: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) },
        },
      },
    ]);
    expect(run.entered.slice(-2)).toEqual([S.RecordRoundFailure, S.RoundFailed]);
    expect(run.failure?.name).toBe('RoundFailed');
    expect(run.calls[S.ListPendingOffers]).toBeUndefined();
  });

  it('does not retry an error that is not transient', async () => {
    const run = await runRound(
      happyPath({
        AssignSocieties: alwaysFails('InvalidInputError', 'visits[0].questions: expected 5 items'),
      }),
    );

    expect(run.calls[S.AssignSocieties]).toHaveLength(1);
    expectFailedFor(run, 'InvalidInputError');
  });

  // A step that ran out of its own time once and then succeeded must not fail the round.
  it('retries a step whose function ran out of time once, and completes the round when the retry succeeds', async () => {
    const run = await runRound(
      happyPath({
        // What middy throws just before the Lambda timeout, in AWS and locally alike.
        PersistPlan: failsFirst(1, 'TimeoutError', '[AbortError]: The operation was aborted.', () => ({
          plannedAt: '2026-04-01T01:00:00.000Z',
        })),
      }),
    );

    expect(run.failure).toBeUndefined();
    expect(run.calls[S.PersistPlan]).toHaveLength(2);
    expect(run.entered).not.toContain(S.RecordRoundFailure);
    expect(run.entered.at(-1)).toBe(S.CompleteRound);
  });

  it('fails the round when the function runs out of time a second time', async () => {
    const run = await runRound(
      happyPath({
        PersistPlan: alwaysFails('TimeoutError', '[AbortError]: The operation was aborted.'),
      }),
    );

    expect(run.calls[S.PersistPlan]).toHaveLength(2);
    expectFailedFor(run, 'TimeoutError');
  });

  it('retries Lambda throttling up to eight times before failing the round', async () => {
    const throttledSixTimes = await runRound(
      happyPath({
        ListPendingOffers: failsFirst(6, 'Lambda.TooManyRequestsException', 'Rate Exceeded.', () => ({
          offers: [{ offerId: 'o1' }],
        })),
      }),
    );
    expect(throttledSixTimes.failure).toBeUndefined();
    expect(throttledSixTimes.calls[S.ListPendingOffers]).toHaveLength(7);

    const alwaysThrottled = await runRound(
      happyPath({
        ListPendingOffers: alwaysFails('Lambda.TooManyRequestsException', 'Rate Exceeded.'),
      }),
    );
    expect(alwaysThrottled.calls[S.ListPendingOffers]).toHaveLength(9);
    expect(alwaysThrottled.failure?.name).toBe('RoundFailed');
  });

  it('retries an invocation the Lambda client gave up on (ClientExecutionTimeoutException)', async () => {
    const run = await runRound(
      happyPath({
        CompleteRound: failsFirst(
          1,
          'Lambda.ClientExecutionTimeoutException',
          'timed out',
          happyPath().CompleteRound,
        ),
      }),
    );
    expect(run.failure).toBeUndefined();
    expect(run.calls[S.CompleteRound]).toHaveLength(2);
  });

  it('fails the round when one county cannot be planned (the Map’s catch)', async () => {
    const run = await runRound(
      happyPath({
        FrameFiveQuestions: (chosen) => {
          if (chosen.countyId === 'jiande') throw error('NotFoundError', 'town jiande-town not found');
          return { ...chosen, questions: [] };
        },
      }),
    );

    expect(run.entered).toContain(S.RecordRoundFailure);
    expect(run.calls[S.RecordRoundFailure]?.[0].Item.pk).toEqual({ S: `SEASON#${SEASON}` });
    expect(run.calls[S.AssignSocieties]).toBeUndefined();
    expect(run.failure?.name).toBe('RoundFailed');
  });

  it('fails the round when recording an answer fails for good (the offer Map’s catch)', async () => {
    const run = await runRound(
      happyPath({
        RecordAnswer: alwaysFails('ConflictError', 'capacity exceeded'),
      }),
    );

    expect(run.calls[S.CompleteRound]).toBeUndefined();
    expectFailedFor(run, 'ConflictError');
  });

  it('records a LoadRound failure under the season "unknown", since no season is known yet', async () => {
    const run = await runRound(
      happyPath({
        LoadRound: alwaysFails('InvalidInputError', 'season: expected YYYY-Qn'),
      }),
      { season: 'not-a-season' },
    );

    expect(run.entered.slice(0, 2)).toEqual([S.LoadRound, S.NameUnknownSeason]);
    expect(run.calls[S.RecordRoundFailure]?.[0].Item).toMatchObject({
      pk: { S: 'SEASON#unknown' },
      sk: { S: 'LOG#failed#run-1' },
      season: { S: 'unknown' },
      error: { S: 'InvalidInputError' },
      cause: { S: 'season: expected YYYY-Qn' },
    });
    expect(run.failure?.name).toBe('RoundFailed');
  });
});

const PAST = '2020-01-01T00:00:00.000Z';
const alert = (reason: string) => ({
  reason,
  subject: `Mountain rounds ${SEASON}: needs unassigned`,
  message: '以下需求暂未分派 / needs unassigned',
  notBefore: PAST,
});
const oneOffer = (overrides: Partial<Stubs>) =>
  happyPath({
    LoadRound: () => ({
      season: SEASON,
      autoAccept: false,
      offerTimeoutSeconds: 60,
      planExists: true,
      ...APPROVED,
      counties: [],
    }),
    ListPendingOffers: () => ({ offers: [{ offerId: 'o1' }] }),
    ...overrides,
  });

describe('reassignment paths (offers and reassignment, docs/rules.md)', () => {
  it('moves a declined offer to the next society found, and waits for that society’s answer', async () => {
    const run = await runRound(
      oneOffer({
        SendOfferAndWaitForAnswer: ({ offerId }) => {
          if (offerId === 'o1') throw error('OfferDeclined', '人手不足');
          return { decision: 'accept', by: `lead-of-${offerId}` };
        },
        FindNextSociety: ({ offerId }) => ({
          nextOfferId: `${offerId}-next`,
          attempt: 2,
          unassignedNeedIds: [],
          alert: null,
        }),
      }),
    );

    expect(run.failure).toBeUndefined();
    expect(
      run.entered.filter(
        (n) =>
          n !== S.LoadRound &&
          n !== S.IsSeasonAlreadyPlanned &&
          n !== S.IsPlanApproved &&
          n !== S.ListPendingOffers,
      ),
    ).toEqual([
      S.OfferEachSociety,
      S.SendOfferAndWaitForAnswer,
      S.RecordOfferDeclined,
      S.FindNextSociety,
      S.IsAnotherSocietyFound,
      S.OfferToNextSociety,
      S.SendOfferAndWaitForAnswer,
      S.RecordAcceptance,
      S.IsHandPlacement,
      S.CompleteRound,
    ]);
    expect(run.calls[S.FindNextSociety]).toEqual([{ season: SEASON, offerId: 'o1' }]);
    expect(run.calls[S.SendOfferAndWaitForAnswer]?.[1]).toEqual({
      season: SEASON,
      offerId: 'o1-next',
      offerTimeoutSeconds: 60,
      autoAccept: false,
      taskToken: 'task-token-1',
    });
    expect(run.calls[S.RecordAcceptance]).toEqual([
      { season: SEASON, offerId: 'o1-next', outcome: 'accepted', by: 'lead-of-o1-next' },
    ]);
    expect(run.calls[S.AlertCoordinator]).toBeUndefined();
  });

  it('moves an expired offer on as well (the States.Timeout catch leads to FindNextSociety)', async () => {
    let sent = 0;
    const run = await runRound(
      oneOffer({
        LoadRound: () => ({
          season: SEASON,
          autoAccept: false,
          offerTimeoutSeconds: 1,
          planExists: true,
          ...APPROVED,
          counties: [],
        }),
        SendOfferAndWaitForAnswer: () => {
          sent += 1;
          return sent === 1 ? new Promise(() => {}) : { decision: 'accept', by: 'second' };
        },
        FindNextSociety: () => ({ nextOfferId: 'o2', attempt: 2, unassignedNeedIds: [], alert: null }),
      }),
    );

    expect(run.failure).toBeUndefined();
    expect(run.calls[S.RecordOfferExpired]).toEqual([{ season: SEASON, offerId: 'o1', outcome: 'expired' }]);
    expect(run.calls[S.FindNextSociety]).toEqual([{ season: SEASON, offerId: 'o1' }]);
    expect(run.calls[S.RecordAcceptance]).toEqual([
      { season: SEASON, offerId: 'o2', outcome: 'accepted', by: 'second' },
    ]);
  });

  it('alerts the coordinator through SNS after the third refusal, once quiet hours are over', async () => {
    const run = await runRound(
      oneOffer({
        SendOfferAndWaitForAnswer: alwaysFails('OfferDeclined', 'no'),
        FindNextSociety: ({ offerId }) => {
          const tries = offerId === 'o1' ? 1 : offerId === 'o1-2' ? 2 : 3;
          return tries < 3
            ? { nextOfferId: `o1-${tries + 1}`, attempt: tries + 1, unassignedNeedIds: [], alert: null }
            : { nextOfferId: null, attempt: 3, unassignedNeedIds: ['n1'], alert: alert('tries-exhausted') };
        },
      }),
    );

    expect(run.failure).toBeUndefined();
    expect(run.calls[S.SendOfferAndWaitForAnswer]?.map((p: Payload) => p.offerId)).toEqual([
      'o1',
      'o1-2',
      'o1-3',
    ]);
    expect(run.calls[S.RecordOfferDeclined]).toHaveLength(3);
    expect(run.entered.slice(-5)).toEqual([
      S.IsAnotherSocietyFound,
      S.HoldAlertUntilDaytime,
      S.AlertCoordinator,
      S.IsHandPlacement,
      S.CompleteRound,
    ]);
    expect(run.calls[S.AlertCoordinator]).toEqual([
      {
        TopicArn: expect.any(String),
        Subject: `Mountain rounds ${SEASON}: needs unassigned`,
        Message: '以下需求暂未分派 / needs unassigned',
        MessageAttributes: {
          season: { DataType: 'String', StringValue: SEASON },
          offerId: { DataType: 'String', StringValue: 'o1-3' },
          reason: { DataType: 'String', StringValue: 'tries-exhausted' },
          notBefore: { DataType: 'String', StringValue: PAST },
        },
      },
    ]);
  });

  it('alerts the coordinator at once when no society can take the needs', async () => {
    const run = await runRound(
      oneOffer({
        SendOfferAndWaitForAnswer: alwaysFails('OfferDeclined', 'no'),
        FindNextSociety: () => ({
          nextOfferId: null,
          attempt: 1,
          unassignedNeedIds: ['n1'],
          alert: alert('no-society'),
        }),
      }),
    );

    expect(run.calls[S.SendOfferAndWaitForAnswer]).toHaveLength(1);
    expect(run.entered).not.toContain(S.OfferToNextSociety);
    expect(run.calls[S.AlertCoordinator]?.[0].MessageAttributes.reason).toEqual({
      DataType: 'String',
      StringValue: 'no-society',
    });
  });

  it('ends the item quietly when there is nothing left to move (e.g. the needs were resolved meanwhile)', async () => {
    const run = await runRound(
      oneOffer({
        SendOfferAndWaitForAnswer: alwaysFails('OfferDeclined', 'no'),
      }),
    );

    expect(run.failure).toBeUndefined();
    expect(run.entered).toContain(S.NoNeedsLeftToMove);
    expect(run.entered).not.toContain(S.AlertCoordinator);
    expect(run.entered).toContain(S.CompleteRound);
  });

  it('retries a failed SNS publish, then carries on', async () => {
    const run = await runRound(
      oneOffer({
        SendOfferAndWaitForAnswer: alwaysFails('OfferDeclined', 'no'),
        FindNextSociety: () => ({
          nextOfferId: null,
          attempt: 1,
          unassignedNeedIds: ['n1'],
          alert: alert('no-society'),
        }),
        PublishAlert: failsFirst(2, 'States.TaskFailed', 'SNS throttled', () => ({ MessageId: 'm-3' })),
      }),
    );

    expect(run.failure).toBeUndefined();
    expect(run.calls[S.AlertCoordinator]).toHaveLength(3);
    expect(run.entered).toContain(S.CompleteRound);
  });

  it('fails the round when finding the next society fails for good (the offer Map’s catch)', async () => {
    const run = await runRound(
      oneOffer({
        SendOfferAndWaitForAnswer: alwaysFails('OfferDeclined', 'no'),
        FindNextSociety: alwaysFails('RetryableError', 'table throttled'),
      }),
    );

    expect(run.calls[S.FindNextSociety]).toHaveLength(4);
    expectFailedFor(run, 'RetryableError');
  });
});

describe('plan review paths (the coordinator’s word before any offer, docs/rules.md)', () => {
  const unapproved = (fields: Record<string, unknown> = {}) => ({
    season: SEASON,
    autoAccept: false,
    offerTimeoutSeconds: 604_800,
    planExists: false,
    planApproved: false,
    autoApprove: false,
    planApprovalSeconds: 259_200,
    planApprovalWords: { zh: '3 天', en: '3 days' },
    offerIds: null,
    counties: [{ countyId: 'chunan' }],
    ...fields,
  });

  it('tells the coordinator and waits for the approval after PersistPlan, then sends the offers', async () => {
    const run = await runRound(happyPath({ LoadRound: () => unapproved() }));

    expect(run.failure).toBeUndefined();
    const persisted = run.entered.indexOf(S.PersistPlan);
    expect(run.entered.slice(persisted, persisted + 5)).toEqual([
      S.PersistPlan,
      S.IsPlanApproved,
      S.NotifyPlanReady,
      S.AwaitPlanApproval,
      S.ListPendingOffers,
    ]);
    expect(run.calls[S.AwaitPlanApproval]).toEqual([
      { season: SEASON, planApprovalSeconds: 259_200, taskToken: 'task-token-1' },
    ]);
    const notice = run.calls[S.NotifyPlanReady]?.[0];
    expect(notice.Subject).toBe(`Mountain rounds ${SEASON}: the plan is ready for review`);
    expect(notice.Message).toContain(`【${SEASON} 科技服务】本季计划已生成`);
    expect(notice.Message).toContain('3 天内未批准');
    expect(notice.Message).toContain('without approval within 3 days');
    expect(notice.Message).not.toContain('259200');
    expect(notice.MessageAttributes.kind).toEqual({ DataType: 'String', StringValue: 'plan-ready' });
    expect(notice.MessageAttributes.messageId).toEqual({
      DataType: 'String',
      StringValue: `plan-ready#${SEASON}`,
    });
    expect(run.calls[S.ApprovePlanOnTimeout]).toBeUndefined();
    expect(run.calls[S.ApprovePlanAutomatically]).toBeUndefined();
    expect(run.calls[S.SendOfferAndWaitForAnswer]).toHaveLength(2);
    expect(run.calls[S.CompleteRound]).toHaveLength(1);
  });

  it('approves the plan on timeout (States.Timeout catch), logs it and sends the offers', async () => {
    const run = await runRound(
      happyPath({
        LoadRound: () => unapproved({ planApprovalSeconds: 1 }),
        AwaitPlanApproval: () => new Promise(() => {}),
      }),
    );

    expect(run.failure).toBeUndefined();
    expect(run.calls[S.ApprovePlanOnTimeout]).toEqual([{ season: SEASON, by: 'timeout' }]);
    const approved = run.entered.indexOf(S.ApprovePlanOnTimeout);
    expect(run.entered[approved - 1]).toBe(S.AwaitPlanApproval);
    expect(run.entered[approved + 1]).toBe(S.ListPendingOffers);
    expect(run.calls[S.SendOfferAndWaitForAnswer]).toHaveLength(2);
  });

  it('skips the wait with AUTO_APPROVE: ApprovePlanAutomatically, no notice, no waiting task', async () => {
    const run = await runRound(happyPath({ LoadRound: () => unapproved({ autoApprove: true }) }));

    expect(run.failure).toBeUndefined();
    expect(run.calls[S.ApprovePlanAutomatically]).toEqual([{ season: SEASON, by: 'auto-approve' }]);
    expect(run.calls[S.AwaitPlanApproval]).toBeUndefined();
    expect(run.calls[S.NotifyPlanReady]).toBeUndefined();
    expect(run.calls[S.SendOfferAndWaitForAnswer]).toHaveLength(2);
  });

  it('a re-run while the plan waits does not plan twice: straight to the review', async () => {
    const run = await runRound(happyPath({ LoadRound: () => unapproved({ planExists: true }) }));

    expect(run.failure).toBeUndefined();
    expect(run.entered.slice(0, 5)).toEqual([
      S.LoadRound,
      S.IsSeasonAlreadyPlanned,
      S.IsPlanApproved,
      S.NotifyPlanReady,
      S.AwaitPlanApproval,
    ]);
    expect(run.calls[S.ChooseTown]).toBeUndefined();
    expect(run.calls[S.PersistPlan]).toBeUndefined();
  });

  it('an approved plan is not reviewed again (a re-run after approval)', async () => {
    const run = await runRound(
      happyPath({ LoadRound: () => unapproved({ planExists: true, planApproved: true }) }),
    );

    expect(run.failure).toBeUndefined();
    expect(run.calls[S.AwaitPlanApproval]).toBeUndefined();
    expect(run.calls[S.ApprovePlanAutomatically]).toBeUndefined();
    expect(run.entered).toContain(S.CompleteRound);
  });

  it('fails the round when the review step fails for good (its catch-all)', async () => {
    const run = await runRound(
      happyPath({
        LoadRound: () => unapproved(),
        AwaitPlanApproval: alwaysFails('InvalidInputError', 'bad payload'),
      }),
    );

    expect(run.failure?.name).toBe('RoundFailed');
    expect(run.calls[S.RecordRoundFailure]).toHaveLength(1);
    expect(run.calls[S.ListPendingOffers]).toBeUndefined();
  });

  it('a hand placement sends only its offer and does not complete the round again', async () => {
    const run = await runRound(
      happyPath({
        LoadRound: () => unapproved({ planExists: true, planApproved: true, offerIds: ['o9'] }),
        ListPendingOffers: ({ offerIds }) => ({ offers: offerIds.map((offerId: string) => ({ offerId })) }),
      }),
      { season: SEASON, offerIds: ['o9'] },
    );

    expect(run.failure).toBeUndefined();
    expect(run.calls[S.ListPendingOffers]).toEqual([{ season: SEASON, offerIds: ['o9'] }]);
    expect(run.calls[S.SendOfferAndWaitForAnswer]?.map((p: Payload) => p.offerId)).toEqual(['o9']);
    expect(run.entered.at(-1)).toBe(S.HandPlacementDone);
    expect(run.calls[S.CompleteRound]).toBeUndefined();
  });
});

describe('forLocalRunner', () => {
  it('runs both Distributed Maps inline over the same items, selector and concurrency', () => {
    for (const name of [S.ChooseTownPerCounty, S.OfferEachSociety]) {
      const original = definition.States[name] as unknown as {
        ItemProcessor: { ProcessorConfig: Record<string, string> };
      };
      const local = localDefinition.States[name] as unknown as {
        ItemProcessor: { ProcessorConfig: Record<string, string> };
      };
      expect(original.ItemProcessor.ProcessorConfig).toMatchObject({
        Mode: 'DISTRIBUTED',
        ExecutionType: 'STANDARD',
      });
      expect(local.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'INLINE' });
    }
  });

  it('points TimeoutSecondsPath at the same value inside the effective input, leaves Lambda Task timeouts to the runner, and changes nothing else', () => {
    const wait = (d: typeof definition) =>
      d.States[S.OfferEachSociety]?.ItemProcessor?.States[S.SendOfferAndWaitForAnswer];
    expect(wait(definition)?.TimeoutSecondsPath).toBe('$.offerTimeoutSeconds');
    expect(wait(localDefinition)?.TimeoutSecondsPath).toBe('$.Payload.offerTimeoutSeconds');
    // The runner times a Lambda Task from its invocation's start; the local runner's own timer never fires.
    expect(allStates(definition)[S.PersistPlan]?.TimeoutSeconds).toBe(40);
    expect(allStates(localDefinition)[S.PersistPlan]?.TimeoutSeconds).toBe(14 * 24 * 3600);
    // The plan review's wait as well: its timeout is PLAN_APPROVAL_SECONDS, passed in its Payload.
    const review = (d: typeof definition) => d.States[S.AwaitPlanApproval];
    expect(review(definition)?.TimeoutSecondsPath).toBe('$.planApprovalSeconds');
    expect(review(localDefinition)?.TimeoutSecondsPath).toBe('$.Payload.planApprovalSeconds');
    const strip = (d: typeof definition) => {
      const c = structuredClone(d);
      delete (wait(c) as { TimeoutSecondsPath?: string }).TimeoutSecondsPath;
      delete (review(c) as { TimeoutSecondsPath?: string }).TimeoutSecondsPath;
      for (const state of Object.values(allStates(c)) as { Resource?: string; TimeoutSeconds?: number }[]) {
        if (state.Resource?.endsWith(':::lambda:invoke')) delete state.TimeoutSeconds;
      }
      for (const name of [S.ChooseTownPerCounty, S.PersistPlanPerBatch, S.OfferEachSociety]) {
        delete (c.States[name] as unknown as { ItemProcessor: { ProcessorConfig?: unknown } }).ItemProcessor
          .ProcessorConfig;
      }
      return c;
    };
    expect(strip(localDefinition)).toEqual(strip(definition));
  });
});
