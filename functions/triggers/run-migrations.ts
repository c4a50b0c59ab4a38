import middy from '@middy/core';
import { logger } from '#commons/logger';
import { type MigrationRun, runMigrations } from '#functions/migrations/index';

/**
 * RunMigrations: the data migrations (functions/migrations/), invoked by CloudFormation after each
 * deploy that changes this function (infra/rounds-stack.ts, a CDK Trigger). A failure fails the
 * deploy, which CloudFormation then rolls back; the data version stays where it was.
 */
export const handler = middy<unknown, MigrationRun>()
  .use({ before: (request) => logger.addContext(request.context) })
  .handler(async () => {
    const run = await runMigrations({ log: (line) => logger.info(line) });
    logger.info('data migrations done', { ...run });
    return run;
  });
