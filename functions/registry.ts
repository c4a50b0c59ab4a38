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
 * Every Lambda function of the product: construct id → entry file (relative to the repo root).
 * The CDK stack builds one NodejsFunction per entry; the embedded runtime maps a synthesized
 * function back to its entry through the construct id, so both run the very same handler.
 */
export const ROUND_FUNCTIONS = {
  LoadRound: 'functions/load-round.ts',
  ChooseTown: 'functions/choose-town.ts',
  FrameQuestions: 'functions/frame-questions.ts',
  AssignSocieties: 'functions/assign-societies.ts',
  PersistPlan: 'functions/persist-plan.ts',
  AwaitPlanApproval: 'functions/await-plan-approval.ts',
  RecordPlanApproval: 'functions/record-plan-approval.ts',
  ListPendingOffers: 'functions/list-pending-offers.ts',
  SendOffer: 'functions/send-offer.ts',
  RecordAnswer: 'functions/record-answer.ts',
  ReassignNeeds: 'functions/reassign-needs.ts',
  CompleteRound: 'functions/complete-round.ts',
} as const;
export type RoundFunctionId = keyof typeof ROUND_FUNCTIONS;

/** Functions started by a schedule of their own (not the round, not the API). */
export const SCHEDULED_FUNCTIONS = {
  /** Sends the outbox's due notifications (infra/outbox.ts). */
  DispatchOutbox: 'functions/dispatch-outbox.ts',
  /** Starts the quarter's round under the season's execution name (infra/schedule.ts). */
  StartScheduledRound: 'functions/start-scheduled-round.ts',
} as const;

/** Functions Cognito invokes (infra/auth.ts). */
export const IDENTITY_FUNCTIONS = {
  /** Pre-token generation (V2_0): the role, county and society claims into the access token. */
  AddTokenClaims: 'functions/add-token-claims.ts',
} as const;

/** A route as declared in functions/routes/ (method, path, access, schemas, responses, body limit). */
export type ApiRoute = RouteDeclaration & { readonly functionId: ApiFunctionId };

export const API_FUNCTIONS = {
  GetCounties: 'functions/api/get-counties.ts',
  GetSeasonPlan: 'functions/api/get-season-plan.ts',
  PostNeed: 'functions/api/post-need.ts',
  ListNeeds: 'functions/api/list-needs.ts',
  GetNeed: 'functions/api/get-need.ts',
  PatchNeed: 'functions/api/patch-need.ts',
  WithdrawNeed: 'functions/api/withdraw-need.ts',
  GetOpenApi: 'functions/api/get-openapi.ts',
  StartRound: 'functions/api/start-round.ts',
  ListAssignments: 'functions/api/list-assignments.ts',
  AnswerAssignment: 'functions/api/answer-assignment.ts',
  FileVisitReport: 'functions/api/file-visit-report.ts',
  GetVisitLog: 'functions/api/get-visit-log.ts',
  GetVisit: 'functions/api/get-visit.ts',
  GetSeasonReport: 'functions/api/get-season-report.ts',
  ReplanSeason: 'functions/api/replan-season.ts',
  ApproveSeasonPlan: 'functions/api/approve-season-plan.ts',
  ListUnassignedNeeds: 'functions/api/list-unassigned-needs.ts',
  PlaceNeed: 'functions/api/place-need.ts',
  ManageUsers: 'functions/api/manage-users.ts',
  Sessions: 'functions/api/sessions.ts',
  ManageCatalog: 'functions/api/manage-catalog.ts',
  ListAudit: 'functions/api/list-audit.ts',
  SeasonQuestions: 'functions/api/season-questions.ts',
} as const;
export type ApiFunctionId = keyof typeof API_FUNCTIONS;

/** What an API function may do on the table: `none` (no TABLE_NAME), `read`, or `readWrite`. */
export type ApiTableAccess = 'none' | 'read' | 'readWrite';

/** Table access of the API functions that need other than `read` (the default): least privilege per function. */
export const API_FUNCTION_ACCESS: Readonly<Partial<Record<ApiFunctionId, ApiTableAccess>>> = {
  PostNeed: 'readWrite',
  PatchNeed: 'readWrite',
  WithdrawNeed: 'readWrite',
  GetOpenApi: 'none',
  AnswerAssignment: 'readWrite',
  FileVisitReport: 'readWrite',
  ManageUsers: 'readWrite',
  ReplanSeason: 'readWrite',
  ApproveSeasonPlan: 'readWrite',
  PlaceNeed: 'readWrite',
  // Sign-in marks the invitation used and counts tries.
  Sessions: 'readWrite',
  // Catalog changes and question versions, each with its audit entry.
  ManageCatalog: 'readWrite',
  SeasonQuestions: 'readWrite',
};

/**
 * API functions the embedded runtime serves and AWS does not: in AWS people sign in through
 * Cognito's managed login and renew with its refresh token, so POST /session and
 * POST /session/renew (invitation codes, local session tokens) are not deployed.
 */
export const LOCAL_ONLY_API_FUNCTIONS: ReadonlySet<ApiFunctionId> = new Set<ApiFunctionId>(['Sessions']);

/**
 * What an API function may do on the round state machine (least privilege; none unless named):
 * `start` = states:StartExecution (and STATE_MACHINE_ARN), `answer` = SendTaskSuccess/SendTaskFailure.
 */
export const API_FUNCTION_ROUND_ACCESS: Readonly<Partial<Record<ApiFunctionId, 'start' | 'answer'>>> = {
  StartRound: 'start',
  AnswerAssignment: 'answer',
  // Approval completes the round's waiting AwaitPlanApproval; a hand placement starts its offer's execution.
  ApproveSeasonPlan: 'answer',
  PlaceNeed: 'start',
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
