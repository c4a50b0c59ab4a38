/**
 * Errors the handlers throw. Their `name` is what the state machine's Retry/Catch match on
 * (Lambda reports it as the error type) and what the HTTP layer maps to a status code.
 */
export interface FieldIssue {
  path: string;
  /** `中文 / English` */
  message: string;
  zh?: string;
  en?: string;
}

/** A field's problem in both languages: `message` is `中文 / English`. */
export function fieldIssue(path: string, zh: string, en: string): FieldIssue {
  return { path, message: `${zh} / ${en}`, zh, en };
}

/** A 400 that names the fields at fault (the first five) in both languages. */
export function invalidInput(issues: FieldIssue[]): InvalidInputError {
  const named = [...new Set(issues.map((i) => i.path))].slice(0, 5).join(', ');
  return new InvalidInputError(`输入有误：${named} / invalid input: ${named}`, issues);
}

/**
 * An error the HTTP layer answers with its `statusCode`; `fields` name what is at fault (a 400's bad
 * fields, or what holds a 409's change back, e.g. the town whose open needs keep it).
 */
abstract class ApiError extends Error {
  abstract readonly statusCode: number;
  constructor(
    message: string,
    readonly fields: FieldIssue[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The error class of one status code, named as the state machine and the logs see it. */
function apiError<const N extends string>(name: N, statusCode: number) {
  return class extends ApiError {
    override readonly name: N = name;
    readonly statusCode = statusCode;
  };
}

export class InvalidInputError extends apiError('InvalidInputError', 400) {}
export class UnauthorizedError extends apiError('UnauthorizedError', 401) {}
export class ForbiddenError extends apiError('ForbiddenError', 403) {}
export class NotFoundError extends apiError('NotFoundError', 404) {}
export class ConflictError extends apiError('ConflictError', 409) {}
/** A request body over the endpoint's limit. */
export class PayloadTooLargeError extends apiError('PayloadTooLargeError', 413) {}
/** A request body that is not JSON (by its Content-Type). */
export class UnsupportedMediaTypeError extends apiError('UnsupportedMediaTypeError', 415) {}

/** Too many attempts (sign-in): try again after `retryAfterSeconds`. */
export class TooManyRequestsError extends apiError('TooManyRequestsError', 429) {
  constructor(
    message: string,
    readonly retryAfterSeconds = 60,
  ) {
    super(message);
  }
}

/** A transient failure (throttling, a dropped connection): the state machine retries it with backoff. */
export class RetryableError extends Error {
  override readonly name = 'RetryableError';
}

/** A team declined an offer: the SendTaskFailure error the state machine catches. */
export const OFFER_DECLINED = 'OfferDeclined';
