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
} as const;

export interface ApiRoute {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** API Gateway v2 route path, e.g. `/seasons/{season}/plan`. */
  readonly path: string;
  /** Construct id of the function that serves it (a key of API_FUNCTIONS). */
  readonly functionId: ApiFunctionId;
  /** Routes without auth are few and read-only. */
  readonly public?: boolean;
}

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
  GetSeasonReport: 'functions/api/get-season-report.ts',
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
};

/**
 * What an API function may do on the round state machine (least privilege; none unless named):
 * `start` = states:StartExecution (and STATE_MACHINE_ARN), `answer` = SendTaskSuccess/SendTaskFailure.
 */
export const API_FUNCTION_ROUND_ACCESS: Readonly<Partial<Record<ApiFunctionId, 'start' | 'answer'>>> = {
  StartRound: 'start',
  AnswerAssignment: 'answer',
};

export const API_ROUTES: readonly ApiRoute[] = [
  { method: 'GET', path: '/counties', functionId: 'GetCounties' },
  { method: 'GET', path: '/seasons/{season}/plan', functionId: 'GetSeasonPlan' },
  { method: 'POST', path: '/needs', functionId: 'PostNeed' },
  { method: 'GET', path: '/needs', functionId: 'ListNeeds' },
  { method: 'GET', path: '/needs/{id}', functionId: 'GetNeed' },
  { method: 'PATCH', path: '/needs/{id}', functionId: 'PatchNeed' },
  { method: 'POST', path: '/needs/{id}/withdraw', functionId: 'WithdrawNeed' },
  { method: 'GET', path: '/openapi.json', functionId: 'GetOpenApi', public: true },
  { method: 'POST', path: '/rounds', functionId: 'StartRound' },
  { method: 'GET', path: '/assignments', functionId: 'ListAssignments' },
  { method: 'POST', path: '/assignments/{id}/accept', functionId: 'AnswerAssignment' },
  { method: 'POST', path: '/assignments/{id}/decline', functionId: 'AnswerAssignment' },
  { method: 'POST', path: '/visits/{id}/report', functionId: 'FileVisitReport' },
  { method: 'GET', path: '/visits/{id}/log', functionId: 'GetVisitLog' },
  { method: 'GET', path: '/seasons/{season}/report', functionId: 'GetSeasonReport' },
];
