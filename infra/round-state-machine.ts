import { Aws, CfnElement, Duration, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { keyFormats } from '#schemas/keys';
import type { RoundFunctionId } from '../functions/registry.ts';
import { nagArnParts } from './cdk-nag-ids.ts';
import { isChina } from './china.ts';

/** Every state of the round, by name. Tests and the embedded runtime refer to states through these. */
export const ROUND_STATE_NAMES = {
  LoadRound: 'LoadRound',
  IsSeasonAlreadyPlanned: 'IsSeasonAlreadyPlanned',
  ChooseTownPerCounty: 'ChooseTownPerCounty',
  ChooseTown: 'ChooseTown',
  FrameFiveQuestions: 'FrameFiveQuestions',
  SaveDraftVisit: 'SaveDraftVisit',
  AssignSocieties: 'AssignSocieties',
  PersistPlanPerBatch: 'PersistPlanPerBatch',
  PersistPlanBatch: 'PersistPlanBatch',
  PersistPlan: 'PersistPlan',
  IsPlanApproved: 'IsPlanApproved',
  ApprovePlanAutomatically: 'ApprovePlanAutomatically',
  NotifyPlanReady: 'NotifyPlanReady',
  AwaitPlanApproval: 'AwaitPlanApproval',
  ApprovePlanOnTimeout: 'ApprovePlanOnTimeout',
  ListPendingOffers: 'ListPendingOffers',
  OfferEachSociety: 'OfferEachSociety',
  SendOfferAndWaitForAnswer: 'SendOfferAndWaitForAnswer',
  RecordAcceptance: 'RecordAcceptance',
  RecordOfferDeclined: 'RecordOfferDeclined',
  RecordOfferExpired: 'RecordOfferExpired',
  FindNextSociety: 'FindNextSociety',
  IsAnotherSocietyFound: 'IsAnotherSocietyFound',
  OfferToNextSociety: 'OfferToNextSociety',
  HoldAlertUntilDaytime: 'HoldAlertUntilDaytime',
  AlertCoordinator: 'AlertCoordinator',
  NoNeedsLeftToMove: 'NoNeedsLeftToMove',
  IsHandPlacement: 'IsHandPlacement',
  HandPlacementDone: 'HandPlacementDone',
  CompleteRound: 'CompleteRound',
  NameUnknownSeason: 'NameUnknownSeason',
  RecordRoundFailure: 'RecordRoundFailure',
  RoundFailed: 'RoundFailed',
} as const;
export type RoundStateName = (typeof ROUND_STATE_NAMES)[keyof typeof ROUND_STATE_NAMES];

/**
 * Errors every Lambda step retries quickly: Lambda's own transient failures, an invocation the
 * client gave up on (`ClientExecutionTimeoutException`), and our handlers' `RetryableError`.
 */
export const LAMBDA_RETRY_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.ClientExecutionTimeoutException',
  'RetryableError',
] as const;

/**
 * Lambda throttling (the account's concurrency is used up): retried on its own, longer backoff
 * with full jitter so a burst of child executions spreads out instead of retrying in step:
 * up to 5 s, 10 s, 20 s … capped at 2 minutes, eight retries (about 8 minutes in all).
 */
export const LAMBDA_THROTTLE_ERRORS = ['Lambda.TooManyRequestsException'] as const;
export const THROTTLE_RETRY_INTERVAL = Duration.seconds(5);
export const THROTTLE_RETRY_MAX_DELAY = Duration.minutes(2);
export const THROTTLE_RETRY_MAX_ATTEMPTS = 8;

/**
 * A function that ran out of its own time: `TimeoutError` is what middy throws just before the
 * Lambda timeout (every handler runs under middy), `Lambda.Unknown` what Step Functions reports when
 * Lambda itself stops a function (a timeout middy could not pre-empt, or out of memory; see
 * https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html). Every round
 * step is idempotent (deterministic keys, conditional writes), so it gets one more try.
 */
export const FUNCTION_TIMEOUT_ERRORS = ['TimeoutError', 'Lambda.Unknown'] as const;
export const FUNCTION_TIMEOUT_RETRY_MAX_ATTEMPTS = 1;
/**
 * How much longer a Lambda Task waits than its function may run. The Task's own timeout
 * (States.Timeout) must never fire first: Step Functions would move on (or retry) while the timed-out
 * invocation still runs and writes, racing the retry; the function's own timeout stops it cleanly.
 */
export const TASK_TIMEOUT_MARGIN = Duration.seconds(10);

/** Transient DynamoDB errors the failure recorder retries. */
export const DYNAMODB_RETRY_ERRORS = [
  'DynamoDB.ProvisionedThroughputExceededException',
  'DynamoDB.RequestLimitExceeded',
  'DynamoDB.ThrottlingException',
  'DynamoDB.InternalServerErrorException',
] as const;

