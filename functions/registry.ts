import { acceptAssignment, declineAssignment, listAssignments } from './routes/assignments.ts';
import {
  catalogTemplate,
  createCounty,
  createSociety,
  getCounties,
  importCatalog,
  listAudit,
  listSocieties,
  removeCounty,
  removeSociety,
  updateCounty,
  updateSociety,
} from './routes/catalog.ts';
import { getOpenApi } from './routes/meta.ts';
import { getNeed, listNeeds, patchNeed, postNeed, withdrawNeed } from './routes/needs.ts';
import { getSeasonQuestions, putSeasonQuestions } from './routes/questions.ts';
import type { RouteDeclaration } from './routes/route.ts';
import {
  approveSeasonPlan,
  getSeasonPlan,
  getSeasonReport,
  listUnassignedNeeds,
  placeNeed,
  putSeasonOverrides,
  startRound,
} from './routes/seasons.ts';
import {
  createSession,
  createUser,
  listUsers,
  reinviteUser,
  renewSession,
  revokeUser,
} from './routes/users.ts';
import { fileVisitReport, getVisit, getVisitLog } from './routes/visits.ts';

/**
 * What a function's role may do on the table: `none` (no TABLE_NAME), `read`, `readWrite`, or
 * `outbox` (read, plus claiming and settling due messages: infra/table.ts).
 */
export type TableAccess = 'none' | 'read' | 'readWrite' | 'outbox';

/**
 * A function's wiring, declared once: its entry file (relative to the repo root) and what its role
 * may do. The CDK stack builds one NodejsFunction per entry and grants exactly this; the embedded
 * runtime maps a synthesized function back to its entry through the construct id, and holds its
 * calls to the synthesized policy, so both run the very same handler under the same rights.
 */
export interface FunctionWiring {
  readonly entry: string;
  readonly table: TableAccess;
}

/** A step of the round: `answerTasks` = SendTaskSuccess/SendTaskFailure on the round. */
export interface RoundFunctionWiring extends FunctionWiring {
  readonly answerTasks?: true;
}

/**
 * An HTTP API function. `round`: `start` = states:StartExecution (and STATE_MACHINE_ARN), `answer` =
 * SendTaskSuccess/SendTaskFailure. `localOnly`: served by the embedded runtime and not deployed.
 */
export interface ApiFunctionWiring extends FunctionWiring {
  readonly round?: 'start' | 'answer';
  readonly localOnly?: true;
}

/**
 * The round's steps, one per state that runs a Lambda and named after it (a function several
 * states share is named after the function). FrameFiveQuestions is pure (no table); only the steps
 * that write get readWrite. None publishes: the state machine sends the coordinator alert itself,
 * the notifications go out through the outbox's dispatcher.
 */
export const ROUND_FUNCTIONS = {
  LoadRound: { entry: 'functions/round/load-round.ts', table: 'read' },
  ChooseTown: { entry: 'functions/round/choose-town.ts', table: 'read' },
  FrameFiveQuestions: { entry: 'functions/round/frame-five-questions.ts', table: 'none' },
  // Writes each draft visit's assignment back: the plan travels by reference, not in the payload.
  AssignSocieties: { entry: 'functions/round/assign-societies.ts', table: 'readWrite' },
  // PersistPlanBatch and PersistPlan.
  PersistPlan: { entry: 'functions/round/persist-plan.ts', table: 'readWrite' },
  // Keeps the plan review's token on the round; completes its own wait when approved already.
  AwaitPlanApproval: {
    entry: 'functions/round/await-plan-approval.ts',
    table: 'readWrite',
    answerTasks: true,
  },
  // ApprovePlanAutomatically and ApprovePlanOnTimeout.
  RecordPlanApproval: { entry: 'functions/round/record-plan-approval.ts', table: 'readWrite' },
  ListPendingOffers: { entry: 'functions/round/list-pending-offers.ts', table: 'read' },
  // Completes its own wait when the offer was answered already or is auto-accepted (SendTask*).
  SendOfferAndWaitForAnswer: {
    entry: 'functions/round/send-offer-and-wait-for-answer.ts',
    table: 'readWrite',
    answerTasks: true,
  },
  // RecordAcceptance, RecordOfferDeclined and RecordOfferExpired.
  RecordAnswer: { entry: 'functions/round/record-answer.ts', table: 'readWrite' },
  FindNextSociety: { entry: 'functions/round/find-next-society.ts', table: 'readWrite' },
  CompleteRound: { entry: 'functions/round/complete-round.ts', table: 'readWrite' },
} as const satisfies Record<string, RoundFunctionWiring>;
export type RoundFunctionId = keyof typeof ROUND_FUNCTIONS;

/** Functions started by a schedule of their own (not the round, not the API). */
export const SCHEDULED_FUNCTIONS = {
  /** Sends the outbox's due notifications (infra/outbox.ts grants the senders). */
  DispatchOutbox: { entry: 'functions/triggers/dispatch-outbox.ts', table: 'outbox' },
  /** Starts the quarter's round under the season's execution name (infra/schedule.ts). */
  StartScheduledRound: { entry: 'functions/triggers/start-scheduled-round.ts', table: 'read' },
} as const satisfies Record<string, FunctionWiring>;

