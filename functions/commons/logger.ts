import { Logger } from '@aws-lambda-powertools/logger';

/** One logger for every function, with a fixed service name. */
export const logger = new Logger({ serviceName: 'mountain-rounds' });
