import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * One tracer for every function, with the logger's service name. X-Ray is on for the Lambdas; outside
 * Lambda (tests, the embedded runtime) Powertools disables tracing by itself.
 */
export const tracer = new Tracer({ serviceName: 'mountain-rounds' });
