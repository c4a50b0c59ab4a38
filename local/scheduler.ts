import { nextDigestTime } from '#domain/coordinator-notices';
import { nextQuarterlyTrigger } from '#domain/schedule';

const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The embedded stand-in for EventBridge Scheduler's schedules: calls `fire` with each time
 * `nextTime` gives. Long waits are split, since Node timers cap at about 24.8 days.
 */
function startRecurring(nextTime: (after: Date) => Date, fire: (at: Date) => void, now: () => Date) {
  let timer: NodeJS.Timeout | undefined;
  let next = nextTime(now());
  const arm = () => {
    const wait = next.getTime() - now().getTime();
    if (wait <= 0) {
      const at = next;
      next = nextTime(now());
      fire(at);
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

/** The quarterly trigger: `fire` gets the scheduled time. */
export function startQuarterlySchedule(
  fire: (scheduledTime: string) => void,
  now: () => Date = () => new Date(),
) {
  return startRecurring(nextQuarterlyTrigger, (at) => fire(at.toISOString()), now);
}

/**
 * The coordinators' daily digest at 08:00 Beijing time. The digest's id is the day's, so a restart
 * that fires twice in a day still queues one message.
 */
export function startDigestTimer(fire: (at: Date) => void, now: () => Date = () => new Date()) {
  return startRecurring(nextDigestTime, fire, now);
}
