import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type * as z from 'zod';
import { RetryableError } from '#commons/errors';
import { logger } from '#commons/logger';
import { parseInput } from '#commons/validation';

// SDK errors worth a retry by the state machine; anything else is a real failure.
const TRANSIENT = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TransactionConflictException',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'TimeoutError',
]);

function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: string }).code;
  return TRANSIENT.has(error.name) || (code !== undefined && TRANSIENT.has(code));
}

/**
 * A state-machine step: validates its payload with the step's schema, runs the plain function,
 * and turns transient AWS errors into `RetryableError` so the definition's Retry applies.
 */
export function roundStep<S extends z.ZodType, R>(
  name: string,
  schema: S,
  run: (input: z.infer<S>) => Promise<R>,
): (event: unknown, context: Context) => Promise<R> {
  return middy<unknown, R>()
    .use({
      before: (request) => {
        logger.addContext(request.context);
        logger.appendKeys({ step: name });
      },
    })
    .handler(async (event) => {
      const input = parseInput(schema, event, `${name} payload`);
      try {
        return await run(input);
      } catch (error) {
        if (isTransient(error)) throw new RetryableError((error as Error).message, { cause: error });
        throw error;
      }
    }) as unknown as (event: unknown, context: Context) => Promise<R>;
}
