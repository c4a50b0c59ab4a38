import { nextDigestTime } from '#domain/coordinator-notices';

const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The coordinators' daily digest on one machine: calls `fire` with the time at 08:00 Beijing time
 * each day (the deployed stack's schedule does the same). The digest's id is the day's, so a
 * restart that fires twice in a day still queues one message.
 */
export function startDigestTimer(fire: (at: Date) => void, now: () => Date = () => new Date()) {
  let timer: NodeJS.Timeout | undefined;
  let next = nextDigestTime(now());
  const arm = () => {
    const wait = next.getTime() - now().getTime();
    if (wait <= 0) {
      const at = next;
      next = nextDigestTime(now());
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