/**
 * Errors the coordinator alert (SNS Publish) retries: any task failure. A duplicate alert is
 * harmless, a lost one is not.
 */
export const SNS_RETRY_ERRORS = ['States.TaskFailed'] as const;

/**
 * Wait states that hold a message for quiet hours (22:00–07:00 Asia/Shanghai). The embedded runtime
 * passes them at once: locally the alert goes to the outbox, whose dispatcher holds it until `notBefore`.
 */
export const QUIET_HOURS_WAIT_STATES: readonly string[] = ['HoldAlertUntilDaytime'];

/**
 * Offers in flight at once (default). The offers run as a Distributed Map (one child execution per
 * offer), so no single execution's history nears Step Functions' 25,000 events. Each running child
 * may be in a Lambda step, so the Map's concurrency is bounded below the default account Lambda
 * concurrency (1,000, shared with the county Map's 100 and the API): at most 800 offers wait at
 * once, and the next offer starts as soon as one is answered or expires. A national round (about
 * 3,000 offers) sends all of them on day one only with a raised account quota and
 * `offerConcurrency` raised to match (at most 10,000, the Distributed Map's limit).
 */
export const OFFER_CONCURRENCY = 800;
/** The Distributed Map's own ceiling on parallel child executions. */
export const DISTRIBUTED_MAP_MAX_CONCURRENCY = 10_000;
/** Counties planned at once (each a child execution: ChooseTown → FrameFiveQuestions → SaveDraftVisit). */
export const COUNTY_CONCURRENCY = 100;
/**
 * Batches of the plan written at once (PersistPlanPerBatch; each writes up to 16 items at a time):
 * writing the plan is not urgent, and the batches' offers contend for the societies' capacity items.
 */
export const PLAN_BATCH_CONCURRENCY = 2;

/** Retry shape shared by every Task: 2 s, then 4 s, then 8 s; three retries at most. */
export const RETRY_INTERVAL = Duration.seconds(2);
export const RETRY_BACKOFF_RATE = 2;
export const RETRY_MAX_ATTEMPTS = 3;
/** Explicit timeout of the non-Lambda Tasks (DynamoDB PutItem, SNS Publish). */
export const TASK_TIMEOUT = Duration.seconds(60);

/**
 * An item's key written by the state machine itself (States.Format): one of keyFormats, its `{}`s
 * filled from the state at the given paths.
 */
function formattedKey(
  format: { pk: string; sk: string },
  pkPath: string,
  skPath: string,
): Record<'pk' | 'sk', tasks.DynamoAttributeValue> {
  return {
    pk: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.format(format.pk, sfn.JsonPath.stringAt(pkPath))),
    sk: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.format(format.sk, sfn.JsonPath.stringAt(skPath))),
  };
}

/** The shared Retry shape on a Task, for the given errors. */
function retryWith<T extends sfn.TaskStateBase>(task: T, errors: readonly string[]): T {
  if (errors === LAMBDA_RETRY_ERRORS) {
    // First, so a throttled invocation gets the long backoff rather than the short one.
    task.addRetry({
      errors: [...LAMBDA_THROTTLE_ERRORS],
      interval: THROTTLE_RETRY_INTERVAL,
      backoffRate: RETRY_BACKOFF_RATE,
      maxAttempts: THROTTLE_RETRY_MAX_ATTEMPTS,
      maxDelay: THROTTLE_RETRY_MAX_DELAY,
      jitterStrategy: sfn.JitterType.FULL,
    });
    task.addRetry({
      errors: [...FUNCTION_TIMEOUT_ERRORS],
      interval: RETRY_INTERVAL,
      maxAttempts: FUNCTION_TIMEOUT_RETRY_MAX_ATTEMPTS,
    });
  }
  task.addRetry({
    errors: [...errors],
    interval: RETRY_INTERVAL,
    backoffRate: RETRY_BACKOFF_RATE,
    maxAttempts: RETRY_MAX_ATTEMPTS,
  });
  return task;
}

/**
 * What each Distributed Map child ends with: nothing. Without a ResultWriter a Distributed Map
 * gathers every child's output into its result (256 KiB at most, else States.DataLimitExceeded),
 * even when its ResultPath discards that result; everything a child did is in the table.
 */
export const CHILD_OUTPUT: Readonly<Record<string, never>> = {};

/** What completing a waiting offer calls (functions/commons/task-tokens.ts), and all a grant allows. */
export const TASK_ANSWER_ACTIONS = ['states:SendTaskSuccess', 'states:SendTaskFailure'] as const;

