/**
 * Errors shaped as the AWS SDK throws them (`name` is the service's error code, `$fault` and
 * `$metadata` as on a ServiceException), so handler code that inspects them behaves as in AWS.
 */
export class AwsServiceError extends Error {
  readonly $fault = 'client';
  readonly $metadata: { httpStatusCode: number };
  /** Set on every error the embedded runtime's checks raise (tests tell them from DynamoDB Local's). */
  readonly raisedByAwsRules = true;
  constructor(name: string, message: string, httpStatusCode = 400) {
    super(message);
    this.name = name;
    this.$metadata = { httpStatusCode };
  }
}

/** An error of a state (Step Functions' `Error` and `Cause`). */
export class StatesError extends Error {
  readonly raisedByAwsRules = true;
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}