/** Functions Cognito invokes (infra/auth.ts). */
export const IDENTITY_FUNCTIONS = {
  /** Pre-token generation (V2_0): the role, county and society claims into the access token. */
  AddTokenClaims: { entry: 'functions/triggers/add-token-claims.ts', table: 'none' },
} as const satisfies Record<string, FunctionWiring>;

/** A route as declared in functions/routes/ (method, path, access, schemas, responses, body limit). */
export type ApiRoute = RouteDeclaration & { readonly functionId: ApiFunctionId };

/** The HTTP API's functions: least privilege each; a read-only one reads the table and nothing more. */
export const API_FUNCTIONS = {
  GetCounties: { entry: 'functions/api/get-counties.ts', table: 'read' },
  GetSeasonPlan: { entry: 'functions/api/get-season-plan.ts', table: 'read' },
  PostNeed: { entry: 'functions/api/post-need.ts', table: 'readWrite' },
  ListNeeds: { entry: 'functions/api/list-needs.ts', table: 'read' },
  GetNeed: { entry: 'functions/api/get-need.ts', table: 'read' },
  PatchNeed: { entry: 'functions/api/patch-need.ts', table: 'readWrite' },
  WithdrawNeed: { entry: 'functions/api/withdraw-need.ts', table: 'readWrite' },
  GetOpenApi: { entry: 'functions/api/get-open-api.ts', table: 'none' },
  StartRound: { entry: 'functions/api/start-round.ts', table: 'read', round: 'start' },
  ListAssignments: { entry: 'functions/api/list-assignments.ts', table: 'read' },
  AnswerAssignment: { entry: 'functions/api/answer-assignment.ts', table: 'readWrite', round: 'answer' },
  FileVisitReport: { entry: 'functions/api/file-visit-report.ts', table: 'readWrite' },
  GetVisitLog: { entry: 'functions/api/get-visit-log.ts', table: 'read' },
  GetVisit: { entry: 'functions/api/get-visit.ts', table: 'read' },
  GetSeasonReport: { entry: 'functions/api/get-season-report.ts', table: 'read' },
  ReplanSeason: { entry: 'functions/api/replan-season.ts', table: 'readWrite' },
  // Approval completes the round's waiting AwaitPlanApproval.
  ApproveSeasonPlan: { entry: 'functions/api/approve-season-plan.ts', table: 'readWrite', round: 'answer' },
  ListUnassignedNeeds: { entry: 'functions/api/list-unassigned-needs.ts', table: 'read' },
  // A hand placement starts its offer's execution.
  PlaceNeed: { entry: 'functions/api/place-need.ts', table: 'readWrite', round: 'start' },
  // Cognito administration is granted on the user pool by infra/auth.ts.
  ManageUsers: { entry: 'functions/api/manage-users.ts', table: 'readWrite' },
  // Sign-in marks the invitation used and counts tries. In AWS people sign in through Cognito's
  // managed login and renew with its refresh token, so POST /session and POST /session/renew
  // (invitation codes, local session tokens) are not deployed.
  Sessions: { entry: 'functions/api/sessions.ts', table: 'readWrite', localOnly: true },
  // Catalog changes and question versions, each with its audit entry.
  ManageCatalog: { entry: 'functions/api/manage-catalog.ts', table: 'readWrite' },
  ListAudit: { entry: 'functions/api/list-audit.ts', table: 'read' },
  SeasonQuestions: { entry: 'functions/api/season-questions.ts', table: 'readWrite' },
} as const satisfies Record<string, ApiFunctionWiring>;
export type ApiFunctionId = keyof typeof API_FUNCTIONS;

/** Whether the stack deploys an API function (the local-only sign-in is not deployed). */
export function isDeployed(functionId: string): boolean {
  const wiring: ApiFunctionWiring | undefined = (API_FUNCTIONS as Record<string, ApiFunctionWiring>)[
    functionId
  ];
  return wiring?.localOnly !== true;
}

/** Every function of the product by construct id. */
export const ALL_FUNCTIONS: Readonly<Record<string, FunctionWiring>> = {
  ...ROUND_FUNCTIONS,
  ...API_FUNCTIONS,
  ...SCHEDULED_FUNCTIONS,
  ...IDENTITY_FUNCTIONS,
};

/**
 * Every route of the HTTP API, from the declarations in functions/routes/ — the CDK HTTP API, the
 * local adapter and the OpenAPI document are built from this list. A new route: declare it in the
 * module of its resource, write its handler in functions/api/, and list it here.
 */
export const API_ROUTES: readonly ApiRoute[] = [
  getCounties,
  getSeasonPlan,
  postNeed,
  listNeeds,
  getNeed,
  patchNeed,
  withdrawNeed,
  getOpenApi,
  startRound,
  listAssignments,
  acceptAssignment,
  declineAssignment,
  fileVisitReport,
  getVisitLog,
  getVisit,
  getSeasonReport,
  putSeasonOverrides,
  approveSeasonPlan,
  listUnassignedNeeds,
  placeNeed,
  createUser,
  listUsers,
  revokeUser,
  reinviteUser,
  createSession,
  renewSession,
  listSocieties,
  createSociety,
  updateSociety,
  removeSociety,
  createCounty,
  updateCounty,
  removeCounty,
  importCatalog,
  catalogTemplate,
  listAudit,
  getSeasonQuestions,
  putSeasonQuestions,
];
