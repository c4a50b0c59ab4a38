import { nextQuarterlyTrigger } from '#domain/schedule';

const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The embedded stand-in for EventBridge Scheduler: calls `fire` with the scheduled time at each
 * quarterly trigger. Long waits are split, since Node timers cap at about 24.8 days.
 */
export function startQuarterlySchedule(
  fire: (scheduledTime: string) => void,
  now: () => Date = () => new Date(),
) {
  let timer: NodeJS.Timeout | undefined;
  let next = nextQuarterlyTrigger(now());
  const arm = () => {
    const wait = next.getTime() - now().getTime();
    if (wait <= 0) {
      const scheduledTime = next.toISOString();
      next = nextQuarterlyTrigger(now());
      fire(scheduledTime);
      arm();
      return;
    }
    timer = setTimeout(arm, Math.min(wait, MAX_TIMER_MS));
  };
  arm();
  return {
    get next(): Date {
      return next;
    },
    stop: () => clearTimeout(timer),
  };
}
