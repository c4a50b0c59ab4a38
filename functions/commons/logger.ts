import { Logger } from '@aws-lambda-powertools/logger';

/** Keys whose values are credentials: a log line names that one was there, never what it was. */
const SECRET_KEYS = new Set(['webhookSecret', 'secret']);

/** One logger for every function, with a fixed service name; credentials never reach a log. */
export const logger = new Logger({
  serviceName: 'mountain-rounds',
  jsonReplacerFn: (key, value) =>
    SECRET_KEYS.has(key) && value !== undefined && value !== null && value !== '' ? '[redacted]' : value,
});
