import { acceptAssignment, declineAssignment, listAssignments } from './routes/assignments.ts';
import { createAttachment, removeAttachment, updateAttachment } from './routes/attachments.ts';
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
import { listNotifications, resendNotification } from './routes/notifications.ts';
import { getSeasonQuestions, putSeasonQuestions } from './routes/questions.ts';
import { getReports, getSocietyExperts } from './routes/reports.ts';
import type { RouteDeclaration } from './routes/route.ts';
import { confirmVisitSchedule, getVisitCalendar, proposeVisitSchedule } from './routes/schedule.ts';
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
  createDeviceCode,
  createSession,
  createUser,
  listUsers,
  refreshSession,
  reinviteUser,
  renewSession,
  requestSignInLink,
  revokeUser,
  signOutSession,
} from './routes/users.ts';
import { fileVisitReport, getVisit, getVisitLog, highlightVisit, unhighlightVisit } from './routes/visits.ts';

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
  /** What its role may do on the attachments bucket (infra/attachments.ts); none without it. */
  readonly files?: FilesAccess;
}

/**
 * What a function's role may do on the attachments bucket (ATTACHMENTS_BUCKET): `read` (GetObject:
 * signed GET URLs, a photo's bytes), `sign` (read, plus PutObject for the presigned upload form and
 * DeleteObject for a removed photo), `confirm` (read, DeleteObject, and removing the pending tag).
 */
export type FilesAccess = 'read' | 'sign' | 'confirm';

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

/** A function's file: its id in kebab case, in the folder of its kind (FindNextSociety → find-next-society.ts). */
function wire<const T extends Record<string, object>>(folder: string, functions: T) {
  const kebab = (id: string) => id.replace(/[a-z](?=[A-Z])/g, (c) => `${c}-`).toLowerCase();
  return Object.fromEntries(
    Object.entries(functions).map(([id, wiring]) => [
      id,
      { entry: `functions/${folder}/${kebab(id)}.ts`, ...wiring },
    ]),
  ) as { readonly [K in keyof T]: T[K] & { readonly entry: string } };
}

/**
 * The round's steps, one per state that runs a Lambda and named after it (a function several
 * states share is named after the function). FrameFiveQuestions is pure (no table); only the steps
 * that write get readWrite. None publishes: the state machine sends the coordinator alert itself,
 * the notifications go out through the outbox's dispatcher.
 */
export const ROUND_FUNCTIONS = wire('round', {
  LoadRound: { table: 'read' },
  ChooseTown: { table: 'read' },
  FrameFiveQuestions: { table: 'none' },
  // Writes each draft visit's assignment back: the plan travels by reference, not in the payload.
  AssignSocieties: { table: 'readWrite' },
  // PersistPlanBatch and PersistPlan.
  PersistPlan: { table: 'readWrite' },
  // Keeps the plan review's token on the round; completes its own wait when approved already.
  AwaitPlanApproval: { table: 'readWrite', answerTasks: true },
  // ApprovePlanAutomatically and ApprovePlanOnTimeout.
  RecordPlanApproval: { table: 'readWrite' },
  ListPendingOffers: { table: 'read' },
  // Completes its own wait when the offer was answered already or is auto-accepted (SendTask*).
  SendOfferAndWaitForAnswer: { table: 'readWrite', answerTasks: true },
  // RecordAcceptance, RecordOfferDeclined and RecordOfferExpired.
  RecordAnswer: { table: 'readWrite' },
  FindNextSociety: { table: 'readWrite' },
  CompleteRound: { table: 'readWrite' },
} satisfies Record<string, Omit<RoundFunctionWiring, 'entry'>>);
export type RoundFunctionId = keyof typeof ROUND_FUNCTIONS;

/** Functions started by a schedule of their own (not the round, not the API). */
export const SCHEDULED_FUNCTIONS = wire('triggers', {
  /** Sends the outbox's due notifications (infra/outbox.ts grants the senders). */
  DispatchOutbox: { table: 'outbox' },
  /** Starts the quarter's round under the season's execution name (infra/schedule.ts). */
  StartScheduledRound: { table: 'read' },
} satisfies Record<string, Omit<FunctionWiring, 'entry'>>);

/** Functions the attachments bucket invokes (infra/attachments.ts). */
export const FILE_FUNCTIONS = wire('triggers', {
  /** S3 ObjectCreated: checks an upload's size and first bytes, marks its attachment stored or rejected. */
  ConfirmAttachmentUpload: { table: 'readWrite', files: 'confirm' },
} satisfies Record<string, Omit<FunctionWiring, 'entry'>>);