/** The error a team's decline is reported with (SendTaskFailure); matches `OFFER_DECLINED` in functions/commons/errors.ts. */
export const OFFER_DECLINED_ERROR = 'OfferDeclined';
/** The error a failed round ends with. */
export const ROUND_FAILED_ERROR = 'RoundFailed';
/** Season recorded when the round failed before its season was known (LoadRound failed). */
export const UNKNOWN_SEASON = 'unknown';

/** The Lambda functions the round invokes, by registry id. */
export type RoundFunctions = Readonly<Record<RoundFunctionId, lambda.Function>>;

export interface RoundStateMachineProps {
  /** One function per `ROUND_FUNCTIONS` entry. */
  readonly functions: RoundFunctions;
  /** The table the failure entry is written to (only `dynamodb:PutItem` is granted). */
  readonly table: dynamodb.ITable;
  /** The coordinator alert topic (only `sns:Publish` on it is granted). */
  readonly alertTopic: sns.ITopic;
  /**
   * Offers in flight at once (the offer Map's MaxConcurrency); raise it together with the
   * account's Lambda concurrency quota.
   * @default OFFER_CONCURRENCY (800)
   */
  readonly offerConcurrency?: number;
  /**
   * Retention of the state machine's log group.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the log group when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * The quarterly round (一季一镇，一镇五问): a Standard workflow in JSONPath.
 *
 * LoadRound → IsSeasonAlreadyPlanned
 *   ├─ planExists → ListPendingOffers
 *   └─ otherwise → ChooseTownPerCounty [ChooseTown → FrameFiveQuestions → SaveDraftVisit]
 *                  → AssignSocieties → PersistPlanPerBatch [PersistPlanBatch] → PersistPlan
 *                  → ListPendingOffers
 * ListPendingOffers → OfferEachSociety [SendOfferAndWaitForAnswer (.waitForTaskToken)
 *     → RecordAcceptance | States.Timeout → RecordOfferExpired | OfferDeclined → RecordOfferDeclined
 *     RecordOfferExpired / RecordOfferDeclined → FindNextSociety → IsAnotherSocietyFound
 *       ├─ a new offer (try 2 or 3) → OfferToNextSociety → SendOfferAndWaitForAnswer
 *       ├─ an alert (3 tries done, or no society left) → HoldAlertUntilDaytime → AlertCoordinator (SNS)
 *       └─ nothing to move → NoNeedsLeftToMove] → CompleteRound
 * The Maps are Distributed Maps (a child execution per county, batch of counties or offer) and the plan travels by
 * reference: each county's draft visit is an item in the table (SaveDraftVisit), AssignSocieties and
 * PersistPlan read and write those items, and the payloads carry only the season and ids.
 * Any main-flow failure → RecordRoundFailure (DynamoDB PutItem) → RoundFailed;
 * a LoadRound failure passes NameUnknownSeason first, since the season is not known yet.
 */
export class RoundStateMachine extends Construct {
  public readonly stateMachine: sfn.StateMachine;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: RoundStateMachineProps) {
    super(scope, id);
    const fns = props.functions;
    const N = ROUND_STATE_NAMES;
    const offerConcurrency = props.offerConcurrency ?? OFFER_CONCURRENCY;
    if (
      !Number.isInteger(offerConcurrency) ||
      offerConcurrency < 1 ||
      offerConcurrency > DISTRIBUTED_MAP_MAX_CONCURRENCY
    ) {
      throw new Error(
        `offerConcurrency must be a whole number from 1 to ${DISTRIBUTED_MAP_MAX_CONCURRENCY}, got ${offerConcurrency}`,
      );
    }

    // ---- failure path --------------------------------------------------------------------
    const roundFailed = new sfn.Fail(this, N.RoundFailed, {
      error: ROUND_FAILED_ERROR,
      causePath: sfn.JsonPath.stringAt('$.error.Cause'),
    });
    const recordRoundFailure = this.putItem(N.RecordRoundFailure, {
      table: props.table,
      item: {
        ...formattedKey(keyFormats.roundFailure, '$.season', '$$.Execution.Name'),
        kind: tasks.DynamoAttributeValue.fromString('failed'),
        season: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$.season')),
        error: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$.error.Error')),
        cause: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$.error.Cause')),
        executionId: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$$.Execution.Id')),
        at: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$$.Execution.StartTime')),
      },
      resultPath: sfn.JsonPath.DISCARD,
    });
    const onFailure = recordRoundFailure.next(roundFailed);
    // LoadRound failed: the state is still the execution input, which may carry no (valid) season.
    // A Pass cannot fail, so the failure entry always has a key.
    const nameUnknownSeason = new sfn.Pass(this, N.NameUnknownSeason, {
      parameters: { season: UNKNOWN_SEASON, error: sfn.JsonPath.objectAt('$.error') },
    }).next(recordRoundFailure);
    const catchAll: sfn.CatchProps = { errors: [sfn.Errors.ALL], resultPath: '$.error' };

    // ---- planning ------------------------------------------------------------------------
    const loadRound = this.invoke(N.LoadRound, fns.LoadRound, {
      payload: sfn.TaskInput.fromJsonPathAt('$'),
      outputPath: '$.Payload',
    });
    loadRound.addCatch(nameUnknownSeason, catchAll);

    const chooseTown = this.invoke(N.ChooseTown, fns.ChooseTown, {
      payload: sfn.TaskInput.fromJsonPathAt('$'),
      outputPath: '$.Payload',
    });
    const frameFiveQuestions = this.invoke(N.FrameFiveQuestions, fns.FrameFiveQuestions, {
      payload: sfn.TaskInput.fromJsonPathAt('$'),
      outputPath: '$.Payload',
    });
    // The framed visit is kept in the table, not returned: each child ends with `{}` (see
    // CHILD_OUTPUT), so the Map's gathered result stays far below 256 KiB at any county count.
    const saveDraftVisit = this.putItem(N.SaveDraftVisit, {
      table: props.table,
      item: {
        ...formattedKey(keyFormats.draft, '$.season', '$.countyId'),
        type: tasks.DynamoAttributeValue.fromString('draft'),
        visit: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$'))),
      },
      resultSelector: CHILD_OUTPUT,
    });
    const chooseTownPerCounty = new sfn.DistributedMap(this, N.ChooseTownPerCounty, {
      itemsPath: '$.counties',
      itemSelector: {
        season: sfn.JsonPath.stringAt('$.season'),
        countyId: sfn.JsonPath.stringAt('$$.Map.Item.Value.countyId'),
      },
      maxConcurrency: COUNTY_CONCURRENCY,
      mapExecutionType: sfn.StateMachineType.STANDARD,
      resultPath: sfn.JsonPath.DISCARD,
    });
    chooseTownPerCounty.itemProcessor(chooseTown.next(frameFiveQuestions).next(saveDraftVisit));
    chooseTownPerCounty.addCatch(onFailure, catchAll);

    const assignSocieties = this.invoke(N.AssignSocieties, fns.AssignSocieties, {
      payload: sfn.TaskInput.fromObject({ season: sfn.JsonPath.stringAt('$.season') }),
      resultSelector: {
        visits: sfn.JsonPath.numberAt('$.Payload.visits'),
        pairs: sfn.JsonPath.numberAt('$.Payload.pairs'),
        weight: sfn.JsonPath.numberAt('$.Payload.weight'),
        bound: sfn.JsonPath.numberAt('$.Payload.bound'),
        batches: sfn.JsonPath.listAt('$.Payload.batches'),
      },
      resultPath: '$.plan',
    });
    assignSocieties.addCatch(onFailure, catchAll);

    // The plan is written per range of counties (a child execution each), so no invocation's work
    // grows with the country; then PersistPlan marks the round planned.
    const persistPlanBatch = this.invoke(N.PersistPlanBatch, fns.PersistPlan, {
      payload: sfn.TaskInput.fromObject({
        season: sfn.JsonPath.stringAt('$.season'),
        batch: sfn.JsonPath.objectAt('$.batch'),
      }),
      resultSelector: CHILD_OUTPUT,
    });
    const persistPlanPerBatch = new sfn.DistributedMap(this, N.PersistPlanPerBatch, {
      itemsPath: '$.plan.batches',
      itemSelector: {
        season: sfn.JsonPath.stringAt('$.season'),
        batch: sfn.JsonPath.objectAt('$$.Map.Item.Value'),
      },
      maxConcurrency: PLAN_BATCH_CONCURRENCY,
      mapExecutionType: sfn.StateMachineType.STANDARD,
      resultPath: sfn.JsonPath.DISCARD,
    });
    persistPlanPerBatch.itemProcessor(persistPlanBatch);
    persistPlanPerBatch.addCatch(onFailure, catchAll);
    const markRoundPlanned = this.invoke(N.PersistPlan, fns.PersistPlan, {
      payload: sfn.TaskInput.fromObject({ season: sfn.JsonPath.stringAt('$.season') }),
      resultSelector: { plannedAt: sfn.JsonPath.stringAt('$.Payload.plannedAt') },
      resultPath: '$.persisted',
    });
    markRoundPlanned.addCatch(onFailure, catchAll);
    const persistPlan = sfn.Chain.start(persistPlanPerBatch).next(markRoundPlanned);

    // ---- offers --------------------------------------------------------------------------
    const listPendingOffers = this.invoke(N.ListPendingOffers, fns.ListPendingOffers, {
      payload: sfn.TaskInput.fromObject({
        season: sfn.JsonPath.stringAt('$.season'),
        offerIds: sfn.JsonPath.objectAt('$.offerIds'),
      }),
      resultSelector: { offers: sfn.JsonPath.listAt('$.Payload.offers') },
      resultPath: '$.pending',
    });
    listPendingOffers.addCatch(onFailure, catchAll);
    // The plan review (the coordinator's word, docs/rules.md) comes before any offer goes out.
    const planReview = this.planReview(props, listPendingOffers, onFailure, catchAll);

    const sendOfferAndWait = this.invoke(N.SendOfferAndWaitForAnswer, fns.SendOfferAndWaitForAnswer, {
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: sfn.TaskInput.fromObject({
        season: sfn.JsonPath.stringAt('$.season'),
        offerId: sfn.JsonPath.stringAt('$.offerId'),
        offerTimeoutSeconds: sfn.JsonPath.numberAt('$.offerTimeoutSeconds'),
        autoAccept: sfn.JsonPath.stringAt('$.autoAccept'),
        taskToken: sfn.JsonPath.taskToken,
      }),
      // The callback wait lasts as long as the season's offer timeout (7 days by default).
      taskTimeout: sfn.Timeout.at('$.offerTimeoutSeconds'),
      resultPath: '$.answer',
    });
    const recordAcceptance = this.invoke(N.RecordAcceptance, fns.RecordAnswer, {
      payload: sfn.TaskInput.fromObject({
        season: sfn.JsonPath.stringAt('$.season'),
        offerId: sfn.JsonPath.stringAt('$.offerId'),
        outcome: 'accepted',
        by: sfn.JsonPath.stringAt('$.answer.by'),
      }),
      // The last state of an offer's child: its output joins the Map's gathered result.
      resultSelector: CHILD_OUTPUT,
    });
    // A refusal keeps the item's state (season, offer, timeout) for the reassignment that follows.
    const recordRefusal = (
      name: RoundStateName,
      outcome: 'declined' | 'expired',
      extra: Record<string, string>,
    ) =>
      this.invoke(name, fns.RecordAnswer, {
        payload: sfn.TaskInput.fromObject({
          season: sfn.JsonPath.stringAt('$.season'),
          offerId: sfn.JsonPath.stringAt('$.offerId'),
          outcome,
          ...extra,
        }),
        resultPath: sfn.JsonPath.DISCARD,
      });
    const recordOfferDeclined = recordRefusal(N.RecordOfferDeclined, 'declined', {
      cause: sfn.JsonPath.stringAt('$.error.Cause'),
    });
    const recordOfferExpired = recordRefusal(N.RecordOfferExpired, 'expired', {});
    sendOfferAndWait.addCatch(recordOfferExpired, { errors: [sfn.Errors.TIMEOUT], resultPath: '$.error' });
    sendOfferAndWait.addCatch(recordOfferDeclined, { errors: [OFFER_DECLINED_ERROR], resultPath: '$.error' });

    // ---- reassignment (offers and reassignment, docs/rules.md) -----------------------------------------------------------
    const findNextSociety = this.invoke(N.FindNextSociety, fns.FindNextSociety, {
      payload: sfn.TaskInput.fromObject({
        season: sfn.JsonPath.stringAt('$.season'),
        offerId: sfn.JsonPath.stringAt('$.offerId'),
      }),
      resultSelector: {
        nextOfferId: sfn.JsonPath.stringAt('$.Payload.nextOfferId'),
        attempt: sfn.JsonPath.numberAt('$.Payload.attempt'),
        unassignedNeedIds: sfn.JsonPath.listAt('$.Payload.unassignedNeedIds'),
        alert: sfn.JsonPath.objectAt('$.Payload.alert'),
      },
      resultPath: '$.reassignment',
    });
    recordOfferDeclined.next(findNextSociety);
    recordOfferExpired.next(findNextSociety);

    // The loop: the new offer replaces the item's offer; nothing else of the old wait is carried.
    const offerToNextSociety = new sfn.Pass(this, N.OfferToNextSociety, {
      parameters: {
        season: sfn.JsonPath.stringAt('$.season'),
        offerId: sfn.JsonPath.stringAt('$.reassignment.nextOfferId'),
        offerTimeoutSeconds: sfn.JsonPath.numberAt('$.offerTimeoutSeconds'),
        autoAccept: sfn.JsonPath.stringAt('$.autoAccept'),
      },
    }).next(sendOfferAndWait);

    // Quiet hours: FindNextSociety computed the first moment outside 22:00–07:00 Asia/Shanghai.
    const holdAlertUntilDaytime = new sfn.Wait(this, N.HoldAlertUntilDaytime, {
      time: sfn.WaitTime.timestampPath('$.reassignment.alert.notBefore'),
    });
    const alertCoordinator = new tasks.SnsPublish(this, N.AlertCoordinator, {
      topic: props.alertTopic,
      subject: sfn.JsonPath.stringAt('$.reassignment.alert.subject'),
      message: sfn.TaskInput.fromJsonPathAt('$.reassignment.alert.message'),
      messageAttributes: {
        season: { value: sfn.JsonPath.stringAt('$.season') },
        offerId: { value: sfn.JsonPath.stringAt('$.offerId') },
        reason: { value: sfn.JsonPath.stringAt('$.reassignment.alert.reason') },
        notBefore: { value: sfn.JsonPath.stringAt('$.reassignment.alert.notBefore') },
      },
      // The last state of an offer's child: its output joins the Map's gathered result.
      resultSelector: CHILD_OUTPUT,
      taskTimeout: sfn.Timeout.duration(TASK_TIMEOUT),
    });
    retryWith(alertCoordinator, SNS_RETRY_ERRORS);
    holdAlertUntilDaytime.next(alertCoordinator);

    // `Not IsNull` rather than `IsNull: false`: the same meaning, and aws-local-stepfunctions 3.0
    // evaluates `IsNull: false` as always false.
    const isAnotherSocietyFound = new sfn.Choice(this, N.IsAnotherSocietyFound)
      .when(sfn.Condition.not(sfn.Condition.isNull('$.reassignment.nextOfferId')), offerToNextSociety)
      .when(sfn.Condition.not(sfn.Condition.isNull('$.reassignment.alert')), holdAlertUntilDaytime)
      // A Pass, not a Succeed: a Succeed would end the child with its whole state as output.
      .otherwise(new sfn.Pass(this, N.NoNeedsLeftToMove, { result: sfn.Result.fromObject(CHILD_OUTPUT) }));
    findNextSociety.next(isAnotherSocietyFound);

    const offerEachSociety = new sfn.DistributedMap(this, N.OfferEachSociety, {
      itemsPath: '$.pending.offers',
      itemSelector: {
        season: sfn.JsonPath.stringAt('$.season'),
        offerId: sfn.JsonPath.stringAt('$$.Map.Item.Value.offerId'),
        offerTimeoutSeconds: sfn.JsonPath.numberAt('$.offerTimeoutSeconds'),
        autoAccept: sfn.JsonPath.stringAt('$.autoAccept'),
      },
      maxConcurrency: offerConcurrency,
      // Child executions wait on task tokens for days: Standard, not Express.
      mapExecutionType: sfn.StateMachineType.STANDARD,
      resultPath: sfn.JsonPath.DISCARD,
    });
    offerEachSociety.itemProcessor(sendOfferAndWait.next(recordAcceptance));
    offerEachSociety.addCatch(onFailure, catchAll);

    const completeRound = this.invoke(N.CompleteRound, fns.CompleteRound, {
      payload: sfn.TaskInput.fromObject({ season: sfn.JsonPath.stringAt('$.season') }),
      outputPath: '$.Payload',
    });
    completeRound.addCatch(onFailure, catchAll);

    // ---- wiring --------------------------------------------------------------------------
    // A hand placement's execution sends its one offer and leaves the round's completion to the round.
    const isHandPlacement = new sfn.Choice(this, N.IsHandPlacement)
      .when(sfn.Condition.isPresent('$.offerIds[0]'), new sfn.Succeed(this, N.HandPlacementDone))
      .otherwise(completeRound);
    listPendingOffers.next(offerEachSociety).next(isHandPlacement);
    const isSeasonAlreadyPlanned = new sfn.Choice(this, N.IsSeasonAlreadyPlanned)
      .when(sfn.Condition.booleanEquals('$.planExists', true), planReview)
      .otherwise(chooseTownPerCounty.next(assignSocieties).next(persistPlan).next(planReview));
    const definition = loadRound.next(isSeasonAlreadyPlanned);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      // The vendedlogs prefix keeps CloudWatch's resource policy for Step Functions logging small.
      // The name ends in the stack's id (a UUID per stack creation), not a fixed name: a log group
      // retained from a failed first deploy or a deleted stack never blocks the next create.
      logGroupName: Fn.join('', [
        `/aws/vendedlogs/states/${Stack.of(this).stackName}-round-`,
        Fn.select(2, Fn.split('/', Aws.STACK_ID)),
      ]),
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      comment:
        'Quarterly science-service round: one town per county, five questions per town (一季一镇，一镇五问).',
      stateMachineType: sfn.StateMachineType.STANDARD,
      queryLanguage: sfn.QueryLanguage.JSON_PATH,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      logs: { destination: this.logGroup, level: sfn.LogLevel.ERROR, includeExecutionData: false },
      // No X-Ray in AWS China (docs/deploy.md, AWS China).
      tracingEnabled: !isChina(this),
    });
    if (isChina(this))
      for (const id of ['AwsSolutions-SF2', 'Serverless-StepFunctionStateMachineXray'])
        Validations.of(this.stateMachine).acknowledge({
          id,
          reason:
            'No X-Ray in AWS China (docs/deploy.md, AWS China): the execution history and its log group remain.',
        });

    this.acknowledgeFindings(props);
  }

  /**
   * IsPlanApproved: an approved plan (a re-run, a hand placement) goes straight to the offers;
   * AUTO_APPROVE approves it at once; otherwise the coordinator is told (NotifyPlanReady, SNS) and
   * the round waits (AwaitPlanApproval, a task token kept on the round) until
   * POST /seasons/{season}/plan/approve, or PLAN_APPROVAL_SECONDS, after which ApprovePlanOnTimeout
   * approves it and the round log says so.
   */
  private planReview(
    props: RoundStateMachineProps,
    listPendingOffers: sfn.IChainable,
    onFailure: sfn.IChainable,
    catchAll: sfn.CatchProps,
  ): sfn.Choice {
    const N = ROUND_STATE_NAMES;
    const fns = props.functions;
    const recordApproval = (name: RoundStateName, by: 'auto-approve' | 'timeout') => {
      const task = this.invoke(name, fns.RecordPlanApproval, {
        payload: sfn.TaskInput.fromObject({ season: sfn.JsonPath.stringAt('$.season'), by }),
        resultPath: sfn.JsonPath.DISCARD,
      });
      task.addCatch(onFailure, catchAll);
      return task.next(listPendingOffers);
    };
    const notifyPlanReady = new tasks.SnsPublish(this, N.NotifyPlanReady, {
      topic: props.alertTopic,
      subject: sfn.JsonPath.format(
        'Mountain rounds {}: the plan is ready for review',
        sfn.JsonPath.stringAt('$.season'),
      ),
      message: sfn.TaskInput.fromText(
        sfn.JsonPath.format(
          '【{} 科技服务】本季计划已生成，请在计划审核页审核、调整并批准；{}内未批准将自动按此计划发出邀请。\nThe {} plan is ready: review, adjust and approve it on the plan review page; without approval within {} its offers go out as planned.',
          sfn.JsonPath.stringAt('$.season'),
          sfn.JsonPath.stringAt('$.planApprovalWords.zh'),
          sfn.JsonPath.stringAt('$.season'),
          sfn.JsonPath.stringAt('$.planApprovalWords.en'),
        ),
      ),
      messageAttributes: {
        season: { value: sfn.JsonPath.stringAt('$.season') },
        messageId: { value: sfn.JsonPath.format('plan-ready#{}', sfn.JsonPath.stringAt('$.season')) },
        kind: { value: 'plan-ready' },
      },
      resultPath: sfn.JsonPath.DISCARD,
      taskTimeout: sfn.Timeout.duration(TASK_TIMEOUT),
    });
    retryWith(notifyPlanReady, SNS_RETRY_ERRORS);
    notifyPlanReady.addCatch(onFailure, catchAll);
    const awaitPlanApproval = this.invoke(N.AwaitPlanApproval, fns.AwaitPlanApproval, {
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: sfn.TaskInput.fromObject({
        season: sfn.JsonPath.stringAt('$.season'),
        planApprovalSeconds: sfn.JsonPath.numberAt('$.planApprovalSeconds'),
        taskToken: sfn.JsonPath.taskToken,
      }),
      // The review lasts PLAN_APPROVAL_SECONDS (3 days by default); then the plan goes out as it is.
      taskTimeout: sfn.Timeout.at('$.planApprovalSeconds'),
      resultPath: '$.approval',
    });
    awaitPlanApproval.addCatch(recordApproval(N.ApprovePlanOnTimeout, 'timeout'), {
      errors: [sfn.Errors.TIMEOUT],
      resultPath: '$.error',
    });
    awaitPlanApproval.addCatch(onFailure, catchAll);
    awaitPlanApproval.next(listPendingOffers);
    return new sfn.Choice(this, N.IsPlanApproved)
      .when(sfn.Condition.booleanEquals('$.planApproved', true), listPendingOffers)
      .when(
        sfn.Condition.booleanEquals('$.autoApprove', true),
        recordApproval(N.ApprovePlanAutomatically, 'auto-approve'),
      )
      .otherwise(notifyPlanReady.next(awaitPlanApproval));
  }

  /**
   * A Lambda step: request-response (Payload wrapper kept), timing out TASK_TIMEOUT_MARGIN after
   * its function would, our Retry and nothing else.
   */
  private invoke(
    name: RoundStateName,
    fn: lambda.Function,
    props: Omit<
      tasks.LambdaInvokeProps,
      'lambdaFunction' | 'retryOnServiceExceptions' | 'payloadResponseOnly'
    >,
  ): tasks.LambdaInvoke {
    if (!fn.timeout) throw new Error(`round function ${fn.node.id} has no explicit timeout`);
    const task = new tasks.LambdaInvoke(this, name, {
      taskTimeout: sfn.Timeout.duration(
        Duration.seconds(fn.timeout.toSeconds() + TASK_TIMEOUT_MARGIN.toSeconds()),
      ),
      ...props,
      lambdaFunction: fn,
      payloadResponseOnly: false,
      retryOnServiceExceptions: false,
    });
    return retryWith(task, LAMBDA_RETRY_ERRORS);
  }

  /** A DynamoDB PutItem step: timing out after TASK_TIMEOUT, with the shared DynamoDB retries. */
  private putItem(
    name: RoundStateName,
    props: Omit<tasks.DynamoPutItemProps, 'taskTimeout'>,
  ): tasks.DynamoPutItem {
    const task = new tasks.DynamoPutItem(this, name, {
      ...props,
      taskTimeout: sfn.Timeout.duration(TASK_TIMEOUT),
    });
    return retryWith(task, DYNAMODB_RETRY_ERRORS);
  }

  /**
   * Lets a function complete this round's waiting offers: exactly the two calls
   * functions/commons/task-tokens.ts makes, SendTaskSuccess and SendTaskFailure.
   *
   * On "*": the Service Authorization Reference lists no resource type for either action
   * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsstepfunctions.html),
   * so IAM authorizes them only with "Resource": "*". A grant on the state machine's ARN (what CDK's
   * grantTaskResponse writes) is nowhere documented to cover the tokens of Distributed Map child
   * executions, which run under the map run's ARN (`stateMachine:<name>/<label>`), nor any other.
   * The task token, unguessable and handed only to the one waiting execution, is the capability.
   */
  public grantTaskAnswer(grantee: iam.IGrantable & { role?: iam.IRole | undefined }): iam.Grant {
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: [...TASK_ANSWER_ACTIONS],
      resourceArns: ['*'],
    });
    if (grantee.role) {
      Validations.of(grantee.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Only actions without resource-level permissions use "*": X-Ray (xray:PutTraceSegments, xray:PutTelemetryRecords) and the task-token answers states:SendTaskSuccess / states:SendTaskFailure (the token is the capability).',
      });
    }
    return grant;
  }

  private acknowledgeFindings(props: RoundStateMachineProps): void {
    const role = this.stateMachine.role;
    const stack = Stack.of(this);
    for (const fn of new Set(Object.values(props.functions))) {
      const cfn = fn.node.defaultChild;
      if (!(cfn instanceof CfnElement)) continue;
      const logicalId = stack.getLogicalId(cfn);
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
        reason: `The lambda:invoke integration grants ${fn.node.id} and its qualified versions/aliases (<arn>:*); nothing beyond that function.`,
      });
    }
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only CloudWatch Logs delivery (logs:CreateLogDelivery, logs:DescribeLogGroups, …) and X-Ray (xray:PutTraceSegments, …) actions use "*"; neither service supports resource-level permissions for them.',
    });
    // The Distributed Maps' policy: describe, stop and redrive this state machine's own executions
    // (`execution:<name>:*`) and their child executions (`execution:<name>/*:*`), nothing else.
    const machineName = `{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${stack.getLogicalId(this.stateMachine.node.defaultChild as CfnElement)}"}]}]}`;
    // Spelled as cdk-nag spells it under a concrete account/region as well as without one.
    const { partition, region, account } = nagArnParts(stack);
    const executionArnPrefix = `arn:${partition}:states:${region}:${account}:execution:${machineName}`;
    for (const suffix of [':*', '/*:*']) {
      Validations.of(this.stateMachine).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${executionArnPrefix}${suffix}]`,
        reason:
          'The Distributed Maps (a child execution per county and per offer) must describe, stop and redrive the executions of this state machine only; execution ARNs are not known in advance.',
      });
    }
    Validations.of(this.stateMachine).acknowledge({
      id: 'AwsSolutions-SF1',
      reason:
        "Logs ERROR without execution data on purpose: payloads carry liaisons' needs and names (personal data); every failure is also written to the table as a round log entry.",
    });
  }
}
