import middy from '@middy/core';
import { logger } from '#commons/logger';
import { parseInput } from '#commons/validation';
import { seasonOfInstant } from '#domain/season';
import { ScheduledRoundStart } from '#schemas/index';
import { startSeasonRound } from '#services/start-round';

/**
 * StartScheduledRound: EventBridge Scheduler's quarterly target. It starts the quarter's season
 * exactly as POST /rounds does (`startSeasonRound`: name `<season>-<attempt>`, input
 * `{ season }`), so a scheduled start and a manual one of the same season are one execution.
 */
export const handler = middy<
  unknown,
  { season: string; name: string; executionId: string; started: boolean }
>()
  .use({ before: (request) => logger.addContext(request.context) })
  .handler(async (event) => {
    const { scheduledTime } = parseInput(ScheduledRoundStart, event, 'schedule event');
    const season = seasonOfInstant(new Date(scheduledTime));
    const result = await startSeasonRound(season);
    logger.info(result.started ? 'round started' : 'round already started', { season, ...result });
    return { season, ...result };
  });