/**
 * Functions CloudFormation runs once a deploy is in place (a CDK Trigger, infra/rounds-stack.ts).
 * RunMigrations reads and writes the table (functions/migrations/, docs/deploy.md).
 */
export const DEPLOY_FUNCTIONS = wire('triggers', {
  RunMigrations: { table: 'readWrite' },
} satisfies Record<string, Omit<FunctionWiring, 'entry'>>);

/** Functions Cognito invokes (infra/auth.ts). */
export const IDENTITY_FUNCTIONS = wire('triggers', {
  /** Pre-token generation (V2_0): the role, county and society claims into the access token. */
  AddTokenClaims: { table: 'none' },
} satisfies Record<string, Omit<FunctionWiring, 'entry'>>);

/**
 * The HTTP API's own authorizer where there is no Cognito (AWS China, infra/session-auth.ts): verifies
 * the product's session tokens and that their user and device session still stand.
 */
export const SESSION_FUNCTIONS = wire('triggers', {
  AuthorizeSession: { table: 'read' },
} satisfies Record<string, Omit<FunctionWiring, 'entry'>>);

/** A route as declared in functions/routes/ (method, path, access, schemas, responses, body limit). */
export type ApiRoute = RouteDeclaration & { readonly functionId: ApiFunctionId };

/** The HTTP API's functions: least privilege each; a read-only one reads the table and nothing more. */
export const API_FUNCTIONS = wire('api', {
  GetCounties: { table: 'read' },
  GetSeasonPlan: { table: 'read' },
  PostNeed: { table: 'readWrite' },
  ListNeeds: { table: 'read' },
  GetNeed: { table: 'read' },
  PatchNeed: { table: 'readWrite' },
  WithdrawNeed: { table: 'readWrite' },
  GetOpenApi: { table: 'none' },
  StartRound: { table: 'read', round: 'start' },
  ListAssignments: { table: 'read' },
  AnswerAssignment: { table: 'readWrite', round: 'answer' },
  FileVisitReport: { table: 'readWrite' },
  GetVisitLog: { table: 'read' },
  // Lists the visit's photos with signed GET URLs.
  GetVisit: { table: 'read', files: 'read' },
  // A photo's upload form (presigned POST), its caption, its removal.
  ManageAttachments: { table: 'readWrite', files: 'sign' },
  GetSeasonReport: { table: 'read' },
  // And a society's roster of experts (GET /societies/{id}/experts).
  GetReports: { table: 'read', files: 'read' },
  // Marks the county summary of the visit's season.
  HighlightVisit: { table: 'readWrite' },
  ReplanSeason: { table: 'readWrite' },
  // Approval completes the round's waiting AwaitPlanApproval.
  ApproveSeasonPlan: { table: 'readWrite', round: 'answer' },
  ListUnassignedNeeds: { table: 'read' },
  // A hand placement starts its offer's execution.
  PlaceNeed: { table: 'readWrite', round: 'start' },
  // Cognito administration is granted on the user pool by infra/auth.ts.
  ManageUsers: { table: 'readWrite' },
  // Sign-in marks the invitation used and keeps device sessions (tries are counted in memory). In AWS
  // people sign in through Cognito's managed login and renew with its refresh token, so the /session
  // routes (invitation codes, device credentials, local session tokens) are not deployed.
  Sessions: { table: 'readWrite', localOnly: true },
  // Catalog changes and question versions, each with its audit entry.
  ManageCatalog: { table: 'readWrite' },
  ListAudit: { table: 'read' },
  SeasonQuestions: { table: 'readWrite' },
  // The visit date: a proposal or confirmation with its log and audit entries.
  ScheduleVisit: { table: 'readWrite' },
  GetVisitCalendar: { table: 'read' },
  // The coordinator's view of the outbox; a resend puts a failed message back in the queue, audited.
  ListNotifications: { table: 'read' },
  ResendNotification: { table: 'readWrite' },
} satisfies Record<string, Omit<ApiFunctionWiring, 'entry'>>);
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
  ...SESSION_FUNCTIONS,
  ...FILE_FUNCTIONS,
  ...DEPLOY_FUNCTIONS,
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
  createAttachment,
  updateAttachment,
  removeAttachment,
  getSeasonReport,
  getReports,
  getSocietyExperts,
  highlightVisit,
  unhighlightVisit,
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
  refreshSession,
  signOutSession,
  createDeviceCode,
  requestSignInLink,
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
  proposeVisitSchedule,
  confirmVisitSchedule,
  getVisitCalendar,
  listNotifications,
  resendNotification,
];
