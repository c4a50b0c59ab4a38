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
  CompleteRound: 'functions/complete-round.ts',
} as const;
export type RoundFunctionId = keyof typeof ROUND_FUNCTIONS;

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
} as const;
export type ApiFunctionId = keyof typeof API_FUNCTIONS;

export const API_ROUTES: readonly ApiRoute[] = [
  { method: 'GET', path: '/counties', functionId: 'GetCounties' },
  { method: 'GET', path: '/seasons/{season}/plan', functionId: 'GetSeasonPlan' },
];
